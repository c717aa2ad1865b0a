# Schema after the last migration, written by cpcgen migrate diff; listed in atlas.sum.
# cpcgen:enum-comment {"enum":"currency","comment":"An ISO 4217 currency code."}
# cpcgen:enum-comment {"enum":"transaction_kind","comment":"What a transaction does to balances."}
# cpcgen:usage {"table":"accounts","read":["id","user_id","name","currency","balance","created_at","updated_at","version"],"insert":["user_id","name","currency"],"write":["id","user_id","name","currency","balance","created_at","updated_at","version"]}
# cpcgen:usage {"table":"categories","read":["id","name","parent_id"],"insert":["name","parent_id"],"write":["name","parent_id"]}
# cpcgen:usage {"table":"ledger_entries","read":["id","transaction_id","account_id","user_id","kind","amount","created_at"],"insert":["transaction_id","account_id","user_id","kind","amount"],"write":["transaction_id","account_id","user_id","kind","amount","created_at"]}
# cpcgen:usage {"table":"transactions","read":["id","user_id","kind","amount","currency","from_account_id","to_account_id","category_id","memo","idempotency_key","created_at"],"insert":["user_id","kind","amount","currency","from_account_id","to_account_id","category_id","memo","idempotency_key"],"write":["id","user_id","kind","amount","currency","from_account_id","to_account_id","category_id","memo","idempotency_key","created_at"]}
# cpcgen:usage {"table":"users","read":["id","email","name","created_at","updated_at"],"insert":["email","name"],"write":["id","email","name","created_at","updated_at"]}
table "users" {
  schema  = schema.public
  comment = "A customer of the bank."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "email" {
    null = false
    type = character_varying(255)
  }
  column "name" {
    null = false
    type = character_varying(120)
  }
  column "created_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  column "updated_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  check "users_email_format" {
    expr = "\"email\" ~ '^(?:[!#-''*-+\\u002D-9=?A-Z\\u005E-~]+\\@[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?(?:\\.[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?)+)$'"
  }
  check "users_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  unique "users_email_key" {
    columns = [column.email]
  }
}
table "categories" {
  schema  = schema.public
  comment = "A spending category that transactions can be filed under, for reports."
  column "id" {
    null = false
    type = integer
    identity {
      generated = BY_DEFAULT
    }
  }
  column "name" {
    null = false
    type = character_varying(64)
  }
  column "parent_id" {
    null    = true
    type    = integer
    comment = "The broader category this one belongs to."
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "categories_parent_id_fkey" {
    columns     = [column.parent_id]
    ref_columns = [column.id]
    on_update   = NO_ACTION
    on_delete   = SET_NULL
  }
  check "categories_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  unique "categories_name_key" {
    columns = [column.name]
  }
}
table "accounts" {
  schema  = schema.public
  comment = "Money a user holds in one currency. The balance never goes below zero."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "user_id" {
    null = false
    type = uuid
  }
  column "name" {
    null = false
    type = character_varying(64)
  }
  column "currency" {
    null = false
    type = enum.currency
  }
  column "balance" {
    null    = false
    type    = numeric(18,2)
    default = sql("0")
  }
  column "created_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  column "updated_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  column "version" {
    null    = false
    type    = bigint
    default = sql("1")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "accounts_user_id_fkey" {
    columns     = [column.user_id]
    ref_columns = [table.users.column.id]
    on_update   = NO_ACTION
    on_delete   = RESTRICT
  }
  index "accounts_user_id_name_key" {
    unique  = true
    columns = [column.user_id, column.name]
  }
  check "accounts_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  check "accounts_balance_min" {
    expr = "\"balance\" >= 0"
  }
}
table "transactions" {
  schema  = schema.public
  comment = "One movement of money, recorded once per user and idempotency key; rows are never changed."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "user_id" {
    null    = false
    type    = uuid
    comment = "The owner of the account debited (for a deposit, credited)."
  }
  column "kind" {
    null = false
    type = enum.transaction_kind
  }
  column "amount" {
    null = false
    type = numeric(18,2)
  }
  column "currency" {
    null = false
    type = enum.currency
  }
  column "from_account_id" {
    null    = true
    type    = uuid
    comment = "The account debited; set for withdrawals and transfers."
  }
  column "to_account_id" {
    null    = true
    type    = uuid
    comment = "The account credited; set for deposits and transfers."
  }
  column "category_id" {
    null = true
    type = integer
  }
  column "memo" {
    null = true
    type = text
  }
  column "idempotency_key" {
    null    = false
    type    = character_varying(64)
    comment = "Chosen by the client; a request of the same user repeated with the same key is done once. Unique per user: another user's key is none of this user's business."
  }
  column "created_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "transactions_user_id_fkey" {
    columns     = [column.user_id]
    ref_columns = [table.users.column.id]
    on_update   = NO_ACTION
    on_delete   = RESTRICT
  }
  foreign_key "transactions_from_account_id_fkey" {
    columns     = [column.from_account_id]
    ref_columns = [table.accounts.column.id]
    on_update   = NO_ACTION
    on_delete   = RESTRICT
  }
  foreign_key "transactions_to_account_id_fkey" {
    columns     = [column.to_account_id]
    ref_columns = [table.accounts.column.id]
    on_update   = NO_ACTION
    on_delete   = RESTRICT
  }
  foreign_key "transactions_category_id_fkey" {
    columns     = [column.category_id]
    ref_columns = [table.categories.column.id]
    on_update   = NO_ACTION
    on_delete   = SET_NULL
  }
  index "transactions_user_idempotency_key" {
    unique  = true
    columns = [column.user_id, column.idempotency_key]
  }
  check "transactions_amount_min" {
    expr = "\"amount\" >= 0.01"
  }
  check "transactions_memo_max_length" {
    expr = "char_length(\"memo\") <= 500"
  }
  check "transactions_idempotency_key_min_length" {
    expr = "char_length(\"idempotency_key\") >= 8"
  }
  check "transactions_accounts_match_kind" {
    expr = "(kind = 'deposit' AND from_account_id IS NULL AND to_account_id IS NOT NULL) OR (kind = 'withdrawal' AND from_account_id IS NOT NULL AND to_account_id IS NULL) OR (kind = 'transfer' AND from_account_id IS NOT NULL AND to_account_id IS NOT NULL AND from_account_id <> to_account_id)"
  }
}
table "ledger_entries" {
  schema  = schema.public
  comment = "One side of a transaction on one account; rows are never changed."
  column "id" {
    null = false
    type = bigint
    identity {
      generated = BY_DEFAULT
    }
  }
  column "transaction_id" {
    null = false
    type = uuid
  }
  column "account_id" {
    null = false
    type = uuid
  }
  column "user_id" {
    null    = false
    type    = uuid
    comment = "The owner of the account, so that a user's history is one index range."
  }
  column "kind" {
    null    = false
    type    = enum.transaction_kind
    comment = "The kind of the transaction."
  }
  column "amount" {
    null    = false
    type    = numeric(18,2)
    comment = "Positive for money in, negative for money out."
  }
  column "created_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "ledger_entries_transaction_id_fkey" {
    columns     = [column.transaction_id]
    ref_columns = [table.transactions.column.id]
    on_update   = NO_ACTION
    on_delete   = RESTRICT
  }
  foreign_key "ledger_entries_account_id_fkey" {
    columns     = [column.account_id]
    ref_columns = [table.accounts.column.id]
    on_update   = NO_ACTION
    on_delete   = RESTRICT
  }
  foreign_key "ledger_entries_user_id_fkey" {
    columns     = [column.user_id]
    ref_columns = [table.users.column.id]
    on_update   = NO_ACTION
    on_delete   = RESTRICT
  }
  index "ledger_entries_account_id_created_at_idx" {
    columns = [column.account_id, column.created_at]
  }
  index "ledger_entries_user_id_created_at_id_idx" {
    on {
      column = column.user_id
    }
    on {
      desc   = true
      column = column.created_at
    }
    on {
      desc   = true
      column = column.id
    }
  }
  check "ledger_entries_amount_check" {
    expr = "amount <> 0"
  }
}
enum "currency" {
  schema = schema.public
  values = ["USD", "EUR", "GBP", "CHF", "JPY"]
}
enum "transaction_kind" {
  schema = schema.public
  values = ["deposit", "withdrawal", "transfer"]
}
schema "public" {
}

# Schema after the last migration, written by cpcgen migrate diff; listed in atlas.sum.
# cpcgen:policy {"table":"activities","column":"organization_id","type":"uuid"}
# cpcgen:policy {"table":"contacts","column":"organization_id","type":"uuid"}
# cpcgen:policy {"table":"customer_tags","column":"organization_id","type":"uuid"}
# cpcgen:policy {"table":"customers","column":"organization_id","type":"uuid"}
# cpcgen:policy {"table":"deals","column":"organization_id","type":"uuid"}
# cpcgen:policy {"table":"organizations","column":"id","type":"uuid"}
# cpcgen:policy {"table":"tags","column":"organization_id","type":"uuid"}
# cpcgen:enum-comment {"enum":"activity_kind","comment":"How the organization was in touch with a customer."}
# cpcgen:enum-comment {"enum":"deal_stage","comment":"Where a deal stands in the pipeline; won and lost are closed."}
table "organizations" {
  schema  = schema.public
  comment = "A tenant. Its id is the tenant of every row it owns."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "name" {
    null = false
    type = character_varying(120)
  }
  column "slug" {
    null    = false
    type    = character_varying(63)
    comment = "The organization's name in URLs."
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
  check "organizations_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  check "organizations_slug_pattern" {
    expr = "\"slug\" ~ '^(?:^[0-9a-z]+(\\-[0-9a-z]+)*$)$'"
  }
  unique "organizations_slug_key" {
    columns = [column.slug]
  }
}
table "customers" {
  schema  = schema.public
  comment = "A company or person the organization sells to."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "name" {
    null = false
    type = character_varying(200)
  }
  column "email" {
    null    = false
    type    = character_varying(320)
    comment = "Unique within the organization, in any letter case."
  }
  column "phone" {
    null = true
    type = character_varying(32)
  }
  column "notes" {
    null = true
    type = text
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
  foreign_key "customers_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  index "customers_org_email_key" {
    unique = true
    on {
      column = column.organization_id
    }
    on {
      expr = "lower((email)::text)"
    }
  }
  index "customers_organization_id_name_id_idx" {
    columns = [column.organization_id, column.name, column.id]
  }
  check "customers_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  check "customers_email_format" {
    expr = "\"email\" ~ '^(?:[!#-''*-+\\u002D-9=?A-Z\\u005E-~]+\\@[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?(?:\\.[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?)+)$'"
  }
  check "customers_phone_format" {
    expr = "\"phone\" ~ '^(?:\\+[1-9][0-9]{1,14})$'"
  }
}
table "contacts" {
  schema  = schema.public
  comment = "A person at a customer."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "customer_id" {
    null = false
    type = uuid
  }
  column "name" {
    null = false
    type = character_varying(200)
  }
  column "email" {
    null = true
    type = character_varying(320)
  }
  column "title" {
    null = true
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
  foreign_key "contacts_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "contacts_customer_id_fkey" {
    columns     = [column.customer_id]
    ref_columns = [table.customers.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  check "contacts_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
  check "contacts_email_format" {
    expr = "\"email\" ~ '^(?:[!#-''*-+\\u002D-9=?A-Z\\u005E-~]+\\@[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?(?:\\.[0-9A-Za-z](?:[\\u002D0-9A-Za-z]{0,61}[0-9A-Za-z])?)+)$'"
  }
}
table "deals" {
  schema  = schema.public
  comment = "A sale, from first lead to won or lost."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "customer_id" {
    null = false
    type = uuid
  }
  column "title" {
    null = false
    type = character_varying(200)
  }
  column "stage" {
    null    = false
    type    = enum.deal_stage
    default = sql("'lead'::\"deal_stage\"")
  }
  column "amount" {
    null    = false
    type    = numeric(14,2)
    default = sql("0")
  }
  column "closes_on" {
    null    = true
    type    = date
    comment = "When the deal is expected to close."
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
  foreign_key "deals_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "deals_customer_id_fkey" {
    columns     = [column.customer_id]
    ref_columns = [table.customers.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  index "deals_organization_id_stage_idx" {
    columns = [column.organization_id, column.stage]
  }
  check "deals_title_min_length" {
    expr = "char_length(\"title\") >= 1"
  }
  check "deals_amount_min" {
    expr = "\"amount\" >= 0"
  }
}
table "activities" {
  schema  = schema.public
  comment = "Something that happened with a customer, about a deal or not."
  column "id" {
    null = false
    type = bigint
    identity {
      generated = BY_DEFAULT
    }
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "customer_id" {
    null = false
    type = uuid
  }
  column "deal_id" {
    null = true
    type = uuid
  }
  column "kind" {
    null = false
    type = enum.activity_kind
  }
  column "summary" {
    null = false
    type = text
  }
  column "happened_at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "activities_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "activities_customer_id_fkey" {
    columns     = [column.customer_id]
    ref_columns = [table.customers.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "activities_deal_id_fkey" {
    columns     = [column.deal_id]
    ref_columns = [table.deals.column.id]
    on_update   = NO_ACTION
    on_delete   = SET_NULL
  }
  index "activities_customer_id_happened_at_idx" {
    on {
      column = column.customer_id
    }
    on {
      desc   = true
      column = column.happened_at
    }
  }
  check "activities_summary_min_length" {
    expr = "char_length(\"summary\") >= 1"
  }
  check "activities_summary_max_length" {
    expr = "char_length(\"summary\") <= 2000"
  }
}
table "tags" {
  schema  = schema.public
  comment = "A label customers can carry, such as vip or churn-risk."
  column "id" {
    null    = false
    type    = uuid
    default = sql("gen_random_uuid()")
  }
  column "organization_id" {
    null = false
    type = uuid
  }
  column "name" {
    null = false
    type = character_varying(64)
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "tags_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  index "tags_organization_id_name_key" {
    unique  = true
    columns = [column.organization_id, column.name]
  }
  check "tags_name_min_length" {
    expr = "char_length(\"name\") >= 1"
  }
}
table "customer_tags" {
  schema  = schema.public
  comment = "Which customer carries which tag."
  column "organization_id" {
    null = false
    type = uuid
  }
  column "customer_id" {
    null = false
    type = uuid
  }
  column "tag_id" {
    null = false
    type = uuid
  }
  primary_key {
    columns = [column.customer_id, column.tag_id]
  }
  foreign_key "customer_tags_organization_id_fkey" {
    columns     = [column.organization_id]
    ref_columns = [table.organizations.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "customer_tags_customer_id_fkey" {
    columns     = [column.customer_id]
    ref_columns = [table.customers.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
  foreign_key "customer_tags_tag_id_fkey" {
    columns     = [column.tag_id]
    ref_columns = [table.tags.column.id]
    on_update   = NO_ACTION
    on_delete   = CASCADE
  }
}
table "cpcgen_audit_log" {
  schema  = schema.public
  comment = "One row per row changed by a write of a table with audit: true, written by the same statement as the change."
  column "id" {
    null = false
    type = bigint
    identity {
      generated = BY_DEFAULT
    }
  }
  column "table_name" {
    null    = false
    type    = text
    comment = "The table the row belongs to."
  }
  column "row_key" {
    null    = false
    type    = jsonb
    comment = "The row's primary key, as a JSON object of its columns."
  }
  column "action" {
    null    = false
    type    = text
    comment = "What happened to the row."
  }
  column "actor" {
    null    = true
    type    = text
    comment = "Who acted: runtime.WithActor, NULL when not given."
  }
  column "old" {
    null    = true
    type    = jsonb
    comment = "The row before the change; NULL for a new row."
  }
  column "new" {
    null    = true
    type    = jsonb
    comment = "The row after the change; NULL for a deleted row."
  }
  column "at" {
    null    = false
    type    = timestamptz
    default = sql("now()")
    comment = "The time of the change's transaction."
  }
  column "txid" {
    null    = false
    type    = bigint
    default = sql("txid_current()")
    comment = "The change's transaction."
  }
  primary_key {
    columns = [column.id]
  }
  index "cpcgen_audit_log_table_name_row_key_id_idx" {
    columns = [column.table_name, column.row_key, column.id]
  }
  check "cpcgen_audit_log_action_check" {
    expr = "\"action\" IN ('create', 'update', 'delete', 'restore', 'upsert', 'hard_delete')"
  }
}
enum "deal_stage" {
  schema = schema.public
  values = ["lead", "qualified", "proposal", "negotiation", "won", "lost"]
}
enum "activity_kind" {
  schema = schema.public
  values = ["call", "email", "meeting", "note"]
}
schema "public" {
}

-- Migration 000002 drop_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop index "accounts_user_id_idx" from table: "accounts"
CREATE INDEX "accounts_user_id_idx" ON "accounts" ("user_id");

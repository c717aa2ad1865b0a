-- Migration 000002 drop_index, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- drop index "accounts_user_id_idx" from table: "accounts"
DROP INDEX "accounts_user_id_idx";

-- Migration 000004 drop_soft_delete_unique_index_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration drop_soft_delete_unique_index: gives the indexes built under names of their own their names, in one transaction

-- reverse: give index "users_email_key_cpcgen_new" of table "users" its name
ALTER INDEX "users_email_key" RENAME TO "users_email_key_cpcgen_new";

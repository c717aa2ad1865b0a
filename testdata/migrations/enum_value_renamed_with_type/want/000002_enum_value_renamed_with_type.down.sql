-- Migration 000002 enum_value_renamed_with_type, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename value "gone" of enum type "post_state" to "it's gone"
ALTER TYPE "post_state" RENAME VALUE 'it''s gone' TO 'gone';
-- reverse: rename value "draft" of enum type "post_state" to "pending"
ALTER TYPE "post_state" RENAME VALUE 'pending' TO 'draft';
-- reverse: rename enum type "status" to "post_state"
ALTER TYPE "post_state" RENAME TO "status";

-- Migration 000002 enum_renamed_with_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename enum type "status" to "post_state"
ALTER TYPE "post_state" RENAME TO "status";

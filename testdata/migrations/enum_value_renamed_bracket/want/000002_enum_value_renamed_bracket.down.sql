-- Migration 000002 enum_value_renamed_bracket, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: rename value "a[1]" of enum type "slot" to "b[2]"
ALTER TYPE "slot" RENAME VALUE 'b[2]' TO 'a[1]';

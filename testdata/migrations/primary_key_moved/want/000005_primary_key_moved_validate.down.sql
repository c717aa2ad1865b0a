-- Migration 000005 primary_key_moved_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 4 of 4 of migration primary_key_moved: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- cpcgen: note: nothing to undo in this step

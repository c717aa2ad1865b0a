-- Migration 000003 add_column_check_default_passes_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration add_column_check_default_passes: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- cpcgen: note: nothing to undo in this step

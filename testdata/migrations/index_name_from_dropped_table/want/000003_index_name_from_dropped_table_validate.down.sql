-- Migration 000003 index_name_from_dropped_table_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration index_name_from_dropped_table: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- cpcgen: note: nothing to undo in this step

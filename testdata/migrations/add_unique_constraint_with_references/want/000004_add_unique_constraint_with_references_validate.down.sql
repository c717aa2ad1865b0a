-- Migration 000004 add_unique_constraint_with_references_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration add_unique_constraint_with_references: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- cpcgen: note: nothing to undo in this step

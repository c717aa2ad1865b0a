-- Migration 000004 behaviours_validate, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 3 of 3 of migration behaviours: validates the constraints added NOT VALID, scanning the rows without blocking writes

-- validate check "projects_name_min_length" of table "projects" against the existing rows
ALTER TABLE "projects" VALIDATE CONSTRAINT "projects_name_min_length";
-- validate check "projects_slug_format" of table "projects" against the existing rows
ALTER TABLE "projects" VALIDATE CONSTRAINT "projects_slug_format";
-- validate check "projects_contact_format" of table "projects" against the existing rows
ALTER TABLE "projects" VALIDATE CONSTRAINT "projects_contact_format";
-- validate check "projects_budget_min" of table "projects" against the existing rows
ALTER TABLE "projects" VALIDATE CONSTRAINT "projects_budget_min";
-- validate check "projects_budget_max" of table "projects" against the existing rows
ALTER TABLE "projects" VALIDATE CONSTRAINT "projects_budget_max";

-- Migration 000003 rename_column_index_replaced_tasks_assignee_idx, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.
-- cpcgen: note: step 2 of 2 of migration rename_column_index_replaced: builds index "tasks_assignee_idx" without blocking writes (CREATE INDEX CONCURRENTLY, outside a transaction); an invalid index left by an interrupted build is built again by the next run

-- cpcgen:no-transaction
-- build index "tasks_assignee_idx" of table "tasks" without blocking writes
CREATE INDEX CONCURRENTLY "tasks_assignee_idx" ON "tasks" ("assignee") WHERE NOT completed;

-- Migration 000002 widen_time_and_float, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- modify "t" table
ALTER TABLE "t" ALTER COLUMN "b" TYPE double precision, ALTER COLUMN "e" TYPE timestamp, ALTER COLUMN "f" TYPE time, ALTER COLUMN "g" TYPE interval, ALTER COLUMN "k" TYPE timestamptz(4);

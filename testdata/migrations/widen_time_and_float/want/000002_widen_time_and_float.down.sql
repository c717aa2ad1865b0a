-- Migration 000002 widen_time_and_float, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: modify "t" table
ALTER TABLE "t" ALTER COLUMN "k" TYPE timestamptz(2), ALTER COLUMN "g" TYPE interval(0), ALTER COLUMN "f" TYPE time(0), ALTER COLUMN "e" TYPE timestamp(3), ALTER COLUMN "b" TYPE real;

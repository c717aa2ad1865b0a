-- Migration 000002 enum_renamed_two_tables_one_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- reverse: drop enum type "ScoreDataType"
CREATE TYPE "ScoreDataType" AS ENUM ('CATEGORICAL', 'NUMERIC');
-- reverse: modify "scores" table
ALTER TABLE "scores" ALTER COLUMN "data_type" DROP DEFAULT, ALTER COLUMN "data_type" TYPE "ScoreDataType" USING "data_type"::text::"ScoreDataType", ALTER COLUMN "data_type" SET DEFAULT 'NUMERIC'::"ScoreDataType";
-- reverse: modify "score_configs" table
ALTER TABLE "score_configs" ALTER COLUMN "data_type" TYPE "ScoreDataType" USING "data_type"::text::"ScoreDataType";
-- reverse: create enum type "ScoreConfigDataType"
DROP TYPE "ScoreConfigDataType";

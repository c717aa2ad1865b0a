-- Migration 000002 enum_renamed_two_tables_one_default, planned by cpcgen migrate diff. Edit it only before it is
-- applied anywhere, then run cpcgen migrate hash.

-- create enum type "ScoreConfigDataType"
CREATE TYPE "ScoreConfigDataType" AS ENUM ('CATEGORICAL', 'NUMERIC');
-- modify "score_configs" table
ALTER TABLE "score_configs" ALTER COLUMN "data_type" TYPE "ScoreConfigDataType" USING "data_type"::text::"ScoreConfigDataType";
-- modify "scores" table
ALTER TABLE "scores" ALTER COLUMN "data_type" DROP DEFAULT, ALTER COLUMN "data_type" TYPE "ScoreConfigDataType" USING "data_type"::text::"ScoreConfigDataType", ALTER COLUMN "data_type" SET DEFAULT 'NUMERIC'::"ScoreConfigDataType";
-- drop enum type "ScoreDataType"
DROP TYPE "ScoreDataType";

-- Foreign keys to columns unique by a unique index rather than a unique
-- constraint (Prisma's @unique): one the spec declares, and one kept as
-- SQL for its operator class.
CREATE TABLE "oauthClient" ("id" TEXT NOT NULL, "clientId" TEXT NOT NULL, CONSTRAINT "oauthClient_pkey" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "oauthClient_clientId_key" ON "oauthClient"("clientId");
CREATE TABLE "oauthConsent" ("id" TEXT NOT NULL, "clientId" TEXT NOT NULL, CONSTRAINT "oauthConsent_pkey" PRIMARY KEY ("id"));
ALTER TABLE "oauthConsent" ADD CONSTRAINT "oauthConsent_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "oauthClient"("clientId") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE TABLE tag (id int PRIMARY KEY, code text NOT NULL);
CREATE UNIQUE INDEX tag_code ON tag (code text_pattern_ops);
CREATE TABLE item (id int PRIMARY KEY, tag_code text REFERENCES tag (code));

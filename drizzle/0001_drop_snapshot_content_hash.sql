-- content_hash was computed and stored on every ingest and never read (about 42 ms per 100 000-row snapshot).
ALTER TABLE "snapshots" DROP COLUMN IF EXISTS "content_hash";

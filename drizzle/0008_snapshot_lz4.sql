-- A snapshot's rows (about 70 KB of JSON for 1 000 rows) and its diff are TOASTed on every ingest. pglz
-- compresses them at about 0.7 ms of database CPU per snapshot, lz4 at about 0.1 ms, for a value about 20 %
-- larger. Only servers built with lz4 offer it (PostgreSQL's own packages are; embedded PGlite is not), so
-- the change is made where it is offered. Values already stored keep their compression. SET COMPRESSION
-- does not reach existing partitions from their parent, so each is altered; a partition made later takes
-- its parent's. The change is to the catalog only, but it takes an exclusive lock on each table: in a
-- rolling deploy it gives up after 10 s behind other nodes' transactions (the node's start fails and is
-- retried) rather than hold every ingest behind it.
DO $$
DECLARE
  t regclass;
  previous text := current_setting('lock_timeout');
BEGIN
  -- Local to the transaction, which the migrator shares with any later migration: restored below.
  PERFORM set_config('lock_timeout', '10s', true);
  IF 'lz4' = ANY (SELECT unnest(enumvals) FROM pg_settings WHERE name = 'default_toast_compression') THEN
    FOR t IN SELECT 'snapshots'::regclass UNION ALL SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'snapshots'::regclass LOOP
      EXECUTE format('ALTER TABLE %s ALTER COLUMN "rows" SET COMPRESSION lz4, ALTER COLUMN "diff" SET COMPRESSION lz4', t);
    END LOOP;
    FOR t IN SELECT 'events'::regclass UNION ALL SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'events'::regclass LOOP
      EXECUTE format('ALTER TABLE %s ALTER COLUMN "diff" SET COMPRESSION lz4', t);
    END LOOP;
  END IF;
  PERFORM set_config('lock_timeout', previous, true);
END $$;

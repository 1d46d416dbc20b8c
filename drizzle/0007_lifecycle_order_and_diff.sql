-- An alert judged against a baseline other than the snapshot before it carries its own diff. It is kept as
-- json (text as written), not inside the jsonb data, so that a replayed frame has the same bytes as the live one.
ALTER TABLE "events" ADD COLUMN "diff" json;
--> statement-breakpoint
-- The seq of a snapshot's snapshot.created: the order it was committed in, which breaks taken_at ties the
-- way ingest judged them (concurrent posts may share a taken_at). Backtest and explain replay that order.
ALTER TABLE "snapshots" ADD COLUMN "seq" bigint;

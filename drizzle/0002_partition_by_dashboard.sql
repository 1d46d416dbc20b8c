-- Hash-partitions events, snapshots and deliveries by dashboard_id (16 partitions each, the same modulus,
-- so partition N of each table holds the same dashboards). Every key of these tables leads with dashboard_id.
-- Each table is rebuilt with LIKE so whatever columns earlier migrations gave it carry over.
ALTER TABLE "snapshots" RENAME TO "snapshots_unpartitioned";
--> statement-breakpoint
CREATE TABLE "snapshots" (LIKE "snapshots_unpartitioned" INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY HASH ("dashboard_id");
--> statement-breakpoint
CREATE TABLE "snapshots_p0" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 0);
--> statement-breakpoint
CREATE TABLE "snapshots_p1" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 1);
--> statement-breakpoint
CREATE TABLE "snapshots_p2" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 2);
--> statement-breakpoint
CREATE TABLE "snapshots_p3" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 3);
--> statement-breakpoint
CREATE TABLE "snapshots_p4" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 4);
--> statement-breakpoint
CREATE TABLE "snapshots_p5" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 5);
--> statement-breakpoint
CREATE TABLE "snapshots_p6" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 6);
--> statement-breakpoint
CREATE TABLE "snapshots_p7" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 7);
--> statement-breakpoint
CREATE TABLE "snapshots_p8" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 8);
--> statement-breakpoint
CREATE TABLE "snapshots_p9" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 9);
--> statement-breakpoint
CREATE TABLE "snapshots_p10" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 10);
--> statement-breakpoint
CREATE TABLE "snapshots_p11" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 11);
--> statement-breakpoint
CREATE TABLE "snapshots_p12" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 12);
--> statement-breakpoint
CREATE TABLE "snapshots_p13" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 13);
--> statement-breakpoint
CREATE TABLE "snapshots_p14" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 14);
--> statement-breakpoint
CREATE TABLE "snapshots_p15" PARTITION OF "snapshots" FOR VALUES WITH (MODULUS 16, REMAINDER 15);
--> statement-breakpoint
ALTER TABLE "snapshots" ALTER COLUMN "rows" DROP NOT NULL;
--> statement-breakpoint
INSERT INTO "snapshots" SELECT * FROM "snapshots_unpartitioned";
--> statement-breakpoint
DROP TABLE "snapshots_unpartitioned";
--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_dashboard_id_id_pk" PRIMARY KEY ("dashboard_id", "id");
--> statement-breakpoint
CREATE INDEX "snapshots_dashboard_taken_at" ON "snapshots" USING btree ("dashboard_id", "taken_at");
--> statement-breakpoint
CREATE INDEX "snapshots_rows_taken_at" ON "snapshots" USING btree ("taken_at") WHERE "rows" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "snapshots_pruned_received_at" ON "snapshots" USING btree ("received_at") WHERE "rows" IS NULL;
--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_dashboard_id_dashboards_id_fk" FOREIGN KEY ("dashboard_id") REFERENCES "public"."dashboards"("id");
--> statement-breakpoint
ALTER TABLE "events" RENAME TO "events_unpartitioned";
--> statement-breakpoint
CREATE TABLE "events" (LIKE "events_unpartitioned" INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY HASH ("dashboard_id");
--> statement-breakpoint
CREATE TABLE "events_p0" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 0);
--> statement-breakpoint
CREATE TABLE "events_p1" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 1);
--> statement-breakpoint
CREATE TABLE "events_p2" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 2);
--> statement-breakpoint
CREATE TABLE "events_p3" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 3);
--> statement-breakpoint
CREATE TABLE "events_p4" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 4);
--> statement-breakpoint
CREATE TABLE "events_p5" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 5);
--> statement-breakpoint
CREATE TABLE "events_p6" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 6);
--> statement-breakpoint
CREATE TABLE "events_p7" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 7);
--> statement-breakpoint
CREATE TABLE "events_p8" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 8);
--> statement-breakpoint
CREATE TABLE "events_p9" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 9);
--> statement-breakpoint
CREATE TABLE "events_p10" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 10);
--> statement-breakpoint
CREATE TABLE "events_p11" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 11);
--> statement-breakpoint
CREATE TABLE "events_p12" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 12);
--> statement-breakpoint
CREATE TABLE "events_p13" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 13);
--> statement-breakpoint
CREATE TABLE "events_p14" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 14);
--> statement-breakpoint
CREATE TABLE "events_p15" PARTITION OF "events" FOR VALUES WITH (MODULUS 16, REMAINDER 15);
--> statement-breakpoint
INSERT INTO "events" SELECT * FROM "events_unpartitioned";
--> statement-breakpoint
DROP TABLE "events_unpartitioned";
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_dashboard_id_seq_pk" PRIMARY KEY ("dashboard_id", "seq");
--> statement-breakpoint
CREATE INDEX "events_dashboard_persona_seq" ON "events" USING btree ("dashboard_id", "persona", "seq") WHERE "persona" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "events_dashboard_at" ON "events" USING btree ("dashboard_id", "at");
--> statement-breakpoint
CREATE INDEX "events_at" ON "events" USING btree ("at");
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_dashboard_id_dashboards_id_fk" FOREIGN KEY ("dashboard_id") REFERENCES "public"."dashboards"("id");
--> statement-breakpoint
ALTER TABLE "deliveries" RENAME TO "deliveries_unpartitioned";
--> statement-breakpoint
CREATE TABLE "deliveries" (LIKE "deliveries_unpartitioned" INCLUDING DEFAULTS INCLUDING GENERATED) PARTITION BY HASH ("dashboard_id");
--> statement-breakpoint
CREATE TABLE "deliveries_p0" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 0);
--> statement-breakpoint
CREATE TABLE "deliveries_p1" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 1);
--> statement-breakpoint
CREATE TABLE "deliveries_p2" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 2);
--> statement-breakpoint
CREATE TABLE "deliveries_p3" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 3);
--> statement-breakpoint
CREATE TABLE "deliveries_p4" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 4);
--> statement-breakpoint
CREATE TABLE "deliveries_p5" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 5);
--> statement-breakpoint
CREATE TABLE "deliveries_p6" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 6);
--> statement-breakpoint
CREATE TABLE "deliveries_p7" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 7);
--> statement-breakpoint
CREATE TABLE "deliveries_p8" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 8);
--> statement-breakpoint
CREATE TABLE "deliveries_p9" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 9);
--> statement-breakpoint
CREATE TABLE "deliveries_p10" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 10);
--> statement-breakpoint
CREATE TABLE "deliveries_p11" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 11);
--> statement-breakpoint
CREATE TABLE "deliveries_p12" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 12);
--> statement-breakpoint
CREATE TABLE "deliveries_p13" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 13);
--> statement-breakpoint
CREATE TABLE "deliveries_p14" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 14);
--> statement-breakpoint
CREATE TABLE "deliveries_p15" PARTITION OF "deliveries" FOR VALUES WITH (MODULUS 16, REMAINDER 15);
--> statement-breakpoint
INSERT INTO "deliveries" SELECT * FROM "deliveries_unpartitioned";
--> statement-breakpoint
DROP TABLE "deliveries_unpartitioned";
--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_dashboard_id_id_pk" PRIMARY KEY ("dashboard_id", "id");
--> statement-breakpoint
CREATE INDEX "deliveries_due" ON "deliveries" USING btree ("status", "channel", "next_attempt_at");
--> statement-breakpoint
CREATE INDEX "deliveries_created_at" ON "deliveries" USING btree ("created_at");

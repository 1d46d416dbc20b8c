-- Version 2 columns shared by the lifecycle (rules v2) and the delivery ledger; one migration so both build on it.
ALTER TABLE "subscriptions" ADD COLUMN "baseline" jsonb;
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "lifecycle" jsonb;
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "lifecycle_state" jsonb;
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "enabled" boolean DEFAULT true NOT NULL;
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "failing_since" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "previous_secret" text;
--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "previous_secret_until" timestamp with time zone;
--> statement-breakpoint
UPDATE "deliveries" SET "status" = 'cancelled' WHERE "status" = 'skipped';
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"dashboard_id" text NOT NULL,
	"delivery_id" uuid NOT NULL,
	"n" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer NOT NULL,
	CONSTRAINT "delivery_attempts_pk" PRIMARY KEY("dashboard_id","delivery_id","n")
);
--> statement-breakpoint
CREATE INDEX "delivery_attempts_at" ON "delivery_attempts" USING btree ("at");
--> statement-breakpoint
CREATE TABLE "ack_log" (
	"dashboard_id" text NOT NULL,
	"persona" text NOT NULL,
	"seq" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"session" text,
	CONSTRAINT "ack_log_pk" PRIMARY KEY("dashboard_id","persona","seq")
);
--> statement-breakpoint
CREATE INDEX "ack_log_at" ON "ack_log" USING btree ("at");

CREATE TABLE "acks" (
	"persona" text NOT NULL,
	"dashboard_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "acks_persona_dashboard_id_pk" PRIMARY KEY("persona","dashboard_id")
);
--> statement-breakpoint
CREATE TABLE "dashboards" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"id_field" text DEFAULT 'id' NOT NULL,
	"rank_by" text,
	"top_n" integer DEFAULT 10 NOT NULL,
	"primary_metric_field" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source_url" text,
	"head_seq" bigint DEFAULT 0 NOT NULL,
	"latest_snapshot_id" uuid,
	"latest_taken_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dashboard_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"subscription_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"target" text NOT NULL,
	"reason" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"dashboard_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"data" jsonb NOT NULL,
	"snapshot_id" uuid,
	"persona" text,
	"prev_seq" bigint,
	CONSTRAINT "events_dashboard_id_seq_pk" PRIMARY KEY("dashboard_id","seq")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"dashboard_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_dashboard_id_key_pk" PRIMARY KEY("dashboard_id","key")
);
--> statement-breakpoint
CREATE TABLE "snapshots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dashboard_id" text NOT NULL,
	"taken_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"primary_metric" double precision,
	"row_count" integer NOT NULL,
	"rows" json NOT NULL,
	"content_hash" text NOT NULL,
	"diff" json
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"dashboard_id" text NOT NULL,
	"subscriber_kind" text NOT NULL,
	"subscriber_id" text NOT NULL,
	"threshold_json" jsonb NOT NULL,
	"fallback" jsonb,
	"owner" text NOT NULL,
	"secret" text,
	"fallback_secret" text,
	"last_notified_snapshot_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_dashboard_id_dashboards_id_fk" FOREIGN KEY ("dashboard_id") REFERENCES "public"."dashboards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_dashboard_id_dashboards_id_fk" FOREIGN KEY ("dashboard_id") REFERENCES "public"."dashboards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_dashboard_id_dashboards_id_fk" FOREIGN KEY ("dashboard_id") REFERENCES "public"."dashboards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_due" ON "deliveries" USING btree ("status","channel","next_attempt_at");--> statement-breakpoint
CREATE INDEX "events_dashboard_persona_seq" ON "events" USING btree ("dashboard_id","persona","seq") WHERE "events"."persona" is not null;--> statement-breakpoint
CREATE INDEX "events_dashboard_at" ON "events" USING btree ("dashboard_id","at");--> statement-breakpoint
CREATE INDEX "events_at" ON "events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "snapshots_dashboard_taken_at" ON "snapshots" USING btree ("dashboard_id","taken_at");--> statement-breakpoint
CREATE INDEX "subscriptions_dashboard" ON "subscriptions" USING btree ("dashboard_id");
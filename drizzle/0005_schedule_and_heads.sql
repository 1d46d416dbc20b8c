ALTER TABLE "dashboards" ADD COLUMN "policy_set_at" timestamp with time zone;
--> statement-breakpoint
CREATE INDEX "dashboards_scheduled" ON "dashboards" USING btree ("id") WHERE metadata->>'snapshot_policy' IS NOT NULL AND metadata->>'snapshot_policy' <> 'manual';
--> statement-breakpoint
CREATE INDEX "subscriptions_persona" ON "subscriptions" USING btree ("subscriber_id","dashboard_id") WHERE subscriber_kind = 'persona';

ALTER TABLE "dashboards" ADD COLUMN "owner" text;

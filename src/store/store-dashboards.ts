// The Store port, dashboards: their settings and the rows the scheduler reads.
import type { DashboardUpdate, DashboardUpdateFailure } from "./dashboard-update.js";
import type { Failure, Result } from "./result.js";

export type SnapshotPolicy = string; // "manual" | "hourly" | a cron expression

export interface DashboardSettings {
  name: string | null;
  id_field: string;
  rank_by: string | null;
  top_n: number;
  primary_metric_field: string | null;
  metadata: Record<string, unknown>;
  source_url: string | null;
}

export interface Dashboard extends DashboardSettings {
  id: string;
  /** The sub that created it; null for dashboards older than owners. */
  owner: string | null;
  head_seq: number;
  latest_snapshot_id: string | null;
  created_at: string;
}

/** For the scheduler: when the current snapshot_policy was set (the dashboard's creation, or the PATCH). */
export interface ScheduledDashboard extends Dashboard {
  policy_set_at: string;
}

export interface DashboardStore {
  /** "conflict": a dashboard with that id exists. */
  createDashboard(id: string, settings: DashboardSettings, owner?: string | null): Promise<Result<Dashboard, Failure<"conflict">>>;
  /** Version 1's PATCH: the same checks, not journaled. */
  updateDashboard(id: string, patch: Partial<DashboardSettings>): Promise<Result<Dashboard, DashboardUpdateFailure>>;
  getDashboard(id: string): Promise<Dashboard | null>;
  /** Up to `limit` dashboards with id > `after`, in id order, and whether more follow. */
  listDashboards(after: string | null, limit: number): Promise<{ dashboards: Dashboard[]; more: boolean }>;
  /** Dashboards whose metadata.snapshot_policy is not manual, for the scheduler. */
  listScheduledDashboards(): Promise<ScheduledDashboard[]>;
  /** Version 2's journaled PATCH: appends dashboard.updated when something changed. */
  updateDashboardLogged(id: string, patch: Partial<DashboardSettings>, actor: string): Promise<DashboardUpdate>;
}

// A test app per file with one dashboard, the admin's token and a reader's token per persona named: where
// the route files about one dashboard start from.
import { afterAll, beforeAll } from "vitest";
import { setupDashboard } from "./fixtures.js";
import { createTestApp, type TestApp } from "./test-app.js";

export type DashboardApp<P extends string> = {
  /** Available inside tests (set in beforeAll), like the tokens. */
  readonly t: TestApp;
  /** setupDashboard's admin. */
  readonly admin: string;
} & { readonly [persona in P]: string };

export function useDashboardApp<const P extends string>(dashboardId: string, personas: readonly P[] = []): DashboardApp<P> {
  let app: TestApp | undefined;
  const tokens = new Map<string, string>();
  beforeAll(async () => {
    app = await createTestApp();
    const t = app;
    const [admin, ...readers] = await Promise.all([setupDashboard(t, dashboardId), ...personas.map((sub) => t.token({ sub }))]);
    tokens.set("admin", admin);
    personas.forEach((p, i) => tokens.set(p, readers[i]!));
  });
  afterAll(() => app?.close());
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the dashboard app is only ready inside tests");
    return value;
  };
  const suite = {
    get t() {
      return ready(app);
    },
  };
  // The tokens are minted in beforeAll, so each is a getter, like the app.
  for (const name of ["admin", ...personas]) Object.defineProperty(suite, name, { get: () => ready(tokens.get(name)), enumerable: true });
  return suite as DashboardApp<P>;
}

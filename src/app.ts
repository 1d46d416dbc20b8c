// createApp builds the HTTP surface from injected parts, so tests run it in-process with app.request().
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import { bearerToken, type VerifyToken } from "./http/auth.js";
import type { ApiDeps, Env } from "./http/context.js";
import { renderDocsPage } from "./http/docs-page.js";
import { buildOpenApi } from "./http/openapi.js";
import { closeAfterResponse } from "./http/lingering-close.js";
import { HttpProblem, problemResponse } from "./http/problem.js";
import { createRateLimiter } from "./http/rate-limit.js";
import { alertRoutes } from "./http/routes/alerts.js";
import { auditRoutes } from "./http/routes/audit.js";
import { backtestRoutes } from "./http/routes/backtest.js";
import { deliveryRoutes } from "./http/routes/deliveries.js";
import { rotateSecretRoutes } from "./http/routes/rotate-secret.js";
import { dashboardRoutes } from "./http/routes/dashboards.js";
import { eventRoutes } from "./http/routes/events.js";
import { explainRoutes } from "./http/routes/explain.js";
import { snapshotRoutes } from "./http/routes/snapshots.js";
import { subscriptionRoutes } from "./http/routes/subscriptions.js";
import { retrySafe, storeFailure } from "./store/store-unavailable.js";

/** The routes publish through `writes.onCommitted`, so every route's commits take the same path. */
export interface AppDeps extends ApiDeps {
  verifyToken: VerifyToken;
  maxBodyBytes: number;
  rateLimitPerMin: number;
  metrics: Registry;
  /** Extra health facts (broker state, shard map); a string other than "up" makes /health "degraded". */
  health?: () => Record<string, string | Record<string, string>>;
  /** Mounts extra routes (the console's static files) before the 404 fallback. */
  mount?: (app: Hono<Env>) => void;
  version?: string;
}

// The page is static HTML with its style inline: no script may run in it, whatever a summary held.
const DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

export function createApp(deps: AppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const limiter = createRateLimiter(deps.rateLimitPerMin);
  const openapiDocument = buildOpenApi(deps.version ?? "0.1.0", { maxRows: deps.limits.maxRows });
  const openapi = JSON.stringify(openapiDocument);
  const docsPage = renderDocsPage(openapiDocument);

  app.use(async (c, next) => {
    const requestId = c.req.header("x-request-id")?.slice(0, 64) || randomUUID();
    const log = deps.logger.child({ request_id: requestId });
    c.set("requestId", requestId);
    c.set("log", log);
    const started = performance.now();
    await next();
    c.header("x-request-id", requestId);
    // Paths only: query strings may carry personas, and headers carry tokens.
    log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, "request");
  });

  app.onError((error, c) => {
    if (error instanceof HttpProblem) return problemResponse(c, error);
    const failure = storeFailure(error);
    if (retrySafe(failure, c.req.method)) {
      c.get("log")?.warn({ err: error }, "store unavailable");
      return problemResponse(c, new HttpProblem("unavailable", "the store cannot take requests just now; retry shortly", undefined, { "retry-after": "1" }));
    }
    c.get("log")?.error({ err: error }, "unhandled error");
    if (failure === "lost") {
      return problemResponse(c, new HttpProblem("internal", "the database connection broke during this write, which may have been applied: a snapshot retried with the same Idempotency-Key is applied once"));
    }
    return problemResponse(c, new HttpProblem("internal", "the hub failed to handle this request"));
  });
  app.notFound((c) => problemResponse(c, new HttpProblem("not-found", `no route for ${c.req.method} ${c.req.path}`)));

  app.get("/health", async (c) => {
    const checks: Record<string, string | Record<string, string>> = { store: "up", ...deps.health?.() };
    await deps.store.ping().catch(() => (checks.store = "down"));
    // Only the store makes the hub unable to serve: without the broker, sessions catch up from the log.
    const healthy = Object.values(checks).every((v) => typeof v !== "string" || v === "up");
    const status = checks.store === "down" ? "down" : healthy ? "ok" : "degraded";
    return c.json({ status, checks }, status === "down" ? 503 : 200);
  });
  app.get("/metrics", async (c) => c.text(await deps.metrics.metrics(), 200, { "content-type": deps.metrics.contentType }));
  app.get("/openapi.json", (c) => c.body(openapi, 200, { "content-type": "application/json" }));
  app.get("/docs", (c) => c.body(docsPage, 200, { "content-type": "text/html; charset=utf-8", "content-security-policy": DOCS_CSP, "x-content-type-options": "nosniff" }));

  app.use("/api/*", async (c, next) => {
    const header = c.req.header("authorization");
    const token = bearerToken(header);
    const principal = token ? await deps.verifyToken(token) : null;
    if (!principal) throw new HttpProblem("unauthorized", token ? "the bearer token is invalid or expired" : "a bearer token is required", undefined, { "www-authenticate": "Bearer" });
    c.set("principal", principal);
    if (WRITES.has(c.req.method)) {
      const retryAfter = limiter.hit(principal.sub, deps.now().getTime());
      if (retryAfter !== null) throw new HttpProblem("rate-limited", `over ${deps.rateLimitPerMin} writes a minute`, undefined, { "retry-after": String(retryAfter) });
    }
    await next();
  });
  app.use("/api/*", async (c, next) => {
    // Refused before a byte of the body is read; the client may still be sending it, so the answer is
    // followed by a graceful close rather than a reset that could swallow it.
    const announced = Number(c.req.header("content-length"));
    if (announced > deps.maxBodyBytes) {
      closeAfterResponse(c.env);
      throw new HttpProblem("payload-too-large", `request bodies are limited to ${deps.maxBodyBytes} bytes`, undefined, { connection: "close" });
    }
    await next();
  });
  app.use("/api/*", async (c, next) => {
    // A body without a length (chunked) is bounded as it is read (readJson, http/body.ts).
    c.set("maxBodyBytes", deps.maxBodyBytes);
    await next();
  });

  app.route("/api/dashboard", dashboardRoutes(deps));
  app.route("/api/dashboard", snapshotRoutes(deps));
  app.route("/api/dashboard", subscriptionRoutes(deps));
  app.route("/api/dashboard", rotateSecretRoutes(deps));
  app.route("/api/dashboard", deliveryRoutes(deps));
  app.route("/api/dashboard", alertRoutes(deps));
  app.route("/api/dashboard", eventRoutes(deps));
  app.route("/api/dashboard", auditRoutes(deps));
  app.route("/api/dashboard", backtestRoutes(deps));
  app.route("/api/dashboard", explainRoutes(deps));
  deps.mount?.(app);
  return app;
}

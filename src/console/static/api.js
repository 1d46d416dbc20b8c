// The HTTP API from the page: same origin, bearer token, problem+json errors turned into ApiError.

const TOKEN_KEY = "dashwatch.console.token";

export function savedToken() {
  return localStorage.getItem(TOKEN_KEY) ?? "";
}

export function saveToken(token) {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** What the page shows about a token: read, not verified (the hub verifies it on every call). */
export function describeToken(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const roles = Array.isArray(payload.roles) ? payload.roles : [];
    return { sub: String(payload.sub ?? ""), roles, exp: typeof payload.exp === "number" ? new Date(payload.exp * 1000) : null };
  } catch {
    return null;
  }
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    /** [{pointer, detail}] for 422s */
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
  }
}

export async function api(method, path, body) {
  const headers = { authorization: `Bearer ${savedToken()}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { detail: text.slice(0, 200) };
  }
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

export const dashboardPath = (id, rest = "") => `/api/dashboard/${encodeURIComponent(id)}${rest}`;

// The one HTTP error type, and the one place that maps error slugs to statuses.
import type { Context } from "hono";
import { describeFieldErrors, type FieldError } from "../input/field-error.js";

export const PROBLEM_STATUS = {
  "malformed-json": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "quota-exceeded": 409,
  gone: 410,
  "payload-too-large": 413,
  validation: 422,
  "idempotency-key-reused": 422,
  "unsafe-url": 422,
  "rate-limited": 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ProblemSlug = keyof typeof PROBLEM_STATUS;

const TITLES: Record<ProblemSlug, string> = {
  "malformed-json": "Malformed JSON",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  "not-found": "Not found",
  conflict: "Conflict",
  "quota-exceeded": "Quota exceeded",
  gone: "Gone",
  "payload-too-large": "Payload too large",
  validation: "Validation failed",
  "idempotency-key-reused": "Idempotency key reused",
  "unsafe-url": "Unsafe URL",
  "rate-limited": "Rate limited",
  internal: "Internal error",
  unavailable: "Service unavailable",
};

export const PROBLEM_TYPE_BASE = "https://dashwatch.dev/problems/";

export type { FieldError };

export class HttpProblem extends Error {
  constructor(
    readonly slug: ProblemSlug,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = "HttpProblem";
  }

  get status(): number {
    return PROBLEM_STATUS[this.slug];
  }

  toJSON() {
    return {
      type: PROBLEM_TYPE_BASE + this.slug,
      title: TITLES[this.slug],
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

export const validationProblem = (errors: FieldError[]) =>
  new HttpProblem("validation", describeFieldErrors(errors), errors);

export function problemResponse(c: Context, problem: HttpProblem): Response {
  return c.body(JSON.stringify(problem.toJSON()), problem.status as 400, {
    "content-type": "application/problem+json",
    ...problem.headers,
  });
}

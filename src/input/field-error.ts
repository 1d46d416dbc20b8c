// What is wrong with one part of an input, named by a JSON Pointer. HTTP answers carry these as the
// problem's `errors`; the scheduler logs them. Neither needs the other to describe them.

export interface FieldError {
  pointer: string;
  detail: string;
}

/** One line for all of them, as a problem's `detail` and a skipped source's error both say it. */
export const describeFieldErrors = (errors: readonly FieldError[]) =>
  errors.map((e) => `${e.pointer || "/"}: ${e.detail}`).join("; ").slice(0, 500);

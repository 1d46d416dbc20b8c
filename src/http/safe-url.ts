// The one place a URL in a request body is held to the webhook safety rules: 422 unsafe-url at its pointer.
import { checkWebhookUrl } from "../delivery/url-safety.js";
import { HttpProblem } from "./problem.js";

export function requireSafeUrl(url: string | null | undefined, pointer: string, allowPrivate: boolean): void {
  if (url === null || url === undefined) return;
  const check = checkWebhookUrl(url, allowPrivate);
  if (!check.ok) throw new HttpProblem("unsafe-url", `${pointer}: ${check.reason}`, [{ pointer, detail: check.reason }]);
}

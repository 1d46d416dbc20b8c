// A dashboard's subscriptions: the list (with delete) and the create form, whose 422 errors are shown next to
// the field their JSON pointer names (e.g. /threshold_json/and/1/value_delta_pct under the rule box).
import { ApiError, api, dashboardPath } from "./api.js";
import { $, el, replace, say, timeCell } from "./dom.js";

/** Which form field a pointer's first segment belongs to; the rest go to the form-wide slot. */
const FIELD_OF = { subscriber_kind: "kind", subscriber_id: "subscriber", threshold_json: "threshold" };
const FIELDS = ["kind", "subscriber", "threshold", "form"];
const PLACEHOLDERS = { persona: "persona id (a JWT sub)", webhook: "https://example.com/hook", email: "someone@example.com" };

export function createSubscriptions({ persona }) {
  const form = $("sub-form");
  const kind = $("sub-kind");
  const subscriber = $("sub-subscriber");
  const threshold = $("sub-threshold");
  const list = $("sub-rows");
  const status = $("sub-status");
  let dashboard = null;
  const input = (field) => (field === "form" ? null : $(`sub-${field}`));

  function clearErrors() {
    for (const field of FIELDS) {
      replace($(`sub-${field}-error`));
      $(`sub-${field}-error`).hidden = true;
      input(field)?.removeAttribute("aria-invalid");
    }
  }

  function showError(pointer, detail) {
    const segment = pointer.split("/")[1] ?? "";
    const field = FIELD_OF[segment] ?? "form";
    const slot = $(`sub-${field}-error`);
    slot.append(el("div", { className: "pointer-error", testid: "pointer-error", dataset: { pointer } }, pointer ? [el("code", {}, pointer), " "] : null, detail));
    slot.hidden = false;
    input(field)?.setAttribute("aria-invalid", "true");
  }

  async function refresh() {
    if (!dashboard) return;
    const id = dashboard.id;
    try {
      const { subscriptions } = await api("GET", dashboardPath(id, "/subscriptions"));
      if (dashboard?.id === id) render(subscriptions);
    } catch (error) {
      say(status, `could not list subscriptions: ${error.message}`, "error");
    }
  }

  function render(subscriptions) {
    $("sub-empty").hidden = subscriptions.length > 0;
    $("sub-table").hidden = subscriptions.length === 0;
    replace(list, subscriptions.map((s) =>
      el("tr", { testid: "sub-row", dataset: { id: s.id } },
        el("td", {}, s.subscriber_kind),
        el("td", { className: "wrap" }, s.subscriber_id),
        el("td", { className: "wrap" }, el("code", {}, JSON.stringify(s.threshold_json))),
        el("td", {}, timeCell(s.created_at)),
        el("td", {}, el("button", { type: "button", className: "small danger", testid: "sub-delete", onclick: () => remove(s) }, "delete")))));
  }

  async function remove(s) {
    try {
      await api("DELETE", dashboardPath(dashboard.id, `/subscriptions/${s.id}`));
      say(status, `deleted subscription ${s.id}`, "ok");
    } catch (error) {
      say(status, `could not delete: ${error.message}`, "error");
    }
    await refresh();
  }

  async function create(e) {
    e.preventDefault();
    if (!dashboard) return;
    clearErrors();
    say(status, "");
    let rule;
    try {
      rule = JSON.parse(threshold.value);
    } catch (error) {
      return showError("/threshold_json", `is not valid JSON (${error.message})`);
    }
    const body = { subscriber_kind: kind.value, subscriber_id: subscriber.value.trim(), threshold_json: rule };
    try {
      const created = await api("POST", dashboardPath(dashboard.id, "/subscriptions"), body);
      const secret = created.secret ? ` · signing secret (shown once, copy it now): ${created.secret}` : "";
      say(status, `created subscription ${created.id}${secret}`, "ok");
      await refresh();
    } catch (error) {
      if (error instanceof ApiError && error.errors.length) for (const { pointer, detail } of error.errors) showError(pointer, detail);
      else showError("", error.message);
    }
  }

  kind.addEventListener("change", () => {
    subscriber.placeholder = PLACEHOLDERS[kind.value];
    subscriber.value = kind.value === "persona" ? persona() ?? "" : "";
  });
  form.addEventListener("submit", create);

  return {
    open(d) {
      dashboard = d;
      clearErrors();
      say(status, "");
      if (kind.value === "persona" && !subscriber.value) subscriber.value = persona() ?? "";
      return refresh();
    },
    refresh,
    setPersona(sub) {
      if (kind.value === "persona") subscriber.value = sub ?? "";
    },
  };
}

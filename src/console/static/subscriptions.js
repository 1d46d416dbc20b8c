// A dashboard's subscriptions: the list (state, delete, copy into the form) and the create form, whose 422
// errors are shown next to the field their JSON pointer names (e.g. /threshold_json/and/1/value_delta_pct
// under the rule box). The backtest button reads the same form.
import { ApiError, api, dashboardPath } from "./api.js";
import { $, el, replace, say, timeCell } from "./dom.js";
import { describeOptions, readBaseline, readLifecycle, wireRuleOptions, writeOptions } from "./rule-options.js";

/** Which form field a pointer's first segment belongs to; the rest go to the form-wide slot. */
const FIELD_OF = { subscriber_kind: "kind", subscriber_id: "subscriber", threshold_json: "threshold", baseline: "baseline", lifecycle: "lifecycle" };
const FIELDS = ["kind", "subscriber", "threshold", "baseline", "lifecycle", "form"];
const PLACEHOLDERS = { persona: "persona id (a JWT sub)", webhook: "https://example.com/hook", email: "someone@example.com" };

export function createSubscriptions({ persona }) {
  const form = $("sub-form");
  const kind = $("sub-kind");
  const subscriber = $("sub-subscriber");
  const threshold = $("sub-threshold");
  const list = $("sub-rows");
  const status = $("sub-status");
  let dashboard = null;
  const input = (field) => $(`sub-${field}`);

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

  function showProblem(error) {
    if (error instanceof ApiError && error.errors.length) for (const { pointer, detail } of error.errors) showError(pointer, detail);
    else showError("", error.message);
  }

  /** The rule with its baseline and lifecycle, or null (its error shown) when the rule box is not JSON. */
  function collectRule() {
    clearErrors();
    try {
      return { threshold_json: JSON.parse(threshold.value), baseline: readBaseline(), lifecycle: readLifecycle() };
    } catch (error) {
      showError("/threshold_json", `is not valid JSON (${error.message})`);
      return null;
    }
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
        el("td", {}, s.subscriber_kind, s.enabled === false ? el("span", { className: "state state-disabled" }, " disabled") : null),
        el("td", { className: "wrap" }, s.subscriber_id),
        el("td", { className: "wrap" }, el("code", {}, JSON.stringify(s.threshold_json)), el("div", { className: "hint" }, describeOptions(s))),
        el("td", {}, el("span", { className: `state state-${s.state ?? "none"}`, testid: "sub-state", title: s.state ? "lifecycle state" : "no lifecycle with resolve: every match alerts" }, s.state ?? "—")),
        el("td", {}, timeCell(s.created_at)),
        el("td", { className: "actions" },
          el("button", { type: "button", className: "small quiet", testid: "sub-edit", title: "copy its rule into the form (to backtest or re-create it)", onclick: () => load(s) }, "to form"),
          el("button", { type: "button", className: "small danger", testid: "sub-delete", onclick: () => remove(s) }, "delete")))));
  }

  function load(s) {
    threshold.value = JSON.stringify(s.threshold_json);
    writeOptions(s);
    clearErrors();
    threshold.focus();
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
    say(status, "");
    const rule = collectRule();
    if (!rule) return;
    const body = { subscriber_kind: kind.value, subscriber_id: subscriber.value.trim(), ...rule };
    try {
      const created = await api("POST", dashboardPath(dashboard.id, "/subscriptions"), body);
      const secret = created.secret ? ` · signing secret (shown once, copy it now): ${created.secret}` : "";
      say(status, `created subscription ${created.id}${secret}`, "ok");
      await refresh();
    } catch (error) {
      showProblem(error);
    }
  }

  kind.addEventListener("change", () => {
    subscriber.placeholder = PLACEHOLDERS[kind.value];
    subscriber.value = kind.value === "persona" ? persona() ?? "" : "";
  });
  form.addEventListener("submit", create);
  wireRuleOptions({ threshold, onError: (pointer, detail) => (clearErrors(), showError(pointer, detail)) });

  return {
    open(d) {
      dashboard = d;
      clearErrors();
      say(status, "");
      if (kind.value === "persona" && !subscriber.value) subscriber.value = persona() ?? "";
      return refresh();
    },
    refresh,
    collectRule,
    showProblem,
    setPersona(sub) {
      if (kind.value === "persona") subscriber.value = sub ?? "";
    },
  };
}

// The dashboard picker: GET /api/dashboard in id order, a page at a time ("more" reads the next one).
// Typing an id into the box still opens any dashboard.
import { api } from "./api.js";
import { $, el, say } from "./dom.js";

/** Dashboards per page; the route allows up to 1000, a select of 25 stays readable. */
export const PICKER_PAGE = 25;

export function createPicker({ onPick }) {
  const pick = $("dash-pick");
  const more = $("dash-more");
  const status = $("dash-pick-status");
  let next = null;
  let loaded = 0;
  let ticket = 0;

  async function load(after) {
    const mine = ++ticket;
    const query = new URLSearchParams({ limit: String(PICKER_PAGE) });
    if (after) query.set("after", after);
    try {
      const page = await api("GET", `/api/dashboard?${query}`);
      if (mine !== ticket) return;
      if (!after) reset();
      for (const d of page.dashboards) pick.append(el("option", { value: d.id, testid: "dash-option" }, d.name ? `${d.name} (${d.id})` : d.id));
      loaded += page.dashboards.length;
      next = page.next_after;
      more.hidden = next === null;
      pick.options[0].textContent = loaded ? `pick one of ${loaded}${next ? "+" : ""}…` : "no dashboards yet";
      say(status, "");
    } catch (error) {
      if (mine === ticket) say(status, `could not list dashboards: ${error.message}`, "error");
    }
  }

  function reset() {
    pick.replaceChildren(el("option", { value: "" }, "loading…"));
    loaded = 0;
    next = null;
    more.hidden = true;
  }

  pick.addEventListener("change", () => {
    if (pick.value) onPick(pick.value);
  });
  more.addEventListener("click", () => next && load(next));

  return {
    /** First page again (a new token may see other dashboards). */
    reload: () => load(null),
    select(id) {
      if ([...pick.options].some((o) => o.value === id)) pick.value = id;
    },
  };
}

// What a page of JSON may hold (CONTRACT "Limits and hardening, version 2"): every paged route asks the store
// for entries within the same budget, so MAX_PAGE_BYTES means one thing for events and deliveries alike.

/** MAX_PAGE_BYTES's default: 8 MiB of JSON per page. */
export const DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024;
// The page's own keys and cursors around its entries (at most 69 bytes for deliveries, less for events).
const PAGE_ENVELOPE_BYTES = 128;

/**
 * The bytes a page's entries may weigh together so that the page stays within `maxPageBytes`: its envelope
 * and a comma per entry come off. Never below 1: the first entry always comes, alone if it is larger, so a
 * client paging on the cursor always moves on.
 */
export function entriesBudget(maxPageBytes: number, limit: number): number {
  return Math.max(1, maxPageBytes - PAGE_ENVELOPE_BYTES - limit);
}

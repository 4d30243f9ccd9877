/**
 * Sizes for bulk statements. Bulk writes send their rows as one JSON parameter expanded by
 * `jsonb_to_recordset`: one statement per chunk, a single bind parameter, no per-value
 * placeholders to build or parse. Lists of ids in `IN (…)` stay smaller.
 */
export const BULK_ROWS = 5_000;
export const ID_LIST_ROWS = 1_000;

/** `items` in consecutive slices of at most `size`. */
export function inChunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Calls `removeBatch` until it removes fewer than `batch` rows (so no lock is held long); returns how many went in all. */
export async function removeInBatches(batch: number, removeBatch: (batch: number) => Promise<number>): Promise<number> {
  let removed = 0;
  for (;;) {
    const n = await removeBatch(batch);
    removed += n;
    if (n < batch) return removed;
  }
}

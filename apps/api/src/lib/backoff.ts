/**
 * When to try again after failures in a row: exponential backoff from two minutes, capped
 * at six hours, with ±20 % jitter so that accounts that failed together do not retry in step.
 */
export const MAX_FAILURE_BACKOFF_MS = 6 * 3_600_000;
const FIRST_RETRY_MS = 60_000;

/** Due time after the `failures`-th failure in a row: 2, 4, 8 … minutes up to 6 hours, ±20 %. */
export function nextRetry(now: Date, failures: number, random: () => number): Date {
  const base = Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_FAILURE_BACKOFF_MS);
  return new Date(now.getTime() + base * (0.8 + 0.4 * random()));
}

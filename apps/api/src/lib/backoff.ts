/**
 * When to try again after failures in a row: exponential backoff from two minutes, with
 * ±20 % jitter so that accounts that failed together do not retry in step, and never more
 * than six hours (past the cap the jitter stays below it), so that after a long outage
 * every account is tried again within six hours of its last failure.
 */
export const MAX_FAILURE_BACKOFF_MS = 6 * 3_600_000;
const FIRST_RETRY_MS = 60_000;

/** Due time after the `failures`-th failure in a row: 2, 4, 8 … minutes ±20 %, at most 6 hours. */
export function nextRetry(now: Date, failures: number, random: () => number): Date {
  const r = random();
  const jittered = Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_FAILURE_BACKOFF_MS) * (0.8 + 0.4 * r);
  const delay = jittered <= MAX_FAILURE_BACKOFF_MS ? jittered : MAX_FAILURE_BACKOFF_MS * (0.8 + 0.2 * r);
  return new Date(now.getTime() + delay);
}

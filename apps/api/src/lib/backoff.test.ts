import { describe, expect, it } from 'vitest';
import { MAX_FAILURE_BACKOFF_MS, nextRetry } from './backoff.js';

const now = new Date('2026-12-01T06:30:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

describe('nextRetry', () => {
  it('doubles from two minutes with each failure in a row', () => {
    const middle = () => 0.5;
    expect(nextRetry(now, 1, middle)).toEqual(at(2 * 60_000));
    expect(nextRetry(now, 2, middle)).toEqual(at(4 * 60_000));
    expect(nextRetry(now, 5, middle)).toEqual(at(32 * 60_000));
  });

  it('never waits more than six hours, jitter included, and still spreads the waits below that', () => {
    for (const r of [0, 0.25, 0.5, 0.75, 1]) {
      const wait = nextRetry(now, 30, () => r).getTime() - now.getTime();
      expect(wait, `draw ${r}`).toBeLessThanOrEqual(MAX_FAILURE_BACKOFF_MS);
      expect(wait, `draw ${r}`).toBeGreaterThanOrEqual(0.8 * MAX_FAILURE_BACKOFF_MS);
    }
    expect(nextRetry(now, 30, () => 0).getTime()).not.toBe(nextRetry(now, 30, () => 1).getTime());
  });

  it('spreads retries ±20 % so failed accounts do not retry in step', () => {
    expect(nextRetry(now, 1, () => 0)).toEqual(at(0.8 * 2 * 60_000));
    expect(nextRetry(now, 1, () => 1)).toEqual(at(1.2 * 2 * 60_000));
  });
});

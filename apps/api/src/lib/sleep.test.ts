import { describe, expect, it, vi } from 'vitest';
import { sleep } from './sleep.js';

describe('sleep', () => {
  it('waits past the 24.8-day timer limit instead of firing at once', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      void sleep(30 * 86_400_000).then(() => (done = true));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(25 * 86_400_000);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(5 * 86_400_000);
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends early with the reason when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('closing'));
    await expect(waiting).rejects.toThrow('closing');
  });

  it('does not start when its signal has already aborted', async () => {
    await expect(sleep(10, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});

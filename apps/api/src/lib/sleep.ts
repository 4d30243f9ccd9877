/**
 * Waiting that is safe for any duration and can be called off: Node's timers overflow past
 * 2^31 − 1 ms (about 24.8 days) and would fire at once, so long waits are taken in parts;
 * an abort signal ends the wait early with the signal's reason.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let timer: NodeJS.Timeout;
    let left = Math.max(0, Number.isFinite(ms) ? ms : MAX_TIMER_MS);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const next = () => {
      const part = Math.min(left, MAX_TIMER_MS);
      left -= part;
      timer = setTimeout(() => {
        if (left > 0) return next();
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, part);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    next();
  });
}

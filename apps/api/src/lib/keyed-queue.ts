/**
 * Runs tasks one at a time per key (a host being fetched from, a subscription being
 * synced), each after the ones asked for before it; different keys run side by side.
 */
export function createKeyedQueue() {
  const tails = new Map<string, Promise<unknown>>();

  return function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

// The simulated wall clock. It starts at a chosen instant and runs in real time from
// there, so tests can jump over token and cursor lifetimes without waiting.

export interface SimClock {
  now(): Date;
  nowMs(): number;
  set(t: Date): void;
  advance(ms: number): void;
}

export function createSimClock(start: Date = new Date()): SimClock {
  let simBase = start.getTime();
  let realBase = performance.now();
  const nowMs = (): number => Math.floor(simBase + (performance.now() - realBase));
  return {
    nowMs,
    now: () => new Date(nowMs()),
    set(t) {
      simBase = t.getTime();
      realBase = performance.now();
    },
    advance(ms) {
      simBase += ms;
    },
  };
}

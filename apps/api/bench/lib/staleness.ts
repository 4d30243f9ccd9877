/**
 * How stale the calendar is: shifts changed at Tempus (the simulator) at a steady pace, and
 * for each change the seconds until the calendar holds it, read from the database. The
 * change is a new note with a unique marker on a future shift of a random account, so it
 * is found exactly, whichever sync brings it.
 */
import type { SimUser, TempusSim } from '@familyhub/tempus-sim';
import type pg from 'pg';

export interface WatchedUser {
  user: SimUser;
  group: string;
}

export interface Staleness {
  /** Seconds from each change at Tempus until the calendar held it, by group. */
  secondsByGroup: Record<string, number[]>;
  changes: number;
  /** Changes the calendar did not hold before the watch gave up. */
  unresolved: number;
}

/** The value at quantile q (0–1) of numbers, nearest rank. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export async function watchStaleness(options: {
  sim: TempusSim;
  pool: pg.Pool;
  users: WatchedUser[];
  durationMs: number;
  changeEveryMs: number;
  /** How long to wait for the last changes after the changing stops. */
  drainMs: number;
  log: (message: string) => void;
  /** Called once, halfway through (the interactive benchmark runs then, under the same load). */
  halfway?: () => Promise<void>;
}): Promise<Staleness> {
  const { sim, pool, users } = options;
  const pending = new Map<string, { marker: string; at: number; group: string }>();
  const secondsByGroup: Record<string, number[]> = {};
  let changes = 0;
  let changing = true;
  let seq = 0;

  const changer = (async () => {
    const started = performance.now();
    let halfwayDone = !options.halfway;
    while (performance.now() - started < options.durationMs) {
      const watched = users[Math.floor(Math.random() * users.length)]!;
      const future = sim.shifts.list(watched.user.id).filter((s) => Date.parse(s.start_time) > Date.now() + 3_600_000 && !pending.has(s.id));
      const shift = future[Math.floor(Math.random() * future.length)];
      if (shift) {
        const marker = `Ändrad bench-${++seq}`;
        sim.shifts.update(shift.id, { note: marker });
        pending.set(shift.id, { marker, at: performance.now(), group: watched.group });
        changes++;
      }
      if (!halfwayDone && performance.now() - started > options.durationMs / 2) {
        halfwayDone = true;
        void options.halfway!();
      }
      await new Promise((resolve) => setTimeout(resolve, options.changeEveryMs));
    }
    changing = false;
  })();

  const watcher = (async () => {
    let giveUpAt = Number.POSITIVE_INFINITY;
    while (changing || (pending.size > 0 && performance.now() < giveUpAt)) {
      if (!changing && giveUpAt === Number.POSITIVE_INFINITY) giveUpAt = performance.now() + options.drainMs;
      if (pending.size > 0) {
        const { rows } = await pool.query<{ tempus_id: string; note: string | null }>(
          'select tempus_id, note from calendar_events where tempus_id = any($1::text[])',
          [[...pending.keys()]],
        );
        const now = performance.now();
        for (const row of rows) {
          const change = pending.get(row.tempus_id);
          if (!change || row.note !== change.marker) continue;
          (secondsByGroup[change.group] ??= []).push((now - change.at) / 1000);
          pending.delete(row.tempus_id);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();

  const progress = setInterval(() => options.log(`    … ${changes} changes, ${pending.size} not yet in the calendar`), 30_000);
  await changer;
  await watcher;
  clearInterval(progress);
  return { secondsByGroup, changes, unresolved: pending.size };
}

/** Resolves once every account in the database has synced successfully (the warm-up). */
export async function allSynced(pool: pg.Pool, log: (message: string) => void, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ left: number }>('select count(*)::int as left from tempus_accounts where last_success_at is null');
    if (rows[0]!.left === 0) return;
    if (performance.now() > deadline) throw new Error(`${rows[0]!.left} accounts never synced during the warm-up`);
    log(`    … ${rows[0]!.left} accounts still to sync once`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}

/**
 * One scheduler pass by real API processes against the simulator, measured: wall time
 * inside each process (from "go" to `runDueSyncs()` returning), what the simulator saw,
 * how many accounts were leased at once, and each process's RSS as the pass progressed.
 */
import type { TempusSim } from '@familyhub/tempus-sim';
import type pg from 'pg';
import { startInstance, type DoneMessage } from './instances.js';
import { traffic, type TrafficSummary } from './simulator.js';

export interface PassResult {
  wallMs: number;
  instances: DoneMessage[];
  traffic: TrafficSummary;
  maxLeased: number;
  warnLines: string[];
}

export async function scheduledPass(options: {
  sim: TempusSim;
  pool: pg.Pool;
  envs: Record<string, string>[];
  log: (message: string) => void;
  expected: number;
}): Promise<PassResult> {
  const { sim, pool, envs } = options;
  const instances = envs.map((env, i) => startInstance(env, 'sync', `instance ${i + 1}`));
  try {
    await Promise.all(instances.map((inst) => inst.next('ready')));
    sim.resetCounters();

    let maxLeased = 0;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from tempus_accounts where lease_owner is not null');
        maxLeased = Math.max(maxLeased, rows[0]?.n ?? 0);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const progress = setInterval(() => {
      options.log(`    … ${sim.requests.length} Tempus requests, ${sim.counters.rateLimited} refused`);
    }, 15_000);

    const started = performance.now();
    for (const inst of instances) inst.send({ type: 'go' });
    const done = await Promise.all(instances.map((inst) => inst.next('done')));
    const wallMs = performance.now() - started;
    clearInterval(progress);
    polling = false;
    await poller;
    await Promise.all(instances.map((inst) => inst.exited));
    const warnLines = instances.flatMap((inst) => inst.logLines());
    return { wallMs, instances: done, traffic: traffic(sim), maxLeased, warnLines };
  } catch (err) {
    for (const inst of instances) inst.child.kill();
    throw err;
  }
}

/** Peak RSS while the first half of the accounts synced vs while the second half did. */
export function rssGrowth(done: DoneMessage, accounts: number) {
  const half = accounts / 2;
  let firstHalfPeak = done.readyRss;
  let secondHalfPeak = 0;
  for (const s of done.samples) {
    if (s.synced <= half) firstHalfPeak = Math.max(firstHalfPeak, s.rss);
    else secondHalfPeak = Math.max(secondHalfPeak, s.rss);
  }
  if (secondHalfPeak === 0) secondHalfPeak = firstHalfPeak;
  return { readyRss: done.readyRss, firstHalfPeak, secondHalfPeak, peakRss: done.peakRss, ratio: secondHalfPeak / firstHalfPeak };
}

/** Row versions (xmin) of a table, to count exactly which rows a phase inserted, updated or deleted. */
export async function rowVersions(pool: pg.Pool, table: string, key: string): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ k: string; v: string }>(`select ${key} as k, xmin::text as v from ${table}`);
  return new Map(rows.map((r) => [r.k, r.v]));
}

export function diffVersions(before: Map<string, string>, after: Map<string, string>) {
  let inserted = 0;
  let updated = 0;
  let deleted = 0;
  for (const [k, v] of after) {
    const old = before.get(k);
    if (old === undefined) inserted++;
    else if (old !== v) updated++;
  }
  for (const k of before.keys()) if (!after.has(k)) deleted++;
  return { inserted, updated, deleted, total: inserted + updated + deleted };
}

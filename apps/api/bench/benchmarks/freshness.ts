/**
 * freshness-rate, interactive-under-load and near-term-priority: a real API process with
 * its scheduler running (the pacer), accounts due again TEMPUS_SYNC_MIN_INTERVAL_S=30 s
 * after each sync, the budget the binding limit (Tempus's hourly quota set out of the way
 * here; freshness-quota measures that one), and a random future shift of a random account
 * changed at Tempus every second. Each change is timed until the calendar holds it.
 *
 * freshness-rate: floor = max(min interval, accounts ÷ (rate × (1 − reserve))).
 * interactive-under-load: halfway through, 20 parents press "Synka nu" at once
 *   (`?wait=true`); floor = one Tempus round trip, measured before the load.
 * near-term-priority: half the accounts have a shift in the next 48 hours; their
 *   staleness against the others'.
 */
import type { SimUser, TempusSim } from '@familyhub/tempus-sim';
import { benchEnv, configFor } from '../lib/config.js';
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js';
import { insertFleetAccounts, obtainTokens } from '../lib/fleet.js';
import { startInstance } from '../lib/instances.js';
import { fmt, round, type BenchResult, type Figure, type RunContext } from '../lib/report.js';
import { benchShifts, shiftsFrom } from '../lib/shifts.js';
import { startBenchSim, traffic } from '../lib/simulator.js';
import { allSynced, quantile, watchStaleness, type WatchedUser } from '../lib/staleness.js';

const MIN_INTERVAL_S = 30;
const RATE_TARGET = 1.25;
const NEAR_TARGET = 0.6;
const INTERACTIVE_PARENTS = 20;
/** Tempus's per-second limits; the hourly quota out of the way (the bench's own run is what is measured). */
const RATE_BOUND_SIM = { ratePerSecond: 10, burst: 20, hourly: 10_000_000 };

export async function runFreshness(ctx: RunContext, want: { rate: boolean; near: boolean }): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  if (want.rate) results.push(...(await rateBound(ctx)));
  if (want.near) results.push(await nearTerm(ctx));
  return results;
}

function scenario(ctx: RunContext) {
  return { accounts: ctx.smoke ? 30 : 300, durationMs: ctx.smoke ? 40_000 : 300_000 };
}

/** A pacing API process on a fresh database whose accounts are the given users', synced once. */
async function pacingStack(ctx: RunContext, sim: TempusSim, name: string, users: SimUser[]) {
  const db = await createBenchDatabase(name, { keep: ctx.keep });
  ctx.log(`  connecting ${users.length} accounts (one OAuth code exchange each, paced at 9.5/s)`);
  const { tokens } = await obtainTokens(sim, users);
  await insertFleetAccounts(db.pool, tokens);
  const env = benchEnv({
    databaseUrl: db.url,
    tempusUrl: sim.url,
    extra: { TEMPUS_SYNC_MIN_INTERVAL_S: String(MIN_INTERVAL_S), TEMPUS_QUOTA_PER_HOUR: '10000000' },
  });
  const instance = startInstance(env, 'pace', 'pacing instance');
  const { port } = await instance.next('listening');
  ctx.log('  warm-up: every account synced once by the pacer');
  await allSynced(db.pool, ctx.log, 600_000);
  const config = configFor(env).tempus;
  return { db, instance, url: `http://127.0.0.1:${port}`, config };
}

async function stop(stack: { db: BenchDatabase; instance: ReturnType<typeof startInstance> }) {
  stack.instance.send({ type: 'stop' });
  await stack.instance.exited;
  await stack.db.drop();
}

/** Signs a parent up on the instance and connects their Tempus account through the real OAuth flow; returns the session and account. */
async function connectedParent(url: string, sim: TempusSim, user: SimUser, i: number) {
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `synka.${i}@bench.example.se`, password: 'korrekt-hast-batteri', name: user.name, familyName: 'Familjen Synka' }),
  });
  const cookie = signup.headers.getSetCookie().find((c) => c.startsWith('fh_session='))!.split(';')[0]!;
  const connect = (await (await fetch(`${url}/api/tempus/connect`, { method: 'POST', headers: { cookie } })).json()) as { authorizeUrl: string };
  const authorize = await fetch(`${connect.authorizeUrl}&login_hint=${encodeURIComponent(user.id)}`, { redirect: 'manual' });
  const callback = new URL(authorize.headers.get('location')!);
  const done = await fetch(`${url}${callback.pathname}${callback.search}`, { headers: { cookie }, redirect: 'manual' });
  const accountId = new URL(done.headers.get('location')!).searchParams.get('connected');
  if (!accountId) throw new Error(`connecting ${user.email} ended at ${done.headers.get('location')}`);
  return { cookie, accountId };
}

/** One Tempus round trip (a one-item listing), the median of a few, before any load. */
async function tempusRoundTrip(sim: TempusSim, user: SimUser): Promise<number> {
  const { tokens } = await obtainTokens(sim, [user]);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await fetch(`${sim.url}/api/v1/schedules?limit=1`, { headers: { authorization: `Bearer ${tokens[0]!.accessToken}` } }).then((r) => r.text());
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return quantile(times, 0.5);
}

async function rateBound(ctx: RunContext): Promise<BenchResult[]> {
  const { accounts, durationMs } = scenario(ctx);
  const sim = await startBenchSim({ rateLimit: RATE_BOUND_SIM });
  try {
    const now = new Date();
    const users = Array.from({ length: accounts + INTERACTIVE_PARENTS }, (_, i) => {
      const user = sim.users.create({ email: `fresh.${i}@example.se`, name: `Bench Person ${i}`, password: 'bench-losen-123' });
      for (const shift of benchShifts(`fresh${i}`, 12, now, i)) sim.shifts.add(user.id, shift);
      return user;
    });
    const floorRoundTripMs = await tempusRoundTrip(sim, users[0]!);
    const stack = await pacingStack(ctx, sim, 'freshness_rate', users.slice(0, accounts));
    try {
      ctx.log(`  connecting ${INTERACTIVE_PARENTS} parents through the OAuth flow, for "Synka nu"`);
      const parents: { cookie: string; accountId: string }[] = [];
      for (const [i, user] of users.slice(accounts).entries()) parents.push(await connectedParent(stack.url, sim, user, i));
      await allSynced(stack.db.pool, ctx.log, 120_000);

      const rate = stack.config.rateLimitRps * (1 - stack.config.interactiveReserve);
      const total = accounts + INTERACTIVE_PARENTS;
      const floorS = Math.max(MIN_INTERVAL_S, total / rate);
      const manual: { ms: number; status: string }[] = [];
      sim.resetCounters();
      ctx.log(`  ${durationMs / 1000} s of changes, one a second; floor ${floorS.toFixed(1)} s`);
      const staleness = await watchStaleness({
        sim,
        pool: stack.db.pool,
        users: users.slice(0, total).map((user) => ({ user, group: 'all' })),
        durationMs,
        changeEveryMs: 1_000,
        drainMs: floorS * 3_000,
        log: ctx.log,
        halfway: async () => {
          ctx.log(`    ${INTERACTIVE_PARENTS} parents press "Synka nu" at once`);
          await Promise.all(
            parents.map(async ({ cookie, accountId }) => {
              const started = performance.now();
              const res = await fetch(`${stack.url}/api/tempus/sync?wait=true`, {
                method: 'POST',
                headers: { cookie, 'content-type': 'application/json' },
                body: JSON.stringify({ accountId }),
              });
              const body = (await res.json()) as { syncs?: { status: string }[] };
              manual.push({ ms: performance.now() - started, status: body.syncs?.[0]?.status ?? `HTTP ${res.status}` });
            }),
          );
        },
      });
      const seen = traffic(sim);
      const seconds = staleness.secondsByGroup.all ?? [];
      const p95 = quantile(seconds, 0.95);
      const manualP95 = quantile(manual.map((m) => m.ms), 0.95);
      const manualFailed = manual.filter((m) => m.status !== 'succeeded').length;
      const interactiveTarget = 1_000 + floorRoundTripMs;
      const figures: Figure[] = [
        {
          benchmark: 'freshness-rate',
          figure: `seconds until a change is in the calendar, p95 (${total} accounts)`,
          measured: `${p95.toFixed(1)} s (p50 ${quantile(seconds, 0.5).toFixed(1)}, max ${quantile(seconds, 1).toFixed(1)})`,
          floor: `${floorS.toFixed(1)} s (max(${MIN_INTERVAL_S} s, ${total} ÷ ${rate.toFixed(1)}/s))`,
          ratio: p95 / floorS,
          target: `≤ ${RATE_TARGET}× floor`,
          pass: p95 <= RATE_TARGET * floorS && staleness.unresolved === 0,
        },
        { benchmark: 'freshness-rate', figure: '429 responses', measured: String(seen.rateLimited), floor: '0', ratio: null, target: '0', pass: seen.rateLimited === 0 },
        {
          benchmark: 'interactive-under-load',
          figure: `"Synka nu" of ${INTERACTIVE_PARENTS} accounts at once, p95`,
          measured: `${fmt.ms(manualP95)}, ${manualFailed} failed`,
          floor: `${fmt.ms(floorRoundTripMs)} (one Tempus round trip)`,
          ratio: manualP95 / floorRoundTripMs,
          target: `≤ 1 s + floor (${fmt.ms(interactiveTarget)}), none failed`,
          pass: manualP95 <= interactiveTarget && manualFailed === 0,
        },
      ];
      const details = {
        accounts: total,
        minIntervalS: MIN_INTERVAL_S,
        budget: { ratePerSecond: stack.config.rateLimitRps, interactiveReserve: stack.config.interactiveReserve },
        changes: staleness.changes,
        unresolved: staleness.unresolved,
        stalenessSeconds: { p50: round(quantile(seconds, 0.5), 1), p95: round(p95, 1), max: round(quantile(seconds, 1), 1) },
        manualSyncs: manual.map((m) => ({ ms: round(m.ms, 1), status: m.status })),
        traffic: seen,
      };
      return [
        { name: 'freshness-rate', title: 'Freshness when the per-second budget binds', figures: figures.slice(0, 2), details },
        { name: 'interactive-under-load', title: '"Synka nu" while the budget is saturated', figures: figures.slice(2), details: { manualSyncs: details.manualSyncs, floorRoundTripMs } },
      ];
    } finally {
      await stop(stack);
    }
  } finally {
    await sim.close();
  }
}

async function nearTerm(ctx: RunContext): Promise<BenchResult> {
  const { accounts, durationMs } = scenario(ctx);
  const sim = await startBenchSim({ rateLimit: RATE_BOUND_SIM });
  try {
    const now = new Date();
    const watched: WatchedUser[] = Array.from({ length: accounts }, (_, i) => {
      const user = sim.users.create({ email: `near.${i}@example.se`, name: `Bench Person ${i}`, password: 'bench-losen-123' });
      const near = i % 2 === 0;
      // Near: a shift tomorrow; far: nothing before day 4.
      for (const shift of shiftsFrom(`near${i}`, near ? 0.8 : 4, 10, now)) sim.shifts.add(user.id, shift);
      return { user, group: near ? 'near' : 'far' };
    });
    const stack = await pacingStack(ctx, sim, 'freshness_near', watched.map((w) => w.user));
    try {
      sim.resetCounters();
      ctx.log(`  ${durationMs / 1000} s of changes, one a second, half the accounts with a shift in the next 48 h`);
      const staleness = await watchStaleness({ sim, pool: stack.db.pool, users: watched, durationMs, changeEveryMs: 1_000, drainMs: 600_000, log: ctx.log });
      const near = quantile(staleness.secondsByGroup.near ?? [], 0.95);
      const far = quantile(staleness.secondsByGroup.far ?? [], 0.95);
      return {
        name: 'near-term-priority',
        title: 'Accounts with a shift in the next 48 hours first',
        figures: [
          {
            benchmark: 'near-term-priority',
            figure: 'p95 staleness, shift in 48 h vs the others',
            measured: `${near.toFixed(1)} s vs ${far.toFixed(1)} s`,
            floor: '—',
            ratio: near / far,
            target: `≤ ${NEAR_TARGET}× the others'`,
            pass: near <= NEAR_TARGET * far && staleness.unresolved === 0,
          },
        ],
        details: {
          accounts,
          changes: staleness.changes,
          unresolved: staleness.unresolved,
          p95Seconds: { near: round(near, 1), far: round(far, 1) },
          p50Seconds: { near: round(quantile(staleness.secondsByGroup.near ?? [], 0.5), 1), far: round(quantile(staleness.secondsByGroup.far ?? [], 0.5), 1) },
          traffic: traffic(sim),
        },
      };
    } finally {
      await stop(stack);
    }
  } finally {
    await sim.close();
  }
}

/**
 * freshness-quota: the hourly quota the binding limit. 100 accounts already in step (each
 * synced once within the last round, their last syncs spread over it), a quota of 600
 * requests an hour at the simulator and in the product, 10 minutes of the pacer. Floor: the
 * requests the quota leaves background syncs, quota × (1 − reserve) × time. Every account
 * must keep being synced at the pace that allows: the longest any account goes without a
 * sync, against accounts ÷ (quota × (1 − reserve)).
 */
import { benchEnv, configFor } from '../lib/config.js';
import { createBenchDatabase } from '../lib/database.js';
import { insertFleetAccounts, obtainTokens } from '../lib/fleet.js';
import { startInstance } from '../lib/instances.js';
import { fmt, round, type BenchResult, type RunContext } from '../lib/report.js';
import { shiftsFrom } from '../lib/shifts.js';
import { startBenchSim, traffic } from '../lib/simulator.js';

const QUOTA_PER_HOUR = 600;
const GAP_TARGET = 1.25;

export async function runFreshnessQuota(ctx: RunContext): Promise<BenchResult> {
  const accounts = ctx.smoke ? 20 : 100;
  const durationMs = ctx.smoke ? 60_000 : 600_000;
  const sim = await startBenchSim({ rateLimit: { ratePerSecond: 10, burst: 20, hourly: QUOTA_PER_HOUR } });
  const db = await createBenchDatabase('freshness_quota', { keep: ctx.keep });
  try {
    // No shift in the next 48 hours anywhere: every account has the same claim to the quota.
    const now0 = new Date();
    const users = Array.from({ length: accounts }, (_, i) => {
      const user = sim.users.create({ email: `quota.${i}@example.se`, name: `Bench Person ${i}`, password: 'bench-losen-123' });
      for (const shift of shiftsFrom(`quota${i}`, 4, 10, now0)) sim.shifts.add(user.id, shift);
      return user;
    });
    ctx.log(`  connecting ${accounts} accounts (their token calls count against the simulator's hour too)`);
    const { tokens } = await obtainTokens(sim, users);
    const fleet = await insertFleetAccounts(db.pool, tokens);
    const env = benchEnv({ databaseUrl: db.url, tempusUrl: sim.url, extra: { TEMPUS_QUOTA_PER_HOUR: String(QUOTA_PER_HOUR), TEMPUS_SYNC_MIN_INTERVAL_S: '60' } });
    const config = configFor(env).tempus;
    const backgroundPerHour = QUOTA_PER_HOUR * (1 - config.interactiveReserve);
    const floorGapMs = (accounts / backgroundPerHour) * 3_600_000;
    // In step: each account synced once within the last floor gap, the syncs spread over it,
    // the cursor where that sync left it (so the next sync is one incremental request).
    const now = Date.now();
    await db.pool.query(
      `update tempus_accounts a set sync_cursor = now(), last_full_sync_at = now(), next_sync_at = now(),
              last_success_at = now() - (t.i * $1::float8 * interval '1 millisecond'), last_sync_at = now() - (t.i * $1::float8 * interval '1 millisecond')
       from unnest($2::uuid[]) with ordinality as t(id, i) where a.id = t.id`,
      [floorGapMs / accounts, fleet.map((f) => f.accountId)],
    );
    sim.resetCounters();
    const instance = startInstance(env, 'pace', 'pacing instance');
    await instance.next('listening');
    const started = Date.now();
    ctx.log(`  ${durationMs / 60_000} minutes of the pacer under a quota of ${QUOTA_PER_HOUR}/h`);
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    const seen = traffic(sim);
    instance.send({ type: 'stop' });
    await instance.exited;
    const elapsedMs = Date.now() - started;

    const { rows } = await db.pool.query<{ account_id: string; started_at: Date }>(
      `select account_id, started_at from tempus_sync_log where status = 'succeeded' and started_at >= $1 order by started_at`,
      [new Date(started)],
    );
    const lastSync = new Map<string, number>(fleet.map((f, i) => [f.accountId, now - (i + 1) * (floorGapMs / accounts)]));
    let longestGapMs = 0;
    const perAccount = new Map<string, number>();
    for (const row of rows) {
      const at = row.started_at.getTime();
      longestGapMs = Math.max(longestGapMs, at - lastSync.get(row.account_id)!);
      lastSync.set(row.account_id, at);
      perAccount.set(row.account_id, (perAccount.get(row.account_id) ?? 0) + 1);
    }
    for (const at of lastSync.values()) longestGapMs = Math.max(longestGapMs, started + elapsedMs - at);
    const allowed = backgroundPerHour * (elapsedMs / 3_600_000);
    return {
      name: 'freshness-quota',
      title: 'Freshness when the hourly quota binds',
      figures: [
        {
          benchmark: 'freshness-quota',
          figure: `requests to Tempus in ${(elapsedMs / 60_000).toFixed(1)} min (${accounts} accounts, ${QUOTA_PER_HOUR}/h)`,
          measured: String(seen.requests),
          floor: `${allowed.toFixed(1)} (quota × (1 − ${config.interactiveReserve}) × time)`,
          ratio: seen.requests / allowed,
          target: '≤ 1.00× floor',
          pass: seen.requests <= allowed,
        },
        { benchmark: 'freshness-quota', figure: '429 responses', measured: String(seen.rateLimited), floor: '0', ratio: null, target: '0', pass: seen.rateLimited === 0 },
        {
          benchmark: 'freshness-quota',
          figure: 'longest any account went without a sync',
          measured: fmt.s(longestGapMs),
          floor: `${fmt.s(floorGapMs)} (${accounts} ÷ ${backgroundPerHour}/h)`,
          ratio: longestGapMs / floorGapMs,
          target: `≤ ${GAP_TARGET}× floor`,
          pass: longestGapMs <= GAP_TARGET * floorGapMs,
        },
      ],
      details: {
        accounts,
        quotaPerHour: QUOTA_PER_HOUR,
        interactiveReserve: config.interactiveReserve,
        elapsedSeconds: round(elapsedMs / 1000, 1),
        syncs: rows.length,
        accountsSyncedInWindow: perAccount.size,
        traffic: seen,
      },
    };
  } finally {
    await db.drop();
    await sim.close();
  }
}

/**
 * fleet-sync and quiet-incremental: 1,000 connected accounts × 90 shifts.
 *
 * fleet-sync: a full initial sync of every account by one scheduler pass in a real API
 * process, once with TEMPUS_RATE_LIMIT_RPS=10 (the contract's limit) and once with the
 * default budget, each on a fresh database. A pass is background work: floor = requests ÷
 * (budget × (1 − TEMPUS_INTERACTIVE_RESERVE)). Tempus's hourly quota is set out of the way
 * at the simulator and in the product (freshness-quota measures planning for it).
 * quiet-incremental: the same fleet again with nothing changed in Tempus. Floor: one
 * request per account and no calendar write.
 * quiet-sync-cost: the same fleet six hours later, every access token (1 hour) expired:
 * floor two requests per account, the refresh and the listing.
 *
 * Tokens come from one real OAuth exchange per account, made once at ~9.5/s and reused by
 * both runs, so every measured request is a sync request.
 */
import type { TempusSim } from '@familyhub/tempus-sim';
import { benchEnv, configFor } from '../lib/config.js';
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js';
import { createFleetUsers, insertFleetAccounts, obtainTokens, type FleetTokens } from '../lib/fleet.js';
import { fmt, round, type BenchResult, type Figure, type RunContext } from '../lib/report.js';
import { diffVersions, rowVersions, rssGrowth, scheduledPass, type PassResult } from '../lib/scheduled-pass.js';
import { CONTRACT_LIMITS, refillSim, startBenchSim } from '../lib/simulator.js';

const SHIFTS_PER_ACCOUNT = 90;
/** The hourly quota is freshness-quota's subject; here it must not be what binds. */
const QUOTA_OUT_OF_THE_WAY = { TEMPUS_QUOTA_PER_HOUR: '10000000' };
const WALL_TARGET = 1.15;
const RSS_TARGET = 1.1;

export async function runFleetBenchmarks(ctx: RunContext, want: { fleet: boolean; quiet: boolean }): Promise<BenchResult[]> {
  const accounts = ctx.smoke ? 40 : 1000;
  const sim = await startBenchSim({ rateLimit: { ...CONTRACT_LIMITS, hourly: 10_000_000 } });
  const results: BenchResult[] = [];
  try {
    ctx.log(`  seeding ${accounts} Tempus users × ${SHIFTS_PER_ACCOUNT} shifts`);
    const users = createFleetUsers(sim, accounts, SHIFTS_PER_ACCOUNT, new Date());
    ctx.log(`  connecting ${accounts} accounts (one OAuth code exchange each, paced at 9.5/s: ~${Math.ceil(accounts / 9.5)} s)`);
    const setup = await obtainTokens(sim, users, {
      onProgress: (n) => n % 250 === 0 && ctx.log(`    … ${n} connected`),
    });
    await refillSim();

    const runs: { label: string; rps: number; pass: PassResult; verify: FleetCheck }[] = [];
    let quietDb: BenchDatabase | undefined;
    try {
      const variants = want.fleet
        ? [
            { label: 'TEMPUS_RATE_LIMIT_RPS=10', extra: { TEMPUS_RATE_LIMIT_RPS: '10' } as Record<string, string> },
            { label: 'default budget', extra: {} as Record<string, string> },
          ]
        : [{ label: 'default budget', extra: {} as Record<string, string> }];
      for (const [i, variant] of variants.entries()) {
        const last = i === variants.length - 1;
        const db = await createBenchDatabase(`fleet_sync_${last ? 'default' : 'rps10'}`, { keep: ctx.keep });
        try {
          const run = await fleetRun(ctx, sim, db, setup.tokens, variant.label, variant.extra);
          runs.push(run);
          if (last && want.quiet) quietDb = db;
        } finally {
          if (db !== quietDb) await db.drop();
        }
        await refillSim();
      }
      if (want.fleet) results.push(fleetResult(ctx, accounts, runs, setup.refused));
      if (want.quiet && quietDb) {
        results.push(await quietRun(ctx, sim, quietDb, accounts));
        await refillSim();
        results.push(await expiredTokensRun(ctx, sim, quietDb, accounts));
      }
    } finally {
      await quietDb?.drop();
    }
  } finally {
    await sim.close();
  }
  return results;
}

interface FleetCheck {
  succeeded: number;
  accountsSynced: number;
  syncs: number;
  events: number;
}

async function fleetRun(ctx: RunContext, sim: TempusSim, db: BenchDatabase, tokens: FleetTokens[], label: string, extra: Record<string, string>) {
  await insertFleetAccounts(db.pool, tokens);
  const env = benchEnv({ databaseUrl: db.url, tempusUrl: sim.url, extra: { ...extra, ...QUOTA_OUT_OF_THE_WAY } });
  const tempus = configFor(env).tempus;
  const rps = tempus.rateLimitRps * (1 - tempus.interactiveReserve);
  ctx.log(`  fleet sync, ${label} (${rps}/s for background): ${tokens.length} accounts, floor ~${Math.round(tokens.length / rps)} s`);
  const pass = await scheduledPass({ sim, pool: db.pool, envs: [env], log: ctx.log, expected: tokens.length });
  const { rows } = await db.pool.query<FleetCheck>(`
    select (select count(*) filter (where status = 'succeeded') from tempus_sync_log)::int as succeeded,
           (select count(distinct account_id) from tempus_sync_log)::int as "accountsSynced",
           (select count(*) from tempus_sync_log)::int as syncs,
           (select count(*) from calendar_events)::int as events`);
  const verify = rows[0]!;
  ctx.log(`    ${fmt.s(pass.wallMs)}, ${pass.traffic.requests} requests, ${pass.traffic.rateLimited} refused, ${verify.succeeded} syncs succeeded`);
  return { label, rps, pass, verify };
}

function fleetResult(
  ctx: RunContext,
  accounts: number,
  runs: { label: string; rps: number; pass: PassResult; verify: FleetCheck }[],
  setupRefused: number,
): BenchResult {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { accounts, shiftsPerAccount: SHIFTS_PER_ACCOUNT, setupTokenCallsRefused: setupRefused, runs: [] };
  for (const run of runs) {
    const done = run.pass.instances[0]!;
    const floorMs = (run.pass.traffic.requests / run.rps) * 1000;
    const ratio = done.wallMs / floorMs;
    const rss = rssGrowth(done, accounts);
    const name = `fleet-sync (${run.label.startsWith('default') ? 'default budget' : run.label})`;
    figures.push(
      {
        benchmark: name,
        figure: 'wall time, all accounts',
        measured: fmt.s(done.wallMs),
        floor: `${fmt.s(floorMs)} (${run.pass.traffic.requests} req ÷ ${run.rps}/s background)`,
        ratio,
        target: `≤ ${WALL_TARGET}× floor`,
        pass: ratio <= WALL_TARGET,
      },
      {
        benchmark: name,
        figure: '429 responses',
        measured: String(run.pass.traffic.rateLimited),
        floor: '0',
        ratio: null,
        target: '0',
        pass: run.pass.traffic.rateLimited === 0,
      },
      {
        benchmark: name,
        figure: 'accounts synced',
        measured: `${run.verify.succeeded} succeeded / ${run.verify.syncs} syncs`,
        floor: String(accounts),
        ratio: null,
        target: `${accounts}, each once`,
        pass: run.verify.succeeded === accounts && run.verify.syncs === accounts && run.verify.accountsSynced === accounts,
      },
      {
        benchmark: name,
        figure: 'peak RSS, 2nd half vs 1st half of accounts',
        measured: `${fmt.mb(rss.secondHalfPeak)} vs ${fmt.mb(rss.firstHalfPeak)}`,
        floor: `${fmt.mb(rss.firstHalfPeak)} (1st half)`,
        ratio: rss.ratio,
        target: `≤ ${RSS_TARGET}× (flat)`,
        pass: rss.ratio <= RSS_TARGET,
      },
    );
    (details.runs as unknown[]).push({
      label: run.label,
      ratePerSecond: run.rps,
      wallMs: Math.round(done.wallMs),
      floorMs: Math.round(floorMs),
      ratio: round(ratio, 3),
      achievedRequestsPerSecond: round(run.pass.traffic.requests / (done.wallMs / 1000), 2),
      traffic: run.pass.traffic,
      check: run.verify,
      syncErrors: done.errors,
      maxAccountsLeasedAtOnce: run.pass.maxLeased,
      rss: { ...rss, maxRssKb: done.maxRssKb, ratio: round(rss.ratio, 3) },
      rssSamples: thin(done.samples, 40),
      appWarnings: run.pass.warnLines.length,
      appWarningSample: run.pass.warnLines.slice(0, 5),
    });
  }
  return {
    name: 'fleet-sync',
    title: `Fleet sync: ${accounts} accounts × ${SHIFTS_PER_ACCOUNT} shifts, initial sync by one scheduler pass`,
    figures,
    details,
  };
}

async function quietRun(ctx: RunContext, sim: TempusSim, db: BenchDatabase, accounts: number): Promise<BenchResult> {
  ctx.log('  quiet incremental: the same fleet due again, nothing changed in Tempus');
  // Time passing is the one thing the bench fakes: every account is due now.
  await db.pool.query(`update tempus_accounts set next_sync_at = now() - interval '1 second'`);
  const eventsBefore = await rowVersions(db.pool, 'calendar_events', 'id::text');
  const cacheBefore = await rowVersions(db.pool, 'tempus_schedule_cache', `account_id::text || '/' || tempus_id`);
  const auditBefore = await count(db, 'tempus_sync_audit');
  const syncsBefore = await count(db, 'tempus_sync_log');

  const env = benchEnv({ databaseUrl: db.url, tempusUrl: sim.url, extra: QUOTA_OUT_OF_THE_WAY });
  const pass = await scheduledPass({ sim, pool: db.pool, envs: [env], log: ctx.log, expected: accounts });
  const events = diffVersions(eventsBefore, await rowVersions(db.pool, 'calendar_events', 'id::text'));
  const cache = diffVersions(cacheBefore, await rowVersions(db.pool, 'tempus_schedule_cache', `account_id::text || '/' || tempus_id`));
  const audit = (await count(db, 'tempus_sync_audit')) - auditBefore;
  const { rows } = await db.pool.query<{ type: string; status: string; n: number }>(
    `select sync_type as type, status, count(*)::int as n from tempus_sync_log group by 1, 2`,
  );
  const syncs = (await count(db, 'tempus_sync_log')) - syncsBefore;
  const done = pass.instances[0]!;
  const perAccount = pass.traffic.requests / accounts;
  ctx.log(`    ${pass.traffic.requests} requests for ${accounts} accounts, calendar writes ${events.total}, ${fmt.s(done.wallMs)}`);
  const name = 'quiet-incremental';
  return {
    name,
    title: `Quiet incremental: the same ${accounts} accounts due again, nothing changed in Tempus`,
    figures: [
      {
        benchmark: name,
        figure: 'Tempus requests per account',
        measured: `${perAccount.toFixed(2)} (${pass.traffic.requests} for ${accounts})`,
        floor: '1',
        ratio: perAccount,
        target: 'exactly 1',
        pass: pass.traffic.requests === accounts,
      },
      {
        benchmark: name,
        figure: 'calendar writes (rows inserted+updated+deleted)',
        measured: String(events.total),
        floor: '0',
        ratio: null,
        target: '0',
        pass: events.total === 0,
      },
      {
        benchmark: name,
        figure: 'accounts synced',
        measured: `${done.succeeded} succeeded / ${syncs} syncs`,
        floor: String(accounts),
        ratio: null,
        target: `${accounts}, each once`,
        pass: done.succeeded === accounts && syncs === accounts,
      },
    ],
    details: {
      accounts,
      wallMs: Math.round(done.wallMs),
      ratePerSecond: configFor(env).tempus.rateLimitRps,
      traffic: pass.traffic,
      calendarEvents: events,
      scheduleCache: cache,
      auditRowsAdded: audit,
      syncLog: rows,
      syncErrors: done.errors,
      maxAccountsLeasedAtOnce: pass.maxLeased,
      appWarnings: pass.warnLines.length,
    },
  };
}

async function expiredTokensRun(ctx: RunContext, sim: TempusSim, db: BenchDatabase, accounts: number): Promise<BenchResult> {
  ctx.log('  quiet sync real cost: six hours later, every one-hour access token expired, nothing changed');
  await db.pool.query(`update tempus_accounts set next_sync_at = now() - interval '1 second', token_expires_at = now() - interval '5 hours'`);
  const env = benchEnv({ databaseUrl: db.url, tempusUrl: sim.url, extra: QUOTA_OUT_OF_THE_WAY });
  const pass = await scheduledPass({ sim, pool: db.pool, envs: [env], log: ctx.log, expected: accounts });
  const done = pass.instances[0]!;
  const perAccount = pass.traffic.requests / accounts;
  ctx.log(`    ${pass.traffic.requests} requests for ${accounts} accounts (${JSON.stringify(pass.traffic.byEndpoint)})`);
  return {
    name: 'quiet-sync-cost',
    title: `Quiet sync real cost: ${accounts} accounts synced again after their access tokens expired`,
    figures: [
      {
        benchmark: 'quiet-sync-cost',
        figure: 'Tempus requests per account, tokens expired',
        measured: `${perAccount.toFixed(2)} (${pass.traffic.requests} for ${accounts})`,
        floor: '2 (refresh + listing)',
        ratio: perAccount / 2,
        target: '≤ floor',
        pass: pass.traffic.requests <= 2 * accounts && done.succeeded === accounts,
      },
    ],
    details: { accounts, traffic: pass.traffic, succeeded: done.succeeded, syncErrors: done.errors },
  };
}

async function count(db: BenchDatabase, table: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return rows[0]!.n;
}

function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!).concat(items.at(-1)!);
}

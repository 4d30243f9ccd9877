/**
 * multi-instance: two API processes on one database run their scheduler pass at the same
 * moment over 1,000 due accounts (never synced, 90 shifts each), with the contract's
 * budget TEMPUS_RATE_LIMIT_RPS=10 shared through PostgreSQL. Floor: total requests ÷ that
 * one budget's background share (1 − TEMPUS_INTERACTIVE_RESERVE); the hourly quota is set
 * out of the way. Every account must be synced exactly once, by one of the two.
 */
import { benchEnv, configFor } from '../lib/config.js';
import { createBenchDatabase } from '../lib/database.js';
import { createFleetUsers, insertFleetAccounts, obtainTokens } from '../lib/fleet.js';
import { fmt, round, type BenchResult, type RunContext } from '../lib/report.js';
import { scheduledPass } from '../lib/scheduled-pass.js';
import { CONTRACT_LIMITS, refillSim, startBenchSim } from '../lib/simulator.js';

const WALL_TARGET = 1.15;

export async function runMultiInstance(ctx: RunContext): Promise<BenchResult> {
  const accounts = ctx.smoke ? 40 : 1000;
  const sim = await startBenchSim({ rateLimit: { ...CONTRACT_LIMITS, hourly: 10_000_000 } });
  const db = await createBenchDatabase('multi_instance', { keep: ctx.keep });
  try {
    ctx.log(`  seeding and connecting ${accounts} accounts (~${Math.ceil(accounts / 9.5)} s)`);
    const users = createFleetUsers(sim, accounts, 90, new Date(), 'multi');
    const { tokens } = await obtainTokens(sim, users, { onProgress: (n) => n % 250 === 0 && ctx.log(`    … ${n} connected`) });
    await insertFleetAccounts(db.pool, tokens);
    await refillSim();

    const envs = ['a', 'b'].map((id) =>
      benchEnv({ databaseUrl: db.url, tempusUrl: sim.url, extra: { TEMPUS_RATE_LIMIT_RPS: '10', TEMPUS_QUOTA_PER_HOUR: '10000000', BENCH_INSTANCE: id } }),
    );
    const tempus = configFor(envs[0]!).tempus;
    const rps = tempus.rateLimitRps * (1 - tempus.interactiveReserve);
    ctx.log(`  two API processes, one shared budget of ${rps}/s: floor ~${Math.round(accounts / rps)} s`);
    const pass = await scheduledPass({ sim, pool: db.pool, envs, log: ctx.log, expected: accounts });

    const [a, b] = pass.instances as [(typeof pass.instances)[0], (typeof pass.instances)[0]];
    const setA = new Set(a.accountIds);
    const overlap = b.accountIds.filter((id) => setA.has(id)).length;
    const { rows } = await db.pool.query<{ synced_once: number; synced_more: number; never: number; succeeded: number; syncs: number }>(`
      with per as (select a.id, count(l.id) as n, count(l.id) filter (where l.status = 'succeeded') as ok
                   from tempus_accounts a left join tempus_sync_log l on l.account_id = a.id group by a.id)
      select count(*) filter (where n = 1)::int as synced_once,
             count(*) filter (where n > 1)::int as synced_more,
             count(*) filter (where n = 0)::int as never,
             sum(ok)::int as succeeded,
             sum(n)::int as syncs
      from per`);
    const check = rows[0]!;
    const floorMs = (pass.traffic.requests / rps) * 1000;
    const ratio = pass.wallMs / floorMs;
    ctx.log(
      `    ${fmt.s(pass.wallMs)}, ${pass.traffic.requests} requests, ${pass.traffic.rateLimited} refused; ` +
        `instance A synced ${a.synced}, B ${b.synced}, overlap ${overlap}`,
    );
    const exactlyOnce = check.synced_once === accounts && check.synced_more === 0 && check.never === 0 && check.succeeded === accounts;
    const name = 'multi-instance';
    return {
      name,
      title: `Multi-instance: two API processes, one database, ${accounts} due accounts, one shared budget of ${rps}/s`,
      figures: [
        {
          benchmark: name,
          figure: 'wall time, both processes',
          measured: fmt.s(pass.wallMs),
          floor: `${fmt.s(floorMs)} (${pass.traffic.requests} req ÷ ${rps}/s)`,
          ratio,
          target: `≤ ${WALL_TARGET}× floor`,
          pass: ratio <= WALL_TARGET,
        },
        {
          benchmark: name,
          figure: '429 responses',
          measured: String(pass.traffic.rateLimited),
          floor: '0',
          ratio: null,
          target: '0',
          pass: pass.traffic.rateLimited === 0,
        },
        {
          benchmark: name,
          figure: 'accounts synced exactly once, no overlap',
          measured: `${check.synced_once} once, ${check.synced_more} more, ${check.never} never; A ${a.synced} + B ${b.synced}, overlap ${overlap}`,
          floor: String(accounts),
          ratio: null,
          target: `${accounts} once, 0 overlap`,
          pass: exactlyOnce && overlap === 0,
        },
      ],
      details: {
        accounts,
        ratePerSecond: rps,
        wallMs: Math.round(pass.wallMs),
        floorMs: Math.round(floorMs),
        ratio: round(ratio, 3),
        achievedRequestsPerSecond: round(pass.traffic.requests / (pass.wallMs / 1000), 2),
        traffic: pass.traffic,
        check,
        instances: pass.instances.map((i) => ({
          synced: i.synced,
          succeeded: i.succeeded,
          failed: i.failed,
          errors: i.errors,
          wallMs: Math.round(i.wallMs),
          peakRssMb: round(i.peakRss / 2 ** 20, 1),
        })),
        overlap,
        maxAccountsLeasedAtOnce: pass.maxLeased,
        appWarnings: pass.warnLines.length,
        appWarningSample: pass.warnLines.slice(0, 5),
      },
    };
  } finally {
    await db.drop();
    await sim.close();
  }
}

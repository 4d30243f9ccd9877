/**
 * requests-per-sync: connecting one account through the real OAuth flow (the app's
 * connect + callback routes, the simulator's authorize page), whose callback runs the
 * initial sync, for accounts with 90, 1,000 and 5,000 shifts in the sync window.
 * Floor: ⌈shifts ÷ 500⌉ schedule pages + 1 token exchange + 1 profile read.
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { benchEnv } from '../lib/config.js';
import { createBenchDatabase } from '../lib/database.js';
import type { BenchResult, Figure, RunContext } from '../lib/report.js';
import { benchShifts } from '../lib/shifts.js';
import { refillSim, startBenchSim, traffic } from '../lib/simulator.js';
import { connectSyncFinished } from '../../test/support/syncs.js';

const PAGE = 500;

export async function runRequestsPerSync(ctx: RunContext): Promise<BenchResult> {
  const sizes = ctx.smoke ? [90, 1000] : [90, 1000, 5000];
  const sim = await startBenchSim();
  const db = await createBenchDatabase('requests_per_sync', { keep: ctx.keep });
  const app = await buildApp(loadConfig(benchEnv({ databaseUrl: db.url, tempusUrl: sim.url })), { database: db.database });
  await app.ready();
  const figures: Figure[] = [];
  const rows: Record<string, unknown>[] = [];
  try {
    for (const shifts of sizes) {
      const simUser = sim.users.create({ email: `requests.${shifts}@example.se`, name: `Bench ${shifts}`, password: 'bench-losen-123' });
      for (const s of benchShifts(`rps${shifts}`, shifts, new Date())) sim.shifts.add(simUser.id, s);

      const signup = await app.inject({
        method: 'POST',
        url: '/api/auth/signup',
        payload: { email: `parent.${shifts}@bench.example.se`, password: 'korrekt-hast-batteri', name: 'Anna', familyName: 'Familjen Bench' },
      });
      const cookie = signup.cookies.find((c) => c.name === 'fh_session');
      if (signup.statusCode !== 201 || !cookie) throw new Error(`signup answered ${signup.statusCode}`);
      const headers = { cookie: `fh_session=${cookie.value}` };

      await refillSim();
      sim.resetCounters();
      const started = performance.now();
      const connect = await app.inject({ method: 'POST', url: '/api/tempus/connect', headers });
      const authorizeUrl = (connect.json() as { authorizeUrl: string }).authorizeUrl;
      const authorize = await fetch(`${authorizeUrl}&login_hint=${encodeURIComponent(simUser.id)}`, { redirect: 'manual' });
      const redirect = new URL(authorize.headers.get('location')!);
      const callback = await app.inject({ method: 'GET', url: `${redirect.pathname}${redirect.search}`, headers });
      const accountId = new URL(String(callback.headers.location)).searchParams.get('connected');
      if (!accountId) throw new Error(`callback redirected to ${String(callback.headers.location)}`);
      await connectSyncFinished(db.database.db, accountId);
      const ms = performance.now() - started;

      const t = traffic(sim);
      const { rows: logs } = await db.pool.query<{ status: string; requests: number; created: number; fetched: number }>(
        'select status, requests, created, fetched from tempus_sync_log where account_id = $1',
        [accountId],
      );
      const log = logs[0];
      const pages = Math.ceil(shifts / PAGE);
      const floor = pages + 2;
      const ok = log?.status === 'succeeded' && log.created === shifts;
      ctx.log(`  ${shifts} shifts: ${t.requests} requests (floor ${floor}), sync ${log?.status}, ${log?.created} events created`);
      figures.push({
        benchmark: 'requests-per-sync',
        figure: `connect + initial sync, ${shifts.toLocaleString('en-US')} shifts`,
        measured: `${t.requests} requests${ok ? '' : ` (sync ${log?.status ?? 'missing'}, ${log?.created ?? 0} created)`}`,
        floor: `${floor} (${pages} page${pages > 1 ? 's' : ''} + token + profile)`,
        ratio: t.requests / floor,
        target: `≤ ${floor + 1}`,
        pass: ok && t.requests <= floor + 1,
      });
      rows.push({ shifts, requests: t.requests, floor, byEndpoint: t.byEndpoint, byStatus: t.byStatus, syncLog: log, ms: Math.round(ms) });
    }
  } finally {
    await app.close();
    await db.drop();
    await sim.close();
  }
  return { name: 'requests-per-sync', title: 'Tempus requests to connect one account and run its initial sync', figures, details: { pageSize: PAGE, sizes: rows } };
}

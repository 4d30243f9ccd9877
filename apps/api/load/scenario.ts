/**
 * The load scenario shared by the soak (`load/run.ts`) and its CI smoke
 * (`test/reliability/load-smoke.test.ts`): N families, each with a connected Tempus account,
 * use the calendar and settings pages' API calls over real HTTP (autocannon) while the
 * scheduler keeps syncing all their accounts against the simulator, whose shifts keep
 * changing. It reports errors, status classes, latency percentiles, syncs and memory.
 */
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { startTempusSim, type TempusSim } from '@familyhub/tempus-sim';
import { sql } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { connectSyncFinished } from '../test/support/syncs.js';

interface AutocannonRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  requests: { average: number; total: number };
}
// autocannon ships no types; this is the part of its API the scenario uses.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: AutocannonRequest[];
}) => Promise<AutocannonResult>;

const CLIENT = { clientId: 'familyhub-load', clientSecret: 'load-test-client-secret-0123456789', redirectUri: 'http://localhost:3000/api/tempus/callback' };
const WEB_ORIGIN = 'http://localhost:5173';
const OPERATOR_TOKEN = 'load-test-operator-token-0123456789';
const DAY = 86_400_000;

export interface LoadOptions {
  /** An open, migrated database the scenario may fill. */
  database: Database;
  families: number;
  durationSeconds: number;
  connections: number;
  /** Progress lines; silent when omitted. */
  progress?: (line: string) => void;
}

export interface MemorySample {
  atSeconds: number;
  rssMB: number;
  heapUsedMB: number;
}

export interface LoadReport {
  families: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  status5xx: number;
  statusCodes: Record<string, number>;
  schedulerPasses: number;
  syncs: { succeeded: number; failed: number; running: number };
  errorLogLines: string[];
  memory: {
    samples: MemorySample[];
    heapStartMB: number;
    heapEndMB: number;
    heapMaxMB: number;
    rssMaxMB: number;
    heapSlopeMBPerMinute: number;
    /** Median heap of the last quarter minus that of the second quarter (after warm-up). */
    heapGrowthMB: number;
  };
}

const cookieOf = (res: Response) => /fh_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0];

async function inBatches<T, R>(items: T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!, i);
    }),
  );
  return out;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
};

function heapGrowth(samples: MemorySample[]): number {
  const q = Math.floor(samples.length / 4);
  if (q < 2) return 0;
  return median(samples.slice(-q).map((s) => s.heapUsedMB)) - median(samples.slice(q, 2 * q).map((s) => s.heapUsedMB));
}

/** Least-squares slope of heap use over the samples after the warm-up third, in MB per minute. */
function heapSlope(samples: MemorySample[]): number {
  const tail = samples.slice(Math.floor(samples.length / 3));
  if (tail.length < 3) return 0;
  const n = tail.length;
  const mx = tail.reduce((s, p) => s + p.atSeconds, 0) / n;
  const my = tail.reduce((s, p) => s + p.heapUsedMB, 0) / n;
  const num = tail.reduce((s, p) => s + (p.atSeconds - mx) * (p.heapUsedMB - my), 0);
  const den = tail.reduce((s, p) => s + (p.atSeconds - mx) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

async function connectFamily(base: string, sim: TempusSim, email: string, index: number) {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `load.${index}.${Date.now()}@example.se`, password: 'korrekt-hast-batteri', name: `Förälder ${index}`, familyName: `Familj ${index}` }),
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}`);
  const cookie = cookieOf(signup)!;
  const connect = await fetch(`${base}/api/tempus/connect`, { method: 'POST', headers: { cookie } });
  const { authorizeUrl } = (await connect.json()) as { authorizeUrl: string };
  const authorize = await fetch(`${authorizeUrl}&login_hint=${encodeURIComponent(email)}`, { redirect: 'manual' });
  const redirect = new URL(authorize.headers.get('location')!);
  const callback = await fetch(`${base}${redirect.pathname}${redirect.search}`, { headers: { cookie }, redirect: 'manual' });
  const accountId = new URL(callback.headers.get('location')!).searchParams.get('connected');
  if (!accountId) throw new Error(`connect failed: ${callback.headers.get('location')} (sim ${sim.url})`);
  return { cookie, accountId };
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const say = options.progress ?? (() => undefined);
  const now = Date.now();
  const sim = await startTempusSim({
    clients: [{ clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, redirectUris: [CLIENT.redirectUri] }],
    autoApprove: true,
    // Tempus's own limits are not under test here; the API's budget still applies.
    rateLimit: { ratePerSecond: 100_000, burst: 100_000, hourly: 100_000_000 },
  });
  const simUsers = sim.seed({ users: options.families, seed: 20_260_504, from: new Date(now - 30 * DAY), to: new Date(now + 60 * DAY), shiftsPerUser: 60 });

  const errorLogLines: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (/"level":(50|60)/.test(line) && errorLogLines.length < 20) errorLogLines.push(line.slice(0, 500));
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    SESSION_SECRET: 'load-test-only-session-secret-0123456789',
    TEMPUS_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 13).toString('base64'),
    TEMPUS_AUTH_URL: sim.url,
    TEMPUS_API_URL: sim.url,
    TEMPUS_CLIENT_ID: CLIENT.clientId,
    TEMPUS_CLIENT_SECRET: CLIENT.clientSecret,
    TEMPUS_OAUTH_REDIRECT_URI: CLIENT.redirectUri,
    ADMIN_API_TOKEN: OPERATOR_TOKEN,
    WEB_ORIGIN,
    TEMPUS_RATE_LIMIT_RPS: '500',
    // The load test is about the API under traffic, not Tempus's hourly quota.
    TEMPUS_QUOTA_PER_HOUR: '10000000',
    // Every simulated family signs up from this one address.
    SIGNUPS_PER_VISITOR_PER_HOUR: '1000000',
  });
  const app = await buildApp(config, { database: options.database, logStream, logLevel: 'warn', tempus: { instanceId: 'load-test' } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const service = app.tempus!.service;

  try {
    say(`connecting ${options.families} families`);
    const families = await inBatches(simUsers, 8, (u, i) => connectFamily(base, sim, u.email, i));
    for (const f of families) await connectSyncFinished(options.database.db, f.accountId);
    say('initial syncs done; load starts');

    const loadStart = new Date();
    const memory: MemorySample[] = [];
    // With --expose-gc (the soak runs with it) each sample is taken after a full collection,
    // so the trend shows retained memory rather than the garbage collector's sawtooth.
    const gc = (globalThis as { gc?: () => void }).gc;
    const sampleMemory = () => {
      gc?.();
      const m = process.memoryUsage();
      memory.push({ atSeconds: (Date.now() - loadStart.getTime()) / 1000, rssMB: m.rss / 2 ** 20, heapUsedMB: m.heapUsed / 2 ** 20 });
    };
    sampleMemory();
    const sampler = setInterval(sampleMemory, options.durationSeconds > 120 ? 5_000 : 1_000);

    // The scheduler side: Tempus keeps changing and every account keeps falling due.
    let loadRunning = true;
    let schedulerPasses = 0;
    const scheduler = (async () => {
      let round = 0;
      while (loadRunning) {
        round++;
        for (let i = round % 10; i < simUsers.length; i += 10) {
          const shift = sim.shifts.list(simUsers[i]!.id)[round % 60];
          if (shift) sim.shifts.update(shift.id, { note: `Ändrad ${round}` });
        }
        await options.database.db.execute(sql`update tempus_accounts set next_sync_at = now()`);
        await app.scheduler.run('tempus-sync');
        schedulerPasses++;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    // The browser side: the calendar page (me, a month of events, Tempus status, adding an
    // event) and the settings page (me, status), each request as a random family.
    let pick = 0;
    const asFamily = (req: AutocannonRequest): AutocannonRequest => {
      const family = families[pick++ % families.length]!;
      return { ...req, headers: { ...req.headers, cookie: family.cookie } };
    };
    const month = new URLSearchParams({ from: new Date(now - 7 * DAY).toISOString(), to: new Date(now + 28 * DAY).toISOString() });
    const result = await autocannon({
      url: base,
      connections: options.connections,
      duration: options.durationSeconds,
      timeout: 10,
      requests: [
        { method: 'GET', path: '/api/me', setupRequest: asFamily },
        { method: 'GET', path: `/api/calendar/events?${month}`, setupRequest: asFamily },
        { method: 'GET', path: '/api/tempus/status', setupRequest: asFamily },
        {
          method: 'POST',
          path: '/api/calendar/events',
          headers: { 'content-type': 'application/json', origin: WEB_ORIGIN },
          body: JSON.stringify({ title: 'Simskola', startDate: new Date(now + 2 * DAY).toISOString(), endDate: new Date(now + 2 * DAY + 3_600_000).toISOString() }),
          setupRequest: asFamily,
        },
        { method: 'GET', path: '/api/me', setupRequest: asFamily },
        { method: 'GET', path: '/api/tempus/status', setupRequest: asFamily },
      ],
    });
    loadRunning = false;
    await scheduler;
    clearInterval(sampler);
    sampleMemory();
    await service.drain();

    const syncRows = (await options.database.db.execute(
      sql`select status, count(*)::int as n from tempus_sync_log where started_at >= ${loadStart.toISOString()}::timestamptz group by status`,
    )) as unknown as { rows: { status: string; n: number }[] };
    const syncs = { succeeded: 0, failed: 0, running: 0 };
    for (const row of syncRows.rows) syncs[row.status as keyof typeof syncs] = row.n;

    const heaps = memory.map((m) => m.heapUsedMB);
    return {
      families: options.families,
      durationSeconds: result.duration,
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      status5xx: result['5xx'],
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
      schedulerPasses,
      syncs,
      errorLogLines,
      memory: {
        samples: memory,
        heapStartMB: heaps[0]!,
        heapEndMB: heaps.at(-1)!,
        heapMaxMB: Math.max(...heaps),
        rssMaxMB: Math.max(...memory.map((m) => m.rssMB)),
        heapSlopeMBPerMinute: heapSlope(memory),
        heapGrowthMB: heapGrowth(memory),
      },
    };
  } finally {
    await app.close();
    await sim.close();
  }
}

/** What must hold for a run to pass; returns the broken promises (empty when all hold). */
export function violations(report: LoadReport, limits: { maxHeapGrowthMB: number }): string[] {
  const broken: string[] = [];
  if (report.errors > 0) broken.push(`${report.errors} connection errors`);
  if (report.timeouts > 0) broken.push(`${report.timeouts} timeouts`);
  if (report.status5xx > 0) broken.push(`${report.status5xx} 5xx responses`);
  if (report.non2xx > 0) broken.push(`${report.non2xx} non-2xx responses: ${JSON.stringify(report.statusCodes)}`);
  if (report.syncs.failed > 0) broken.push(`${report.syncs.failed} failed syncs`);
  if (report.syncs.succeeded < report.families) broken.push(`only ${report.syncs.succeeded} syncs for ${report.families} accounts`);
  if (report.errorLogLines.length > 0) broken.push(`error log lines: ${report.errorLogLines[0]}`);
  if (!Number.isFinite(report.latencyMs.p99)) broken.push('no p99 latency');
  if (report.memory.heapGrowthMB > limits.maxHeapGrowthMB) {
    broken.push(`heap kept growing: +${report.memory.heapGrowthMB.toFixed(1)} MB after warm-up (limit ${limits.maxHeapGrowthMB} MB)`);
  }
  return broken;
}

export function summary(report: LoadReport): string {
  const m = report.memory;
  return [
    `families ${report.families}, ${report.durationSeconds}s, ${report.requests} requests (${report.requestsPerSecond.toFixed(0)}/s)`,
    `latency p50 ${report.latencyMs.p50} ms, p90 ${report.latencyMs.p90} ms, p99 ${report.latencyMs.p99} ms, max ${report.latencyMs.max} ms`,
    `errors ${report.errors}, timeouts ${report.timeouts}, non-2xx ${report.non2xx}, 5xx ${report.status5xx}, statuses ${JSON.stringify(report.statusCodes)}`,
    `scheduler passes ${report.schedulerPasses}, syncs succeeded ${report.syncs.succeeded}, failed ${report.syncs.failed}`,
    `heap ${m.heapStartMB.toFixed(0)} → ${m.heapEndMB.toFixed(0)} MB (max ${m.heapMaxMB.toFixed(0)}), rss max ${m.rssMaxMB.toFixed(0)} MB, heap slope ${m.heapSlopeMBPerMinute.toFixed(2)} MB/min, growth after warm-up ${m.heapGrowthMB.toFixed(1)} MB`,
  ].join('\n');
}

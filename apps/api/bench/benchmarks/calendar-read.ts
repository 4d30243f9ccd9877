/**
 * calendar-read: `GET /api/calendar/events` for one month of a family with 5 members (two
 * of them with Tempus shifts), 1,000 such families in the table, served by a real API
 * process and loaded with autocannon. Floor: the very SQL the route runs (captured from
 * the app's own repository call), sent straight through `pg` at the same concurrency.
 * The plan of that SQL is shown with EXPLAIN ANALYZE.
 */
import autocannon from 'autocannon';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Db } from '../../src/db/client.js';
import * as schema from '../../src/db/schema.js';
import { listEvents } from '../../src/modules/calendar/repository.js';
import { EVENTS_PAGE_SIZE } from '../../src/modules/calendar/service.js';
import { benchEnv } from '../lib/config.js';
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js';
import { startInstance } from '../lib/instances.js';
import { fmt, round, type BenchResult, type RunContext } from '../lib/report.js';

const CONNECTIONS = 10;
const THROUGHPUT_TARGET = 0.5;
const P99_TARGET_MS = 50;
const PASSWORD = 'korrekt-hast-batteri';

export async function runCalendarRead(ctx: RunContext): Promise<BenchResult> {
  const families = ctx.smoke ? 20 : 1000;
  const seconds = ctx.smoke ? 2 : 10;
  const rounds = ctx.smoke ? 1 : 2;
  const db = await createBenchDatabase('calendar_read', { keep: ctx.keep });
  const server = startInstance(benchEnv({ databaseUrl: db.url, tempusUrl: 'http://127.0.0.1:9' }), 'serve', 'calendar server');
  try {
    const { port } = await server.next('listening');
    const base = `http://127.0.0.1:${port}`;

    ctx.log(`  one family through the API (signup + 4 members), ${families - 1} more and their events by SQL`);
    const family = await signupFamily(base);
    await fillTable(db, families - 1);
    await db.pool.query('vacuum analyze');

    const now = new Date();
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const url = `${base}/api/calendar/events?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
    const query = await captureQuery(db, family.familyId, from, to);

    const check = await fetch(url, { headers: { cookie: family.cookie } });
    const body = (await check.json()) as { events: unknown[] };
    const direct = await db.pool.query(query.text, query.params);
    if (check.status !== 200 || body.events.length !== direct.rowCount) {
      throw new Error(`the route answered ${check.status} with ${body.events.length} events; the SQL returns ${direct.rowCount}`);
    }
    const explain = await db.pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.text}`, query.params);
    const plan = explain.rows.map((r) => r['QUERY PLAN']).join('\n');
    const usesIndex = /Index (Only )?Scan( Backward)? using \S+ on calendar_events|Bitmap Index Scan on calendar_events_/.test(plan);
    const { rows: sizeRows } = await db.pool.query<{ n: number }>('select count(*)::int as n from calendar_events');
    const tableRows = sizeRows[0]!.n;
    ctx.log(`  ${tableRows.toLocaleString('en-US')} events in the table, ${body.events.length} in the month; index used: ${usesIndex}`);

    // Warm both paths (JIT, connection pools, caches) before measuring.
    await autocannon({ url, connections: CONNECTIONS, duration: 2, headers: { cookie: family.cookie } });
    const rawPool = new pg.Pool({ connectionString: db.url, max: CONNECTIONS });
    try {
      await rawLoad(rawPool, query, 2);
      const http: Awaited<ReturnType<typeof autocannon>>[] = [];
      const raw: RawLoad[] = [];
      for (let r = 0; r < rounds; r++) {
        raw.push(await rawLoad(rawPool, query, seconds));
        ctx.log(`  round ${r + 1}: raw pg ${fmt.rate(raw.at(-1)!.perSecond, 'queries')}, p99 ${fmt.ms(raw.at(-1)!.p99)}`);
        http.push(await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { cookie: family.cookie } }));
        const h = http.at(-1)!;
        ctx.log(`  round ${r + 1}: HTTP ${fmt.rate(h.requests.total / seconds, 'req')}, p99 ${fmt.ms(h.latency.p99)}, non-2xx ${h.non2xx}, errors ${h.errors}`);
      }
      const bestHttp = http.reduce((a, b) => (b.requests.total > a.requests.total ? b : a));
      const bestRaw = raw.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
      const httpRate = bestHttp.requests.total / seconds;
      const ratio = httpRate / bestRaw.perSecond;
      const clean = bestHttp.non2xx === 0 && bestHttp.errors === 0 && bestHttp.timeouts === 0;
      const name = 'calendar-read';
      return {
        name,
        title: `Calendar read: one month of a 5-member family, ${families.toLocaleString('en-US')} families (${tableRows.toLocaleString('en-US')} events), ${CONNECTIONS} connections`,
        figures: [
          {
            benchmark: name,
            figure: `GET /api/calendar/events (${body.events.length} events), throughput`,
            measured: `${fmt.rate(httpRate, 'req')}${clean ? '' : ` (${bestHttp.non2xx} non-2xx, ${bestHttp.errors} errors)`}`,
            floor: `${fmt.rate(bestRaw.perSecond, 'queries')} raw pg`,
            ratio,
            target: `≥ ${THROUGHPUT_TARGET}× raw`,
            pass: clean && ratio >= THROUGHPUT_TARGET,
          },
          {
            benchmark: name,
            figure: 'GET /api/calendar/events, p99 latency',
            measured: fmt.ms(bestHttp.latency.p99),
            floor: `${fmt.ms(bestRaw.p99)} raw pg`,
            ratio: null,
            target: `< ${P99_TARGET_MS} ms`,
            pass: bestHttp.latency.p99 < P99_TARGET_MS,
          },
          {
            benchmark: name,
            figure: 'calendar query uses an index (EXPLAIN)',
            measured: usesIndex ? 'yes' : 'no',
            floor: '—',
            ratio: null,
            target: 'index scan',
            pass: usesIndex,
          },
        ],
        details: {
          families,
          eventsInTable: tableRows,
          eventsReturned: body.events.length,
          connections: CONNECTIONS,
          secondsPerRound: seconds,
          http: http.map((h) => ({
            requestsPerSecond: round(h.requests.total / seconds, 1),
            latencyMs: pick(h.latency),
            non2xx: h.non2xx,
            errors: h.errors,
          })),
          raw: raw.map((r) => ({ queriesPerSecond: round(r.perSecond, 1), latencyMs: { p50: round(r.p50), p99: round(r.p99), max: round(r.max) } })),
          ratio: round(ratio, 3),
          sql: query.text,
          params: query.params,
          explain: plan,
        },
        notes: [`EXPLAIN (ANALYZE, BUFFERS) of the calendar query:\n\n${query.text}\n\n${plan}`],
      };
    } finally {
      await rawPool.end();
    }
  } finally {
    server.send({ type: 'stop' });
    await server.exited;
    await db.drop();
  }
}

export async function signupFamily(base: string): Promise<{ cookie: string; familyId: string }> {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'anna@bench.example.se', password: PASSWORD, name: 'Anna', familyName: 'Familjen Bench' }),
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${await signup.text()}`);
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { family } = (await signup.json()) as { family: { id: string } };
  for (const [i, name] of ['Erik', 'Elsa', 'Nils', 'Maja'].entries()) {
    const res = await fetch(`${base}/api/family/members`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ email: `${name.toLowerCase()}@bench.example.se`, password: PASSWORD, name, role: i === 0 ? 'parent' : 'member' }),
    });
    if (res.status !== 201) throw new Error(`adding a member answered ${res.status}: ${await res.text()}`);
  }
  return { cookie, familyId: family.id };
}

/**
 * The other families (5 members each, no logins needed), then for every family: two
 * members with a Tempus account and a shift a day from 30 days back to 60 ahead, and 20
 * manual events spread over the same span.
 */
async function fillTable(db: BenchDatabase, otherFamilies: number) {
  await db.pool.query(
    `with f as (insert into families (name) select 'Familjen ' || g from generate_series(1, $1) g returning id)
     insert into users (family_id, email, name, role, password_hash)
     select f.id, 'm' || m || '.' || f.id || '@bench.example.se', 'Medlem ' || m,
            (case when m = 1 then 'parent' else 'member' end)::role, 'x'
     from f cross join generate_series(1, 5) m`,
    [otherFamilies],
  );
  await db.pool.query(`
    insert into tempus_accounts (family_id, user_id, tempus_user_id, state, sync_enabled)
    select family_id, id, 'usr_' || id, 'active', true
    from (select id, family_id, row_number() over (partition by family_id order by created_at, id) as n from users) u
    where n <= 2`);
  await db.pool.query(`
    insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable, status, location,
                                 tempus_account_id, tempus_id)
    select a.family_id, a.user_id, 'Arbete: ' || (array['Dag','Kväll','Natt','Helg','Jour'])[1 + d % 5],
           date_trunc('day', now()) + (d - 30) * interval '1 day' + interval '6 hours',
           date_trunc('day', now()) + (d - 30) * interval '1 day' + interval '14 hours 30 minutes',
           'tempus', false, (case when d % 33 = 0 then 'cancelled' else 'scheduled' end)::shift_status,
           'Akademiska sjukhuset, avd 30', a.id, 'shf_' || a.id || '_' || d
    from tempus_accounts a cross join generate_series(0, 89) d`);
  await db.pool.query(`
    insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable, location)
    select u.family_id, u.id, (array['Tandläkare','Fotboll','Föräldramöte','Simskola'])[k],
           date_trunc('hour', now()) + ((abs(hashtext(u.id::text || k)) % 2160 - 720) * interval '1 hour'),
           date_trunc('hour', now()) + ((abs(hashtext(u.id::text || k)) % 2160 - 720) * interval '1 hour') + interval '90 minutes',
           'manual', true, null
    from users u cross join generate_series(1, 4) k`);
}

/** The exact SQL and parameters the route's repository call sends, captured through Drizzle's logger. */
export async function captureQuery(db: BenchDatabase, familyId: string, from: Date, to: Date) {
  let captured: { text: string; params: unknown[] } | undefined;
  const recording = drizzle(db.pool, {
    schema,
    logger: { logQuery: (text: string, params: unknown[]) => void (captured = { text, params }) },
  });
  await listEvents(recording as unknown as Db, familyId, from, to, { limit: EVENTS_PAGE_SIZE + 1 });
  if (!captured) throw new Error('the calendar query was not captured');
  return captured;
}

interface RawLoad {
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

async function rawLoad(pool: pg.Pool, query: { text: string; params: unknown[] }, seconds: number): Promise<RawLoad> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await pool.query(query.text, query.params);
        latencies.push(performance.now() - t);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: latencies.length / seconds, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0 };
}

export function pick(h: { p50: number; p90: number; p99: number; max: number; average: number }) {
  return { average: round(h.average), p50: h.p50, p90: h.p90, p99: h.p99, max: h.max };
}

/**
 * feed-out: `GET /feed/<secret>.ics` for a family with 2,000 events in the feed's range
 * (manual events and a subscription's events), 200 other families' events in the table,
 * served by a real API process and loaded with autocannon, one phone at a time (a family's
 * phones poll now and then; this is the latency one of them sees). Measured: the full
 * answer (read, write RFC 5545) and the 304 a phone gets with the ETag it has. Floor: the
 * SQL of the same rows (the calendar's list query) straight through `pg`.
 */
import autocannon from 'autocannon';
import { feedRange } from '../../src/modules/feed/service.js';
import { benchCipher, benchEnv } from '../lib/config.js';
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js';
import { startInstance } from '../lib/instances.js';
import { fmt, round, type BenchResult, type RunContext } from '../lib/report.js';
import { captureQuery, pick, signupFamily } from './calendar-read.js';

const P99_TARGET_MS = 100;
const NOT_MODIFIED_SPEEDUP = 5;

export async function runFeedOut(ctx: RunContext): Promise<BenchResult> {
  const events = ctx.smoke ? 200 : 2_000;
  const otherFamilies = ctx.smoke ? 10 : 200;
  const seconds = ctx.smoke ? 2 : 10;
  const db = await createBenchDatabase('feed_out', { keep: ctx.keep });
  const server = startInstance(benchEnv({ databaseUrl: db.url, tempusUrl: 'http://127.0.0.1:9' }), 'serve', 'feed server');
  try {
    const { port } = await server.next('listening');
    const base = `http://127.0.0.1:${port}`;
    const family = await signupFamily(base);
    await fillFamily(db, family.familyId, events);
    await fillOthers(db, otherFamilies);
    await db.pool.query('vacuum analyze');

    const created = await fetch(`${base}/api/calendar/feed`, { method: 'POST', headers: { cookie: family.cookie } });
    const { url: feedUrl } = (await created.json()) as { url: string };
    const url = `${base}${new URL(feedUrl).pathname}`;
    const first = await fetch(url);
    const body = await first.text();
    const etag = first.headers.get('etag') ?? '';
    const inFeed = body.match(/BEGIN:VEVENT/g)?.length ?? 0;
    const { from, to } = feedRange(new Date());
    const query = await captureQuery(db, family.familyId, from, to);
    const direct = await db.pool.query(query.text, query.params);
    if (first.status !== 200 || inFeed !== direct.rowCount || inFeed !== events) {
      throw new Error(`the feed answered ${first.status} with ${inFeed} events; the SQL returns ${direct.rowCount}; ${events} were made`);
    }
    const check = await fetch(url, { headers: { 'if-none-match': etag } });
    if (check.status !== 304) throw new Error(`a matching If-None-Match got ${check.status}`);
    ctx.log(`  ${fmt.n(inFeed)} events in the feed (${(body.length / 1e6).toFixed(2)} MB), ETag ${etag}`);

    const load = (headers: Record<string, string> = {}) => autocannon({ url, connections: 1, duration: seconds, headers });
    await load();
    await load({ 'if-none-match': etag });
    const raw = await rawLatencies(db, query, seconds);
    const full = await load();
    const notModified = await load({ 'if-none-match': etag });
    ctx.log(`  full: mean ${fmt.ms(full.latency.average)}, p99 ${fmt.ms(full.latency.p99)}; 304: mean ${fmt.ms(notModified.latency.average)}, p99 ${fmt.ms(notModified.latency.p99)}; raw SQL mean ${fmt.ms(raw.mean)}`);
    const clean = (r: typeof full, status: number) => r.errors === 0 && r.timeouts === 0 && (status === 200 ? r.non2xx === 0 : r['3xx'] === r.requests.total);
    const speedup = full.latency.average / notModified.latency.average;
    const name = 'feed-out';
    return {
      name,
      title: `Feed out: GET /feed/<secret>.ics, a family with ${fmt.n(inFeed)} events in range, one client`,
      figures: [
        {
          benchmark: name,
          figure: `GET /feed/… (${fmt.n(inFeed)} events), p99 latency`,
          measured: `${fmt.ms(full.latency.p99)}${clean(full, 200) ? '' : ' (errors)'}`,
          floor: `${fmt.ms(raw.p99)} raw SQL p99`,
          ratio: null,
          target: `< ${P99_TARGET_MS} ms`,
          pass: clean(full, 200) && full.latency.p99 < P99_TARGET_MS,
        },
        {
          benchmark: name,
          figure: '304 with a matching ETag vs a full answer (mean latency)',
          measured: `${fmt.ms(notModified.latency.average)} vs ${fmt.ms(full.latency.average)}`,
          floor: `${fmt.ms(raw.mean)} raw SQL mean`,
          ratio: speedup,
          target: `≥ ${NOT_MODIFIED_SPEEDUP}× faster`,
          pass: clean(notModified, 304) && speedup >= NOT_MODIFIED_SPEEDUP,
        },
      ],
      details: {
        eventsInFeed: inFeed,
        bodyBytes: body.length,
        otherFamilies,
        secondsPerRun: seconds,
        full: { requests: full.requests.total, latencyMs: pick(full.latency), non2xx: full.non2xx, errors: full.errors },
        notModified: { requests: notModified.requests.total, latencyMs: pick(notModified.latency), responses3xx: notModified['3xx'], errors: notModified.errors },
        rawSql: { queries: raw.count, meanMs: round(raw.mean), p99Ms: round(raw.p99) },
        speedup: round(speedup, 2),
      },
    };
  } finally {
    server.send({ type: 'stop' });
    await server.exited;
    await db.drop();
  }
}

/** The family's events: 70 % its own, 30 % from a calendar subscription, spread over the feed's range. */
async function fillFamily(db: BenchDatabase, familyId: string, events: number) {
  const { rows } = await db.pool.query<{ id: string }>('select id from users where family_id = $1 order by created_at', [familyId]);
  const owner = rows[0]!.id;
  const { rows: sub } = await db.pool.query<{ id: string }>(
    `insert into calendar_subscriptions (family_id, user_id, name, url_enc, url_host) values ($1, $2, 'Pass', $3, 'feed.example') returning id`,
    [familyId, owner, benchCipher().encrypt('https://feed.example/bench.ics')],
  );
  const subscribed = Math.round(events * 0.3);
  await db.pool.query(
    `insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable, status, location, note, subscription_id, external_id)
     select $1, $2, (array['Dag – Avd 30','Kväll – Avd 30','Natt – Avd 30'])[1 + g % 3],
            date_trunc('hour', now()) + ((g * 389) % (388 * 24) - 28 * 24) * interval '1 hour',
            date_trunc('hour', now()) + ((g * 389) % (388 * 24) - 28 * 24 + 8) * interval '1 hour',
            'ics', false, (case when g % 29 = 0 then 'cancelled' else 'scheduled' end)::shift_status,
            'Akademiska sjukhuset, ingång 70', null, $3, 'bench-' || g || '@feed.example'
     from generate_series(1, $4) g`,
    [familyId, owner, sub[0]!.id, subscribed],
  );
  await db.pool.query(
    `insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable, all_day, location, note)
     select $1, u.id, (array['Tandläkare','Fotboll; träning','Föräldramöte, klass 2B','Simskola'])[1 + g % 4],
            date_trunc('hour', now()) + ((g * 211) % (388 * 24) - 28 * 24) * interval '1 hour',
            date_trunc('hour', now()) + ((g * 211) % (388 * 24) - 28 * 24 + 2) * interval '1 hour',
            'manual', true, false, case when g % 3 = 0 then 'Skolan' end, case when g % 5 = 0 then 'Ta med matsäck.' end
     from generate_series(1, $2) g
     cross join lateral (select id from users where family_id = $1 order by created_at offset (g % 5) limit 1) u`,
    [familyId, events - subscribed],
  );
}

export async function fillOthers(db: BenchDatabase, families: number) {
  await db.pool.query(
    `with f as (insert into families (name) select 'Familjen ' || g from generate_series(1, $1) g returning id),
          u as (insert into users (family_id, email, name, role, password_hash)
                select f.id, 'p.' || f.id || '@bench.example.se', 'Förälder', 'parent', 'x' from f returning id, family_id)
     insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable)
     select u.family_id, u.id, 'Händelse ' || g, now() + (g - 100) * interval '17 hours', now() + (g - 100) * interval '17 hours' + interval '1 hour', 'manual', true
     from u cross join generate_series(1, 500) g`,
    [families],
  );
}

export async function rawLatencies(db: BenchDatabase, query: { text: string; params: unknown[] }, seconds: number) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const t = performance.now();
    await db.pool.query(query.text, query.params);
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    p99: latencies[Math.min(latencies.length - 1, Math.floor(0.99 * latencies.length))] ?? 0,
  };
}

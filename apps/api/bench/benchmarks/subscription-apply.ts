/**
 * subscription-apply: one calendar subscription's sync of a 5 MB feed with 10,000 events
 * (weekly series among them), through the real sync runner (lease, sync log, fetch over
 * HTTP from a feed server on 127.0.0.1, ical.js parse and expansion, apply in one
 * transaction) against real PostgreSQL. Floor: parsing the same file with ical.js alone
 * (`ICAL.parse`). Measured: the first sync into an empty calendar, an unchanged resync
 * (the same bytes, which the content key lets go unparsed), a resync of new bytes with the
 * same events (parsed and compared, as on a new day), and a 304. Best of the rounds each.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import ICAL from 'ical.js';
import pino from 'pino';
import { syncedEvents } from '../../src/modules/calendar/synced-events.js';
import { createFeedFetcher } from '../../src/modules/subscriptions/feed-fetcher.js';
import { createSyncEngine } from '../../src/modules/subscriptions/sync-engine.js';
import { createSyncRunner } from '../../src/modules/subscriptions/sync-runner.js';
import { benchCipher } from '../lib/config.js';
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js';
import { benchFeed } from '../lib/ics-feed.js';
import { fmt, round, type BenchResult, type Figure, type RunContext } from '../lib/report.js';

const TARGETS = { first: 3, unchanged: 1.2, notModified: 0.05 };

export async function runSubscriptionApply(ctx: RunContext): Promise<BenchResult> {
  const events = ctx.smoke ? 1_000 : 10_000;
  const bytes = ctx.smoke ? 500_000 : 5_000_000;
  const rounds = ctx.smoke ? 1 : 3;
  const now = new Date();
  const feed = benchFeed(now, events, bytes);
  // The same events in other bytes: a new DTSTAMP, as a feed host writes on every export.
  const restamped = feed.text.replaceAll('DTSTAMP:20260101T000000Z', 'DTSTAMP:20260102T000000Z');
  const size = Buffer.byteLength(feed.text);
  ctx.log(`  feed: ${fmt.n(feed.events)} VEVENTs (${feed.recurringSeries} weekly series), ${(size / 1e6).toFixed(2)} MB`);

  let body = feed.text;
  let validators = false;
  const server = createServer((req, res) => {
    const etag = `"${body === feed.text ? 'a' : 'b'}"`;
    if (validators && req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', ...(validators && { etag }) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ical/bench.ics`;
  const db = await createBenchDatabase('subscription_apply', { keep: ctx.keep });
  try {
    const subscription = await insertSubscription(db, url);
    const runner = createSyncRunner({
      db: db.database.db,
      engine: createSyncEngine({ fetcher: createFeedFetcher({ allowPrivateHosts: true }), calendar: syncedEvents }),
      cipher: benchCipher(),
      log: pino({ level: 'silent' }) as unknown as FastifyBaseLogger,
      clock: () => new Date(),
      random: Math.random,
      instanceId: `bench-${randomUUID()}`,
      config: { syncIntervalMs: 3_600_000, concurrency: 1 },
    });
    const sync = async () => {
      const t = performance.now();
      const result = await runner.sync(subscription, 'manual');
      if (result.status !== 'succeeded') throw new Error(`the sync failed: ${result.error?.code} ${result.error?.message}`);
      return { ms: performance.now() - t, result };
    };

    const floor: number[] = [];
    for (let r = 0; r < rounds + 1; r++) {
      const t = performance.now();
      ICAL.parse(feed.text);
      if (r > 0) floor.push(performance.now() - t); // the first round warms the parser up
    }
    ctx.log(`  floor: ICAL.parse ${floor.map((v) => fmt.ms(v)).join(', ')}`);

    const first: number[] = [];
    let created = 0;
    for (let r = 0; r < rounds; r++) {
      await db.pool.query('delete from calendar_events where subscription_id = $1', [subscription]);
      await db.pool.query('update calendar_subscriptions set content_key = null, etag = null where id = $1', [subscription]);
      await db.pool.query('vacuum analyze calendar_events');
      body = feed.text;
      const { ms, result } = await sync();
      first.push(ms);
      created = result.created;
      ctx.log(`  round ${r + 1}: first sync ${fmt.ms(ms)} (${fmt.n(result.created)} events created)`);
    }

    const versions = () => rowVersions(db, subscription);
    const before = await versions();
    const unchanged: number[] = [];
    const newBytes: number[] = [];
    for (let r = 0; r < rounds; r++) {
      body = r % 2 === 0 ? restamped : feed.text;
      const parsed = await sync();
      newBytes.push(parsed.ms);
      const same = await sync();
      unchanged.push(same.ms);
      if (parsed.result.notModified || !same.result.notModified) throw new Error('the resyncs did not take the expected paths');
      ctx.log(`  round ${r + 1}: resync of new bytes, same events ${fmt.ms(parsed.ms)}; of the same bytes ${fmt.ms(same.ms)}`);
    }
    const writes = changedRows(before, await versions());

    validators = true;
    body = feed.text;
    await db.pool.query('update calendar_subscriptions set content_key = null where id = $1', [subscription]);
    await sync(); // stores the ETag
    const notModified: number[] = [];
    for (let r = 0; r < rounds * 3; r++) {
      const { ms, result } = await sync();
      if (!result.notModified) throw new Error('expected a 304');
      notModified.push(ms);
    }
    ctx.log(`  304: ${notModified.map((v) => fmt.ms(v)).join(', ')}`);

    const f = Math.min(...floor);
    const best = { first: Math.min(...first), unchanged: Math.min(...unchanged), newBytes: Math.min(...newBytes), notModified: Math.min(...notModified) };
    const name = 'subscription-apply';
    const floorText = `${fmt.ms(f)} ICAL.parse`;
    const figure = (text: string, ms: number, target: number, extra = true): Figure => ({
      benchmark: name,
      figure: text,
      measured: fmt.ms(ms),
      floor: floorText,
      ratio: ms / f,
      target: `≤ ${target}× floor`,
      pass: extra && ms / f <= target,
    });
    return {
      name,
      title: `Subscription apply: a ${(size / 1e6).toFixed(1)} MB feed, ${fmt.n(feed.events)} events (${feed.recurringSeries} weekly series), ${fmt.n(created)} occurrences`,
      figures: [
        figure(`first sync, ${fmt.n(created)} occurrences written`, best.first, TARGETS.first),
        { ...figure('unchanged resync (same bytes)', best.unchanged, TARGETS.unchanged, writes === 0), measured: `${fmt.ms(best.unchanged)}, ${writes} writes` },
        { ...figure('resync of new bytes, same events (parsed)', best.newBytes, TARGETS.unchanged, writes === 0), measured: `${fmt.ms(best.newBytes)}, ${writes} writes` },
        figure('304 Not Modified', best.notModified, TARGETS.notModified),
      ],
      details: {
        bytes: size,
        vevents: feed.events,
        recurringSeries: feed.recurringSeries,
        occurrences: created,
        rounds,
        floorMs: floor.map((v) => round(v, 1)),
        firstSyncMs: first.map((v) => round(v, 1)),
        unchangedMs: unchanged.map((v) => round(v, 1)),
        newBytesSameEventsMs: newBytes.map((v) => round(v, 1)),
        notModifiedMs: notModified.map((v) => round(v, 1)),
        calendarRowsWrittenByResyncs: writes,
      },
    };
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await db.drop();
  }
}

async function insertSubscription(db: BenchDatabase, url: string): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>(
    `with f as (insert into families (name) values ('Familjen Bench') returning id),
          u as (insert into users (family_id, email, name, role, password_hash)
                select id, 'subscription@bench.example.se', 'Anna Bench', 'parent', 'x' from f returning id, family_id)
     insert into calendar_subscriptions (family_id, user_id, name, url_enc, url_host, next_sync_at)
     select family_id, id, 'Bench', $1, '127.0.0.1', now() + interval '1 day' from u
     returning id`,
    [benchCipher().encrypt(url)],
  );
  return rows[0]!.id;
}

/** Each event row's last writing transaction, to count the rows a sync wrote. */
async function rowVersions(db: BenchDatabase, subscription: string): Promise<Map<string, string>> {
  const { rows } = await db.pool.query<{ id: string; v: string }>('select id, xmin::text as v from calendar_events where subscription_id = $1', [subscription]);
  return new Map(rows.map((r) => [r.id, r.v]));
}

function changedRows(before: Map<string, string>, after: Map<string, string>): number {
  let n = Math.abs(before.size - after.size);
  for (const [id, v] of after) if (before.get(id) !== v) n++;
  return n;
}

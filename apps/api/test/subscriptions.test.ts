import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarEvents, calendarSubscriptions, subscriptionSyncAudit, subscriptionSyncLog } from '../src/db/schema.js';
import { createContext, type Client } from './support/context.js';
import { startFeedServer } from './support/feed-server.js';

// Subscriptions through the API, against a feed server on 127.0.0.1, on a fixed clock so
// the hand-dated fixtures fall in the window.
const NOW = new Date('2026-03-20T12:00:00Z');
const ctx = await createContext({ env: { ICS_ALLOW_PRIVATE_HOSTS: 'true' }, subscriptions: { clock: () => NOW, manualSyncsPerMinute: 1_000 } });
const feeds = await startFeedServer();
const fixture = (name: string) => readFileSync(new URL(`./fixtures/ics/${name}.ics`, import.meta.url), 'utf8');
const SHIFTS = fixture('shift-app');

let paths = 0;
/** A new feed path serving `body`, so each test has its own feed. */
function serve(body: string, options: { validators?: boolean } = {}) {
  const path = `/feed-${++paths}.ics`;
  feeds.set(path, { body, ...options });
  return { path, url: `${feeds.origin}${path}` };
}

async function subscriptionEvents(client: Client, subscriptionId: string) {
  const from = encodeURIComponent('2026-01-01T00:00:00Z');
  const to = encodeURIComponent('2027-01-01T00:00:00Z');
  const res = await client.get(`/api/calendar/events?from=${from}&to=${to}`);
  expect(res.status).toBe(200);
  return (res.body.events as any[]).filter((e) => e.subscriptionId === subscriptionId);
}

/** The transaction ids that last wrote each of the subscription's event rows: equal before and after means nothing was written. */
async function rowVersions(subscriptionId: string) {
  const rows = await ctx.database.db.execute(sql`select id, xmin::text as v from calendar_events where subscription_id = ${subscriptionId} order by id`);
  return (rows as unknown as { rows: { id: string; v: string }[] }).rows;
}

async function subscribe(client: Client, url: string, name?: string) {
  const res = await client.post('/api/calendar/subscriptions', { url, ...(name && { name }) });
  expect(res.status, res.text).toBe(201);
  return res.body.subscription;
}

describe('calendar subscriptions', () => {
  it('adds a subscription with its events, read-only, before answering', async () => {
    const parent = await ctx.newParent('Anna Lind');
    const feed = serve(SHIFTS);
    const subscription = await subscribe(parent.client, feed.url);
    expect(subscription).toMatchObject({
      userId: parent.user.id,
      ownerName: 'Anna Lind',
      name: 'Mina pass – Region Uppsala',
      urlHost: `127.0.0.1:${feeds.port}`,
      syncEnabled: true,
      state: 'active',
      lastError: null,
      eventCount: 4,
    });
    expect(subscription.lastSuccessAt).toBe(NOW.toISOString());
    expect(JSON.stringify(subscription)).not.toContain(feed.path);

    const events = await subscriptionEvents(parent.client, subscription.id);
    expect(events.map((e) => [e.title, e.startDate, e.endDate, e.status])).toEqual([
      ['Natt – Avd 30', '2026-03-28T20:45:00.000Z', '2026-03-29T05:15:00.000Z', 'scheduled'],
      ['Dag – Avd 30', '2026-04-02T05:30:00.000Z', '2026-04-02T14:00:00.000Z', 'scheduled'],
      ['Kväll – Avd 30', '2026-04-04T12:30:00.000Z', '2026-04-04T21:00:00.000Z', 'cancelled'],
      ['Natt – Avd 30', '2026-10-24T20:00:00.000Z', '2026-10-25T06:00:00.000Z', 'scheduled'],
    ]);
    for (const e of events) expect(e).toMatchObject({ source: 'ics', editable: false, ownerUserId: parent.user.id, allDay: false, tempusId: null });

    const edit = await parent.client.patch(`/api/calendar/events/${events[0].id}`, { title: 'Ledig' });
    expect(edit.status).toBe(409);
    expect(edit.body.error).toBe('read_only_event');
    expect((await parent.client.delete(`/api/calendar/events/${events[0].id}`)).status).toBe(409);
  });

  it('reads webcal:// as https://', async () => {
    const parent = await ctx.newParent();
    // Nothing listens for TLS on the feed server's port: the attempt proves the scheme it was read as.
    const res = await parent.client.post('/api/calendar/subscriptions', { url: `webcal://127.0.0.1:${feeds.port}/x.ics` });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('feed_unreadable');
    expect(feeds.requests.some((r) => r.path === '/x.ics')).toBe(false);
  });

  it('refuses a link that does not answer iCalendar with 422 feed_unreadable and stores nothing', async () => {
    const parent = await ctx.newParent();
    const html = serve('<!doctype html><p>Logga in</p>');
    const missing = `${feeds.origin}/no-such-feed.ics`;
    for (const url of [html.url, missing, 'http://127.0.0.1:9/closed.ics']) {
      const res = await parent.client.post('/api/calendar/subscriptions', { url });
      expect(res.status, url).toBe(422);
      expect(res.body.error).toBe('feed_unreadable');
    }
    const stored = await ctx.database.db.select().from(calendarSubscriptions).where(eq(calendarSubscriptions.familyId, parent.family.id));
    expect(stored).toEqual([]);
  });

  it('refuses the same feed twice in one family', async () => {
    const parent = await ctx.newParent();
    const feed = serve(SHIFTS);
    await subscribe(parent.client, feed.url);
    const again = await parent.client.post('/api/calendar/subscriptions', { url: feed.url });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_subscribed');
  });

  it('writes nothing when the feed is unchanged, and a 304 parses nothing', async () => {
    const parent = await ctx.newParent();
    const feed = serve(SHIFTS);
    const subscription = await subscribe(parent.client, feed.url);
    const before = await rowVersions(subscription.id);
    const audits = async () => (await ctx.database.db.select().from(subscriptionSyncAudit).where(eq(subscriptionSyncAudit.subscriptionId, subscription.id))).length;
    const auditBefore = await audits();

    // New bytes (a new DTSTAMP) that mean the same events: parsed, compared, nothing written.
    feeds.set(feed.path, { body: SHIFTS.replaceAll('DTSTAMP:20260318T050000Z', 'DTSTAMP:20260319T050000Z') });
    const again = await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    expect(again.status).toBe(200);
    expect(again.body.sync).toEqual({ status: 'succeeded', notModified: false, created: 0, updated: 0, deleted: 0, error: null });
    expect(await rowVersions(subscription.id)).toEqual(before);
    expect(await audits()).toBe(auditBefore);
    // The same bytes again the same day: not even parsed.
    const same = await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    expect(same.body.sync).toMatchObject({ status: 'succeeded', notModified: true });

    // With validators the next sync is conditional and the server answers 304.
    feeds.set(feed.path, { body: SHIFTS, validators: true });
    await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    const served = feeds.bodiesServed(feed.path);
    const conditional = await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    expect(conditional.body.sync).toMatchObject({ status: 'succeeded', notModified: true });
    expect(feeds.bodiesServed(feed.path)).toBe(served);
    expect(feeds.requests.at(-1)).toMatchObject({ path: feed.path, status: 304 });
    expect(feeds.requests.at(-1)!.headers['if-none-match']).toMatch(/^"/);
    expect(await rowVersions(subscription.id)).toEqual(before);
  });

  it('keeps the last good events and shows lastError when a fetch fails, then recovers', async () => {
    const parent = await ctx.newParent();
    const feed = serve(SHIFTS);
    const subscription = await subscribe(parent.client, feed.url);
    const before = await subscriptionEvents(parent.client, subscription.id);

    feeds.set(feed.path, { status: 503, body: 'Service Unavailable', contentType: 'text/plain' });
    const failed = await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    expect(failed.body.sync).toMatchObject({ status: 'failed', error: { code: 'feed_http_error' } });
    feeds.set(feed.path, { body: 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:garbage' });
    const broken = await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    expect(broken.body.sync.status).toBe('failed');
    expect(await subscriptionEvents(parent.client, subscription.id)).toEqual(before);

    const listed = (await parent.client.get('/api/calendar/subscriptions')).body.subscriptions[0];
    expect(listed.state).toBe('failing');
    expect(listed.lastError).toMatchObject({ at: NOW.toISOString() });
    expect(listed.lastSuccessAt).toBe(NOW.toISOString());
    // Backed off like a Tempus sync: two failures in a row, due again in 4 minutes ±20 %.
    const [row] = await ctx.database.db.select().from(calendarSubscriptions).where(eq(calendarSubscriptions.id, subscription.id));
    const wait = row!.nextSyncAt!.getTime() - NOW.getTime();
    expect(wait).toBeGreaterThanOrEqual(0.8 * 4 * 60_000);
    expect(wait).toBeLessThanOrEqual(1.2 * 4 * 60_000);

    feeds.set(feed.path, { body: SHIFTS });
    const healed = await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    expect(healed.body.sync.status).toBe('succeeded');
    expect((await parent.client.get('/api/calendar/subscriptions')).body.subscriptions[0]).toMatchObject({ state: 'active', lastError: null });
  });

  it('applies an edited feed: moved, cancelled, added and removed events, and audits each change', async () => {
    const parent = await ctx.newParent();
    const feed = serve(SHIFTS);
    const subscription = await subscribe(parent.client, feed.url);
    const edited = SHIFTS.replace('DTSTART:20260402T053000Z', 'DTSTART:20260402T060000Z')
      .replace(/BEGIN:VEVENT\nUID:shift-88415[\s\S]*?END:VEVENT\n/, '')
      .replace('SUMMARY:Natt – Avd 30\nLOCATION', 'SUMMARY:Natt – Avd 30\nSTATUS:CANCELLED\nLOCATION')
      .replace('END:VCALENDAR', 'BEGIN:VEVENT\nUID:shift-90000@quinyx.example\nDTSTART:20260501T060000Z\nDTEND:20260501T143000Z\nSUMMARY:Dag – Avd 31\nEND:VEVENT\nEND:VCALENDAR');
    feeds.set(feed.path, { body: edited });
    const sync = await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    expect(sync.body.sync).toMatchObject({ status: 'succeeded', created: 1, updated: 2, deleted: 1 });
    const events = await subscriptionEvents(parent.client, subscription.id);
    expect(events.map((e) => `${e.title} ${e.startDate} ${e.status}`)).toEqual([
      'Natt – Avd 30 2026-03-28T20:45:00.000Z cancelled',
      'Dag – Avd 30 2026-04-02T06:00:00.000Z scheduled',
      'Kväll – Avd 30 2026-04-04T12:30:00.000Z cancelled',
      'Dag – Avd 31 2026-05-01T06:00:00.000Z scheduled',
    ]);
    const [log] = await ctx.database.db
      .select()
      .from(subscriptionSyncLog)
      .where(eq(subscriptionSyncLog.subscriptionId, subscription.id))
      .orderBy(sql`${subscriptionSyncLog.startedAt} desc, ${subscriptionSyncLog.trigger} desc`)
      .limit(1);
    const audit = await ctx.database.db.select().from(subscriptionSyncAudit).where(eq(subscriptionSyncAudit.syncId, log!.id));
    expect(audit.map((a) => `${a.action} ${a.externalId}`).sort()).toEqual([
      'created shift-90000@quinyx.example',
      'deleted shift-88415@quinyx.example',
      'updated shift-88412@quinyx.example',
      'updated shift-88413@quinyx.example',
    ]);
  });

  it('pauses ("Synka nu" still works), renames and removes a subscription; removing takes its events', async () => {
    const parent = await ctx.newParent();
    const feed = serve(SHIFTS);
    const subscription = await subscribe(parent.client, feed.url, 'Annas pass');
    expect(subscription.name).toBe('Annas pass');
    const paused = await parent.client.patch(`/api/calendar/subscriptions/${subscription.id}`, { syncEnabled: false, name: 'Pass' });
    expect(paused.body.subscription).toMatchObject({ syncEnabled: false, state: 'paused', name: 'Pass', nextSyncAt: null });
    // Paused means no background syncs; "Synka nu" still works.
    const manual = await parent.client.post(`/api/calendar/subscriptions/${subscription.id}/sync`);
    expect(manual.status).toBe(200);
    expect(manual.body.sync).toMatchObject({ status: 'succeeded' });

    expect((await parent.client.delete(`/api/calendar/subscriptions/${subscription.id}`)).status).toBe(204);
    expect(await subscriptionEvents(parent.client, subscription.id)).toEqual([]);
    const left = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.subscriptionId, subscription.id));
    expect(left).toEqual([]);
    expect((await parent.client.get('/api/calendar/subscriptions')).body.subscriptions).toEqual([]);
  });

  it('syncs due subscriptions in the scheduled job and not the others', async () => {
    const parent = await ctx.newParent();
    const due = await subscribe(parent.client, serve(SHIFTS).url, 'Due');
    const notDue = await subscribe(parent.client, serve(SHIFTS).url, 'Not due');
    await ctx.database.db.update(calendarSubscriptions).set({ nextSyncAt: new Date(NOW.getTime() - 1_000) }).where(eq(calendarSubscriptions.id, due.id));
    const logsBefore = await ctx.database.db.select().from(subscriptionSyncLog).where(eq(subscriptionSyncLog.trigger, 'schedule'));
    await ctx.app.scheduler.run('subscriptions-sync');
    const logs = await ctx.database.db.select().from(subscriptionSyncLog).where(eq(subscriptionSyncLog.trigger, 'schedule'));
    const fresh = logs.filter((l) => !logsBefore.some((b) => b.id === l.id));
    expect(fresh.map((l) => [l.subscriptionId, l.status])).toEqual([[due.id, 'succeeded']]);
    expect(fresh.map((l) => l.subscriptionId)).not.toContain(notDue.id);
    const [row] = await ctx.database.db.select().from(calendarSubscriptions).where(eq(calendarSubscriptions.id, due.id));
    // Due again one interval (ICS_SYNC_INTERVAL_MINUTES, 60 by default) on, up to a tenth earlier.
    expect(row!.nextSyncAt!.getTime() - NOW.getTime()).toBeGreaterThanOrEqual(54 * 60_000);
    expect(row!.nextSyncAt!.getTime() - NOW.getTime()).toBeLessThanOrEqual(60 * 60_000);
  });
});

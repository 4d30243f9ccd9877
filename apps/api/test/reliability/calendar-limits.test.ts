/**
 * The calendar is bounded: manual events per family (422), new events per member and hour
 * (429), and the events read answers one page of at most EVENTS_PAGE_SIZE events, the next
 * page by its cursor. A member changes only their own events; a parent any of the family's.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarEvents } from '../../src/db/schema.js';
import { EVENTS_PAGE_SIZE } from '../../src/modules/calendar/service.js';
import { FEED_MAX_EVENTS } from '../../src/modules/feed/service.js';
import { createContext, type Client } from '../support/context.js';
import { expectErrorShape } from './support/faults.js';

const PER_FAMILY = 5;
const ctx = await createContext({ env: { CALENDAR_EVENTS_PER_FAMILY: String(PER_FAMILY) } });
const YEAR = `from=${encodeURIComponent('2026-01-01T00:00:00Z')}&to=${encodeURIComponent('2027-02-01T00:00:00Z')}`;

let minute = 0;
/** A new manual event an hour long, each at its own time. */
function newEvent(client: Client, title = 'Tandläkare') {
  const start = Date.UTC(2026, 11, 1, 8) + ++minute * 60_000;
  return client.post('/api/calendar/events', { title, startDate: new Date(start).toISOString(), endDate: new Date(start + 3_600_000).toISOString() });
}

async function allEvents(client: Client, query = YEAR) {
  const res = await client.get(`/api/calendar/events?${query}`);
  expect(res.status).toBe(200);
  return res.body.events as { id: string; source: string }[];
}

describe('manual events per family', () => {
  it("refuses one beyond the family's limit with 422 calendar_full, and keeps every event it holds", async () => {
    const { client, user, family } = await ctx.newParent();
    for (let i = 0; i < PER_FAMILY; i++) expect((await newEvent(client)).status).toBe(201);
    const refused = await newEvent(client, 'En för mycket');
    expect(refused.status).toBe(422);
    expectErrorShape(refused);
    expect(refused.body.error).toBe('calendar_full');
    expect(await allEvents(client)).toHaveLength(PER_FAMILY);

    // Synced events do not count against it (their sources bound them); deleting makes room.
    await ctx.database.db.insert(calendarEvents).values({
      familyId: family.id,
      ownerUserId: user.id,
      title: 'Arbete: Dag',
      startAt: new Date('2026-12-20T07:00:00Z'),
      endAt: new Date('2026-12-20T15:00:00Z'),
      source: 'tempus',
      editable: false,
      tempusId: 'shf_limits_1',
    });
    const first = (await allEvents(client)).find((e) => e.source === 'manual')!;
    expect((await client.delete(`/api/calendar/events/${first.id}`)).status).toBe(204);
    expect((await newEvent(client)).status).toBe(201);
  });

  it('holds the limit when members of the family create events at the same time', async () => {
    const parent = await ctx.newParent();
    const partner = await ctx.newMember(parent.client, 'parent', 'Erik');
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => newEvent(i % 2 ? parent.client : partner.client)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(PER_FAMILY);
    expect(answers.filter((a) => a.status === 422)).toHaveLength(16 - PER_FAMILY);
    expect(await allEvents(parent.client)).toHaveLength(PER_FAMILY);
  });

  it("does not count another family's events", async () => {
    const full = await ctx.newParent();
    for (let i = 0; i < PER_FAMILY; i++) await newEvent(full.client);
    const other = await ctx.newParent();
    expect((await newEvent(other.client)).status).toBe(201);
  });
});

describe('new events per member', () => {
  it('are limited per hour with 429 and Retry-After; another member of the family is not held back', async () => {
    const app = await ctx.buildAnotherApp({ env: { CALENDAR_EVENTS_PER_FAMILY: '1000', CALENDAR_EVENTS_PER_MEMBER_PER_HOUR: '3' } });
    const parent = await ctx.newParent();
    const partner = await ctx.newMember(parent.client, 'parent', 'Erik');
    const onApp = (client: Client) => Object.assign(new (client.constructor as typeof Client)(app), { cookie: client.cookie });
    for (let i = 0; i < 3; i++) expect((await newEvent(onApp(parent.client))).status).toBe(201);
    const limited = await newEvent(onApp(parent.client));
    expect(limited.status).toBe(429);
    expectErrorShape(limited);
    expect(limited.body.error).toBe('too_many_new_events');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await newEvent(onApp(partner.client))).status).toBe(201);
    expect(await allEvents(parent.client)).toHaveLength(4);
  });
});

describe('reading events', () => {
  it(`answers at most ${EVENTS_PAGE_SIZE} events at a time and every event exactly once over the pages`, async () => {
    const { client, user, family } = await ctx.newParent();
    const total = 2 * EVENTS_PAGE_SIZE + 100;
    // Many events share a start, so the pages must be cut by start and id together.
    await ctx.database.db.execute(sql`
      insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable)
      select ${family.id}::uuid, ${user.id}::uuid, 'Pass ' || n,
             timestamptz '2026-03-01T08:00:00Z' + (n / 7) * interval '1 hour',
             timestamptz '2026-03-01T09:00:00Z' + (n / 7) * interval '1 hour', 'manual', true
      from generate_series(1, ${total}) n`);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `${YEAR}&cursor=${encodeURIComponent(cursor)}` : YEAR;
      const res = await client.get(`/api/calendar/events?${query}`);
      expect(res.status).toBe(200);
      pageSizes.push(res.body.events.length);
      seen.push(...res.body.events.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor && pageSizes.length < 10);

    expect(pageSizes).toEqual([EVENTS_PAGE_SIZE, EVENTS_PAGE_SIZE, 100]);
    expect(new Set(seen).size).toBe(total);
  });

  it(`puts at most ${FEED_MAX_EVENTS} events, the earliest, in the family's feed`, async () => {
    const { client, user, family } = await ctx.newParent();
    await ctx.database.db.execute(sql`
      insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable)
      select ${family.id}::uuid, ${user.id}::uuid, 'Punkt ' || n, now() + n * interval '1 minute', now() + n * interval '1 minute' + interval '30 minutes', 'manual', true
      from generate_series(1, ${FEED_MAX_EVENTS + 10}) n`);
    const { url } = (await client.post('/api/calendar/feed')).body;
    const feed = await ctx.client().get(new URL(url).pathname);
    expect(feed.status).toBe(200);
    expect(feed.text.match(/BEGIN:VEVENT/g)).toHaveLength(FEED_MAX_EVENTS);
    expect(feed.text).toContain('SUMMARY:Punkt 1\r\n');
    expect(feed.text).not.toContain(`SUMMARY:Punkt ${FEED_MAX_EVENTS + 10}\r\n`);
  });

  it('says there is no next page when one page holds the range', async () => {
    const { client } = await ctx.newParent();
    await newEvent(client);
    const res = await client.get(`/api/calendar/events?${YEAR}`);
    expect(res.body).toMatchObject({ nextCursor: null });
    expect(res.body.events).toHaveLength(1);
  });

  it.each([['not-a-cursor'], [Buffer.from('2026-01-01T00:00:00Z|not-a-uuid').toString('base64url')], ['x'.repeat(201)]])(
    'refuses a cursor it never gave out (%s) with 400',
    async (cursor) => {
      const { client } = await ctx.newParent();
      const res = await client.get(`/api/calendar/events?${YEAR}&cursor=${encodeURIComponent(cursor)}`);
      expect(res.status).toBe(400);
      expectErrorShape(res);
    },
  );
});

describe('who may change an event', () => {
  it("lets a member change and delete their own events but not a parent's, which stay as they were", async () => {
    const parent = await ctx.newParent();
    const member = await ctx.newMember(parent.client, 'member', 'Elsa');
    const parentsEvent = (await newEvent(parent.client, 'Föräldramöte')).body.event.id;
    const own = (await newEvent(member.client, 'Fotboll')).body.event.id;

    const edit = await member.client.patch(`/api/calendar/events/${parentsEvent}`, { title: 'Inställt' });
    expect(edit.status).toBe(403);
    expect(edit.body.error).toBe('not_your_event');
    expect((await member.client.delete(`/api/calendar/events/${parentsEvent}`)).status).toBe(403);
    expect((await member.client.patch(`/api/calendar/events/${own}`, { title: 'Fotbollsmatch' })).status).toBe(200);

    const events = (await allEvents(parent.client)) as unknown as { id: string; title: string }[];
    expect(events.find((e) => e.id === parentsEvent)?.title).toBe('Föräldramöte');
    expect((await parent.client.delete(`/api/calendar/events/${own}`)).status).toBe(204);
  });
});

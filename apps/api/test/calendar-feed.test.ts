import { eq } from 'drizzle-orm';
import nodeIcal, { type VEvent } from 'node-ical';
import { describe, expect, it } from 'vitest';
import { calendarFeeds } from '../src/db/schema.js';
import { feedRange } from '../src/modules/feed/service.js';
import { createContext, type Client } from './support/context.js';
import { startFeedServer } from './support/feed-server.js';
import { addDayShifts } from './support/shifts.js';

// The family's calendar out, read back with node-ical, a parser independent of the ical.js
// writer, and compared with what the calendar API says about the same range.
const PUBLIC_API_URL = 'https://api.familjehubben.example';
const ctx = await createContext({ env: { ICS_ALLOW_PRIVATE_HOSTS: 'true', PUBLIC_API_URL } });
const feeds = await startFeedServer();
const utc = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, '');
const inDays = (days: number, hours = 0) => new Date(Date.now() + days * 86_400_000 + hours * 3_600_000);
/** A shift app's feed, dated from today. */
feeds.set('/shifts.ics', {
  body: [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Quinyx//Schedule export 4.2//SV',
    ...[
      ['s1', 'Natt – Avd 30', inDays(2), inDays(2, 8.5), 'CONFIRMED'],
      ['s2', 'Kväll – Avd 30', inDays(4), inDays(4, 8), 'CANCELLED'],
    ].flatMap(([uid, summary, start, end, status]) => [
      'BEGIN:VEVENT',
      `UID:${uid as string}@quinyx.example`,
      'DTSTAMP:20260318T050000Z',
      `DTSTART:${utc(start as Date)}`,
      `DTEND:${utc(end as Date)}`,
      `SUMMARY:${summary as string}`,
      `STATUS:${status as string}`,
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ].join('\r\n'),
});

/** The path of a feed address, to call the app with. */
const pathOf = (url: string) => new URL(url).pathname;

async function newFeed(client: Client) {
  const res = await client.post('/api/calendar/feed');
  expect(res.status).toBe(201);
  return res.body.url as string;
}

describe('the family calendar out', () => {
  it('gives a member a private address, shows it again, replaces it and switches it off', async () => {
    const parent = await ctx.newParent();
    expect((await parent.client.get('/api/calendar/feed')).body).toEqual({ url: null });
    const first = await newFeed(parent.client);
    expect(first).toMatch(new RegExp(`^${PUBLIC_API_URL}/feed/[A-Za-z0-9_-]{43}\\.ics$`));
    expect((await parent.client.get('/api/calendar/feed')).body).toEqual({ url: first });
    expect((await ctx.client().get(pathOf(first))).status).toBe(200);

    const second = await newFeed(parent.client);
    expect(second).not.toBe(first);
    const old = await ctx.client().get(pathOf(first));
    expect(old.status).toBe(404);
    expect(old.body).toEqual({ error: 'not_found', message: expect.any(String) });
    expect((await ctx.client().get(pathOf(second))).status).toBe(200);

    expect((await parent.client.delete('/api/calendar/feed')).status).toBe(204);
    expect((await ctx.client().get(pathOf(second))).status).toBe(404);
    expect((await parent.client.get('/api/calendar/feed')).body).toEqual({ url: null });
    expect((await ctx.client().get('/feed/not-a-secret.ics')).status).toBe(404);
  });

  it('stores only a hash of the secret and a ciphertext, never the secret', async () => {
    const parent = await ctx.newParent();
    const url = await newFeed(parent.client);
    const secret = /\/feed\/(.+)\.ics$/.exec(url)![1]!;
    const [row] = await ctx.database.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, parent.user.id));
    expect(JSON.stringify(row)).not.toContain(secret);
    await ctx.client().get(pathOf(url));
    expect(ctx.logs.join('\n')).not.toContain(secret);
  });

  it("serves every family event in the range as RFC 5545, equal to the calendar API's events", async () => {
    const parent = await ctx.newParent('Anna Lind');
    const partner = await ctx.newMember(parent.client, 'parent', 'Erik Lind');
    const simUser = ctx.newSimUser('Anna Lind');
    addDayShifts(ctx.sim, simUser.id, [-3, 1, 2]);
    const [cancelled] = addDayShifts(ctx.sim, simUser.id, [5]);
    ctx.sim.shifts.cancel(cancelled!.id);
    await ctx.connectTempus(parent.client, simUser);
    // iCalendar times have whole seconds; events people make have whole minutes.
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    const day = (d: number) => new Date(now + d * 86_400_000);
    const manual = await parent.client.post('/api/calendar/events', {
      title: 'Föräldramöte; klass 2B, "Åsa"',
      startDate: day(3).toISOString(),
      endDate: new Date(day(3).getTime() + 3_600_000).toISOString(),
      location: 'Skolan, aulan',
      note: 'Rad ett\nRad två',
    });
    expect(manual.status).toBe(201);
    const midsommar = day(10).toISOString().slice(0, 10);
    await parent.client.post('/api/calendar/events', {
      title: 'Midsommar hos mormor',
      startDate: new Date(`${midsommar}T00:00:00+02:00`).toISOString(),
      endDate: new Date(new Date(`${midsommar}T00:00:00+02:00`).getTime() + 2 * 86_400_000).toISOString(),
      allDay: true,
    });
    const subscribed = await partner.client.post('/api/calendar/subscriptions', { url: `${feeds.origin}/shifts.ics` });
    expect(subscribed.status).toBe(201);
    // Outside the feed's range: never in it.
    await parent.client.post('/api/calendar/events', { title: 'Långt bort', startDate: day(400).toISOString(), endDate: day(400.1).toISOString() });

    const { from, to } = feedRange(new Date());
    const api = await parent.client.get(`/api/calendar/events?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`);
    const expected = (api.body.events as any[]).map((e) => ({
      uid: `${e.id}@familjehubben.se`,
      summary: e.source === 'manual' ? e.title : `${e.ownerName.split(' ')[0]}: ${e.title}`,
      start: e.startDate,
      end: e.endDate,
      allDay: e.allDay,
      status: e.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      location: e.location ?? undefined,
      description: e.note ?? undefined,
      lastModified: new Date(Math.floor(Date.parse(e.updatedAt) / 1000) * 1000).toISOString(),
    }));
    expect(expected.length).toBe(8);

    const url = await newFeed(partner.client);
    const res = await ctx.client().get(pathOf(url));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(res.text.match(/BEGIN:VTIMEZONE/g)).toHaveLength(1);
    expect(res.text).toContain('TZID:Europe/Stockholm');
    expect(res.text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);

    const parsed = Object.values(nodeIcal.sync.parseICS(res.text)).filter((c): c is VEvent => c?.type === 'VEVENT');
    const got = parsed.map((v) => {
      const allDay = v.datetype === 'date';
      return {
        uid: v.uid,
        summary: typeof v.summary === 'string' ? v.summary : v.summary?.val,
        // node-ical gives a DATE as midnight in this process's zone: its local calendar date is the day.
        start: allDay ? processLocalDate(v.start) : v.start.toISOString(),
        end: allDay ? processLocalDate(v.end!) : v.end!.toISOString(),
        allDay,
        status: v.status,
        location: typeof v.location === 'string' ? v.location : undefined,
        description: typeof v.description === 'string' ? v.description : undefined,
        lastModified: v.lastmodified!.toISOString(),
      };
    });
    const stockholmDate = (iso: string) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    const byUid = (a: { uid: string }, b: { uid: string }) => a.uid.localeCompare(b.uid);
    expect(got.sort(byUid)).toEqual(expected.map((e) => (e.allDay ? { ...e, start: stockholmDate(e.start), end: stockholmDate(e.end) } : e)).sort(byUid));
    expect(got.find((e) => e.summary === 'Anna: Arbete: Dag' && e.status === 'CANCELLED')).toBeDefined();
    expect(got.find((e) => e.summary === 'Erik: Kväll – Avd 30')?.status).toBe('CANCELLED');
    expect(got.map((e) => e.summary)).not.toContain('Långt bort');
  });

  it('tells two owners with one first name apart in the summaries, as the calendar does ("Karin P", "Karin A")', async () => {
    const parent = await ctx.newParent('Karin Persson');
    const partner = await ctx.newMember(parent.client, 'parent', 'Karin Andersson');
    for (const [who, name] of [[parent, 'Karin Persson'], [partner, 'Karin Andersson']] as const) {
      const simUser = ctx.newSimUser(name);
      addDayShifts(ctx.sim, simUser.id, [1]);
      await ctx.connectTempus(who.client, simUser);
    }
    const res = await ctx.client().get(pathOf(await newFeed(parent.client)));
    expect(res.status).toBe(200);
    const summaries = Object.values(nodeIcal.sync.parseICS(res.text))
      .filter((c): c is VEvent => c?.type === 'VEVENT')
      .map((v) => (typeof v.summary === 'string' ? v.summary : v.summary?.val))
      .sort();
    expect(summaries).toEqual(['Karin A: Arbete: Dag', 'Karin P: Arbete: Dag']);
  });

  it('answers 304 to the ETag it sent, and a new ETag once an event changes', async () => {
    const parent = await ctx.newParent();
    await parent.client.post('/api/calendar/events', { title: 'Simskola', startDate: new Date(Date.now() + 86_400_000).toISOString(), endDate: new Date(Date.now() + 90_000_000).toISOString() });
    const path = pathOf(await newFeed(parent.client));
    const first = await ctx.client().get(path);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^".+"$/);
    const again = await ctx.client().get(path, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');

    const created = await parent.client.post('/api/calendar/events', { title: 'Tandläkare', startDate: new Date(Date.now() + 2 * 86_400_000).toISOString(), endDate: new Date(Date.now() + 2 * 86_400_000 + 1_800_000).toISOString() });
    const changed = await ctx.client().get(path, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('SUMMARY:Tandläkare');
    const etag2 = String(changed.headers.etag);
    expect(etag2).not.toBe(etag);

    await parent.client.patch(`/api/calendar/events/${created.body.event.id}`, { title: 'Tandläkare 10:30' });
    expect((await ctx.client().get(path, { 'if-none-match': etag2 })).status).toBe(200);
    await parent.client.delete(`/api/calendar/events/${created.body.event.id}`);
    const afterDelete = await ctx.client().get(path, { 'if-none-match': etag2 });
    expect(afterDelete.status).toBe(200);
    expect(afterDelete.text).not.toContain('Tandläkare');
  });

  it("never shows another family's events", async () => {
    const ours = await ctx.newParent();
    const theirs = await ctx.newParent();
    const start = new Date(Date.now() + 86_400_000).toISOString();
    const end = new Date(Date.now() + 90_000_000).toISOString();
    await ours.client.post('/api/calendar/events', { title: 'Vår händelse', startDate: start, endDate: end });
    await theirs.client.post('/api/calendar/events', { title: 'Grannens hemlighet', startDate: start, endDate: end });
    const body = (await ctx.client().get(pathOf(await newFeed(ours.client)))).text;
    expect(body).toContain('Vår händelse');
    expect(body).not.toContain('Grannens hemlighet');
  });
});

function processLocalDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

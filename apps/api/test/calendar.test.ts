import { describe, expect, it } from 'vitest';
import { calendarEvents } from '../src/db/schema.js';
import { createContext } from './support/context.js';

const ctx = await createContext();
const DEC = { from: '2026-12-01T00:00:00+01:00', to: '2027-01-01T00:00:00+01:00' };
const range = `from=${encodeURIComponent(DEC.from)}&to=${encodeURIComponent(DEC.to)}`;

async function insertTempusEvent(familyId: string, ownerUserId: string) {
  const [row] = await ctx.database.db
    .insert(calendarEvents)
    .values({
      familyId,
      ownerUserId,
      title: 'Arbete: Dag',
      startAt: new Date('2026-12-03T07:00:00+01:00'),
      endAt: new Date('2026-12-03T15:30:00+01:00'),
      source: 'tempus',
      editable: false,
      tempusId: `shf_${Math.random()}`,
    })
    .returning({ id: calendarEvents.id });
  return row!.id;
}

describe('calendar events', () => {
  it('creates, lists, edits and deletes a manual event', async () => {
    const { client } = await ctx.newParent();
    const created = await client.post('/api/calendar/events', {
      title: 'Föräldramöte',
      startDate: '2026-12-10T18:00:00+01:00',
      endDate: '2026-12-10T19:00:00+01:00',
      allDay: false,
    });
    expect(created.status).toBe(201);
    expect(created.body.event).toMatchObject({ title: 'Föräldramöte', source: 'manual', editable: true, startDate: '2026-12-10T17:00:00.000Z' });
    const id = created.body.event.id;

    const listed = await client.get(`/api/calendar/events?${range}`);
    expect(listed.body.events.map((e: { id: string }) => e.id)).toEqual([id]);

    const edited = await client.patch(`/api/calendar/events/${id}`, { title: 'Föräldramöte förskolan' });
    expect(edited.status).toBe(200);
    expect(edited.body.event.title).toBe('Föräldramöte förskolan');

    expect((await client.delete(`/api/calendar/events/${id}`)).status).toBe(204);
    expect((await client.get(`/api/calendar/events?${range}`)).body.events).toEqual([]);
  });

  it('returns events that overlap the range, including one that started before it', async () => {
    const { client } = await ctx.newParent();
    await client.post('/api/calendar/events', { title: 'Natt', startDate: '2026-11-30T22:00:00+01:00', endDate: '2026-12-01T07:00:00+01:00' });
    await client.post('/api/calendar/events', { title: 'Före', startDate: '2026-11-29T10:00:00+01:00', endDate: '2026-11-29T11:00:00+01:00' });
    await client.post('/api/calendar/events', { title: 'Efter', startDate: '2027-01-01T00:00:00+01:00', endDate: '2027-01-01T01:00:00+01:00' });
    const listed = await client.get(`/api/calendar/events?${range}`);
    expect(listed.body.events.map((e: { title: string }) => e.title)).toEqual(['Natt']);
  });

  it('refuses an end before the start, on create and on edit', async () => {
    const { client } = await ctx.newParent();
    const bad = await client.post('/api/calendar/events', { title: 'x', startDate: '2026-12-10T19:00:00Z', endDate: '2026-12-10T18:00:00Z' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('endDate');
    const ok = await client.post('/api/calendar/events', { title: 'x', startDate: '2026-12-10T18:00:00Z', endDate: '2026-12-10T19:00:00Z' });
    const edit = await client.patch(`/api/calendar/events/${ok.body.event.id}`, { endDate: '2026-12-10T17:00:00Z' });
    expect(edit.status).toBe(400);
  });

  it('refuses bad ranges and dates with 400 naming the field', async () => {
    const { client } = await ctx.newParent();
    const missing = await client.get('/api/calendar/events');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe('validation_error');
    const backwards = await client.get(`/api/calendar/events?from=${encodeURIComponent(DEC.to)}&to=${encodeURIComponent(DEC.from)}`);
    expect(backwards.status).toBe(400);
    const noOffset = await client.post('/api/calendar/events', { title: 'x', startDate: '2026-12-10T18:00:00', endDate: '2026-12-10T19:00:00Z' });
    expect(noOffset.status).toBe(400);
    expect(noOffset.body.message).toContain('startDate');
  });

  it('answers 409 read_only_event to editing or deleting a Tempus event and keeps it unchanged', async () => {
    const { client, user, family } = await ctx.newParent();
    const id = await insertTempusEvent(family.id, user.id);
    const edit = await client.patch(`/api/calendar/events/${id}`, { title: 'Ledig' });
    expect(edit.status).toBe(409);
    expect(edit.body).toEqual({ error: 'read_only_event', message: expect.any(String) });
    const del = await client.delete(`/api/calendar/events/${id}`);
    expect(del.status).toBe(409);
    const listed = await client.get(`/api/calendar/events?${range}`);
    expect(listed.body.events[0]).toMatchObject({ id, title: 'Arbete: Dag', source: 'tempus', editable: false });
  });

  it("answers 404 to another family's event ids and never lists them", async () => {
    const mine = await ctx.newParent();
    const theirs = await ctx.newParent('Bo');
    const created = await theirs.client.post('/api/calendar/events', { title: 'Hemligt', startDate: '2026-12-10T18:00:00Z', endDate: '2026-12-10T19:00:00Z' });
    const id = created.body.event.id;
    expect((await mine.client.patch(`/api/calendar/events/${id}`, { title: 'x' })).status).toBe(404);
    expect((await mine.client.delete(`/api/calendar/events/${id}`)).status).toBe(404);
    expect((await mine.client.get(`/api/calendar/events?${range}`)).body.events).toEqual([]);
    expect((await theirs.client.get(`/api/calendar/events?${range}`)).body.events).toHaveLength(1);
  });

  it('lets members of the family see every member\'s events', async () => {
    const parent = await ctx.newParent();
    const member = await ctx.newMember(parent.client);
    await parent.client.post('/api/calendar/events', { title: 'Simskola', startDate: '2026-12-10T18:00:00Z', endDate: '2026-12-10T19:00:00Z' });
    const seen = await member.client.get(`/api/calendar/events?${range}`);
    expect(seen.body.events.map((e: { title: string; ownerName: string }) => [e.title, e.ownerName])).toEqual([['Simskola', 'Anna Svensson']]);
  });

  it("carries its owner's colour on every event, manual and Tempus, in lists and single answers", async () => {
    const parent = await ctx.newParent('Karin Persson');
    const partner = await ctx.newMember(parent.client, 'parent', 'Karin Andersson');
    await insertTempusEvent(parent.family.id, partner.user.id);
    const created = await parent.client.post('/api/calendar/events', { title: 'Hämta Elsa', startDate: '2026-12-03T15:00:00Z', endDate: '2026-12-03T15:30:00Z' });
    expect(created.body.event).toMatchObject({ ownerName: 'Karin Persson', ownerColor: 'blue' });
    const colours = async () =>
      ((await parent.client.get(`/api/calendar/events?${range}`)).body.events as { title: string; ownerName: string; ownerColor: string }[]).map(
        (e) => `${e.title}: ${e.ownerName} ${e.ownerColor}`,
      );
    expect(await colours()).toEqual(['Arbete: Dag: Karin Andersson orange', 'Hämta Elsa: Karin Persson blue']);

    expect((await parent.client.patch(`/api/family/members/${partner.user.id}`, { color: 'purple' })).status).toBe(200);
    expect(await colours()).toEqual(['Arbete: Dag: Karin Andersson purple', 'Hämta Elsa: Karin Persson blue']);
  });

  it('answers 404 with the error shape to a malformed id', async () => {
    const { client } = await ctx.newParent();
    const res = await client.patch('/api/calendar/events/not-a-uuid', { title: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_error');
  });
});

/**
 * Children, care routines, day changes and the handovers GET /api/pickups computes from
 * every source of events: Tempus shifts (over HTTP from the simulator), a subscribed
 * calendar (from a feed server on 127.0.0.1) and members' own events.
 */
import { describe, expect, it } from 'vitest';
import { createContext, syncNow } from './support/context.js';
import { startFeedServer } from './support/feed-server.js';
import { dayOf, pickupFamily } from './support/pickups.js';
import { dayOffset, stockholm } from './support/shifts.js';

const ctx = await createContext({ env: { ICS_ALLOW_PRIVATE_HOSTS: 'true' } });
const feeds = await startFeedServer();

describe('children and care routines', () => {
  it('gives each new child a colour nobody in the family has, and lists the routine for every member', async () => {
    const { anna, childId } = await pickupFamily(ctx);
    const parentColours = ((await anna.client.get('/api/me')).body.members as { color: string }[]).map((m) => m.color);
    const second = await anna.client.post('/api/family/children', { name: 'Nils' });
    expect(second.status).toBe(201);
    const member = await ctx.newMember(anna.client, 'member', 'Mormor');
    const listed = await member.client.get('/api/family/children');
    expect(listed.status).toBe(200);
    const [elsa, nils] = listed.body.children;
    expect(elsa).toMatchObject({ id: childId, name: 'Elsa', routine: { careName: 'Förskolan Solrosen' } });
    expect(elsa.routine.days).toHaveLength(7);
    expect(nils).toMatchObject({ name: 'Nils', routine: null });
    expect(new Set([...parentColours, elsa.color, nils.color]).size).toBe(4);
  });

  it('refuses a routine that gives a handover to someone who is not a parent of the family', async () => {
    const { anna, childId } = await pickupFamily(ctx);
    const member = await ctx.newMember(anna.client, 'member', 'Elsa storasyster');
    const other = await ctx.newParent('Bo Berg');
    for (const by of [member.user.id, other.user.id]) {
      const res = await anna.client.request('PUT', `/api/family/children/${childId}/routine`, {
        body: { careName: 'Solrosen', days: [{ weekday: 1, dropOffAt: '08:00', pickUpAt: '16:00', dropOffBy: by, pickUpBy: null }] },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('not_a_parent');
    }
  });

  it('refuses a pick-up before the drop-off and a weekday listed twice', async () => {
    const { anna, childId } = await pickupFamily(ctx);
    const put = (days: unknown[]) => anna.client.request('PUT', `/api/family/children/${childId}/routine`, { body: { careName: 'Solrosen', days } });
    expect((await put([{ weekday: 1, dropOffAt: '16:00', pickUpAt: '08:00', dropOffBy: null, pickUpBy: null }])).status).toBe(400);
    const day = { weekday: 2, dropOffAt: '08:00', pickUpAt: '16:00', dropOffBy: null, pickUpBy: null };
    expect((await put([day, day])).status).toBe(400);
  });

  it('removes a child with its routine and day changes', async () => {
    const { anna, childId } = await pickupFamily(ctx);
    const date = dayOffset(3);
    expect((await anna.client.request('PUT', `/api/family/children/${childId}/days/${date}`, { body: { noCare: true } })).status).toBe(200);
    expect((await anna.client.delete(`/api/family/children/${childId}`)).status).toBe(204);
    expect((await anna.client.get('/api/family/children')).body.children).toEqual([]);
    expect(await dayOf(anna.client, childId, date)).toBeUndefined();
  });
});

describe('GET /api/pickups', () => {
  it('answers each day’s handovers at Stockholm wall times, with every parent free on a quiet day', async () => {
    const { anna, karin, childId } = await pickupFamily(ctx);
    const date = dayOffset(4);
    const day = await dayOf(anna.client, childId, date);
    expect(day).toMatchObject({ date, childName: 'Elsa', careName: 'Förskolan Solrosen', change: null });
    expect(day.dropOff).toMatchObject({ time: '08:00', byUserId: anna.user.id, conflicts: [] });
    expect(Date.parse(day.dropOff.at)).toBe(Date.parse(stockholm(date, '08:00')));
    expect(Date.parse(day.pickUp.at)).toBe(Date.parse(stockholm(date, '16:30')));
    expect(day.pickUp.freeParents.sort()).toEqual([anna.user.id, karin.user.id].sort());
  });

  it('flags a Tempus shift, a subscribed event and a member’s own event that overlap the assigned parent’s handovers; a cancelled shift frees her', async () => {
    const { anna, karin, childId } = await pickupFamily(ctx);
    const [d1, d2, d3, d4] = [dayOffset(2), dayOffset(3), dayOffset(4), dayOffset(5)];
    const simUser = ctx.newSimUser('Karin Persson');
    const accountId = await ctx.connectTempus(karin.client, simUser);
    ctx.sim.shifts.add(simUser.id, { shift_type: 'Kväll', start_time: stockholm(d1, '09:00'), end_time: stockholm(d1, '17:00') });
    const cancelled = ctx.sim.shifts.add(simUser.id, { shift_type: 'Kväll', start_time: stockholm(d4, '09:00'), end_time: stockholm(d4, '17:00') });
    ctx.sim.shifts.cancel(cancelled.id);
    await syncNow(karin.client, accountId);

    feeds.set('/karin.ics', {
      body: [
        'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:pass-1@shiftapp',
        `DTSTART;TZID=Europe/Stockholm:${d2.replaceAll('-', '')}T120000`, `DTEND;TZID=Europe/Stockholm:${d2.replaceAll('-', '')}T164000`,
        'SUMMARY:Pass sjukhuset', 'END:VEVENT', 'END:VCALENDAR', '',
      ].join('\r\n'),
    });
    expect((await karin.client.post('/api/calendar/subscriptions', { url: `${feeds.origin}/karin.ics` })).status).toBe(201);
    const own = await karin.client.post('/api/calendar/events', { title: 'Tandläkare', startDate: stockholm(d3, '16:20'), endDate: stockholm(d3, '17:00') });
    expect(own.status).toBe(201);
    // Anna's all-day event on the same day is never a conflict.
    await anna.client.post('/api/calendar/events', { title: 'Semester', startDate: stockholm(d3, '00:00'), endDate: stockholm(dayOffset(4), '00:00'), allDay: true });

    const res = await anna.client.get(`/api/pickups?from=${d1}&to=${d4}`);
    expect(res.status).toBe(200);
    const pickUp = (date: string) => (res.body.days as any[]).find((d) => d.childId === childId && d.date === date).pickUp;
    expect(pickUp(d1).conflicts).toEqual([
      expect.objectContaining({ title: 'Arbete: Kväll', source: 'tempus', startDate: new Date(stockholm(d1, '09:00')).toISOString(), endDate: new Date(stockholm(d1, '17:00')).toISOString() }),
    ]);
    expect(pickUp(d1).freeParents).toEqual([anna.user.id]);
    expect(pickUp(d2).conflicts).toEqual([expect.objectContaining({ title: 'Pass sjukhuset', source: 'ics' })]);
    expect(pickUp(d3).conflicts).toEqual([expect.objectContaining({ title: 'Tandläkare', source: 'manual', eventId: own.body.event.id })]);
    expect(pickUp(d3).freeParents).toEqual([anna.user.id]);
    expect(pickUp(d4).conflicts).toEqual([]);
  });

  it('answers at most 62 days, and refuses a range backwards or malformed', async () => {
    const { anna } = await pickupFamily(ctx);
    expect((await anna.client.get('/api/pickups?from=2026-03-01&to=2026-05-01')).status).toBe(200);
    const tooLong = await anna.client.get('/api/pickups?from=2026-03-01&to=2026-05-02');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error).toBe('validation_error');
    expect((await anna.client.get('/api/pickups?from=2026-03-10&to=2026-03-09')).status).toBe(400);
    expect((await anna.client.get('/api/pickups?from=2026-02-30&to=2026-03-09')).status).toBe(400);
    const full = await anna.client.get('/api/pickups?from=2026-03-01&to=2026-05-01');
    expect(new Set((full.body.days as any[]).map((d) => d.date)).size).toBe(62);
  });

  it('shows the handovers of the DST days at the right instants', async () => {
    const { anna, childId } = await pickupFamily(ctx);
    const spring = await dayOf(anna.client, childId, '2026-03-29');
    expect(spring.dropOff.at).toBe('2026-03-29T06:00:00.000Z');
    expect(spring.pickUp.at).toBe('2026-03-29T14:30:00.000Z');
    const autumn = await dayOf(anna.client, childId, '2026-10-25');
    expect(autumn.dropOff.at).toBe('2026-10-25T07:00:00.000Z');
    expect(autumn.pickUp.at).toBe('2026-10-25T15:30:00.000Z');
  });
});

describe('day changes', () => {
  it('changes one day ("Anna hämtar idag") without touching the routine, and goes back to it on DELETE', async () => {
    const { anna, karin, childId } = await pickupFamily(ctx);
    const date = dayOffset(3);
    const next = dayOffset(4);
    const changed = await karin.client.request('PUT', `/api/family/children/${childId}/days/${date}`, { body: { pickUpBy: anna.user.id } });
    expect(changed.status).toBe(200);
    expect(changed.body.day).toMatchObject({ date, pickUp: { byUserId: anna.user.id, time: '16:30' }, change: { pickUpBy: anna.user.id, noCare: false } });
    expect((await dayOf(anna.client, childId, next)).pickUp.byUserId).toBe(karin.user.id);
    expect((await karin.client.delete(`/api/family/children/${childId}/days/${date}`)).status).toBe(204);
    const back = await dayOf(anna.client, childId, date);
    expect(back.pickUp.byUserId).toBe(karin.user.id);
    expect(back.change).toBeNull();
  });

  it('makes a day without care (studiedag) and a day nobody is assigned to pick up', async () => {
    const { anna, childId } = await pickupFamily(ctx);
    const free = await anna.client.request('PUT', `/api/family/children/${childId}/days/${dayOffset(3)}`, { body: { noCare: true, note: 'Studiedag' } });
    expect(free.body.day).toMatchObject({ dropOff: null, pickUp: null, change: { noCare: true, note: 'Studiedag' } });
    const nobody = await anna.client.request('PUT', `/api/family/children/${childId}/days/${dayOffset(4)}`, { body: { pickUpBy: null, pickUpAt: '15:00' } });
    expect(nobody.body.day.pickUp).toMatchObject({ byUserId: null, time: '15:00', conflicts: [] });
    expect(nobody.body.day.change).toMatchObject({ pickUpBy: null, pickUpAt: '15:00' });
  });

  it('refuses days out of range, impossible dates and another family’s child', async () => {
    const { anna, childId } = await pickupFamily(ctx);
    const far = await anna.client.request('PUT', `/api/family/children/${childId}/days/2099-01-01`, { body: { noCare: true } });
    expect(far.status).toBe(400);
    expect(far.body.error).toBe('date_out_of_range');
    expect((await anna.client.request('PUT', `/api/family/children/${childId}/days/2026-02-30`, { body: { noCare: true } })).status).toBe(400);
    const other = await ctx.newParent('Bo Berg');
    expect((await other.client.request('PUT', `/api/family/children/${childId}/days/${dayOffset(3)}`, { body: { noCare: true } })).status).toBe(404);
    expect((await other.client.get(`/api/family/children`)).body.children).toEqual([]);
  });
});

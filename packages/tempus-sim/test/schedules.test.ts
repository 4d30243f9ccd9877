import { beforeEach, describe, expect, it } from 'vitest';
import { connect, listAll, schedules, startTestSim } from './helpers.js';

// Tests jump the clock by months, so the access token must outlive them.
const { sim, user } = await startTestSim({
  startTime: new Date('2026-03-20T08:00:00Z'),
  accessTokenTtlSeconds: 20 * 365 * 24 * 3600,
});
const { access_token: token } = await connect(sim);
const erik = sim.users.create({ email: 'erik.johansson@example.se', name: 'Erik Johansson' });
const { access_token: erikToken } = await connect(sim, { login_hint: erik.email });

const DAY = 24 * 3600 * 1000;

function clearShifts(): void {
  for (const shift of sim.shifts.list(user.id)) sim.shifts.delete(shift.id);
  // Pushes the tombstones out of the 30-day retention so each test starts empty.
  sim.clock.advance(31 * DAY);
}

function addDayShift(day: string, overrides: Record<string, string> = {}) {
  return sim.shifts.add(user.id, {
    shift_type: 'Dag',
    start_time: `${day}T07:00:00+01:00`,
    end_time: `${day}T15:30:00+01:00`,
    location: 'Akademiska sjukhuset, avd 30',
    ...overrides,
  });
}

beforeEach(clearShifts);

describe('from/to overlap filter', () => {
  it('returns the shifts that overlap [from, to), including ones that start before from', async () => {
    const before = addDayShift('2026-01-10');
    const overlappingStart = sim.shifts.add(user.id, {
      shift_type: 'Natt',
      start_time: '2026-01-11T21:30:00+01:00',
      end_time: '2026-01-12T07:15:00+01:00',
    });
    const inside = addDayShift('2026-01-13');
    const endsAtTo = sim.shifts.add(user.id, {
      shift_type: 'Kväll',
      start_time: '2026-01-14T14:30:00+01:00',
      end_time: '2026-01-14T22:00:00+01:00',
    });
    const { status, body } = await schedules(sim, token, {
      from: '2026-01-12T00:00:00+01:00',
      to: '2026-01-14T14:30:00+01:00',
    });
    expect(status).toBe(200);
    const ids = body.data.map((s) => s.id);
    expect(ids).toContain(overlappingStart.id);
    expect(ids).toContain(inside.id);
    expect(ids).not.toContain(before.id);
    expect(ids).not.toContain(endsAtTo.id);
  });

  it('accepts a window of exactly 400 days', async () => {
    const shift = addDayShift('2027-02-04');
    const { status, body } = await schedules(sim, token, { from: '2026-01-01T00:00:00Z', to: '2027-02-05T00:00:00Z' });
    expect(status).toBe(200);
    expect(body.data.map((s) => s.id)).toEqual([shift.id]);
  });

  it('refuses a window of 401 days with invalid_request', async () => {
    const { status, body } = await schedules(sim, token, { from: '2026-01-01T00:00:00Z', to: '2027-02-06T00:00:00Z' });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });

  it('excludes a shift that ends exactly at from and one that starts exactly at to', async () => {
    const endsAtFrom = addDayShift('2026-01-20');
    const inside = addDayShift('2026-01-21');
    const startsAtTo = addDayShift('2026-01-22');
    const { body } = await schedules(sim, token, {
      from: '2026-01-20T15:30:00+01:00',
      to: '2026-01-22T07:00:00+01:00',
    });
    const ids = body.data.map((s) => s.id);
    expect(ids).toEqual([inside.id]);
    expect(ids).not.toContain(endsAtFrom.id);
    expect(ids).not.toContain(startsAtTo.id);
  });

  it.each([
    ['from', '2026-02-30T00:00:00Z'],
    ['to', '2026-04-31T00:00:00+02:00'],
    ['updated_since', '2026-02-29T12:00:00Z'],
    ['from', '2026-01-01T24:00:00Z'],
    ['from', '2026-13-01T00:00:00Z'],
    ['to', '2026-01-01T00:00:00+24:00'],
  ])('refuses the impossible %s=%s as an invalid RFC 3339 timestamp with invalid_request', async (name, value) => {
    const { status, body } = await schedules(sim, token, { [name]: value });
    expect(status).toBe(400);
    expect(body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining(name) });
  });

  it('accepts 29 February in a leap year', async () => {
    const { status } = await schedules(sim, token, { from: '2028-02-29T00:00:00Z', to: '2028-03-01T00:00:00Z' });
    expect(status).toBe(200);
  });

  it('refuses a timestamp without offset with invalid_request', async () => {
    const { status, body } = await schedules(sim, token, { from: '2026-01-01T00:00:00' });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });

  it('reads an unencoded + offset that arrives as a space', async () => {
    const shift = addDayShift('2026-02-02');
    const res = await fetch(
      new URL('/api/v1/schedules?from=2026-02-02T00:00:00+01:00&to=2026-02-03T00:00:00+01:00', sim.url),
      { headers: { Authorization: `Bearer ${token}` } },
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { id: string }[] }).data.map((s) => s.id)).toEqual([shift.id]);
  });
});

describe('limit', () => {
  it.each(['0', '501', 'ten', '1.5'])('refuses limit=%s with invalid_request', async (limit) => {
    const { status, body } = await schedules(sim, token, { limit });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });

  it('accepts limit=1 and limit=500', async () => {
    for (let i = 1; i <= 3; i += 1) addDayShift(`2026-01-0${i}`);
    const one = await schedules(sim, token, { limit: '1' });
    expect(one.status).toBe(200);
    expect(one.body.data).toHaveLength(1);
    expect(one.body.next_cursor).not.toBeNull();
    const most = await schedules(sim, token, { limit: '500' });
    expect(most.status).toBe(200);
    expect(most.body.data).toHaveLength(3);
    expect(most.body.next_cursor).toBeNull();
  });

  it('defaults to 100 per page', async () => {
    for (let i = 0; i < 120; i += 1) addDayShift(`2026-0${1 + Math.floor(i / 28)}-${String((i % 28) + 1).padStart(2, '0')}`);
    const { body } = await schedules(sim, token);
    expect(body.data).toHaveLength(100);
    expect(body.next_cursor).not.toBeNull();
  });
});

describe('paging', () => {
  it('pages to the end in (updated_at, id) order with next_cursor null on the last page', async () => {
    const added = [];
    for (let i = 1; i <= 25; i += 1) {
      added.push(addDayShift(`2026-01-${String(i).padStart(2, '0')}`));
      sim.clock.advance(i % 3 === 0 ? 0 : 1000);
    }
    const { items, pages } = await listAll(sim, token, { limit: '10' });
    expect(pages).toBe(3);
    expect(items.map((s) => s.id).sort()).toEqual(added.map((s) => s.id).sort());
    const keys = items.map((s) => `${s.updated_at}|${s.id}`);
    expect(keys).toEqual([...keys].sort());
  });

  it('returns server_time from the sim clock', async () => {
    const { body } = await schedules(sim, token);
    expect(Math.abs(Date.parse(body.server_time) - sim.clock.now().getTime())).toBeLessThan(1000);
    expect(body.next_cursor).toBeNull();
  });

  it('shows a shift changed during paging on a later page instead of losing it', async () => {
    const shifts = [];
    for (let i = 1; i <= 6; i += 1) shifts.push(addDayShift(`2026-01-0${i}`));
    const first = await schedules(sim, token, { limit: '3' });
    const seen = first.body.data.map((s) => s.id);
    const movedFromFirstPage = seen[0] as string;
    sim.clock.advance(1000);
    sim.shifts.update(movedFromFirstPage, { start_time: '2026-01-20T07:00:00+01:00', end_time: '2026-01-20T15:30:00+01:00' });

    const rest = await listAll(sim, token, { limit: '3', cursor: first.body.next_cursor ?? '' });
    const later = rest.items.map((s) => s.id);
    expect(later).toContain(movedFromFirstPage);
    expect(new Set([...seen, ...later])).toEqual(new Set(shifts.map((s) => s.id)));
  });

  it('refuses a cursor sent with changed parameters with invalid_cursor', async () => {
    for (let i = 1; i <= 4; i += 1) addDayShift(`2026-01-0${i}`);
    const first = await schedules(sim, token, { limit: '2', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' });
    const changed = await schedules(sim, token, {
      limit: '2',
      from: '2025-12-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
      cursor: first.body.next_cursor ?? '',
    });
    expect(changed.status).toBe(400);
    expect(changed.body).toEqual({ error: 'invalid_cursor', error_description: expect.any(String) });
    const otherLimit = await schedules(sim, token, {
      limit: '3',
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
      cursor: first.body.next_cursor ?? '',
    });
    expect(otherLimit.body.error).toBe('invalid_cursor');
  });

  it.each([
    ['to', { to: '2026-03-01T00:00:00Z' }],
    ['updated_since', { updated_since: '2025-12-02T00:00:00Z' }],
  ])('refuses a cursor sent with a changed %s with invalid_cursor', async (_name, change) => {
    for (let i = 1; i <= 4; i += 1) addDayShift(`2026-01-0${i}`);
    const params = { limit: '2', to: '2026-02-01T00:00:00Z', updated_since: '2025-12-01T00:00:00Z' };
    const first = await schedules(sim, token, params);
    expect(first.body.next_cursor).not.toBeNull();
    const changed = await schedules(sim, token, { ...params, ...change, cursor: first.body.next_cursor ?? '' });
    expect(changed.status).toBe(400);
    expect(changed.body).toEqual({ error: 'invalid_cursor', error_description: expect.any(String) });
  });

  it('refuses a cursor sent with another user’s access token with invalid_cursor', async () => {
    for (let i = 1; i <= 4; i += 1) addDayShift(`2026-01-0${i}`);
    const first = await schedules(sim, token, { limit: '2' });
    const foreign = await schedules(sim, erikToken, { limit: '2', cursor: first.body.next_cursor ?? '' });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe('invalid_cursor');
  });

  it('accepts a cursor 14 minutes 59 seconds old', async () => {
    for (let i = 1; i <= 4; i += 1) addDayShift(`2026-01-0${i}`);
    const first = await schedules(sim, token, { limit: '2' });
    sim.clock.advance(14 * 60 * 1000 + 59 * 1000);
    const second = await schedules(sim, token, { limit: '2', cursor: first.body.next_cursor ?? '' });
    expect(second.status).toBe(200);
    expect(second.body.data).toHaveLength(2);
  });

  it('refuses a cursor just over 15 minutes old', async () => {
    for (let i = 1; i <= 4; i += 1) addDayShift(`2026-01-0${i}`);
    const first = await schedules(sim, token, { limit: '2' });
    sim.clock.advance(15 * 60 * 1000 + 1);
    const stale = await schedules(sim, token, { limit: '2', cursor: first.body.next_cursor ?? '' });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_cursor');
  });

  it('refuses a cursor older than 15 minutes with invalid_cursor, and the listing restarts from the first page', async () => {
    for (let i = 1; i <= 4; i += 1) addDayShift(`2026-01-0${i}`);
    const first = await schedules(sim, token, { limit: '2' });
    sim.clock.advance(15 * 60 * 1000 + 1000);
    const stale = await schedules(sim, token, { limit: '2', cursor: first.body.next_cursor ?? '' });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_cursor');
    const restarted = await listAll(sim, token, { limit: '2' });
    expect(restarted.items).toHaveLength(4);
  });

  it('refuses a forged or garbled cursor with invalid_cursor', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('{"u":0,"i":"x"}').toString('base64url'), '!!!']) {
      const { status, body } = await schedules(sim, token, { cursor });
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_cursor');
    }
  });
});

describe('updated_since and tombstones', () => {
  it('returns only changes at or after updated_since', async () => {
    addDayShift('2026-01-05');
    sim.clock.advance(1000);
    const since = sim.clock.now().toISOString();
    const changed = addDayShift('2026-01-06');
    const { body } = await schedules(sim, token, { updated_since: since });
    expect(body.data.map((s) => s.id)).toEqual([changed.id]);
  });

  it('returns a deleted shift as a tombstone with only id, updated_at and deleted, and only with updated_since', async () => {
    const shift = addDayShift('2026-01-05');
    const since = sim.clock.now().toISOString();
    sim.clock.advance(1000);
    sim.shifts.delete(shift.id);

    const full = await schedules(sim, token);
    expect(full.body.data).toEqual([]);

    const incremental = await schedules(sim, token, { updated_since: since });
    expect(incremental.body.data).toEqual([{ id: shift.id, updated_at: expect.any(String), deleted: true }]);
  });

  it('returns tombstones regardless of from/to', async () => {
    const shift = addDayShift('2026-01-05');
    const since = sim.clock.now().toISOString();
    sim.shifts.delete(shift.id);
    const { body } = await schedules(sim, token, {
      updated_since: since,
      from: '2026-06-01T00:00:00Z',
      to: '2026-07-01T00:00:00Z',
    });
    expect(body.data.map((s) => s.id)).toEqual([shift.id]);
  });

  it('stops returning a tombstone 30 days after the deletion', async () => {
    const shift = addDayShift('2026-01-05');
    const since = sim.clock.now().toISOString();
    sim.shifts.delete(shift.id);
    sim.clock.advance(29 * DAY);
    expect((await schedules(sim, token, { updated_since: since })).body.data).toHaveLength(1);
    sim.clock.advance(2 * DAY);
    expect((await schedules(sim, token, { updated_since: since })).body.data).toHaveLength(0);
  });

  it('keeps a cancelled shift visible with status "cancelled" and a new updated_at', async () => {
    const shift = addDayShift('2026-01-05');
    sim.clock.advance(1000);
    const since = sim.clock.now().toISOString();
    sim.shifts.cancel(shift.id);
    const { body } = await schedules(sim, token, { updated_since: since });
    expect(body.data).toEqual([expect.objectContaining({ id: shift.id, status: 'cancelled', deleted: false })]);
    expect(Date.parse(body.data[0]?.updated_at ?? '')).toBeGreaterThanOrEqual(Date.parse(since));
  });
});

describe('cancelled shifts', () => {
  it('lists cancelled shifts with status "cancelled" in a listing without updated_since', async () => {
    const cancelledLater = addDayShift('2026-01-05');
    sim.shifts.cancel(cancelledLater.id);
    const cancelledFromStart = addDayShift('2026-01-06', { status: 'cancelled' });
    const scheduled = addDayShift('2026-01-07');
    const { body } = await schedules(sim, token);
    const statusById = Object.fromEntries(body.data.map((s) => [s.id, s.status]));
    expect(statusById).toEqual({
      [cancelledLater.id]: 'cancelled',
      [cancelledFromStart.id]: 'cancelled',
      [scheduled.id]: 'scheduled',
    });
  });
});

describe('incremental sync', () => {
  it('returns every change made during and after a paged listing to the next sync from the first page’s server_time', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 6; i += 1) ids.push(addDayShift(`2026-01-0${i}`).id);
    const [moved, cancelled, deleted, changedAfter] = ids as [string, string, string, string];
    sim.clock.advance(1000);

    const first = await schedules(sim, token, { limit: '2' });
    const nextSince = first.body.server_time;
    sim.shifts.update(moved, { start_time: '2026-01-20T07:00:00+01:00', end_time: '2026-01-20T15:30:00+01:00' });
    sim.shifts.cancel(cancelled);
    sim.shifts.delete(deleted);
    await listAll(sim, token, { limit: '2', cursor: first.body.next_cursor ?? '' });
    sim.shifts.update(changedAfter, { shift_type: 'Kväll' });

    const { items } = await listAll(sim, token, { limit: '2', updated_since: nextSince });
    const byId = new Map(items.map((s) => [s.id, s]));
    expect([...byId.keys()].sort()).toEqual([moved, cancelled, deleted, changedAfter].sort());
    expect(byId.get(moved)).toMatchObject({ start_time: '2026-01-20T07:00:00+01:00' });
    expect(byId.get(cancelled)).toMatchObject({ status: 'cancelled', deleted: false });
    expect(byId.get(deleted)).toEqual({ id: deleted, updated_at: expect.any(String), deleted: true });
    expect(byId.get(changedAfter)).toMatchObject({ shift_type: 'Kväll' });
  });
});

describe('encoding', () => {
  it('sends JSON as UTF-8 with charset=utf-8 and round-trips non-ASCII text', async () => {
    addDayShift('2026-01-05', { shift_type: 'Kväll', location: 'Norrlands universitetssjukhus, avd Ö' });
    const res = await fetch(new URL('/api/v1/schedules', sim.url), { headers: { Authorization: `Bearer ${token}` } });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.includes(Buffer.from('Kväll', 'utf8'))).toBe(true);
    const body = JSON.parse(bytes.toString('utf8')) as { data: { shift_type: string; location: string }[] };
    expect(body.data[0]).toMatchObject({ shift_type: 'Kväll', location: 'Norrlands universitetssjukhus, avd Ö' });
  });
});

describe('time zone offsets', () => {
  it('renders a Natt shift across the spring DST change with +01:00 start and +02:00 end', async () => {
    const shift = sim.shifts.add(user.id, {
      shift_type: 'Natt',
      start_time: '2026-03-28T21:00:00Z',
      end_time: '2026-03-29T05:00:00Z',
    });
    const { body } = await schedules(sim, token);
    expect(body.data).toEqual([
      expect.objectContaining({
        id: shift.id,
        start_time: '2026-03-28T22:00:00+01:00',
        end_time: '2026-03-29T07:00:00+02:00',
      }),
    ]);
  });

  it('renders a Natt shift across the autumn DST change with +02:00 start and +01:00 end', async () => {
    sim.shifts.add(user.id, { shift_type: 'Natt', start_time: '2026-10-24T19:30:00Z', end_time: '2026-10-25T06:15:00Z' });
    const { body } = await schedules(sim, token);
    expect(body.data[0]).toMatchObject({ start_time: '2026-10-24T21:30:00+02:00', end_time: '2026-10-25T07:15:00+01:00' });
  });

  it('renders winter shifts with +01:00 and summer shifts with +02:00', async () => {
    sim.shifts.add(user.id, { shift_type: 'Dag', start_time: '2026-01-15T06:00:00Z', end_time: '2026-01-15T14:30:00Z' });
    sim.shifts.add(user.id, { shift_type: 'Dag', start_time: '2026-07-15T05:00:00Z', end_time: '2026-07-15T13:30:00Z' });
    const { body } = await schedules(sim, token);
    expect(body.data.map((s) => s.start_time).sort()).toEqual(['2026-01-15T07:00:00+01:00', '2026-07-15T07:00:00+02:00']);
  });
});

describe('paging a large schedule', () => {
  it('lists 5,000 shifts of one user among 1,000 seeded users in 10 pages of 500, each shift once and only theirs', async () => {
    sim.seed({ users: 1000, seed: 7, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') });
    const [big] = sim.seed({
      users: 1,
      seed: 8,
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      shiftsPerUser: 5000,
    });
    const bigTokens = await connect(sim, { login_hint: big?.email ?? '' });
    const { items, pages } = await listAll(sim, bigTokens.access_token, { limit: '500' });
    expect(pages).toBe(10);
    expect(items).toHaveLength(5000);
    expect(new Set(items.map((s) => s.id)).size).toBe(5000);
    expect(new Set(items.map((s) => s.id))).toEqual(new Set(sim.shifts.list(big?.id ?? '').map((s) => s.id)));
  }, 60_000);
});

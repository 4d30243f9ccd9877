import { describe, expect, it } from 'vitest';
import { generateShifts, generateUsers } from '../src/index.js';
import { connect, listAll, startTestSim } from './helpers.js';

const from = new Date('2026-02-01T00:00:00Z');
const to = new Date('2026-05-01T00:00:00Z');

const seeded = await startTestSim({ startTime: new Date('2026-03-01T00:00:00Z') });

const localTime = (time: string | undefined): string => (time ?? '').slice(11, 16);

describe('seed generator', () => {
  it('generates the same users and shifts for the same seed', () => {
    expect(generateUsers({ seed: 42, count: 20 })).toEqual(generateUsers({ seed: 42, count: 20 }));
    expect(generateShifts({ seed: 42, userIndex: 3, from, to })).toEqual(generateShifts({ seed: 42, userIndex: 3, from, to }));
  });

  it('generates different data for a different seed', () => {
    expect(generateShifts({ seed: 43, userIndex: 3, from, to })).not.toEqual(generateShifts({ seed: 42, userIndex: 3, from, to }));
  });

  it('generates the same shift for a date whatever the requested range', () => {
    const wide = generateShifts({ seed: 42, userIndex: 1, from, to });
    const narrow = generateShifts({ seed: 42, userIndex: 1, from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-15T00:00:00Z') });
    for (const shift of narrow) expect(wide).toContainEqual(shift);
  });

  it('gives users Swedish names and name-based example.se emails, unique within a batch', () => {
    const users = generateUsers({ seed: 1, count: 700 });
    expect(new Set(users.map((u) => u.email)).size).toBe(700);
    for (const u of users.slice(0, 50)) {
      const [first, last] = u.name.split(' ');
      expect(u.email).toMatch(/^[a-z]+\.[a-z]+\d*@example\.se$/);
      expect(u.email.startsWith(`${(first ?? '').toLowerCase().replace(/[åä]/g, 'a').replace(/ö/g, 'o')}.`)).toBe(true);
      expect(last).toBeTruthy();
      expect(u.timezone).toBe('Europe/Stockholm');
    }
  });

  it('uses the Swedish shift types with their local times, Natt overnight', () => {
    const shifts = Array.from({ length: 40 }, (_, userIndex) => generateShifts({ seed: 9, userIndex, from, to })).flat();
    const types = new Set(shifts.map((s) => s.shift_type));
    for (const type of ['Dag', 'Kväll', 'Natt', 'Helg', 'Jour', 'Beredskap']) expect(types).toContain(type);
    for (const s of shifts) {
      expect(Date.parse(s.end_time)).toBeGreaterThan(Date.parse(s.start_time));
      if (s.shift_type === 'Dag') expect([localTime(s.start_time), localTime(s.end_time)]).toEqual(['07:00', '15:30']);
      if (s.shift_type === 'Kväll') expect([localTime(s.start_time), localTime(s.end_time)]).toEqual(['14:30', '22:00']);
      if (s.shift_type === 'Natt') {
        expect([localTime(s.start_time), localTime(s.end_time)]).toEqual(['21:30', '07:15']);
        expect(s.end_time.slice(0, 10)).not.toBe(s.start_time.slice(0, 10));
      }
    }
    expect(shifts.some((s) => s.status === 'cancelled')).toBe(true);
    expect(shifts.every((s) => typeof s.location === 'string' && s.location.length > 0)).toBe(true);
  });

  it('keeps shifts inside [from, to) unless an exact count is asked for', () => {
    const inRange = generateShifts({ seed: 5, userIndex: 0, from, to });
    expect(inRange.every((s) => Date.parse(s.start_time) >= from.getTime() && Date.parse(s.start_time) < to.getTime())).toBe(true);
    expect(generateShifts({ seed: 5, userIndex: 0, from, to, count: 500 })).toHaveLength(500);
  });

  it('seeds a simulator whose data is served over the API', async () => {
    const { sim } = seeded;
    const [first] = sim.seed({ users: 2, seed: 11, from, to, shiftsPerUser: 90 });
    const tokens = await connect(sim, { login_hint: first?.email ?? '' });
    const { items } = await listAll(sim, tokens.access_token, { limit: '500' });
    expect(items).toHaveLength(90);
    expect(items.map((s) => s.id).sort()).toEqual(
      generateShifts({ seed: 11, userIndex: 0, from, to, count: 90 }).map((s) => s.id).sort(),
    );
  });
});

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_IDS, possessive, shiftChangedNotification } from './wording.js';
import type { ShiftChange } from './news.js';

const shift = (day: number) => ({
  title: 'Arbete: Dag',
  startAt: new Date(Date.UTC(2026, 11, 1 + (day % 7), 6)),
  endAt: new Date(Date.UTC(2026, 11, 1 + (day % 7), 14)),
  status: 'scheduled' as const,
  allDay: false,
});

describe('a shift_changed notification', () => {
  it(`names at most ${MAX_EVENT_IDS} events and four lines however many shifts one sync changed`, () => {
    const changes: ShiftChange[] = Array.from({ length: 5_000 }, (_, i) => ({ kind: 'created', eventId: randomUUID(), before: null, after: shift(i) }));
    const notification = shiftChangedNotification('Karin', changes);
    expect(notification.eventIds).toEqual(changes.slice(0, MAX_EVENT_IDS).map((c) => c.eventId));
    expect(notification.body.split('\n')).toHaveLength(5);
    expect(notification.body).toMatch(/och 4996 till$/);
    // Small enough for the relay to the other instances (PostgreSQL NOTIFY holds < 8,000 bytes).
    expect(Buffer.byteLength(JSON.stringify(notification))).toBeLessThan(4_000);
  });
});

describe('a name in the possessive', () => {
  it('takes an s, none after s, x or z, and a colon after an initial ("Karin P:s")', () => {
    expect(['Anna', 'Lars', 'Max', 'Karin P', 'Karin Pe', 'Karin Persson'].map(possessive)).toEqual(['Annas', 'Lars', 'Max', 'Karin P:s', 'Karin Pe:s', 'Karin Perssons']);
  });
});

import type { PickupDay } from '@familyhub/shared';
import { describe, expect, it } from 'vitest';
import { peopleOf } from '$lib/people/people';
import { dayLines, handoverText } from './day-lines';

const ANNA = '11111111-1111-4111-8111-111111111111';
const KARIN = '22222222-2222-4222-8222-222222222222';
const KARIN_A = '55555555-5555-4555-8555-555555555555';
const member = (id: string, name: string) => ({ id, name, color: 'blue' as const, initials: name.slice(0, 1) });
const names = peopleOf([member(ANNA, 'Anna Svensson'), member(KARIN, 'Karin Persson')]);
const quiet = (at: string, time: string, by: string | null) => ({ at, time, byUserId: by, conflicts: [], freeParents: [ANNA, KARIN] });

function day(extra: Partial<PickupDay> = {}): PickupDay {
  return {
    date: '2026-03-17',
    childId: '33333333-3333-4333-8333-333333333333',
    childName: 'Elsa',
    careName: 'Solrosen',
    dropOff: quiet('2026-03-17T07:00:00.000Z', '08:00', ANNA),
    pickUp: quiet('2026-03-17T15:30:00.000Z', '16:30', KARIN),
    change: null,
    ...extra,
  };
}

describe('the day lines of handovers', () => {
  it('says who drops off and picks up, and when', () => {
    const [line] = dayLines([day()], '2026-03-17', names);
    expect(handoverText(line!)).toBe('Lämnar: Anna 08:00 · Hämtar: Karin 16:30');
    expect(line!.handovers.map((h) => h.conflict)).toEqual([null, null]);
  });

  it('marks a conflict in one sentence and offers the free parent the handover', () => {
    const busy = {
      ...quiet('2026-03-17T15:30:00.000Z', '16:30', KARIN),
      conflicts: [{ eventId: '44444444-4444-4444-8444-444444444444', title: 'Arbete: Dag', startDate: '2026-03-17T08:00:00.000Z', endDate: '2026-03-17T16:00:00.000Z', source: 'tempus' as const }],
      freeParents: [ANNA],
    };
    const [line] = dayLines([day({ pickUp: busy })], '2026-03-17', names);
    expect(line!.handovers[1]).toMatchObject({ conflict: 'Karin jobbar till 17:00 — Anna är ledig', swapTo: { userId: ANNA, name: 'Anna' } });
  });

  it('tells two parents with one first name apart as the calendar does ("Karin P", "Karin A")', () => {
    const karins = peopleOf([member(KARIN, 'Karin Persson'), member(KARIN_A, 'Karin Andersson')]);
    const busy = {
      ...quiet('2026-03-17T06:45:00.000Z', '07:45', KARIN),
      conflicts: [{ eventId: '44444444-4444-4444-8444-444444444444', title: 'Dag', startDate: '2026-03-17T06:00:00.000Z', endDate: '2026-03-17T14:30:00.000Z', source: 'tempus' as const }],
      freeParents: [KARIN_A],
    };
    const [line] = dayLines([day({ dropOff: busy, pickUp: quiet('2026-03-17T15:30:00.000Z', '16:30', KARIN_A) })], '2026-03-17', karins);
    expect(handoverText(line!)).toBe('Lämnar: Karin P 07:45 · Hämtar: Karin A 16:30');
    expect(line!.handovers[0]).toMatchObject({ conflict: 'Karin P jobbar till 15:30 — Karin A är ledig', swapTo: { userId: KARIN_A, name: 'Karin A' } });
  });

  it('names nobody for an unassigned handover and offers it to a free parent', () => {
    const [line] = dayLines([day({ dropOff: quiet('2026-03-17T07:00:00.000Z', '08:00', null) })], '2026-03-17', names);
    expect(handoverText(line!)).toBe('Lämnar: ingen vald 08:00 · Hämtar: Karin 16:30');
    expect(line!.handovers[0]).toMatchObject({ conflict: 'Ingen är satt att lämna 08:00 — Anna och Karin är lediga', swapTo: { userId: ANNA } });
  });

  it('says a day without care is one, with its note', () => {
    const [line] = dayLines([day({ dropOff: null, pickUp: null, change: { noCare: true, note: 'Studiedag' } })], '2026-03-17', names);
    expect(line).toMatchObject({ noCare: true, changed: true });
    expect(handoverText(line!)).toBe('Studiedag');
    expect(dayLines([day()], '2026-03-18', names)).toEqual([]);
  });
});

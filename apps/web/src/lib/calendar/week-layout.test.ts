import { describe, expect, it } from 'vitest';
import { DAY_MINUTES, layoutWeek, MIN_BLOCK_MINUTES } from './week-layout';
import { weekDays } from './zoned-time';

let nextId = 0;
const event = (startDate: string, endDate: string, allDay = false) => ({ id: `e${++nextId}`, startDate, endDate, allDay });

describe('layoutWeek', () => {
  it('cuts an overnight shift at midnight and draws both halves', () => {
    const natt = event('2026-03-24T21:30:00+01:00', '2026-03-25T07:15:00+01:00');
    const days = layoutWeek([natt], weekDays('2026-03-23'));
    const [tuesday, wednesday] = [days[1]!, days[2]!];
    expect(tuesday.blocks).toMatchObject([{ top: 21 * 60 + 30, bottom: DAY_MINUTES, startsBefore: false, endsAfter: true }]);
    expect(wednesday.blocks).toMatchObject([{ top: 0, bottom: 7 * 60 + 15, startsBefore: true, endsAfter: false }]);
    expect(days.filter((d) => d.blocks.length > 0)).toHaveLength(2);
  });

  it('places a night shift across the spring change by the wall clock', () => {
    // 22:00 CET to 07:00 CEST: eight real hours, drawn from 22:00 to 07:00.
    const natt = event('2026-03-28T22:00:00+01:00', '2026-03-29T07:00:00+02:00');
    const days = layoutWeek([natt], weekDays('2026-03-23'));
    expect(days[5]!.blocks[0]).toMatchObject({ top: 22 * 60, bottom: DAY_MINUTES });
    expect(days[6]!.blocks[0]).toMatchObject({ top: 0, bottom: 7 * 60 });
  });

  it('keeps a shift in the repeated autumn hour from ending above its start', () => {
    // 02:10 CEST to 02:50 CET is 1 h 40 min, although the wall clock reads 02:10–02:50.
    const shift = event('2026-10-25T02:10:00+02:00', '2026-10-25T02:50:00+01:00');
    const block = layoutWeek([shift], weekDays('2026-10-25'))[6]!.blocks[0]!;
    expect(block.top).toBe(2 * 60 + 10);
    expect(block.bottom).toBe(2 * 60 + 50);
  });

  it('gives many overlapping shifts their own columns and shares the width in the cluster', () => {
    const shifts = [
      event('2026-03-23T07:00:00+01:00', '2026-03-23T15:30:00+01:00'),
      event('2026-03-23T08:00:00+01:00', '2026-03-23T12:00:00+01:00'),
      event('2026-03-23T09:00:00+01:00', '2026-03-23T10:00:00+01:00'),
      event('2026-03-23T12:00:00+01:00', '2026-03-23T13:00:00+01:00'),
      event('2026-03-23T18:00:00+01:00', '2026-03-23T19:00:00+01:00'),
    ];
    const blocks = layoutWeek(shifts, weekDays('2026-03-23'))[0]!.blocks;
    const byId = Object.fromEntries(blocks.map((b) => [b.event.id, b]));
    const [a, b, c, d, e] = shifts.map((s) => byId[s.id]!);
    expect([a!.column, b!.column, c!.column]).toEqual([0, 1, 2]);
    // 12:00 starts exactly when the 08–12 block ends, so it reuses that column.
    expect(d!.column).toBe(1);
    expect(new Set([a, b, c, d].map((x) => x!.columns))).toEqual(new Set([3]));
    expect(e).toMatchObject({ column: 0, columns: 1 });
  });

  it('draws short events tall enough to tap', () => {
    const blip = event('2026-03-23T23:55:00+01:00', '2026-03-24T00:00:00+01:00');
    const block = layoutWeek([blip], weekDays('2026-03-23'))[0]!.blocks[0]!;
    expect(block.bottom - block.top).toBe(MIN_BLOCK_MINUTES);
    expect(block.bottom).toBe(DAY_MINUTES);
  });

  it('puts all-day events and days spanned completely in the all-day row', () => {
    const holiday = event('2026-03-24T00:00:00+01:00', '2026-03-26T00:00:00+01:00', true);
    const long = event('2026-03-26T12:00:00+01:00', '2026-03-28T12:00:00+01:00');
    const days = layoutWeek([holiday, long], weekDays('2026-03-23'));
    expect(days.map((d) => d.allDay.map((a) => a.event.id))).toEqual([[], [holiday.id], [holiday.id], [], [long.id], [], []]);
    expect(days[3]!.blocks.map((b) => b.event.id)).toEqual([long.id]);
    expect(days[5]!.blocks.map((b) => b.event.id)).toEqual([long.id]);
  });
});

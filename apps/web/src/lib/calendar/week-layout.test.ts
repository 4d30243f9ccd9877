import { describe, expect, it } from 'vitest';
import { bandFits, DAY_MINUTES, laneFits, layoutWeek, MIN_BLOCK_MINUTES, MIN_LANE_PX } from './week-layout';
import { weekDays } from './zoned-time';

let nextId = 0;
const event = (startDate: string, endDate: string, allDay = false) => ({ id: `e${++nextId}`, startDate, endDate, allDay });

describe('layoutWeek', () => {
  it('cuts an overnight shift at midnight and draws both halves', () => {
    const natt = event('2026-03-24T21:30:00+01:00', '2026-03-25T07:15:00+01:00');
    const days = layoutWeek([natt], weekDays('2026-03-23')).columns;
    const [tuesday, wednesday] = [days[1]!, days[2]!];
    expect(tuesday.blocks).toMatchObject([{ top: 21 * 60 + 30, bottom: DAY_MINUTES, startsBefore: false, endsAfter: true }]);
    expect(wednesday.blocks).toMatchObject([{ top: 0, bottom: 7 * 60 + 15, startsBefore: true, endsAfter: false }]);
    expect(days.filter((d) => d.blocks.length > 0)).toHaveLength(2);
  });

  it('places a night shift across the spring change by the wall clock', () => {
    // 22:00 CET to 07:00 CEST: eight real hours, drawn from 22:00 to 07:00.
    const natt = event('2026-03-28T22:00:00+01:00', '2026-03-29T07:00:00+02:00');
    const days = layoutWeek([natt], weekDays('2026-03-23')).columns;
    expect(days[5]!.blocks[0]).toMatchObject({ top: 22 * 60, bottom: DAY_MINUTES });
    expect(days[6]!.blocks[0]).toMatchObject({ top: 0, bottom: 7 * 60 });
  });

  it('keeps a shift in the repeated autumn hour from ending above its start', () => {
    // 02:10 CEST to 02:50 CET is 1 h 40 min, although the wall clock reads 02:10–02:50.
    const shift = event('2026-10-25T02:10:00+02:00', '2026-10-25T02:50:00+01:00');
    const block = layoutWeek([shift], weekDays('2026-10-25')).columns[6]!.blocks[0]!;
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
    const blocks = layoutWeek(shifts, weekDays('2026-03-23')).columns[0]!.blocks;
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
    const block = layoutWeek([blip], weekDays('2026-03-23')).columns[0]!.blocks[0]!;
    expect(block.bottom - block.top).toBe(MIN_BLOCK_MINUTES);
    expect(block.bottom).toBe(DAY_MINUTES);
  });

  it('draws an all-day event as one band across exactly its days', () => {
    const studiedag = event('2026-03-27T00:00:00+01:00', '2026-03-28T00:00:00+01:00', true);
    const sportlov = event('2026-03-24T00:00:00+01:00', '2026-03-27T00:00:00+01:00', true);
    const { bands, bandRows, columns } = layoutWeek([studiedag, sportlov], weekDays('2026-03-23'));
    expect(bands.map((b) => [b.event.id, b.start, b.span, b.row])).toEqual([
      [sportlov.id, 1, 3, 0],
      [studiedag.id, 4, 1, 0],
    ]);
    expect(bandRows).toBe(1);
    expect(columns.every((c) => c.blocks.length === 0)).toBe(true);
  });

  it('stacks overlapping bands on rows of their own and reuses a row once it is free', () => {
    const week = event('2026-03-23T00:00:00+01:00', '2026-03-30T00:00:00+01:00', true);
    const tue = event('2026-03-24T00:00:00+01:00', '2026-03-25T00:00:00+01:00', true);
    const wedThu = event('2026-03-25T00:00:00+01:00', '2026-03-27T00:00:00+01:00', true);
    const tueWed = event('2026-03-24T00:00:00+01:00', '2026-03-26T00:00:00+01:00', true);
    const { bands, bandRows } = layoutWeek([week, tue, wedThu, tueWed], weekDays('2026-03-23'));
    const row = (e: { id: string }) => bands.find((b) => b.event.id === e.id)!.row;
    expect([row(week), row(tueWed), row(tue), row(wedThu)]).toEqual([0, 1, 2, 2]);
    expect(bandRows).toBe(3);
  });

  it('cuts a band at the edges of the week and says it goes on', () => {
    const holiday = event('2026-03-20T00:00:00+01:00', '2026-03-25T00:00:00+01:00', true);
    const [band] = layoutWeek([holiday], weekDays('2026-03-23')).bands;
    expect(band).toMatchObject({ start: 0, span: 2, startsBefore: true, endsAfter: false });
  });

  it('puts the whole days of a long timed event in a band and its partial days in the columns', () => {
    const long = event('2026-03-26T12:00:00+01:00', '2026-03-28T12:00:00+01:00');
    const { bands, columns } = layoutWeek([long], weekDays('2026-03-23'));
    expect(bands).toMatchObject([{ start: 4, span: 1, startsBefore: true, endsAfter: true }]);
    expect(columns.map((c) => c.blocks.length)).toEqual([0, 0, 0, 1, 0, 1, 0]);
  });

  it('gives all-day events on the DST days one column each, whatever the day length', () => {
    // Europe/Stockholm: 2026-03-29 has 23 hours, 2026-10-25 has 25.
    const spring = event('2026-03-29T00:00:00+01:00', '2026-03-30T00:00:00+02:00', true);
    const autumn = event('2026-10-24T00:00:00+02:00', '2026-10-26T00:00:00+01:00', true);
    expect(layoutWeek([spring], weekDays('2026-03-29')).bands).toMatchObject([{ start: 6, span: 1, endsAfter: false }]);
    expect(layoutWeek([autumn], weekDays('2026-10-25')).bands).toMatchObject([{ start: 5, span: 2, startsBefore: false, endsAfter: false }]);
  });

  it('fits lanes of at least the minimum readable width and no narrower', () => {
    // A desktop column (about 175 px) holds two lanes; a phone column (about 48 px) none.
    expect(laneFits(175, 1)).toBe(true);
    expect(laneFits(175, 2)).toBe(true);
    expect(laneFits(175, 3)).toBe(false);
    expect(laneFits(2 * MIN_LANE_PX, 2)).toBe(true);
    expect(laneFits(2 * MIN_LANE_PX - 1, 2)).toBe(false);
    expect(laneFits(48, 1)).toBe(false);
    // A band on a phone needs two days for its title.
    expect(bandFits(48, 1)).toBe(false);
    expect(bandFits(48, 2)).toBe(true);
  });
});

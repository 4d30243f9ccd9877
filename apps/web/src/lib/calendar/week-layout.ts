/**
 * Places events in the week view: all-day events (and the whole days a long event covers)
 * as bands across exactly their days, timed events as blocks in their day's column,
 * positioned by wall-clock minutes (so 07:15 sits at 07:15 on a 23-hour day too), cut at
 * midnight, with overlapping blocks side by side in lanes. A lane or band too narrow for
 * text is drawn compact: the person's colour and initials.
 */
import { byStart, sliceOnDay, type Timed } from './event-span.js';
import { minutesBetween, TIME_ZONE, wallMinutes, type CivilDate } from './zoned-time.js';

export const DAY_MINUTES = 24 * 60;
/** Short events are drawn at least this tall so their text stays readable and tappable. */
export const MIN_BLOCK_MINUTES = 30;
/** The narrowest lane that holds a readable time, title and badge; narrower ones go compact. */
export const MIN_LANE_PX = 80;
/** The narrowest all-day band that holds a readable title. */
export const MIN_BAND_PX = 72;
/** Events this short keep time and title on one line ("16:00 Hämta Elsa"). */
export const ONE_LINE_MINUTES = 60;

export interface TimedBlock<E> {
  event: E;
  /** Wall-clock minutes past midnight where the block is drawn, 0…1440. */
  top: number;
  bottom: number;
  /** The event's real start and end on this day, for labels. */
  start: Date;
  end: Date;
  startsBefore: boolean;
  endsAfter: boolean;
  column: number;
  columns: number;
}

/** An all-day band: from column `start` across `span` days, on its own row of the band area. */
export interface AllDayBand<E> {
  event: E;
  start: number;
  span: number;
  row: number;
  /** The event goes on before the band's first day or after its last. */
  startsBefore: boolean;
  endsAfter: boolean;
}

export interface DayColumn<E> {
  day: CivilDate;
  blocks: TimedBlock<E>[];
}

export interface WeekLayout<E> {
  columns: DayColumn<E>[];
  bands: AllDayBand<E>[];
  /** How many rows the bands need. */
  bandRows: number;
}

export function layoutWeek<E extends Timed>(events: readonly E[], days: readonly CivilDate[], timeZone = TIME_ZONE): WeekLayout<E> {
  const sorted = [...events].sort(byStart);
  const bands = new Map<E, AllDayBand<E>>();
  const columns = days.map((day, index) => {
    const blocks: TimedBlock<E>[] = [];
    for (const event of sorted) {
      const slice = sliceOnDay(event, day, timeZone);
      if (!slice) continue;
      if (event.allDay || (slice.startsBefore && slice.endsAfter)) {
        const band = bands.get(event);
        if (band) {
          band.span = index - band.start + 1;
          band.endsAfter = slice.endsAfter;
        } else {
          bands.set(event, { event, start: index, span: 1, row: 0, startsBefore: slice.startsBefore, endsAfter: slice.endsAfter });
        }
        continue;
      }
      const top = slice.startsBefore ? 0 : wallMinutes(slice.start, timeZone);
      let bottom = slice.endsAfter || slice.end.getTime() === slice.dayEnd.getTime() ? DAY_MINUTES : wallMinutes(slice.end, timeZone);
      // In the repeated hour of the autumn change the wall clock runs backwards.
      if (bottom < top) bottom = top + minutesBetween(slice.start, slice.end);
      const drawnTop = Math.min(top, DAY_MINUTES - MIN_BLOCK_MINUTES);
      blocks.push({
        event,
        top: drawnTop,
        bottom: Math.min(DAY_MINUTES, Math.max(bottom, drawnTop + MIN_BLOCK_MINUTES)),
        start: slice.start,
        end: slice.end,
        startsBefore: slice.startsBefore,
        endsAfter: slice.endsAfter,
        column: 0,
        columns: 1,
      });
    }
    assignColumns(blocks);
    return { day, blocks };
  });
  const placed = [...bands.values()];
  return { columns, bands: placed, bandRows: assignBandRows(placed) };
}

/** Stacks overlapping bands: each takes the top row free across all its days. Returns the row count. */
export function assignBandRows(bands: AllDayBand<unknown>[]): number {
  const rowEnds: number[] = [];
  for (const band of [...bands].sort((a, b) => a.start - b.start || b.span - a.span)) {
    let row = rowEnds.findIndex((end) => end <= band.start);
    if (row === -1) row = rowEnds.length;
    rowEnds[row] = band.start + band.span;
    band.row = row;
  }
  return rowEnds.length;
}

/** Whether blocks sharing a column of this width in `lanes` lanes can show their text. */
export function laneFits(columnWidthPx: number, lanes: number): boolean {
  return columnWidthPx / lanes >= MIN_LANE_PX;
}

/** Whether an all-day band across `span` columns of this width can show its title. */
export function bandFits(columnWidthPx: number, span: number): boolean {
  return columnWidthPx * span >= MIN_BAND_PX;
}

/**
 * Greedy interval colouring: each block takes the leftmost free column; blocks that
 * overlap directly or through others form a cluster that shares one column count.
 */
export function assignColumns(blocks: TimedBlock<unknown>[]): void {
  blocks.sort((a, b) => a.top - b.top || b.bottom - a.bottom);
  let cluster: TimedBlock<unknown>[] = [];
  let columnEnds: number[] = [];
  let clusterEnd = -1;
  const close = () => {
    for (const block of cluster) block.columns = columnEnds.length;
    cluster = [];
    columnEnds = [];
  };
  for (const block of blocks) {
    if (block.top >= clusterEnd) close();
    let column = columnEnds.findIndex((end) => end <= block.top);
    if (column === -1) {
      column = columnEnds.length;
      columnEnds.push(block.bottom);
    } else {
      columnEnds[column] = block.bottom;
    }
    block.column = column;
    cluster.push(block);
    clusterEnd = Math.max(clusterEnd, block.bottom);
  }
  close();
}

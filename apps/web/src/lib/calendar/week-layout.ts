/**
 * Places events in the week view's day columns: all-day events in the top row, timed
 * events as blocks positioned by wall-clock minutes (so 07:15 sits at 07:15 on a 23-hour
 * day too), cut at midnight, with overlapping blocks sharing the column side by side.
 */
import { byStart, sliceOnDay, type Timed } from './event-span.js';
import { minutesBetween, TIME_ZONE, wallMinutes, type CivilDate } from './zoned-time.js';

export const DAY_MINUTES = 24 * 60;
/** Short events are drawn at least this tall so their text stays readable and tappable. */
export const MIN_BLOCK_MINUTES = 30;

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

export interface AllDayItem<E> {
  event: E;
  startsBefore: boolean;
  endsAfter: boolean;
}

export interface DayColumn<E> {
  day: CivilDate;
  allDay: AllDayItem<E>[];
  blocks: TimedBlock<E>[];
}

export function layoutWeek<E extends Timed>(events: readonly E[], days: readonly CivilDate[], timeZone = TIME_ZONE): DayColumn<E>[] {
  const sorted = [...events].sort(byStart);
  return days.map((day) => {
    const allDay: AllDayItem<E>[] = [];
    const blocks: TimedBlock<E>[] = [];
    for (const event of sorted) {
      const slice = sliceOnDay(event, day, timeZone);
      if (!slice) continue;
      if (event.allDay || (slice.startsBefore && slice.endsAfter)) {
        allDay.push({ event, startsBefore: slice.startsBefore, endsAfter: slice.endsAfter });
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
    return { day, allDay, blocks };
  });
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

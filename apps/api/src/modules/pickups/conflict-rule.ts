/**
 * The conflict rule, pure: a handover at `at` needs its parent from 30 minutes before to
 * 15 minutes after, the window [at − 30 min, at + 15 min). An event of that parent that
 * overlaps the window is a conflict, whatever its source, except a cancelled one (a
 * cancelled shift frees the parent) and an all-day one (a birthday does not keep anyone
 * from förskolan). Parents with no such event are free. A handover nobody is assigned to
 * is a conflict of its own.
 */
import type { BusyTime } from '../calendar/busy-times.js';
import type { CivilDate } from './stockholm-days.js';
import { stockholmInstant } from './stockholm-days.js';
import type { HandoverPlan } from './day-plan.js';

const MINUTE_MS = 60_000;
export const WINDOW_BEFORE_MS = 30 * MINUTE_MS;
export const WINDOW_AFTER_MS = 15 * MINUTE_MS;

/** An event as the rule needs it: its owner, its interval in epoch milliseconds, and whether it can keep anyone busy. */
export interface BusyEvent extends BusyTime {
  allDay: boolean;
  status: 'scheduled' | 'cancelled';
}

/** Whether an event can keep its owner from a handover at all. */
export function canBlock(e: Pick<BusyEvent, 'allDay' | 'status'>): boolean {
  return !e.allDay && e.status === 'scheduled';
}

/** Whether the event keeps its owner from the handover at `atMs`. */
export function blocksHandover(e: BusyEvent, atMs: number): boolean {
  return canBlock(e) && e.startMs < atMs + WINDOW_AFTER_MS && e.endMs > atMs - WINDOW_BEFORE_MS;
}

/**
 * The family's events by owner, sorted by start, so a handover finds its overlaps by a
 * binary search instead of a scan of every event: the search stops at the window's end, and
 * looks back no further than the owner's longest event.
 */
export class BusyIndex {
  private readonly byOwner = new Map<string, { events: BusyEvent[]; longestMs: number }>();

  constructor(events: Iterable<BusyEvent>) {
    for (const e of events) {
      if (!canBlock(e)) continue;
      let owner = this.byOwner.get(e.ownerUserId);
      if (!owner) this.byOwner.set(e.ownerUserId, (owner = { events: [], longestMs: 0 }));
      owner.events.push(e);
      owner.longestMs = Math.max(owner.longestMs, e.endMs - e.startMs);
    }
    for (const owner of this.byOwner.values()) owner.events.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : 1));
  }

  /** The owner's events that block a handover at `atMs`, earliest first. */
  blocking(userId: string, atMs: number): BusyEvent[] {
    const owner = this.byOwner.get(userId);
    if (!owner) return [];
    const { events, longestMs } = owner;
    const windowEnd = atMs + WINDOW_AFTER_MS;
    const windowStart = atMs - WINDOW_BEFORE_MS;
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events[mid]!.startMs < windowEnd) lo = mid + 1;
      else hi = mid;
    }
    const found: BusyEvent[] = [];
    for (let i = lo - 1; i >= 0 && events[i]!.startMs > windowStart - longestMs; i--) {
      if (events[i]!.endMs > windowStart) found.push(events[i]!);
    }
    return found.reverse();
  }
}

export interface EvaluatedHandover {
  at: Date;
  time: string;
  byUserId: string | null;
  conflicts: BusyEvent[];
  freeParents: string[];
}

/** A planned handover on `date`, with its conflicts and the parents free at that time. */
export function evaluateHandover(date: CivilDate, plan: HandoverPlan, parents: readonly string[], busy: BusyIndex): EvaluatedHandover {
  const at = stockholmInstant(date, plan.time);
  const atMs = at.getTime();
  return {
    at,
    time: plan.time,
    byUserId: plan.by,
    conflicts: plan.by ? busy.blocking(plan.by, atMs) : [],
    freeParents: parents.filter((p) => busy.blocking(p, atMs).length === 0),
  };
}

/** Whether the handover needs the family: its parent is busy, or nobody is assigned. */
export function isConflicted(h: Pick<EvaluatedHandover, 'byUserId' | 'conflicts'>): boolean {
  return h.byUserId === null || h.conflicts.length > 0;
}

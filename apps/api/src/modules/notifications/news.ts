/**
 * What is worth telling after a sync, pure.
 *
 * Shifts: the sync's changes within the coming days that a family cares about — a shift
 * created, moved, cancelled, reinstated or deleted; a new title, place or note is not news.
 *
 * Handovers: a handover gains or loses a conflict *because of this sync* when its state now
 * differs from its state with the sync's changes taken back (the assigned parent's events
 * before the sync). A difference a member made (a day change, a routine, their own event) is
 * not the sync's news. And a handover is never told the same state twice: the last state the
 * family was told (or found) is stored, and news must differ from it too.
 */
import { hasConflict, type Handover } from '@familyhub/shared';
import type { SyncedChanges, SyncedEventVersion } from '../calendar/synced-changes.js';
import { WINDOW_AFTER_MS, WINDOW_BEFORE_MS } from '../pickups/conflict-rule.js';
import { stateKey, type HandoverKind, type HandoverState } from './repository/handover-states.js';

export type ShiftChangeKind = 'created' | 'moved' | 'cancelled' | 'reinstated' | 'deleted';

export interface ShiftChange {
  kind: ShiftChangeKind;
  eventId: string | null;
  before: SyncedEventVersion | null;
  after: SyncedEventVersion | null;
}

const overlaps = (v: SyncedEventVersion | null, from: Date, to: Date) => v !== null && v.startAt < to && v.endAt > from;

function kindOf(before: SyncedEventVersion | null, after: SyncedEventVersion | null): ShiftChangeKind | null {
  if (!before) return after?.status === 'scheduled' ? 'created' : null;
  if (!after) return before.status === 'scheduled' ? 'deleted' : null;
  if (before.status !== after.status) return after.status === 'cancelled' ? 'cancelled' : 'reinstated';
  const moved = before.startAt.getTime() !== after.startAt.getTime() || before.endAt.getTime() !== after.endAt.getTime();
  return moved && after.status === 'scheduled' ? 'moved' : null;
}

/** The sync's changes in [from, to) worth telling, earliest first. */
export function shiftChanges(applied: SyncedChanges, from: Date, to: Date): ShiftChange[] {
  const out: ShiftChange[] = [];
  for (const c of applied.changes) {
    if (!overlaps(c.before, from, to) && !overlaps(c.after, from, to)) continue;
    const kind = kindOf(c.before, c.after);
    if (kind) out.push({ kind, eventId: c.eventId, before: c.before, after: c.after });
  }
  const startOf = (c: ShiftChange) => (c.after ?? c.before)!.startAt.getTime();
  return out.sort((a, b) => startOf(a) - startOf(b));
}

/** A handover in the coming days, as the pickups module computed it after the sync. */
export interface CurrentHandover {
  childId: string;
  childName: string;
  date: string;
  handover: HandoverKind;
  state: Handover;
}

export interface HandoverNews {
  item: CurrentHandover;
  kind: 'pickup_conflict' | 'pickup_resolved';
}

export function handoverNews(current: CurrentHandover[], told: ReadonlyMap<string, boolean>, applied: SyncedChanges): { news: HandoverNews[]; states: HandoverState[] } {
  const changedIds = new Set(applied.changes.flatMap((c) => (c.eventId ? [c.eventId] : [])));
  const formerVersions = applied.changes.flatMap((c) => (c.before && c.before.status === 'scheduled' && !c.before.allDay ? [c.before] : []));
  const news: HandoverNews[] = [];
  const states: HandoverState[] = [];
  for (const item of current) {
    const h = item.state;
    const now = hasConflict(h);
    let before = now;
    if (h.byUserId !== null && h.byUserId === applied.ownerUserId) {
      const atMs = Date.parse(h.at);
      const untouched = h.conflicts.some((c) => !changedIds.has(c.eventId));
      const former = formerVersions.some((v) => v.startAt.getTime() < atMs + WINDOW_AFTER_MS && v.endAt.getTime() > atMs - WINDOW_BEFORE_MS);
      before = untouched || former;
    }
    const key = { childId: item.childId, date: item.date, handover: item.handover };
    if (now !== before && told.get(stateKey(key)) !== now) news.push({ item, kind: now ? 'pickup_conflict' : 'pickup_resolved' });
    states.push({ ...key, conflict: now });
  }
  return { news, states };
}

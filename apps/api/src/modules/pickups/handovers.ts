/**
 * The family's handovers over a range of days: each child's routine and day changes planned
 * into drop-offs and pick-ups (day-plan.ts), each checked against the parents' events of
 * every source (conflict-rule.ts). Four reads, side by side: children, routine days, day
 * changes, and the busy times of the whole range; the rest is computed in memory.
 */
import type { DayChange, Handover, PickupDay } from '@familyhub/shared';
import type { DbOrTx } from '../../db/client.js';
import type { BusyTime } from '../calendar/busy-times.js';
import { BusyIndex, evaluateHandover, WINDOW_AFTER_MS, WINDOW_BEFORE_MS, type EvaluatedHandover } from './conflict-rule.js';
import { planDay, type HandoverPlan } from './day-plan.js';
import * as childrenRepo from './repository/children.js';
import * as changesRepo from './repository/day-changes.js';
import { addDays, daysBetween, isoWeekday, stockholmInstant, type CivilDate } from './stockholm-days.js';

export interface FamilyMember {
  id: string;
  name: string;
  role: 'parent' | 'member';
  /** A key of the shared person-colour palette. */
  color: string;
}

export interface HandoverSources {
  members: (db: DbOrTx, familyId: string) => Promise<FamilyMember[]>;
  busyTimes: (db: DbOrTx, familyId: string, from: Date, to: Date) => Promise<BusyTime[]>;
}

export function toApiChange(row: changesRepo.DayChangeRow): DayChange {
  return {
    ...(row.assignsDropOff && { dropOffBy: row.dropOffBy }),
    ...(row.assignsPickUp && { pickUpBy: row.pickUpBy }),
    ...(row.dropOffAt && { dropOffAt: row.dropOffAt }),
    ...(row.pickUpAt && { pickUpAt: row.pickUpAt }),
    noCare: row.noCare,
    note: row.note,
  };
}

function toApiHandover(h: EvaluatedHandover): Handover {
  return {
    at: h.at.toISOString(),
    time: h.time,
    byUserId: h.byUserId,
    conflicts: h.conflicts.map((e) => ({
      eventId: e.id,
      title: e.title,
      startDate: new Date(e.startMs).toISOString(),
      endDate: new Date(e.endMs).toISOString(),
      source: e.source,
    })),
    freeParents: h.freeParents,
  };
}

/** Every child's day from `from` to `to` (both included), by date and then by child; `childId` narrows it to one child. */
export async function familyDays(db: DbOrTx, sources: HandoverSources, familyId: string, from: CivilDate, to: CivilDate, childId?: string): Promise<PickupDay[]> {
  const [children, routineDays, changes, members, busy] = await Promise.all([
    childrenRepo.listChildren(db, familyId),
    childrenRepo.listRoutineDays(db, familyId),
    changesRepo.listDayChanges(db, familyId, from, to),
    sources.members(db, familyId),
    sources.busyTimes(
      db,
      familyId,
      new Date(stockholmInstant(from, '00:00').getTime() - WINDOW_BEFORE_MS),
      new Date(stockholmInstant(addDays(to, 1), '00:00').getTime() + WINDOW_AFTER_MS),
    ),
  ]);
  const parents = members.filter((m) => m.role === 'parent').map((m) => m.id);
  const index = new BusyIndex(busy.map((b) => ({ ...b, allDay: false, status: 'scheduled' as const })));
  const routines = new Map<string, Map<number, childrenRepo.RoutineDayRow>>();
  for (const d of routineDays) {
    let days = routines.get(d.childId);
    if (!days) routines.set(d.childId, (days = new Map()));
    days.set(d.weekday, d);
  }
  const changeOf = new Map(changes.map((c) => [`${c.childId}|${c.date}`, c]));
  const shown = children.filter((c) => childId === undefined || c.id === childId);

  const out: PickupDay[] = [];
  for (const date of daysBetween(from, to)) {
    const weekday = isoWeekday(date);
    for (const child of shown) {
      const change = changeOf.get(`${child.id}|${date}`);
      const plan = planDay(routines.get(child.id)?.get(weekday), change);
      const evaluate = (p: HandoverPlan | null) => (p ? toApiHandover(evaluateHandover(date, p, parents, index)) : null);
      out.push({
        date,
        childId: child.id,
        childName: child.name,
        careName: child.careName,
        dropOff: evaluate(plan.dropOff),
        pickUp: evaluate(plan.pickUp),
        change: change ? toApiChange(change) : null,
      });
    }
  }
  return out;
}

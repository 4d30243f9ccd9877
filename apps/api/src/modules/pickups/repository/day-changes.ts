/** One-day changes of children's routines (`child_day_changes`), always scoped to one family. */
import { and, eq, gte, lte } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { childDayChanges } from '../../../db/schema.js';
import type { DayChangePlan } from '../day-plan.js';

export interface DayChangeRow extends DayChangePlan {
  childId: string;
  date: string;
  note: string | null;
}

const columns = {
  childId: childDayChanges.childId,
  date: childDayChanges.date,
  dropOffAt: childDayChanges.dropOffAt,
  pickUpAt: childDayChanges.pickUpAt,
  assignsDropOff: childDayChanges.assignsDropOff,
  dropOffBy: childDayChanges.dropOffBy,
  assignsPickUp: childDayChanges.assignsPickUp,
  pickUpBy: childDayChanges.pickUpBy,
  noCare: childDayChanges.noCare,
  note: childDayChanges.note,
};

/** The family's day changes from `from` to `to`, both included. */
export async function listDayChanges(db: DbOrTx, familyId: string, from: string, to: string): Promise<DayChangeRow[]> {
  return db
    .select(columns)
    .from(childDayChanges)
    .where(and(eq(childDayChanges.familyId, familyId), gte(childDayChanges.date, from), lte(childDayChanges.date, to)));
}

/** Sets the day's change, replacing any earlier one of that day. The child must be the family's (checked by the caller). */
export async function putDayChange(db: DbOrTx, familyId: string, change: DayChangeRow, now: Date) {
  const values = { ...change, familyId, updatedAt: now };
  await db
    .insert(childDayChanges)
    .values(values)
    .onConflictDoUpdate({ target: [childDayChanges.childId, childDayChanges.date], set: { ...values } });
}

export async function deleteDayChange(db: DbOrTx, familyId: string, childId: string, date: string): Promise<boolean> {
  const removed = await db
    .delete(childDayChanges)
    .where(and(eq(childDayChanges.familyId, familyId), eq(childDayChanges.childId, childId), eq(childDayChanges.date, date)))
    .returning({ childId: childDayChanges.childId });
  return removed.length > 0;
}

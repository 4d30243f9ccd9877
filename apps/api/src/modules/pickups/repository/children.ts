/** Children and their care routines (`children`, `care_routine_days`), always scoped to one family. */
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { careRoutineDays, children } from '../../../db/schema.js';

const childColumns = { id: children.id, name: children.name, color: children.color, careName: children.careName };
export type ChildRow = { id: string; name: string; color: string; careName: string | null };

export interface RoutineDayRow {
  childId: string;
  weekday: number;
  dropOffAt: string;
  pickUpAt: string;
  dropOffBy: string | null;
  pickUpBy: string | null;
}

const dayColumns = {
  childId: careRoutineDays.childId,
  weekday: careRoutineDays.weekday,
  dropOffAt: careRoutineDays.dropOffAt,
  pickUpAt: careRoutineDays.pickUpAt,
  dropOffBy: careRoutineDays.dropOffBy,
  pickUpBy: careRoutineDays.pickUpBy,
};

export async function listChildren(db: DbOrTx, familyId: string): Promise<ChildRow[]> {
  return db.select(childColumns).from(children).where(eq(children.familyId, familyId)).orderBy(asc(children.createdAt), asc(children.name));
}

/** The routine days of the family's children, by weekday. */
export async function listRoutineDays(db: DbOrTx, familyId: string): Promise<RoutineDayRow[]> {
  return db
    .select(dayColumns)
    .from(careRoutineDays)
    .innerJoin(children, and(eq(children.id, careRoutineDays.childId), eq(children.familyId, familyId)))
    .orderBy(asc(careRoutineDays.weekday));
}

export async function findChild(db: DbOrTx, familyId: string, id: string): Promise<ChildRow | undefined> {
  const [row] = await db.select(childColumns).from(children).where(and(eq(children.familyId, familyId), eq(children.id, id)));
  return row;
}

export async function countChildren(db: DbOrTx, familyId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(children).where(eq(children.familyId, familyId));
  return row?.n ?? 0;
}

export async function insertChild(db: DbOrTx, values: { familyId: string; name: string; color: string }): Promise<ChildRow> {
  const [row] = await db.insert(children).values(values).returning(childColumns);
  return row!;
}

export async function updateChild(db: DbOrTx, familyId: string, id: string, patch: { name?: string; color?: string }): Promise<ChildRow | undefined> {
  const [row] = await db.update(children).set(patch).where(and(eq(children.familyId, familyId), eq(children.id, id))).returning(childColumns);
  return row;
}

/** Removes the child with its routine, day changes and handover states (foreign keys with cascade). */
export async function deleteChild(db: DbOrTx, familyId: string, id: string): Promise<boolean> {
  const removed = await db.delete(children).where(and(eq(children.familyId, familyId), eq(children.id, id))).returning({ id: children.id });
  return removed.length > 0;
}

/** Replaces the child's routine (care place and every weekday) in the caller's transaction. */
export async function replaceRoutine(tx: DbOrTx, familyId: string, childId: string, careName: string, days: Omit<RoutineDayRow, 'childId'>[]) {
  const [row] = await tx
    .update(children)
    .set({ careName })
    .where(and(eq(children.familyId, familyId), eq(children.id, childId)))
    .returning({ id: children.id });
  if (!row) return false;
  await tx.delete(careRoutineDays).where(eq(careRoutineDays.childId, childId));
  if (days.length > 0) await tx.insert(careRoutineDays).values(days.map((d) => ({ ...d, childId })));
  return true;
}

export async function routineDaysOf(db: DbOrTx, childIds: string[]): Promise<RoutineDayRow[]> {
  if (childIds.length === 0) return [];
  return db.select(dayColumns).from(careRoutineDays).where(inArray(careRoutineDays.childId, childIds)).orderBy(asc(careRoutineDays.weekday));
}

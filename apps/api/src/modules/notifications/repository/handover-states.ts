/** The last known conflict state of each handover (`handover_states`), and the family lock evaluations take. */
import { and, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { families, handoverStates } from '../../../db/schema.js';

export type HandoverKind = 'drop_off' | 'pick_up';

export interface HandoverState {
  childId: string;
  date: string;
  handover: HandoverKind;
  conflict: boolean;
}

export const stateKey = (s: Pick<HandoverState, 'childId' | 'date' | 'handover'>) => `${s.childId}|${s.date}|${s.handover}`;

/**
 * Locks the family's row for the rest of the transaction: evaluations of one family, on any
 * instance, run one after another, so two syncs ending together cannot both tell the same news.
 */
export async function lockFamily(tx: DbOrTx, familyId: string) {
  await tx.select({ id: families.id }).from(families).where(eq(families.id, familyId)).for('update');
}

export async function readStates(db: DbOrTx, familyId: string, from: string, to: string): Promise<Map<string, boolean>> {
  const rows = await db
    .select({ childId: handoverStates.childId, date: handoverStates.date, handover: handoverStates.handover, conflict: handoverStates.conflict })
    .from(handoverStates)
    .where(and(eq(handoverStates.familyId, familyId), gte(handoverStates.date, from), lte(handoverStates.date, to)));
  return new Map(rows.map((r) => [stateKey(r), r.conflict]));
}

export async function writeStates(tx: DbOrTx, familyId: string, states: HandoverState[], now: Date) {
  if (states.length === 0) return;
  await tx
    .insert(handoverStates)
    .values(states.map((s) => ({ ...s, familyId, updatedAt: now })))
    .onConflictDoUpdate({
      target: [handoverStates.childId, handoverStates.date, handoverStates.handover],
      set: { conflict: sql`excluded.conflict`, updatedAt: sql`excluded.updated_at` },
    });
}

/** States of days before `date` are history: nobody will be told about them again. */
export async function deleteBefore(db: DbOrTx, date: string): Promise<number> {
  const removed = await db.delete(handoverStates).where(lt(handoverStates.date, date)).returning({ childId: handoverStates.childId });
  return removed.length;
}

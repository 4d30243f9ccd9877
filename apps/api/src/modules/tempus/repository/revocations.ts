/** Refresh tokens of disconnected accounts whose revocation at Tempus is still owed (`tempus_pending_revocations`). */
import { asc, eq, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { tempusPendingRevocations } from '../../../db/schema.js';

export async function insertPendingRevocation(db: DbOrTx, refreshTokenEnc: string, now: Date) {
  const [row] = await db.insert(tempusPendingRevocations).values({ refreshTokenEnc, nextAttemptAt: now }).returning({ id: tempusPendingRevocations.id });
  return row!.id;
}

/** The one owed revocation, while it is still owed. */
export async function findPendingRevocation(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ id: tempusPendingRevocations.id, refreshTokenEnc: tempusPendingRevocations.refreshTokenEnc, attempts: tempusPendingRevocations.attempts })
    .from(tempusPendingRevocations)
    .where(eq(tempusPendingRevocations.id, id));
  return row;
}

export async function duePendingRevocations(db: DbOrTx, now: Date, limit: number) {
  return db
    .select({ id: tempusPendingRevocations.id, refreshTokenEnc: tempusPendingRevocations.refreshTokenEnc, attempts: tempusPendingRevocations.attempts })
    .from(tempusPendingRevocations)
    .where(lte(tempusPendingRevocations.nextAttemptAt, now))
    .orderBy(asc(tempusPendingRevocations.nextAttemptAt))
    .limit(limit);
}

export async function deletePendingRevocation(db: DbOrTx, id: string) {
  await db.delete(tempusPendingRevocations).where(eq(tempusPendingRevocations.id, id));
}

export async function postponePendingRevocation(db: DbOrTx, id: string, nextAttemptAt: Date) {
  await db
    .update(tempusPendingRevocations)
    .set({ attempts: sql`${tempusPendingRevocations.attempts} + 1`, nextAttemptAt })
    .where(eq(tempusPendingRevocations.id, id));
}

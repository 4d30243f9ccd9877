/** Pending OAuth connects (`tempus_oauth_states`): single-use, expiring, bound to a session. */
import { and, desc, eq, lt, notInArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { tempusOauthStates } from '../../../db/schema.js';

export async function insertOauthState(db: DbOrTx, values: typeof tempusOauthStates.$inferInsert) {
  await db.insert(tempusOauthStates).values(values);
}

/** Single use: the row is deleted as it is read. */
export async function takeOauthState(db: DbOrTx, stateHash: string, now: Date) {
  const [row] = await db.delete(tempusOauthStates).where(eq(tempusOauthStates.stateHash, stateHash)).returning();
  return row && row.expiresAt > now ? row : undefined;
}

export async function deleteExpiredOauthStates(db: DbOrTx, now: Date) {
  await db.delete(tempusOauthStates).where(lt(tempusOauthStates.expiresAt, now));
}

/** Keeps only the user's `keep` newest pending connects: a parent cannot pile up states. */
export async function trimOauthStatesOf(db: DbOrTx, userId: string, keep: number) {
  const newest = db
    .select({ stateHash: tempusOauthStates.stateHash })
    .from(tempusOauthStates)
    .where(eq(tempusOauthStates.userId, userId))
    .orderBy(desc(tempusOauthStates.expiresAt))
    .limit(keep);
  await db.delete(tempusOauthStates).where(and(eq(tempusOauthStates.userId, userId), notInArray(tempusOauthStates.stateHash, newest)));
}

/** Members' calendar feed secrets (`calendar_feeds`): one per member, found by the secret's SHA-256. */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { calendarFeeds } from '../../db/schema.js';

export async function saveFeed(db: DbOrTx, values: { userId: string; familyId: string; secretHash: string; secretEnc: string; now: Date }) {
  const { now, ...rest } = values;
  await db
    .insert(calendarFeeds)
    .values({ ...rest, createdAt: now })
    .onConflictDoUpdate({ target: calendarFeeds.userId, set: { secretHash: rest.secretHash, secretEnc: rest.secretEnc, createdAt: now } });
}

export async function findMemberFeed(db: DbOrTx, familyId: string, userId: string) {
  const [row] = await db
    .select({ secretEnc: calendarFeeds.secretEnc })
    .from(calendarFeeds)
    .where(and(eq(calendarFeeds.familyId, familyId), eq(calendarFeeds.userId, userId)));
  return row;
}

export async function deleteMemberFeed(db: DbOrTx, familyId: string, userId: string) {
  await db.delete(calendarFeeds).where(and(eq(calendarFeeds.familyId, familyId), eq(calendarFeeds.userId, userId)));
}

export async function findFeedBySecretHash(db: DbOrTx, secretHash: string) {
  const [row] = await db
    .select({ userId: calendarFeeds.userId, familyId: calendarFeeds.familyId })
    .from(calendarFeeds)
    .where(eq(calendarFeeds.secretHash, secretHash));
  return row;
}

/** Which kinds of notification each member has turned off (`notification_preferences`). */
import type { NotificationKind } from '@familyhub/shared';
import { inArray, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { notificationPreferences } from '../../../db/schema.js';

export async function mutedKinds(db: DbOrTx, userId: string): Promise<NotificationKind[]> {
  const [row] = await db.select({ muted: notificationPreferences.mutedKinds }).from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  return row?.muted ?? [];
}

/** The muted kinds of each of these members (a member without a row mutes nothing). */
export async function mutedKindsOf(db: DbOrTx, userIds: string[]): Promise<Map<string, NotificationKind[]>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ userId: notificationPreferences.userId, muted: notificationPreferences.mutedKinds })
    .from(notificationPreferences)
    .where(inArray(notificationPreferences.userId, userIds));
  return new Map(rows.map((r) => [r.userId, r.muted]));
}

export async function setMutedKinds(db: DbOrTx, userId: string, muted: NotificationKind[], now: Date) {
  await db
    .insert(notificationPreferences)
    .values({ userId, mutedKinds: muted, updatedAt: now })
    .onConflictDoUpdate({ target: notificationPreferences.userId, set: { mutedKinds: muted, updatedAt: now } });
}

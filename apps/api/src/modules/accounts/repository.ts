/** Families, users and sessions in the database. The only code here that touches Drizzle. */
import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { families, sessions, users } from '../../db/schema.js';
import type { MemberColor, Role } from './types.js';

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  familyId: users.familyId,
};

export async function insertFamily(db: DbOrTx, name: string) {
  const [family] = await db.insert(families).values({ name }).returning({ id: families.id, name: families.name });
  return family!;
}

export async function insertUser(
  db: DbOrTx,
  values: { familyId: string; email: string; name: string; role: Role; color: MemberColor; passwordHash: string },
) {
  const [user] = await db.insert(users).values(values).onConflictDoNothing().returning(userColumns);
  return user;
}

export async function findUserWithHashByEmail(db: DbOrTx, email: string) {
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email));
  return row;
}

export async function findFamily(db: DbOrTx, familyId: string) {
  const [family] = await db.select({ id: families.id, name: families.name }).from(families).where(eq(families.id, familyId));
  return family;
}

const memberColumns = { id: users.id, email: users.email, name: users.name, role: users.role, color: users.color };

export async function listMembers(db: DbOrTx, familyId: string) {
  return db.select(memberColumns).from(users).where(eq(users.familyId, familyId)).orderBy(asc(users.createdAt), asc(users.name));
}

/**
 * The colours the family's members have, read under a lock on the family's row so that two
 * members added at once cannot both be given the same free colour.
 */
export async function lockFamilyColors(tx: DbOrTx, familyId: string): Promise<string[]> {
  await tx.select({ id: families.id }).from(families).where(eq(families.id, familyId)).for('update');
  const rows = await tx.select({ color: users.color }).from(users).where(eq(users.familyId, familyId));
  return rows.map((r) => r.color);
}

/** Sets a member's colour; undefined when the user is not a member of this family. */
export async function updateMemberColor(db: DbOrTx, familyId: string, userId: string, color: MemberColor) {
  const [row] = await db
    .update(users)
    .set({ color })
    .where(and(eq(users.familyId, familyId), eq(users.id, userId)))
    .returning(memberColumns);
  return row;
}

export async function insertSession(db: DbOrTx, values: { id: string; userId: string; expiresAt: Date }) {
  await db.insert(sessions).values(values);
}

export async function findSessionUser(db: DbOrTx, sessionId: string, now: Date) {
  const [row] = await db
    .select({ ...userColumns, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now)));
  return row;
}

export async function deleteSession(db: DbOrTx, sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function deleteExpiredSessions(db: DbOrTx, now: Date) {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}

/** Families, users and sessions in the database. The only code here that touches Drizzle. */
import { and, asc, eq, gt, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { families, sessions, users } from '../../db/schema.js';
import type { Role } from './types.js';

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
  values: { familyId: string; email: string; name: string; role: Role; passwordHash: string },
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

export async function listMembers(db: DbOrTx, familyId: string) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role })
    .from(users)
    .where(eq(users.familyId, familyId))
    .orderBy(asc(users.createdAt), asc(users.name));
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

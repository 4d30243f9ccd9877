/**
 * The tempus module's tables. The only tempus code that touches Drizzle; every query that
 * answers a family member carries the family condition.
 */
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, lte, max, or, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../db/client.js';
import {
  calendarEvents,
  tempusAccounts,
  tempusOauthStates,
  tempusPendingRevocations,
  tempusScheduleCache,
  tempusSyncAudit,
  tempusSyncLog,
  users,
} from '../../db/schema.js';
import type { MappedEvent } from './mapping.js';
import type { SyncTrigger, SyncType } from './types.js';

const CHUNK = 1_000;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

// ---- OAuth states

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

// ---- Accounts

export const accountColumns = {
  id: tempusAccounts.id,
  familyId: tempusAccounts.familyId,
  userId: tempusAccounts.userId,
  tempusUserId: tempusAccounts.tempusUserId,
  email: tempusAccounts.email,
  name: tempusAccounts.name,
  employer: tempusAccounts.employer,
  syncEnabled: tempusAccounts.syncEnabled,
  state: tempusAccounts.state,
  syncCursor: tempusAccounts.syncCursor,
  lastSyncAt: tempusAccounts.lastSyncAt,
  lastSuccessAt: tempusAccounts.lastSuccessAt,
  lastFullSyncAt: tempusAccounts.lastFullSyncAt,
  nextSyncAt: tempusAccounts.nextSyncAt,
  consecutiveFailures: tempusAccounts.consecutiveFailures,
  lastErrorCode: tempusAccounts.lastErrorCode,
  lastErrorMessage: tempusAccounts.lastErrorMessage,
  lastErrorAt: tempusAccounts.lastErrorAt,
};
export type AccountRow = Awaited<ReturnType<typeof findAccountById>> & {};

export async function upsertAccount(
  db: DbOrTx,
  values: {
    familyId: string;
    userId: string;
    tempusUserId: string;
    email: string | null;
    name: string | null;
    employer: string | null;
    timezone: string | null;
    accessTokenEnc: string;
    refreshTokenEnc: string | null;
    tokenExpiresAt: Date;
    scopes: string;
    now: Date;
  },
) {
  const { now, ...rest } = values;
  const [row] = await db
    .insert(tempusAccounts)
    .values({ ...rest, state: 'active', syncEnabled: true, nextSyncAt: now })
    .onConflictDoUpdate({
      target: [tempusAccounts.familyId, tempusAccounts.tempusUserId],
      set: {
        userId: rest.userId,
        email: rest.email,
        name: rest.name,
        employer: rest.employer,
        timezone: rest.timezone,
        accessTokenEnc: rest.accessTokenEnc,
        refreshTokenEnc: rest.refreshTokenEnc,
        tokenExpiresAt: rest.tokenExpiresAt,
        scopes: rest.scopes,
        state: sql`case when ${tempusAccounts.syncEnabled} then 'active'::tempus_account_state else 'disabled'::tempus_account_state end`,
        consecutiveFailures: 0,
        lastErrorCode: null,
        lastErrorMessage: null,
        lastErrorAt: null,
        nextSyncAt: now,
        updatedAt: now,
      },
    })
    .returning({ id: tempusAccounts.id });
  return row!.id;
}

export async function findAccountById(db: DbOrTx, id: string) {
  const [row] = await db.select(accountColumns).from(tempusAccounts).where(eq(tempusAccounts.id, id));
  return row;
}

export async function findFamilyAccount(db: DbOrTx, familyId: string, id: string) {
  const [row] = await db
    .select(accountColumns)
    .from(tempusAccounts)
    .where(and(eq(tempusAccounts.familyId, familyId), eq(tempusAccounts.id, id)));
  return row;
}

export async function listFamilyAccounts(db: DbOrTx, familyId: string) {
  return db
    .select({ ...accountColumns, ownerName: users.name })
    .from(tempusAccounts)
    .innerJoin(users, eq(users.id, tempusAccounts.userId))
    .where(eq(tempusAccounts.familyId, familyId))
    .orderBy(asc(tempusAccounts.createdAt));
}

/** Every account a sync can run for: turned on and not waiting for a reconnect. */
export async function listSyncableAccountIds(db: DbOrTx) {
  return db
    .select({ id: tempusAccounts.id })
    .from(tempusAccounts)
    .where(and(eq(tempusAccounts.syncEnabled, true), eq(tempusAccounts.state, 'active')));
}

export async function countEventsByAccount(db: DbOrTx, familyId: string) {
  return db
    .select({ accountId: calendarEvents.tempusAccountId, n: count() })
    .from(calendarEvents)
    .where(and(eq(calendarEvents.familyId, familyId), eq(calendarEvents.source, 'tempus')))
    .groupBy(calendarEvents.tempusAccountId);
}

export async function countAccountsByState(db: DbOrTx) {
  return db.select({ state: tempusAccounts.state, n: count() }).from(tempusAccounts).groupBy(tempusAccounts.state);
}

export async function setSyncEnabled(db: DbOrTx, familyId: string, id: string, enabled: boolean, now: Date) {
  await db
    .update(tempusAccounts)
    .set({
      syncEnabled: enabled,
      state: sql`case when ${tempusAccounts.state} = 'reauth_required' then 'reauth_required'::tempus_account_state
                      when ${enabled} then 'active'::tempus_account_state else 'disabled'::tempus_account_state end`,
      ...(enabled && { nextSyncAt: now }),
      updatedAt: now,
    })
    .where(and(eq(tempusAccounts.familyId, familyId), eq(tempusAccounts.id, id)));
}

export async function deleteAccount(db: DbOrTx, familyId: string, id: string) {
  const [row] = await db
    .delete(tempusAccounts)
    .where(and(eq(tempusAccounts.familyId, familyId), eq(tempusAccounts.id, id)))
    .returning({ refreshTokenEnc: tempusAccounts.refreshTokenEnc });
  return row;
}

// ---- Tokens (read and written under a row lock so rotating refresh tokens are spent once)

const tokenColumns = {
  accessTokenEnc: tempusAccounts.accessTokenEnc,
  refreshTokenEnc: tempusAccounts.refreshTokenEnc,
  tokenExpiresAt: tempusAccounts.tokenExpiresAt,
  state: tempusAccounts.state,
};

export async function lockTokens(tx: DbOrTx, id: string) {
  const [row] = await tx.select(tokenColumns).from(tempusAccounts).where(eq(tempusAccounts.id, id)).for('update');
  return row;
}

export async function readTokens(db: DbOrTx, id: string) {
  const [row] = await db.select(tokenColumns).from(tempusAccounts).where(eq(tempusAccounts.id, id));
  return row;
}

export async function saveTokens(
  tx: DbOrTx,
  id: string,
  values: { accessTokenEnc: string; refreshTokenEnc: string | null; tokenExpiresAt: Date; now: Date },
) {
  await tx
    .update(tempusAccounts)
    .set({
      accessTokenEnc: values.accessTokenEnc,
      refreshTokenEnc: values.refreshTokenEnc,
      tokenExpiresAt: values.tokenExpiresAt,
      updatedAt: values.now,
    })
    .where(eq(tempusAccounts.id, id));
}

/** A sync ended because Tempus no longer accepts the grant: no calls until the parent reconnects. */
export async function markReauthRequired(db: DbOrTx, id: string, error: { code: string; message: string }, now: Date) {
  await db
    .update(tempusAccounts)
    .set({
      state: 'reauth_required',
      lastSyncAt: now,
      accessTokenEnc: null,
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      lastErrorCode: error.code,
      lastErrorMessage: error.message,
      lastErrorAt: now,
      updatedAt: now,
    })
    .where(eq(tempusAccounts.id, id));
}

// ---- Sync leases and claims

export async function acquireLease(db: DbOrTx, id: string, owner: string, now: Date, until: Date) {
  const rows = await db
    .update(tempusAccounts)
    .set({ leaseOwner: owner, leaseExpiresAt: until })
    .where(
      and(
        eq(tempusAccounts.id, id),
        or(isNull(tempusAccounts.leaseExpiresAt), lt(tempusAccounts.leaseExpiresAt, now), eq(tempusAccounts.leaseOwner, owner)),
      ),
    )
    .returning({ id: tempusAccounts.id });
  return rows.length === 1;
}

export async function releaseLease(db: DbOrTx, id: string, owner: string) {
  await db
    .update(tempusAccounts)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(tempusAccounts.id, id), eq(tempusAccounts.leaseOwner, owner)));
}

/**
 * Claims up to `limit` due accounts for this process. `FOR UPDATE SKIP LOCKED` lets several
 * instances claim at once without waiting on or overlapping each other; the lease then
 * keeps the claim while the sync runs outside this transaction.
 */
export async function claimDueAccounts(tx: DbOrTx, owner: string, now: Date, until: Date, limit: number, onlyRetries: boolean) {
  const due = await tx
    .select({ id: tempusAccounts.id })
    .from(tempusAccounts)
    .where(
      and(
        eq(tempusAccounts.syncEnabled, true),
        eq(tempusAccounts.state, 'active'),
        lte(tempusAccounts.nextSyncAt, now),
        or(isNull(tempusAccounts.leaseExpiresAt), lt(tempusAccounts.leaseExpiresAt, now)),
        onlyRetries ? gt(tempusAccounts.consecutiveFailures, 0) : undefined,
      ),
    )
    .orderBy(asc(tempusAccounts.nextSyncAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  if (due.length === 0) return [];
  const ids = due.map((d) => d.id);
  await tx.update(tempusAccounts).set({ leaseOwner: owner, leaseExpiresAt: until }).where(inArray(tempusAccounts.id, ids));
  return ids;
}

// ---- Sync log

export async function insertSyncLog(
  db: DbOrTx,
  values: { id: string; accountId: string; familyId: string; syncType: SyncType; trigger: SyncTrigger; startedAt: Date },
) {
  await db.insert(tempusSyncLog).values({ ...values, status: 'running' });
}

/** Syncs of the account left "running" by a process that died; called by the lease holder. */
export async function failInterruptedSyncs(db: DbOrTx, accountId: string, now: Date) {
  await db
    .update(tempusSyncLog)
    .set({ status: 'failed', errorCode: 'interrupted', errorMessage: 'The process running this sync stopped before it finished.', finishedAt: now })
    .where(and(eq(tempusSyncLog.accountId, accountId), eq(tempusSyncLog.status, 'running')));
}

export async function finishSyncLog(
  db: DbOrTx,
  id: string,
  values: {
    status: 'succeeded' | 'failed';
    fetched: number;
    created: number;
    updated: number;
    deleted: number;
    requests: number;
    errorCode: string | null;
    errorMessage: string | null;
    finishedAt: Date;
  },
) {
  const [row] = await db.update(tempusSyncLog).set(values).where(eq(tempusSyncLog.id, id)).returning();
  return row!;
}

export type SyncLogRow = typeof tempusSyncLog.$inferSelect;

export async function recentSyncs(db: DbOrTx, familyId: string, perAccount: number) {
  const ranked = db
    .select({
      id: tempusSyncLog.id,
      rank: sql<number>`row_number() over (partition by ${tempusSyncLog.accountId} order by ${tempusSyncLog.startedAt} desc)`.as('rank'),
    })
    .from(tempusSyncLog)
    .where(eq(tempusSyncLog.familyId, familyId))
    .as('ranked');
  return db
    .select()
    .from(tempusSyncLog)
    .innerJoin(ranked, eq(ranked.id, tempusSyncLog.id))
    .where(lte(ranked.rank, perAccount))
    .orderBy(desc(tempusSyncLog.startedAt))
    .then((rows) => rows.map((r) => r.tempus_sync_log));
}

/** Deletes up to `batch` syncs started before `cutoff` (their audit rows go with them); returns how many. */
export async function deleteSyncsStartedBefore(db: DbOrTx, cutoff: Date, batch: number): Promise<number> {
  const old = db.select({ id: tempusSyncLog.id }).from(tempusSyncLog).where(lt(tempusSyncLog.startedAt, cutoff)).limit(batch);
  const removed = await db.delete(tempusSyncLog).where(inArray(tempusSyncLog.id, old)).returning({ id: tempusSyncLog.id });
  return removed.length;
}

export async function findSyncLog(db: DbOrTx, familyId: string, syncId: string) {
  const [row] = await db
    .select()
    .from(tempusSyncLog)
    .where(and(eq(tempusSyncLog.familyId, familyId), eq(tempusSyncLog.id, syncId)));
  return row;
}

export async function notify(db: DbOrTx, channel: string, payload: string) {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

/** The family's syncs that finished after the given one, oldest first (an event stream's replay). */
export async function syncsFinishedAfter(db: DbOrTx, familyId: string, syncId: string, limit: number) {
  const [anchor] = await db
    .select({ finishedAt: tempusSyncLog.finishedAt })
    .from(tempusSyncLog)
    .where(and(eq(tempusSyncLog.familyId, familyId), eq(tempusSyncLog.id, syncId)));
  if (!anchor?.finishedAt) return [];
  return db
    .select()
    .from(tempusSyncLog)
    .where(and(eq(tempusSyncLog.familyId, familyId), gt(tempusSyncLog.finishedAt, anchor.finishedAt)))
    .orderBy(asc(tempusSyncLog.finishedAt))
    .limit(limit);
}

export async function recordSyncSuccess(
  db: DbOrTx,
  id: string,
  values: { cursor: Date; now: Date; full: boolean; nextSyncAt: Date },
) {
  await db
    .update(tempusAccounts)
    .set({
      syncCursor: values.cursor,
      lastSyncAt: values.now,
      lastSuccessAt: values.now,
      ...(values.full && { lastFullSyncAt: values.now }),
      nextSyncAt: values.nextSyncAt,
      consecutiveFailures: 0,
      lastErrorCode: null,
      lastErrorMessage: null,
      lastErrorAt: null,
      updatedAt: values.now,
    })
    .where(eq(tempusAccounts.id, id));
}

export async function recordSyncFailure(
  db: DbOrTx,
  id: string,
  values: { code: string; message: string; now: Date; nextSyncAt: Date },
) {
  await db
    .update(tempusAccounts)
    .set({
      lastSyncAt: values.now,
      nextSyncAt: values.nextSyncAt,
      consecutiveFailures: sql`${tempusAccounts.consecutiveFailures} + 1`,
      lastErrorCode: values.code,
      lastErrorMessage: values.message,
      lastErrorAt: values.now,
      updatedAt: values.now,
    })
    .where(eq(tempusAccounts.id, id));
}

// ---- Calendar events of an account, its shift cache and the audit trail
//
// Bulk writes send their rows as one JSON parameter expanded by jsonb_to_recordset: one
// statement per chunk, a single bind parameter, no per-value placeholders to build or parse.

const BULK_CHUNK = 5_000;

export type SyncedEventRow = { id: string; tempusId: string } & MappedEvent;

/** Every synced event of the account: bounded by its sync window plus its history. */
export async function accountEvents(tx: DbOrTx, accountId: string): Promise<SyncedEventRow[]> {
  const rows = await tx
    .select({
      id: calendarEvents.id,
      tempusId: calendarEvents.tempusId,
      title: calendarEvents.title,
      startAt: calendarEvents.startAt,
      endAt: calendarEvents.endAt,
      status: calendarEvents.status,
      location: calendarEvents.location,
      note: calendarEvents.note,
    })
    .from(calendarEvents)
    .where(eq(calendarEvents.tempusAccountId, accountId));
  return rows.map((r) => ({ ...r, tempusId: r.tempusId! }));
}

/** When the account's last event in the calendar ends, or undefined without events. */
export async function latestEventEnd(db: DbOrTx, accountId: string): Promise<Date | undefined> {
  const [row] = await db
    .select({ endAt: max(calendarEvents.endAt) })
    .from(calendarEvents)
    .where(eq(calendarEvents.tempusAccountId, accountId));
  return row?.endAt ?? undefined;
}

export async function accountCache(tx: DbOrTx, accountId: string) {
  return tx
    .select({ tempusId: tempusScheduleCache.tempusId, payloadHash: tempusScheduleCache.payloadHash })
    .from(tempusScheduleCache)
    .where(eq(tempusScheduleCache.accountId, accountId));
}

export type EventUpsert = { tempusId: string } & MappedEvent;

/**
 * Upserts on the unique (tempus_account_id, tempus_id) index: a shift can never become
 * two events. Returns the event id of each shift written.
 */
export async function upsertEvents(
  tx: DbOrTx,
  owner: { familyId: string; ownerUserId: string; tempusAccountId: string },
  rows: EventUpsert[],
  now: Date,
) {
  const ids = new Map<string, string>();
  for (const part of chunks(rows, BULK_CHUNK)) {
    const json = JSON.stringify(
      part.map((r) => ({ ...r, startAt: r.startAt.toISOString(), endAt: r.endAt.toISOString() })),
    );
    const result = await tx.execute(sql`
      insert into calendar_events
        (family_id, owner_user_id, tempus_account_id, tempus_id, title, start_at, end_at, status, location, note,
         source, editable, all_day, updated_at)
      select ${owner.familyId}::uuid, ${owner.ownerUserId}::uuid, ${owner.tempusAccountId}::uuid,
             t."tempusId", t.title, t."startAt", t."endAt", t.status::shift_status, t.location, t.note,
             'tempus', false, false, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json}::jsonb)
        as t("tempusId" text, title text, "startAt" timestamptz, "endAt" timestamptz, status text, location text, note text)
      on conflict (tempus_account_id, tempus_id) do update set
        title = excluded.title, start_at = excluded.start_at, end_at = excluded.end_at, status = excluded.status,
        location = excluded.location, note = excluded.note, owner_user_id = excluded.owner_user_id,
        editable = false, all_day = false, updated_at = excluded.updated_at
      returning id, tempus_id`);
    for (const r of rowsOf<{ id: string; tempus_id: string }>(result)) ids.set(r.tempus_id, r.id);
  }
  return ids;
}

export async function deleteEvents(tx: DbOrTx, accountId: string, eventIds: string[]) {
  for (const part of chunks(eventIds)) {
    await tx.delete(calendarEvents).where(and(eq(calendarEvents.tempusAccountId, accountId), inArray(calendarEvents.id, part)));
  }
}

export async function upsertCache(tx: DbOrTx, accountId: string, rows: { tempusId: string; tempusUpdatedAt: Date; payloadHash: string }[]) {
  for (const part of chunks(rows, BULK_CHUNK)) {
    await tx.execute(sql`
      insert into tempus_schedule_cache (account_id, tempus_id, tempus_updated_at, payload_hash)
      select ${accountId}::uuid, t."tempusId", t."tempusUpdatedAt", t."payloadHash"
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as t("tempusId" text, "tempusUpdatedAt" timestamptz, "payloadHash" text)
      on conflict (account_id, tempus_id) do update set
        tempus_updated_at = excluded.tempus_updated_at, payload_hash = excluded.payload_hash`);
  }
}

export async function deleteCache(tx: DbOrTx, accountId: string, tempusIds: string[]) {
  for (const part of chunks(tempusIds)) {
    await tx
      .delete(tempusScheduleCache)
      .where(and(eq(tempusScheduleCache.accountId, accountId), inArray(tempusScheduleCache.tempusId, part)));
  }
}

export interface AuditRow {
  eventId: string | null;
  tempusId: string;
  action: 'created' | 'updated' | 'deleted' | 'restored';
  before: unknown;
  after: unknown;
}

export async function insertAudit(tx: DbOrTx, syncId: string, accountId: string, rows: AuditRow[]) {
  for (const part of chunks(rows, BULK_CHUNK)) {
    await tx.execute(sql`
      insert into tempus_sync_audit (sync_id, account_id, event_id, tempus_id, action, before, after)
      select ${syncId}::uuid, ${accountId}::uuid, t."eventId", t."tempusId", t.action::tempus_audit_action, t.before, t.after
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb)
        as t("eventId" uuid, "tempusId" text, action text, before jsonb, after jsonb)`);
  }
}

export async function auditForSync(db: DbOrTx, syncId: string) {
  return db
    .select({
      eventId: tempusSyncAudit.eventId,
      tempusId: tempusSyncAudit.tempusId,
      action: tempusSyncAudit.action,
      before: tempusSyncAudit.before,
      after: tempusSyncAudit.after,
    })
    .from(tempusSyncAudit)
    .where(eq(tempusSyncAudit.syncId, syncId))
    .orderBy(asc(tempusSyncAudit.id));
}

// ---- Revocations owed to Tempus after a disconnect

export async function insertPendingRevocation(db: DbOrTx, refreshTokenEnc: string) {
  const [row] = await db.insert(tempusPendingRevocations).values({ refreshTokenEnc }).returning({ id: tempusPendingRevocations.id });
  return row!.id;
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

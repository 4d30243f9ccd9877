/**
 * Waiting for syncs the app runs in the background, by what the database records (the
 * tests' view of the sync log), and the audit trail of a sync.
 */
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { tempusSyncAudit, tempusSyncLog } from '../../src/db/schema.js';

const POLL_MS = 20;
const TIMEOUT_MS = 60_000;

async function until(what: string, done: () => Promise<boolean>) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Resolves once every sync with these ids (started, or queued behind another) has finished. */
export async function syncsFinished(db: Db, ids: readonly string[]) {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  await until(`syncs ${wanted.join(', ')}`, async () => {
    const rows = await db
      .select({ id: tempusSyncLog.id })
      .from(tempusSyncLog)
      .where(and(inArray(tempusSyncLog.id, wanted), isNotNull(tempusSyncLog.finishedAt)));
    return rows.length === wanted.length;
  });
}

/** The ids of the syncs that a `POST /api/tempus/sync` answer started or queued (none for an error). */
export function syncIdsOf(response: { body?: unknown }): string[] {
  const syncs = (response.body as { syncs?: { id?: unknown }[] } | undefined)?.syncs;
  return Array.isArray(syncs) ? syncs.flatMap((s) => (typeof s.id === 'string' ? [s.id] : [])) : [];
}

async function finishedConnectSyncIds(db: Db, where: { familyId: string } | { accountId: string }): Promise<Set<string>> {
  const rows = await db
    .select({ id: tempusSyncLog.id })
    .from(tempusSyncLog)
    .where(
      and(
        'familyId' in where ? eq(tempusSyncLog.familyId, where.familyId) : eq(tempusSyncLog.accountId, where.accountId),
        eq(tempusSyncLog.trigger, 'connect'),
        isNotNull(tempusSyncLog.finishedAt),
      ),
    );
  return new Set(rows.map((r) => r.id));
}

/** Resolves once a sync started by connecting the account, other than those in `seen`, has finished. */
export async function connectSyncFinished(db: Db, accountId: string, seen: ReadonlySet<string> = new Set()) {
  await until(`the first sync of account ${accountId}`, async () =>
    [...(await finishedConnectSyncIds(db, { accountId }))].some((id) => !seen.has(id)),
  );
}

/**
 * Runs `callback` (the OAuth callback request, resolving to the connected account's id, or
 * undefined when the connect failed) and, when it connected, resolves once the first sync
 * that this connect started has finished (a reconnect's too).
 */
export async function afterConnectSync(db: Db, familyId: string, callback: () => Promise<string | undefined>) {
  const seen = await finishedConnectSyncIds(db, { familyId });
  const accountId = await callback();
  if (accountId) await connectSyncFinished(db, accountId, seen);
  return accountId;
}

/** What a sync changed in the calendar, in the order it wrote it. */
export async function auditOf(db: Db, syncId: string) {
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

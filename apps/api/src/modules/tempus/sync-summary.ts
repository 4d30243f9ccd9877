/** A row of the sync log as the API shows it (status page, `?wait=true`, the event stream). */
import type { SyncSummary } from '@familyhub/shared';
import type { SyncLogRow } from './repository/sync-log.js';

export function toSummary(row: SyncLogRow): SyncSummary {
  return {
    id: row.id,
    accountId: row.accountId,
    type: row.syncType,
    trigger: row.trigger,
    status: row.status,
    fetched: row.fetched,
    created: row.created,
    updated: row.updated,
    deleted: row.deleted,
    requests: row.requests,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

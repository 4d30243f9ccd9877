import { z } from 'zod';

export const accountState = z.enum(['active', 'reauth_required', 'disabled']);
export type AccountState = z.infer<typeof accountState>;

export const syncType = z.enum(['initial', 'incremental', 'full']);
export const syncTrigger = z.enum(['connect', 'schedule', 'manual', 'admin']);
export const syncStatus = z.enum(['running', 'succeeded', 'failed']);
export type SyncStatus = z.infer<typeof syncStatus>;

export const syncSummary = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  type: syncType,
  trigger: syncTrigger,
  status: syncStatus,
  fetched: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  requests: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type SyncSummary = z.infer<typeof syncSummary>;

/** A finished sync as the event stream announces it: with the name of the account's owner. */
export const syncEvent = syncSummary.extend({ ownerName: z.string().nullable() });
export type SyncEvent = z.infer<typeof syncEvent>;

export const accountError = z.object({ code: z.string(), message: z.string(), at: z.string() });
export type AccountError = z.infer<typeof accountError>;

export const tempusAccount = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  ownerName: z.string(),
  tempusUserId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  employer: z.string().nullable(),
  syncEnabled: z.boolean(),
  state: accountState,
  lastSyncAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  nextSyncAt: z.string().nullable(),
  /**
   * How often background syncs of the account are expected at the slowest: its shifts are
   * stale once the last success is more than twice this long ago.
   */
  syncIntervalSeconds: z.number().int().positive(),
  lastError: accountError.nullable(),
  eventCount: z.number().int(),
  recentSyncs: z.array(syncSummary),
});
export type TempusAccount = z.infer<typeof tempusAccount>;

export const tempusStatusResponse = z.object({
  enabled: z.boolean(),
  accounts: z.array(tempusAccount),
});
export type TempusStatusResponse = z.infer<typeof tempusStatusResponse>;

export const connectResponse = z.object({ authorizeUrl: z.url() });

export const updateAccountBody = z.object({ syncEnabled: z.boolean() });
export const accountResponse = z.object({ account: tempusAccount });

export const syncRequestBody = z.object({ accountId: z.uuid().optional() }).default({});
export const syncQuery = z.object({ wait: z.enum(['true', 'false']).optional() });
export const syncStartedResponse = z.object({
  syncs: z.array(z.object({ id: z.uuid(), accountId: z.uuid() })),
});
export const syncFinishedResponse = z.object({ syncs: z.array(syncSummary) });

export const disconnectQuery = z.object({ accountId: z.uuid().optional() });
export const disconnectBody = z.object({ accountId: z.uuid().optional() }).nullish();

/** The codes the callback may put in `?error=` on the settings page. */
export const connectErrorCode = z.enum([
  'access_denied',
  'invalid_state',
  'exchange_failed',
  'profile_failed',
  'not_parent',
]);
export type ConnectErrorCode = z.infer<typeof connectErrorCode>;

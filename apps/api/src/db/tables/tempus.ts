/**
 * Connected Tempus accounts and what their syncs keep: sync log, shift cache, audit, OAuth
 * states, owed revocations and the request budget all instances share.
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz, createdAt } from './columns.js';
import { families, users } from './families.js';

export const accountStateEnum = pgEnum('tempus_account_state', ['active', 'reauth_required', 'disabled']);
export const syncTypeEnum = pgEnum('tempus_sync_type', ['initial', 'incremental', 'full']);
export const syncTriggerEnum = pgEnum('tempus_sync_trigger', ['connect', 'schedule', 'manual', 'admin']);
export const syncStatusEnum = pgEnum('tempus_sync_status', ['running', 'succeeded', 'failed']);
export const auditActionEnum = pgEnum('tempus_audit_action', ['created', 'updated', 'deleted', 'restored']);

export const tempusAccounts = pgTable(
  'tempus_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tempusUserId: text('tempus_user_id').notNull(),
    email: text('email'),
    name: text('name'),
    employer: text('employer'),
    timezone: text('timezone'),
    /** AES-256-GCM ciphertexts, `v<keyVersion>.<iv>.<tag>.<data>`; never plain text. */
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    tokenExpiresAt: tstz('token_expires_at'),
    scopes: text('scopes').notNull().default(''),
    syncEnabled: boolean('sync_enabled').notNull().default(true),
    state: accountStateEnum('state').notNull().default('active'),
    /** Tempus's `server_time` of the first page of the last successful sync. */
    syncCursor: tstz('sync_cursor'),
    lastSyncAt: tstz('last_sync_at'),
    lastSuccessAt: tstz('last_success_at'),
    lastFullSyncAt: tstz('last_full_sync_at'),
    nextSyncAt: tstz('next_sync_at'),
    /** When the account's next scheduled shift starts, as of its last sync (background syncs favour shifts soon). */
    nextShiftAt: tstz('next_shift_at'),
    /** When a full listing first came back empty while the calendar had shifts to come (cleared by a sync that applies). */
    emptyListingAt: tstz('empty_listing_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** Sync lease: which process syncs this account now, and until when the claim holds if it dies. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: tstz('lease_expires_at'),
    /** Refresh claim: which process may spend the rotating refresh token now, and until when if it dies. */
    refreshClaimOwner: text('refresh_claim_owner'),
    refreshClaimUntil: tstz('refresh_claim_until'),
    lastErrorCode: text('last_error_code'),
    lastErrorMessage: text('last_error_message'),
    lastErrorAt: tstz('last_error_at'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tempus_accounts_family_user_unique').on(t.familyId, t.tempusUserId),
    index('tempus_accounts_due_idx').on(t.nextSyncAt).where(sql`${t.syncEnabled} and ${t.state} = 'active'`),
  ],
);

export const tempusSyncLog = pgTable(
  'tempus_sync_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => tempusAccounts.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    syncType: syncTypeEnum('sync_type').notNull(),
    trigger: syncTriggerEnum('trigger').notNull(),
    status: syncStatusEnum('status').notNull().default('running'),
    fetched: integer('fetched').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    deleted: integer('deleted').notNull().default(0),
    requests: integer('requests').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [index('tempus_sync_log_account_idx').on(t.accountId, t.startedAt), index('tempus_sync_log_started_idx').on(t.startedAt)],
);

/** The last version of each shift seen, so unchanged shifts cost no calendar write. */
export const tempusScheduleCache = pgTable(
  'tempus_schedule_cache',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => tempusAccounts.id, { onDelete: 'cascade' }),
    tempusId: text('tempus_id').notNull(),
    tempusUpdatedAt: tstz('tempus_updated_at').notNull(),
    payloadHash: text('payload_hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.tempusId] })],
);

/** What each sync changed in the calendar, for support and for the settings page. */
export const tempusSyncAudit = pgTable(
  'tempus_sync_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    syncId: uuid('sync_id')
      .notNull()
      .references(() => tempusSyncLog.id, { onDelete: 'cascade' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => tempusAccounts.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id'),
    tempusId: text('tempus_id').notNull(),
    action: auditActionEnum('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: createdAt(),
  },
  (t) => [index('tempus_sync_audit_sync_idx').on(t.syncId)],
);

/** Pending OAuth connects: single-use `state` bound to the parent's session, with the PKCE verifier. */
export const tempusOauthStates = pgTable('tempus_oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  sessionId: text('session_id').notNull(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  familyId: uuid('family_id')
    .notNull()
    .references(() => families.id, { onDelete: 'cascade' }),
  codeVerifierEnc: text('code_verifier_enc').notNull(),
  expiresAt: tstz('expires_at').notNull(),
});

/** Refresh tokens of disconnected accounts whose revocation at Tempus is still owed. */
export const tempusPendingRevocations = pgTable('tempus_pending_revocations', {
  id: uuid('id').primaryKey().defaultRandom(),
  refreshTokenEnc: text('refresh_token_enc').notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
  createdAt: createdAt(),
});

/**
 * The outgoing budget towards Tempus shared by every API instance: token buckets per second
 * and per hour, each with a background lane (see modules/tempus/rate-budget.ts).
 */
export const tempusRateBudget = pgTable('tempus_rate_budget', {
  id: text('id').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  bgTokens: doublePrecision('bg_tokens').notNull().default(0),
  hourTokens: doublePrecision('hour_tokens').notNull().default(0),
  bgHourTokens: doublePrecision('bg_hour_tokens').notNull().default(0),
  refilledAt: tstz('refilled_at').notNull(),
  blockedUntil: tstz('blocked_until'),
});

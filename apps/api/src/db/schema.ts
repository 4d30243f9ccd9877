/**
 * The Drizzle schema of every table. Migrations in /drizzle are generated from this file
 * with `pnpm db:generate`; never edit a generated migration by hand.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => tstz('created_at').notNull().defaultNow();

export const roleEnum = pgEnum('role', ['parent', 'member']);
export const eventSourceEnum = pgEnum('event_source', ['manual', 'tempus', 'ics']);
export const shiftStatusEnum = pgEnum('shift_status', ['scheduled', 'cancelled']);
export const accountStateEnum = pgEnum('tempus_account_state', ['active', 'reauth_required', 'disabled']);
export const syncTypeEnum = pgEnum('tempus_sync_type', ['initial', 'incremental', 'full']);
export const syncTriggerEnum = pgEnum('tempus_sync_trigger', ['connect', 'schedule', 'manual', 'admin']);
export const syncStatusEnum = pgEnum('tempus_sync_status', ['running', 'succeeded', 'failed']);
export const auditActionEnum = pgEnum('tempus_audit_action', ['created', 'updated', 'deleted', 'restored']);
export const subscriptionSyncTriggerEnum = pgEnum('subscription_sync_trigger', ['create', 'schedule', 'manual']);
export const subscriptionSyncStatusEnum = pgEnum('subscription_sync_status', ['running', 'succeeded', 'failed']);
export const subscriptionAuditActionEnum = pgEnum('subscription_audit_action', ['created', 'updated', 'deleted']);
export const notificationKindEnum = pgEnum('notification_kind', ['shift_changed', 'pickup_conflict', 'pickup_resolved']);
export const handoverKindEnum = pgEnum('handover_kind', ['drop_off', 'pick_up']);

export const families = pgTable('families', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: roleEnum('role').notNull(),
    /** A key of the shared MEMBER_PALETTE, chosen at creation so a family's members differ. */
    color: text('color').notNull().default('blue'),
    passwordHash: text('password_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_unique').on(t.email), index('users_family_idx').on(t.familyId)],
);

/** Server-side sessions; the cookie holds a random token, the table only its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

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

export const calendarEvents = pgTable(
  'calendar_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    ownerUserId: uuid('owner_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    startAt: tstz('start_at').notNull(),
    endAt: tstz('end_at').notNull(),
    allDay: boolean('all_day').notNull().default(false),
    source: eventSourceEnum('source').notNull().default('manual'),
    editable: boolean('editable').notNull().default(true),
    status: shiftStatusEnum('status').notNull().default('scheduled'),
    location: text('location'),
    note: text('note'),
    tempusAccountId: uuid('tempus_account_id').references(() => tempusAccounts.id, { onDelete: 'cascade' }),
    tempusId: text('tempus_id'),
    subscriptionId: uuid('subscription_id').references(() => calendarSubscriptions.id, { onDelete: 'cascade' }),
    /** The subscribed feed's identity of an occurrence: its UID and, when recurring, its recurrence instant. */
    externalId: text('external_id'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('calendar_events_tempus_identity').on(t.tempusAccountId, t.tempusId),
    uniqueIndex('calendar_events_subscription_identity').on(t.subscriptionId, t.externalId),
    index('calendar_events_family_range_idx').on(t.familyId, t.startAt, t.endAt),
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

/**
 * Calendar subscriptions (an iCalendar link of a shift app, Google, Outlook…). The URL
 * carries its owner's secret at that service, so it is stored only encrypted (like Tempus
 * tokens); `url_host` is what may be shown.
 */
export const calendarSubscriptions = pgTable(
  'calendar_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** AES-256-GCM ciphertext, `v<keyVersion>.<iv>.<tag>.<data>`; never plain text. */
    urlEnc: text('url_enc').notNull(),
    urlHost: text('url_host').notNull(),
    syncEnabled: boolean('sync_enabled').notNull().default(true),
    /** The validators of the last good answer, sent back as If-None-Match / If-Modified-Since. */
    etag: text('etag'),
    lastModified: text('last_modified'),
    /** A digest of the last applied answer and its window: the same bytes on the same day need no parse. */
    contentKey: text('content_key'),
    lastSyncAt: tstz('last_sync_at'),
    lastSuccessAt: tstz('last_success_at'),
    nextSyncAt: tstz('next_sync_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** Sync lease: which process syncs this subscription now, and until when the claim holds if it dies. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: tstz('lease_expires_at'),
    lastErrorCode: text('last_error_code'),
    lastErrorMessage: text('last_error_message'),
    lastErrorAt: tstz('last_error_at'),
    createdAt: createdAt(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('calendar_subscriptions_family_idx').on(t.familyId),
    index('calendar_subscriptions_due_idx').on(t.nextSyncAt).where(sql`${t.syncEnabled}`),
  ],
);

export const subscriptionSyncLog = pgTable(
  'subscription_sync_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => calendarSubscriptions.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    trigger: subscriptionSyncTriggerEnum('trigger').notNull(),
    status: subscriptionSyncStatusEnum('status').notNull().default('running'),
    /** The feed answered 304 Not Modified: nothing was parsed or written. */
    notModified: boolean('not_modified').notNull().default(false),
    /** Occurrences in the window that the feed held. */
    fetched: integer('fetched').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    deleted: integer('deleted').notNull().default(0),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    startedAt: tstz('started_at').notNull().defaultNow(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('subscription_sync_log_subscription_idx').on(t.subscriptionId, t.startedAt),
    index('subscription_sync_log_started_idx').on(t.startedAt),
  ],
);

/** What each subscription sync changed in the calendar. */
export const subscriptionSyncAudit = pgTable(
  'subscription_sync_audit',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    syncId: uuid('sync_id')
      .notNull()
      .references(() => subscriptionSyncLog.id, { onDelete: 'cascade' }),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => calendarSubscriptions.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id'),
    externalId: text('external_id').notNull(),
    action: subscriptionAuditActionEnum('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: createdAt(),
  },
  (t) => [index('subscription_sync_audit_sync_idx').on(t.syncId)],
);

/**
 * A member's private address of the family calendar for their phone. The secret in the
 * address is the credential: looked up by its SHA-256, kept encrypted only so that its
 * owner can be shown the address again.
 */
export const calendarFeeds = pgTable('calendar_feeds', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  familyId: uuid('family_id')
    .notNull()
    .references(() => families.id, { onDelete: 'cascade' }),
  secretHash: text('secret_hash').notNull().unique('calendar_feeds_secret_hash_unique'),
  secretEnc: text('secret_enc').notNull(),
  createdAt: createdAt(),
});

/** Children: family members without a sign-in. `care_name` is set once the child has a care routine. */
export const children = pgTable(
  'children',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** A key of the shared MEMBER_PALETTE, like every member's. */
    color: text('color').notNull().default('blue'),
    /** The care place (förskola, fritids) of the child's routine; null: no routine yet. */
    careName: text('care_name'),
    createdAt: createdAt(),
  },
  (t) => [index('children_family_idx').on(t.familyId)],
);

/** The weekdays of a child's care routine: wall-clock times in Europe/Stockholm and who usually does each handover. */
export const careRoutineDays = pgTable(
  'care_routine_days',
  {
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id, { onDelete: 'cascade' }),
    /** 1 (Monday) … 7 (Sunday). */
    weekday: smallint('weekday').notNull(),
    dropOffAt: text('drop_off_at').notNull(),
    pickUpAt: text('pick_up_at').notNull(),
    dropOffBy: uuid('drop_off_by').references(() => users.id, { onDelete: 'set null' }),
    pickUpBy: uuid('pick_up_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.childId, t.weekday] })],
);

/**
 * One day's change to a child's routine. A null time keeps the routine's; `assigns_*` says
 * whether the change names who does a handover (then a null `*_by` means nobody).
 */
export const childDayChanges = pgTable(
  'child_day_changes',
  {
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    dropOffAt: text('drop_off_at'),
    pickUpAt: text('pick_up_at'),
    assignsDropOff: boolean('assigns_drop_off').notNull().default(false),
    dropOffBy: uuid('drop_off_by').references(() => users.id, { onDelete: 'set null' }),
    assignsPickUp: boolean('assigns_pick_up').notNull().default(false),
    pickUpBy: uuid('pick_up_by').references(() => users.id, { onDelete: 'set null' }),
    noCare: boolean('no_care').notNull().default(false),
    note: text('note'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.childId, t.date] }), index('child_day_changes_family_date_idx').on(t.familyId, t.date)],
);

/** Notifications of a family, one per event worth telling (a sync's changed schedule, a handover's conflict). */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    kind: notificationKindEnum('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    date: date('date', { mode: 'string' }),
    eventIds: uuid('event_ids').array().notNull().default(sql`'{}'`),
    childId: uuid('child_id').references(() => children.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('notifications_family_created_idx').on(t.familyId, t.createdAt)],
);

/** Which member has read which notification. */
export const notificationReads = pgTable(
  'notification_reads',
  {
    notificationId: uuid('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    readAt: tstz('read_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.notificationId, t.userId] })],
);

/** The kinds of notification a member does not want; a member without a row gets every kind. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  mutedKinds: notificationKindEnum('muted_kinds').array().notNull().default(sql`'{}'`),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

/**
 * Browsers that receive a member's notifications as Web Push. The endpoint is a capability
 * URL at the browser's push service: never returned, never logged.
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: createdAt(),
    lastSuccessAt: tstz('last_success_at'),
  },
  (t) => [uniqueIndex('push_subscriptions_endpoint_unique').on(t.endpoint), index('push_subscriptions_user_idx').on(t.userId)],
);

/** The last known conflict state of each handover in the coming days, so a resync of the same state tells nobody again. */
export const handoverStates = pgTable(
  'handover_states',
  {
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    handover: handoverKindEnum('handover').notNull(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    conflict: boolean('conflict').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.childId, t.date, t.handover] }), index('handover_states_family_date_idx').on(t.familyId, t.date)],
);

/**
 * The counters of the limits every instance shares (failed sign-ins, sign-ups, created
 * events, manual syncs): one row per limited key, a digest, never an e-mail or address.
 * Rows an hour past `expire` are pruned.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: timestamp('expire', { withTimezone: true }),
});

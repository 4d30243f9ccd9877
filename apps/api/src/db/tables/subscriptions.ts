/** Calendar subscriptions (a shift app's iCalendar link) and their sync log and audit. */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { tstz, createdAt } from './columns.js';
import { families, users } from './families.js';

export const subscriptionSyncTriggerEnum = pgEnum('subscription_sync_trigger', ['create', 'schedule', 'manual']);
export const subscriptionSyncStatusEnum = pgEnum('subscription_sync_status', ['running', 'succeeded', 'failed']);
export const subscriptionAuditActionEnum = pgEnum('subscription_audit_action', ['created', 'updated', 'deleted']);

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

/** The family calendar's events (manual, Tempus shifts, subscribed events) and its feed out. */
import { boolean, index, pgEnum, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz, createdAt } from './columns.js';
import { families, users } from './families.js';
import { calendarSubscriptions } from './subscriptions.js';
import { tempusAccounts } from './tempus.js';

export const eventSourceEnum = pgEnum('event_source', ['manual', 'tempus', 'ics']);
export const shiftStatusEnum = pgEnum('shift_status', ['scheduled', 'cancelled']);

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

/** Notifications, who read them, which kinds each member wants, and Web Push subscriptions. */
import { sql } from 'drizzle-orm';
import { date, index, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tstz, createdAt } from './columns.js';
import { families, users } from './families.js';
import { children } from './pickups.js';

export const notificationKindEnum = pgEnum('notification_kind', ['shift_changed', 'pickup_conflict', 'pickup_resolved']);

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

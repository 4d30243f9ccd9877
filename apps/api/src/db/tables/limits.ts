import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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

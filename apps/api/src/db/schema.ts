/**
 * The Drizzle schema of every table, one file per concern under ./tables. Migrations in
 * /drizzle are generated from this file with `pnpm db:generate`; never edit a generated
 * migration by hand.
 */
export * from './tables/families.js';
export * from './tables/calendar.js';
export * from './tables/tempus.js';
export * from './tables/subscriptions.js';
export * from './tables/pickups.js';
export * from './tables/notifications.js';
export * from './tables/limits.js';

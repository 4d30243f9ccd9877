import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { adminQuery, databaseUrl } from './support/postgres.js';

const EXPECTED_TABLES = [
  'calendar_events',
  'calendar_feeds',
  'calendar_subscriptions',
  'care_routine_days',
  'child_day_changes',
  'children',
  'families',
  'handover_states',
  'notification_preferences',
  'notification_reads',
  'notifications',
  'push_subscriptions',
  'sessions',
  'subscription_sync_audit',
  'subscription_sync_log',
  'tempus_accounts',
  'tempus_oauth_states',
  'tempus_pending_revocations',
  'tempus_rate_budget',
  'tempus_schedule_cache',
  'tempus_sync_audit',
  'tempus_sync_log',
  'users',
];

async function tables(database: Database) {
  const result = await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`);
  return (result as unknown as { rows: { tablename: string }[] }).rows.map((r) => r.tablename);
}

async function migrateTwice(database: Database) {
  await database.migrate();
  await database.migrate();
  expect(await tables(database)).toEqual(EXPECTED_TABLES);
}

describe('migrations', () => {
  it('create every table on embedded PGlite, and running them again changes nothing', async () => {
    const database = openDatabase({ pgliteDir: 'memory://' });
    try {
      await migrateTwice(database);
    } finally {
      await database.close();
    }
  });

  it('keep PGlite data on disk across a restart', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const dir = await mkdtemp('/tmp/familyhub-pglite-');
    try {
      const first = openDatabase({ pgliteDir: dir });
      await first.migrate();
      await first.db.execute(sql`insert into families (name) values ('Kvar efter omstart')`);
      await first.close();
      const second = openDatabase({ pgliteDir: dir });
      await second.migrate();
      const rows = await second.db.execute(sql`select name from families`);
      expect((rows as unknown as { rows: { name: string }[] }).rows).toEqual([{ name: 'Kvar efter omstart' }]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.runIf(process.env.TEST_DATABASE_URL)('create every table on an empty PostgreSQL database', async () => {
    const base = process.env.TEST_DATABASE_URL!;
    const name = `familyhub_migrate_${process.pid}`;
    await adminQuery(base, `drop database if exists ${name}`);
    await adminQuery(base, `create database ${name}`);
    const database = openDatabase({ url: databaseUrl(base, name) });
    try {
      await migrateTwice(database);
    } finally {
      await database.close();
      await adminQuery(base, `drop database if exists ${name} with (force)`);
    }
  });
});

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { describe, expect, it } from 'vitest';
import { migrationsFolder, openDatabase, type Database } from '../src/db/client.js';
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
  'rate_limits',
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

  it('give members who joined before colours existed different colours within their family', async () => {
    // The migrations as they stood before colours: the journal up to 0004.
    const before = await mkdtemp(path.join(tmpdir(), 'familyhub-migrations-'));
    const client = new PGlite();
    try {
      await cp(migrationsFolder, before, { recursive: true });
      const journalPath = path.join(before, 'meta/_journal.json');
      const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
      const colourless = journal.entries.findIndex((e) => e.tag === '0005_member_colours');
      expect(colourless).toBeGreaterThan(0);
      await writeFile(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, colourless) }));
      const db = drizzle(client);
      await migrate(db, { migrationsFolder: before });
      await db.execute(sql`
        with f as (insert into families (name) values ('Lind'), ('Berg') returning id, name)
        insert into users (family_id, email, name, role, password_hash, created_at)
        select f.id, lower(f.name) || n || '@example.se', 'Person ' || n, 'parent', 'x', now() + n * interval '1 minute'
        from f, generate_series(1, 3) as n`);

      await migrate(db, { migrationsFolder });
      const rows = await db.execute<{ family: string; name: string; color: string }>(sql`
        select families.name as family, users.name, users.color from users join families on families.id = users.family_id
        order by families.name, users.created_at`);
      expect(rows.rows.map((r) => `${r.family} ${r.name} ${r.color}`)).toEqual([
        'Berg Person 1 blue',
        'Berg Person 2 orange',
        'Berg Person 3 green',
        'Lind Person 1 blue',
        'Lind Person 2 orange',
        'Lind Person 3 green',
      ]);
    } finally {
      await client.close();
      await rm(before, { recursive: true, force: true });
    }
  });

  it('keep PGlite data on disk across a restart', async () => {
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

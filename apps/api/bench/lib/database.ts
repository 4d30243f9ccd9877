/**
 * One dedicated PostgreSQL database per benchmark (`familyhub_bench_<name>`), created and
 * migrated on the server that BENCH_DATABASE_URL / DATABASE_URL points at, dropped after.
 */
import { adminQuery, databaseUrl } from '@familyhub/demo';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client.js';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function adminUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_ADMIN_URL;
}

const admin = (sql: string) => adminQuery(adminUrl(), sql);

export interface BenchDatabase {
  name: string;
  url: string;
  /** The app's own Drizzle database (for repository and engine calls made by the bench). */
  database: Database;
  /** A plain pg pool for set-up, checks and the raw floors. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

export async function createBenchDatabase(suffix: string, options: { keep?: boolean } = {}): Promise<BenchDatabase> {
  const name = `familyhub_bench_${suffix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = databaseUrl(adminUrl(), name);
  const database = openDatabase({ url, poolSize: 10 });
  await database.migrate();
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    database,
    pool,
    async drop() {
      await database.close();
      await pool.end();
      if (!options.keep) await admin(`drop database if exists ${name} with (force)`);
    },
  };
}

export async function serverVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
    return rows[0]?.v ?? 'unknown';
  } finally {
    await client.end();
  }
}

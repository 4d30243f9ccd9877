/**
 * Databases of their own on a PostgreSQL server, for the tests, the browser tests and the
 * benchmarks: created (empty, or cloned from a migrated template), named uniquely, and
 * dropped (with force) when done. `base` is a URL whose role may create databases.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** `base` pointing at the database `name` instead. */
export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on a connection of its own (CREATE/DROP DATABASE cannot run in a pool's transaction). */
export async function adminQuery(base: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A new database `<prefix>_<random>`, empty or a copy of `template`. Two clones of one
 * template at the same instant can collide ("being accessed by other users"); a retry succeeds.
 */
export async function createScratchDatabase(base: string, options: { prefix: string; template?: string }): Promise<ScratchDatabase> {
  const name = `${options.prefix}_${randomBytes(6).toString('hex')}`;
  const statement = `create database ${name}${options.template ? ` template ${options.template}` : ''}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(base, statement);
      break;
    } catch (err) {
      if (attempt >= 5 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
  return { name, url: databaseUrl(base, name), drop: () => adminQuery(base, `drop database if exists ${name} with (force)`) };
}

/** Creating and dropping the per-file test databases on the real PostgreSQL server. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(base: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated template; the returned function drops it. */
export async function cloneTemplate(base: string, template: string) {
  const name = `familyhub_test_${randomBytes(6).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(base, `create database ${name} template ${template}`);
      break;
    } catch (err) {
      // Two files cloning the template at the same instant can collide; a retry succeeds.
      if (attempt >= 5 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  return {
    url: databaseUrl(base, name),
    drop: () => adminQuery(base, `drop database if exists ${name} with (force)`),
  };
}

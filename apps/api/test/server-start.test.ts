/**
 * Starting the API as operators do: `pnpm --filter @familyhub/api start` on an empty
 * PostgreSQL database migrates it and then serves on PORT, and a `.env` in the working
 * directory configures the process. Each start runs as a real child process on its own
 * freshly created database, both removed after the file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../src/db/client.js';
import { adminQuery, databaseUrl } from './support/postgres.js';
import { testEnv, uniqueEmail } from './support/context.js';

const base = process.env.TEST_DATABASE_URL;
const apiDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.resolve(apiDir, '../..');
const READY_WITHIN_MS = 15_000;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A new, empty database (no tables, no migrations), dropped after the file. */
async function emptyDatabase(): Promise<string> {
  const name = `familyhub_start_${randomBytes(6).toString('hex')}`;
  await adminQuery(base!, `create database ${name}`);
  cleanups.push(() => adminQuery(base!, `drop database if exists ${name} with (force)`));
  return databaseUrl(base!, name);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Spawns the command in its own process group, stopped (the whole group) after the file. */
function start(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Started {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
    if ((await Promise.race([exited, timeout])) === 'timeout') process.kill(-child.pid!, 'SIGKILL');
  });
  return { child, output: () => output };
}

/** Resolves once GET /readyz answers 200; fails early, with the output, if the process ends. */
async function ready(started: Started, port: number): Promise<Response> {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (started.child.exitCode !== null) throw new Error(`the API exited with ${started.child.exitCode}:\n${started.output()}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (res?.status === 200) return res;
    if (Date.now() > deadline) throw new Error(`the API did not become ready on port ${port}:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Only what a child needs to find its tools; everything else is configuration under test. */
const baseEnv = () => ({ PATH: process.env.PATH, HOME: process.env.HOME });

describe.runIf(base)('starting the API process', () => {
  it('migrates an empty PostgreSQL database and then serves on PORT with `pnpm --filter @familyhub/api start`', { timeout: 30_000 }, async () => {
    const url = await emptyDatabase();
    const port = await freePort();
    const api = start('pnpm', ['--filter', '@familyhub/api', 'start'], {
      cwd: repoRoot,
      env: { ...baseEnv(), ...testEnv(undefined, { DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1' }) },
    });
    await ready(api, port);

    const journal = JSON.parse(await readFile(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const applied = await query<{ n: number }>(url, 'select count(*)::int as n from drizzle.__drizzle_migrations');
    expect(applied[0]!.n).toBe(journal.entries.length);
    const tables = (await query<{ tablename: string }>(url, "select tablename from pg_tables where schemaname = 'public'")).map((t) => t.tablename);
    expect(tables).toEqual(expect.arrayContaining(['families', 'users', 'sessions', 'calendar_events', 'tempus_accounts', 'tempus_sync_log', 'tempus_rate_budget']));

    const email = uniqueEmail('start');
    const signup = await fetch(`http://127.0.0.1:${port}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'ett-langt-losenord', name: 'Första', familyName: 'Nystart' }),
    });
    expect(signup.status).toBe(201);
    expect(((await signup.json()) as { user: unknown }).user).toMatchObject({ email, role: 'parent' });
    const cookie = signup.headers.getSetCookie().find((c) => c.startsWith('fh_session='))!.split(';')[0]!;
    const me = await fetch(`http://127.0.0.1:${port}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { family: { name: string } }).family.name).toBe('Nystart');
    expect(await query(url, 'select email from users')).toEqual([{ email }]);
  });

  it('reads its configuration from a .env file in the working directory', { timeout: 30_000 }, async () => {
    const url = await emptyDatabase();
    const port = await freePort();
    const workDir = await mkdtemp(path.join(tmpdir(), 'familyhub-dotenv-'));
    cleanups.push(() => rm(workDir, { recursive: true, force: true }));
    await writeFile(
      path.join(workDir, '.env'),
      [
        'NODE_ENV=test',
        'SESSION_SECRET=dotenv-only-session-secret-0123456789abcdef',
        'HOST=127.0.0.1',
        `PORT=${port}`,
        `DATABASE_URL=${url}`,
        'TEMPUS_ENABLED=false',
        '',
      ].join('\n'),
    );
    const api = start(path.join(apiDir, 'node_modules/.bin/tsx'), ['--conditions=development', path.join(apiDir, 'src/server.ts')], {
      cwd: workDir,
      // Should the .env be ignored, the embedded database stays in the temporary folder.
      env: { ...baseEnv(), PGLITE_DIR: path.join(workDir, 'pglite') },
    });

    // SESSION_SECRET (required outside development), PORT and DATABASE_URL come only from
    // the .env: the API starts, answers on that port and uses that database.
    await ready(api, port);
    const tables = await query<{ tablename: string }>(url, "select tablename from pg_tables where schemaname = 'public' and tablename = 'users'");
    expect(tables).toEqual([{ tablename: 'users' }]);
    // TEMPUS_ENABLED=false from the .env removes the routes (enabled, an anonymous call gets 401).
    const status = await fetch(`http://127.0.0.1:${port}/api/tempus/status`);
    expect(status.status).toBe(404);
    expect(await status.json()).toEqual({ error: 'not_found', message: expect.any(String) });
  });
});

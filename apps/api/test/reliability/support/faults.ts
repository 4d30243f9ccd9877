/**
 * Real faults for the reliability tests, never mocks: a TCP proxy in front of PostgreSQL
 * that can drop every connection and refuse new ones (the database "going away" as the
 * network sees it), an app built through that proxy, and a wait-until helper.
 */
import { createServer, Socket, type Server } from 'node:net';
import { Writable } from 'node:stream';
import type { TempusSim } from '@familyhub/tempus-sim';
import { expect } from 'vitest';
import { buildApp, type App, type BuildOptions } from '../../../src/app.js';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { testConfig, type TestContext } from '../../support/context.js';

/** The PostgreSQL the tests run against; the reliability tests need a real server. */
export function requirePostgres(ctx: TestContext): string {
  if (!ctx.databaseUrl) {
    throw new Error('The reliability tests need a real PostgreSQL server: set TEST_DATABASE_URL (see apps/api/RELIABILITY.md).');
  }
  return ctx.databaseUrl;
}

export interface DatabaseProxy {
  /** The database URL, routed through the proxy. */
  url: string;
  /** Drops every open connection and refuses new ones until `restore()`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startDatabaseProxy(databaseUrl: string): Promise<DatabaseProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An app instance whose database connections run through `url` (e.g. a proxy's). */
export async function buildAppOn(
  url: string,
  sim: TempusSim,
  logs: string[],
  extra: { env?: Record<string, string>; tempus?: BuildOptions['tempus'] } = {},
): Promise<{ app: App; database: Database; close(): Promise<void> }> {
  const database = openDatabase({ url, poolSize: 4 });
  const app = await buildApp(testConfig(sim, extra.env), {
    database,
    logLevel: 'debug',
    logStream: new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
    tempus: { retry: { retries: 1, minTimeout: 5, maxTimeout: 20 }, ...extra.tempus },
  });
  await app.ready();
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T> | T, what: string, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) expect.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Asserts the shared error shape and that nothing internal leaks through it. */
export function expectErrorShape(res: { status: number; text: string; body?: unknown }, context = '') {
  expect(res.status, `${context} ${res.text.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(Object.keys(body).sort(), context).toEqual(['error', 'message']);
  expect(typeof body.error, context).toBe('string');
  expect(typeof body.message, context).toBe('string');
  expect(res.text, context).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|stack/);
}

/**
 * Test fixtures: a real database per test file, the real app, a real Tempus simulator
 * over HTTP, and helpers that keep each test to its point (`ctx.newParent()`,
 * `ctx.connectTempus()`). Everything built registers its own teardown.
 */
import { Writable } from 'node:stream';
import { startTempusSim, type SimOptions, type SimUser, type TempusSim } from '@familyhub/tempus-sim';
import { afterAll, expect, inject } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import type { SubscriptionsModuleOptions } from '../../src/modules/subscriptions/plugin.js';
import type { TempusModuleOptions } from '../../src/modules/tempus/plugin.js';
import { cloneTemplate } from './postgres.js';
import { afterConnectSync } from './syncs.js';

export const TEST_CLIENT = {
  clientId: 'familyhub-test',
  clientSecret: 'sim-test-client-secret-0123456789',
  redirectUri: 'http://localhost:3000/api/tempus/callback',
};
export const OPERATOR_TOKEN = 'operator-token-for-tests-0123456789';
/** Fixed test-only values: outside development the API has no defaults for them. */
export const TEST_SESSION_SECRET = 'test-only-session-secret-0123456789abcdef';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 11).toString('base64');
export const WEB_ORIGIN = 'http://localhost:5173';

export async function createTestDatabase(): Promise<{ database: Database; url: string | undefined; close(): Promise<void> }> {
  const template = inject('templateDatabase');
  const base = process.env.TEST_DATABASE_URL;
  if (template && base) {
    const clone = await cloneTemplate(base, template);
    const database = openDatabase({ url: clone.url });
    return {
      database,
      url: clone.url,
      close: async () => {
        await database.close();
        await clone.drop();
      },
    };
  }
  const database = openDatabase({ pgliteDir: 'memory://' });
  await database.migrate();
  return { database, url: undefined, close: () => database.close() };
}

/** The environment of a test app talking to the simulator (also handed to child processes). */
export function testEnv(sim: TempusSim | undefined, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    SESSION_SECRET: TEST_SESSION_SECRET,
    TEMPUS_TOKEN_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    TEMPUS_AUTH_URL: sim?.url ?? 'http://127.0.0.1:9',
    TEMPUS_API_URL: sim?.url ?? 'http://127.0.0.1:9',
    TEMPUS_CLIENT_ID: TEST_CLIENT.clientId,
    TEMPUS_CLIENT_SECRET: TEST_CLIENT.clientSecret,
    TEMPUS_OAUTH_REDIRECT_URI: TEST_CLIENT.redirectUri,
    ADMIN_API_TOKEN: OPERATOR_TOKEN,
    WEB_ORIGIN,
    TEMPUS_RATE_LIMIT_RPS: '1000',
    TEMPUS_QUOTA_PER_HOUR: '10000000',
    // Every test signs up from the same address; the sign-up limit has tests of its own.
    SIGNUPS_PER_VISITOR_PER_HOUR: '1000000',
    ...env,
  };
}

export function testConfig(sim: TempusSim | undefined, env: Record<string, string> = {}) {
  return loadConfig(testEnv(sim, env));
}

export interface Response<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

/** An HTTP caller of the app that keeps its session cookie, like one browser (at `remoteAddress`, 127.0.0.1 unless given). */
export class Client {
  cookie: string | undefined;
  constructor(
    private readonly app: App,
    private readonly defaults: Record<string, string> = {},
    private readonly remoteAddress?: string,
  ) {}

  async request<T = any>(method: string, url: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response<T>> {
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      headers: { ...this.defaults, ...(this.cookie && { cookie: this.cookie }), ...options.headers },
      ...(this.remoteAddress && { remoteAddress: this.remoteAddress }),
      ...(options.body !== undefined && { payload: options.body as object }),
    });
    const setCookie = res.cookies.find((c) => c.name === 'fh_session');
    if (setCookie) this.cookie = setCookie.value ? `fh_session=${setCookie.value}` : undefined;
    let body: unknown;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, body: body as T, headers: res.headers, text: res.body };
  }
  get = <T = any>(url: string, headers?: Record<string, string>) => this.request<T>('GET', url, headers ? { headers } : {});
  post = <T = any>(url: string, body?: unknown, headers?: Record<string, string>) => this.request<T>('POST', url, { body: body ?? {}, ...(headers && { headers }) });
  patch = <T = any>(url: string, body?: unknown) => this.request<T>('PATCH', url, { body: body ?? {} });
  delete = <T = any>(url: string) => this.request<T>('DELETE', url);
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}.${Date.now().toString(36)}.${++counter}@example.se`;

export interface TestContext {
  app: App;
  sim: TempusSim;
  database: Database;
  databaseUrl: string | undefined;
  logs: string[];
  client(): Client;
  operator(): Client;
  newParent(name?: string): Promise<{ client: Client; user: any; family: any }>;
  newMember(parent: Client, role?: 'member' | 'parent', name?: string): Promise<{ client: Client; user: any }>;
  newSimUser(name?: string): SimUser;
  connectTempus(parent: Client, simUser: SimUser): Promise<string>;
  buildAnotherApp(options?: BuildExtra): Promise<App>;
}

export interface BuildExtra {
  tempus?: TempusModuleOptions;
  subscriptions?: SubscriptionsModuleOptions;
  env?: Record<string, string>;
  startScheduler?: boolean;
}

export interface ContextOptions {
  env?: Record<string, string>;
  tempus?: TempusModuleOptions;
  subscriptions?: SubscriptionsModuleOptions;
  sim?: SimOptions;
  /** Run the app on the simulator's controllable clock instead of real time. */
  simClock?: boolean;
}

/** Builds the whole stack for one test file and tears it down after the file. */
export async function createContext(options: ContextOptions = {}): Promise<TestContext> {
  const sim = await startTempusSim({
    autoApprove: true,
    clients: [{ clientId: TEST_CLIENT.clientId, clientSecret: TEST_CLIENT.clientSecret, redirectUris: [TEST_CLIENT.redirectUri] }],
    ...options.sim,
  });
  const db = await createTestDatabase();
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const apps: App[] = [];

  async function build(extra: BuildExtra = {}) {
    const app = await buildApp(testConfig(sim, { ...options.env, ...extra.env }), {
      database: db.database,
      logStream,
      logLevel: 'debug',
      ...(extra.startScheduler && { startScheduler: true }),
      tempus: {
        retry: { retries: 2, minTimeout: 5, maxTimeout: 20 },
        ...(options.simClock && { clock: () => sim.clock.now() }),
        ...options.tempus,
        ...extra.tempus,
      },
      subscriptions: { ...options.subscriptions, ...extra.subscriptions },
    });
    await app.ready();
    apps.push(app);
    return app;
  }
  const app = await build();

  afterAll(async () => {
    for (const a of apps) await a.close();
    await db.close();
    await sim.close();
  });

  let simUsers = 0;
  const ctx: TestContext = {
    app,
    sim,
    database: db.database,
    databaseUrl: db.url,
    logs,
    client: () => new Client(app),
    operator: () => new Client(app, { authorization: `Bearer ${OPERATOR_TOKEN}` }),
    async newParent(name = 'Anna Svensson') {
      const client = new Client(app);
      const res = await client.post('/api/auth/signup', {
        email: uniqueEmail('parent'),
        password: 'korrekt-hast-batteri',
        name,
        familyName: 'Familjen Test',
      });
      expect(res.status).toBe(201);
      return { client, user: res.body.user, family: res.body.family };
    },
    async newMember(parent, role = 'member', name = 'Elsa') {
      const email = uniqueEmail(role);
      const res = await parent.post('/api/family/members', { email, password: 'korrekt-hast-batteri', name, role });
      expect(res.status).toBe(201);
      const client = new Client(app);
      const login = await client.post('/api/auth/login', { email, password: 'korrekt-hast-batteri' });
      expect(login.status).toBe(200);
      return { client, user: res.body.user };
    },
    newSimUser(name = 'Anna Svensson') {
      simUsers++;
      return sim.users.create({ email: uniqueEmail(`tempus${simUsers}`), name, password: 'tempus-losen-123' });
    },
    async connectTempus(parent, simUser) {
      const location = await authorizeRedirect(parent, simUser);
      const { family } = (await parent.get('/api/me')).body;
      // The callback starts the initial sync in the background; tests start from its end.
      const accountId = await afterConnectSync(db.database.db, family.id, async () => {
        const callback = await parent.get(location);
        expect(callback.status).toBe(302);
        const target = new URL(String(callback.headers.location));
        expect(target.searchParams.get('connected'), `callback redirected to ${target}`).toBeTruthy();
        return target.searchParams.get('connected')!;
      });
      return accountId!;
    },
    buildAnotherApp: build,
  };
  return ctx;
}

/** Starts a connect and lets the simulator approve it; returns the callback path + query. */
export async function authorizeRedirect(parent: Client, simUser: SimUser, extraQuery = ''): Promise<string> {
  const connect = await parent.post('/api/tempus/connect');
  expect(connect.status).toBe(200);
  const authorize = await fetch(`${connect.body.authorizeUrl}&login_hint=${encodeURIComponent(simUser.email)}${extraQuery}`, {
    redirect: 'manual',
  });
  expect(authorize.status).toBe(302);
  const redirect = new URL(authorize.headers.get('location')!);
  return `${redirect.pathname}${redirect.search}`;
}

/** Events of the family in a window around now (or `around`), as the calendar API returns them. */
export async function calendar(client: Client, around: Date = new Date(), fromDays = -40, toDays = 70) {
  const now = around.getTime();
  const from = new Date(now + fromDays * 86_400_000).toISOString();
  const to = new Date(now + toDays * 86_400_000).toISOString();
  const res = await client.get(`/api/calendar/events?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  expect(res.status).toBe(200);
  return res.body.events as any[];
}

export async function syncNow(client: Client, accountId?: string) {
  const res = await client.post('/api/tempus/sync?wait=true', accountId ? { accountId } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.syncs as any[];
}

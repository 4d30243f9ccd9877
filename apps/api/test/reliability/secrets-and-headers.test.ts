/**
 * Secrets and browser-facing protections: retiring an old token encryption key after a
 * rotation, no token, password, cookie or OAuth code in the logs of a whole session, the
 * production start-up refusing development secrets, security headers on every response and
 * CORS only for WEB_ORIGIN.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempusAccounts } from '../../src/db/schema.js';
import { createTokenCipher } from '../../src/lib/token-cipher.js';
import { authorizeRedirect, Client, createContext, OPERATOR_TOKEN, syncNow, TEST_CLIENT, TEST_ENCRYPTION_KEY, uniqueEmail, WEB_ORIGIN } from '../support/context.js';
import { addDayShifts } from '../support/shifts.js';
import { afterConnectSync } from '../support/syncs.js';

const ctx = await createContext();
/** The key the test apps start with, retired below. */
const OLD_KEY = TEST_ENCRYPTION_KEY;
const KEY_2 = Buffer.alloc(32, 42).toString('base64');
const key = (b64: string, version: number) => ({ version, key: Buffer.from(b64, 'base64') });

async function storedTokens(accountId: string) {
  const [row] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, accountId));
  return { access: row!.accessTokenEnc!, refresh: row!.refreshTokenEnc! };
}
const expireAccessToken = (accountId: string) =>
  ctx.database.db.update(tempusAccounts).set({ tokenExpiresAt: new Date(Date.now() - 1_000) }).where(eq(tempusAccounts.id, accountId));

// Rotation itself (old ciphertexts still read, rewritten under the new key) is proved in
// test/tempus-secrets.test.ts; what is added here is retiring the old key afterwards.
describe('tokens at rest', () => {
  it('keeps syncing once the retired key is removed from the configuration, the current key pinned to its version', async () => {
    const parent = await ctx.newParent();
    const accountId = await ctx.connectTempus(parent.client, ctx.newSimUser());
    const rotated = await ctx.buildAnotherApp({ env: { TEMPUS_TOKEN_ENCRYPTION_KEY: KEY_2, TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS: OLD_KEY } });
    await expireAccessToken(accountId);
    const operatorSync = (app: typeof rotated) =>
      app.inject({ method: 'POST', url: '/api/tempus/sync?wait=true', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, payload: { accountId } }).then((r) => JSON.parse(r.body).syncs[0]);
    expect(await operatorSync(rotated)).toMatchObject({ status: 'succeeded' });
    // Every stored token is now under the new key, so the old one is retired.
    const stored = await storedTokens(accountId);
    expect(createTokenCipher({ current: key(KEY_2, 2), all: [key(KEY_2, 2)] }).decrypt(stored.refresh).length).toBeGreaterThan(10);

    // The current key keeps its version when the list of old keys empties.
    const retired = await ctx.buildAnotherApp({ env: { TEMPUS_TOKEN_ENCRYPTION_KEY: KEY_2, TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION: '2' } });
    await expireAccessToken(accountId);
    expect(await operatorSync(retired)).toMatchObject({ status: 'succeeded' });
  });
});

describe('encryption key configuration', () => {
  it('refuses a pinned current version that clashes with an old key', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({ NODE_ENV: 'development', TEMPUS_TOKEN_ENCRYPTION_KEY: KEY_2, TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS: `2:${OLD_KEY}`, TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION: '2' })).toThrow(
      'TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION',
    );
    const pinned = loadConfig({ NODE_ENV: 'development', TEMPUS_TOKEN_ENCRYPTION_KEY: KEY_2, TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS: `1:${OLD_KEY}`, TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION: '3' });
    expect(pinned.tempus.encryptionKeys.all.map((k) => k.version)).toEqual([1, 3]);
  });
});

describe('logs', () => {
  it('hold no password, session cookie, operator token, client secret, OAuth code or Tempus token after a whole session', async () => {
    const password = `losenord-${Math.random().toString(36).slice(2)}`;
    const email = uniqueEmail('logs');
    const client = new Client(ctx.app);
    expect((await client.post('/api/auth/signup', { email, password, name: 'Logg', familyName: 'Loggsson' })).status).toBe(201);
    expect((await new Client(ctx.app).post('/api/auth/login', { email, password: `${password}-fel` })).status).toBe(401);
    expect((await client.post('/api/auth/login', { email, password })).status).toBe(200);
    const sessionCookie = decodeURIComponent(client.cookie!.split('=')[1]!);

    const simUser = ctx.newSimUser();
    addDayShifts(ctx.sim, simUser.id, [1]);
    const callbackPath = await authorizeRedirect(client, simUser);
    const callbackQuery = new URL(callbackPath, 'http://x').searchParams;
    const { family } = (await client.get('/api/me')).body;
    const accountId = (await afterConnectSync(ctx.database.db, family.id, async () => {
      const callback = await client.get(callbackPath);
      return new URL(String(callback.headers.location)).searchParams.get('connected')!;
    }))!;
    await expireAccessToken(accountId);
    await syncNow(client, accountId);
    const tokens = await storedTokens(accountId);
    const cipher = createTokenCipher({ current: key(OLD_KEY, 1), all: [key(OLD_KEY, 1)] });
    const accessToken = cipher.decrypt(tokens.access);
    const refreshToken = cipher.decrypt(tokens.refresh);

    // Failures log too: a refused refresh, a refused operator token, a bad cookie.
    await ctx.operator().post('/api/tempus/sync?wait=true', { accountId });
    await new Client(ctx.app, { authorization: 'Bearer wrong-operator-token-0123456789' }).post('/api/tempus/sync', {});
    await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: `fh_session=${encodeURIComponent(sessionCookie)}x`, authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect((await client.request('DELETE', `/api/tempus/disconnect?accountId=${accountId}`)).status).toBe(204);
    await ctx.app.tempus!.service.drain().catch(() => undefined);

    const logs = ctx.logs.join('');
    expect(logs.length).toBeGreaterThan(1_000);
    const secrets: Record<string, string> = {
      password,
      'session cookie': sessionCookie,
      'session token': sessionCookie.split('.')[0]!,
      'operator token': OPERATOR_TOKEN,
      'client secret': TEST_CLIENT.clientSecret,
      'Tempus access token': accessToken,
      'Tempus refresh token': refreshToken,
      'OAuth code': callbackQuery.get('code')!,
      'OAuth state': callbackQuery.get('state')!,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(8);
      expect(logs.includes(secret), `${name} found in the logs`).toBe(false);
    }
  });
});

describe('production start-up', () => {
  it('refuses to start with a development secret, naming the variable in one line', () => {
    const apiDir = fileURLToPath(new URL('../..', import.meta.url));
    const result = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/server.ts'], {
      cwd: apiDir,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        SESSION_SECRET: 'development-only-session-secret-not-for-production',
        TEMPUS_CLIENT_ID: 'familyhub',
        TEMPUS_CLIENT_SECRET: 'a-real-client-secret',
        TEMPUS_TOKEN_ENCRYPTION_KEY: KEY_2,
        DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
        PORT: '0',
      },
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: SESSION_SECRET must not be the development default in production');
  });
});

describe('security headers and CORS', () => {
  const requests: [string, () => Promise<{ status: number; headers: Record<string, unknown> }>][] = [
    ['200 GET /healthz', () => ctx.client().get('/healthz')],
    ['200 GET /docs', () => ctx.client().get('/docs')],
    ['200 GET /metrics', () => ctx.client().get('/metrics')],
    ['201 POST /api/auth/signup', () => ctx.client().post('/api/auth/signup', { email: uniqueEmail(), password: 'ett-langt-losenord', name: 'A', familyName: 'B' })],
    ['302 GET /api/tempus/callback', () => ctx.client().get('/api/tempus/callback?state=x&code=y')],
    ['400 validation', () => ctx.client().post('/api/auth/login', { email: 'nope' })],
    ['400 malformed JSON', () => ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{' }).then((r) => ({ status: r.statusCode, headers: r.headers }))],
    ['401 GET /api/me', () => ctx.client().get('/api/me')],
    ['403 csrf', () => ctx.client().post('/api/auth/logout', {}, { origin: 'https://evil.example' })],
    ['404 unknown route', () => ctx.client().get('/wp-admin')],
    ['413 huge body', () => ctx.client().post('/api/auth/login', { email: 'x'.repeat(300 * 1024) })],
  ];

  it.each(requests)('puts the security headers on %s', async (_name, send) => {
    const res = await send();
    expect(String(res.status)).toBe(_name.slice(0, 3));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
    expect(String(res.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows credentialed CORS only for WEB_ORIGIN, on real requests as well as preflights', async () => {
    const { client } = await ctx.newParent();
    const fromWeb = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { origin: WEB_ORIGIN, cookie: client.cookie! } });
    expect(fromWeb.headers['access-control-allow-origin']).toBe(WEB_ORIGIN);
    expect(fromWeb.headers['access-control-allow-credentials']).toBe('true');
    for (const origin of ['https://evil.example', 'null', `${WEB_ORIGIN}.evil.example`, 'http://localhost:5174', WEB_ORIGIN.replace('http:', 'https:')]) {
      const get = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { origin, cookie: client.cookie! } });
      expect(get.headers['access-control-allow-origin'], origin).toBeUndefined();
      const preflight = await ctx.app.inject({ method: 'OPTIONS', url: '/api/calendar/events', headers: { origin, 'access-control-request-method': 'POST' } });
      expect(preflight.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });
});

/**
 * Key rotation finished in the background: tokens under a retired key version are rewritten
 * without waiting for a refresh, counted by version in the metrics, and a token that no
 * configured key opens asks the parent to reconnect instead of failing every sync.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempusAccounts, tempusPendingRevocations } from '../src/db/schema.js';
import { createTokenCipher } from '../src/lib/token-cipher.js';
import { createContext, OPERATOR_TOKEN, TEST_ENCRYPTION_KEY } from './support/context.js';

const ctx = await createContext();
const KEY_2 = Buffer.alloc(32, 42).toString('base64');
const STRANGER_KEY = Buffer.alloc(32, 99).toString('base64');
const rotatedEnv = { TEMPUS_TOKEN_ENCRYPTION_KEY: KEY_2, TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS: TEST_ENCRYPTION_KEY };

async function stored(accountId: string) {
  const [row] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, accountId));
  return row!;
}

async function tokensByVersion(app: Awaited<ReturnType<typeof ctx.buildAnotherApp>>) {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  return Object.fromEntries([...text.matchAll(/^familyhub_tempus_tokens_by_key_version\{version="(\d+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

describe('tokens under an older key', () => {
  it('are rewritten under the current key by the background job, without waiting for a refresh', async () => {
    const parent = await ctx.newParent();
    const accountId = await ctx.connectTempus(parent.client, ctx.newSimUser());
    expect((await stored(accountId)).refreshTokenEnc).toMatch(/^v1\./);

    const rotated = await ctx.buildAnotherApp({ env: rotatedEnv });
    expect((await tokensByVersion(rotated))['1']).toBeGreaterThanOrEqual(2);
    await rotated.scheduler.run('tempus-keys');
    const row = await stored(accountId);
    expect(row.accessTokenEnc).toMatch(/^v2\./);
    expect(row.refreshTokenEnc).toMatch(/^v2\./);
    expect((await tokensByVersion(rotated))['1'] ?? 0, 'nothing is left under version 1').toBe(0);

    // The old key can now be retired: the account keeps syncing with only the new one.
    const retired = await ctx.buildAnotherApp({ env: { TEMPUS_TOKEN_ENCRYPTION_KEY: KEY_2, TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION: '2' } });
    await ctx.database.db.update(tempusAccounts).set({ tokenExpiresAt: new Date(Date.now() - 1_000) }).where(eq(tempusAccounts.id, accountId));
    const res = await retired.inject({ method: 'POST', url: '/api/tempus/sync?wait=true', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, payload: { accountId } });
    expect(JSON.parse(res.body).syncs[0]).toMatchObject({ status: 'succeeded' });
  });

  it('rewrites the refresh tokens of owed revocations too', async () => {
    const owed = createTokenCipher({ current: { version: 1, key: Buffer.from(TEST_ENCRYPTION_KEY, 'base64') }, all: [{ version: 1, key: Buffer.from(TEST_ENCRYPTION_KEY, 'base64') }] });
    const [row] = await ctx.database.db.insert(tempusPendingRevocations).values({ refreshTokenEnc: owed.encrypt('rt-owed'), nextAttemptAt: new Date(Date.now() + 3_600_000) }).returning();
    const rotated = await ctx.buildAnotherApp({ env: rotatedEnv });
    await rotated.scheduler.run('tempus-keys');
    const [after] = await ctx.database.db.select().from(tempusPendingRevocations).where(eq(tempusPendingRevocations.id, row!.id));
    expect(after!.refreshTokenEnc).toMatch(/^v2\./);
    await ctx.database.db.delete(tempusPendingRevocations).where(eq(tempusPendingRevocations.id, row!.id));
  });
});

describe('a token no configured key opens', () => {
  it('puts the account in reauth_required at its next sync, never a repeated internal_error', async () => {
    const parent = await ctx.newParent();
    const accountId = await ctx.connectTempus(parent.client, ctx.newSimUser());
    const stranger = createTokenCipher({ current: { version: 7, key: Buffer.from(STRANGER_KEY, 'base64') }, all: [{ version: 7, key: Buffer.from(STRANGER_KEY, 'base64') }] });
    await ctx.database.db
      .update(tempusAccounts)
      .set({ accessTokenEnc: stranger.encrypt('at'), refreshTokenEnc: stranger.encrypt('rt'), tokenExpiresAt: new Date(Date.now() - 1_000) })
      .where(eq(tempusAccounts.id, accountId));
    const [sync] = (await parent.client.post('/api/tempus/sync?wait=true', { accountId })).body.syncs;
    expect(sync).toMatchObject({ status: 'failed', error: { code: 'token_unreadable' } });
    const status = (await parent.client.get('/api/tempus/status')).body.accounts[0];
    expect(status).toMatchObject({ state: 'reauth_required', lastError: { code: 'token_unreadable' } });
  });

  it('is found by the background job, which asks for a reconnect', async () => {
    const parent = await ctx.newParent();
    const accountId = await ctx.connectTempus(parent.client, ctx.newSimUser());
    const stranger = createTokenCipher({ current: { version: 7, key: Buffer.from(STRANGER_KEY, 'base64') }, all: [{ version: 7, key: Buffer.from(STRANGER_KEY, 'base64') }] });
    await ctx.database.db.update(tempusAccounts).set({ refreshTokenEnc: stranger.encrypt('rt') }).where(eq(tempusAccounts.id, accountId));
    await ctx.app.scheduler.run('tempus-keys');
    expect(await stored(accountId)).toMatchObject({ state: 'reauth_required', lastErrorCode: 'token_unreadable', refreshTokenEnc: null });
  });
});

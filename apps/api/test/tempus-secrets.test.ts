import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempusAccounts } from '../src/db/schema.js';
import { createTokenCipher } from '../src/lib/token-cipher.js';
import { createContext, TEST_ENCRYPTION_KEY, testConfig } from './support/context.js';
import { everyTableAsText } from './support/database-text.js';
import { addDayShifts } from './support/shifts.js';

const ctx = await createContext();
const cipher = createTokenCipher(testConfig(ctx.sim).tempus.encryptionKeys);

async function plainTokens(accountId: string) {
  const [row] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, accountId));
  return [cipher.decrypt(row!.accessTokenEnc!), cipher.decrypt(row!.refreshTokenEnc!)];
}

describe('Tempus tokens stay secret', () => {
  it('keeps tokens out of every table, response and log line, through connect, sync and refresh', async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    addDayShifts(ctx.sim, simUser.id, [1, 2]);
    const responses: string[] = [];
    const accountId = await ctx.connectTempus(parent.client, simUser);
    const tokensAtConnect = await plainTokens(accountId);
    await ctx.database.db.update(tempusAccounts).set({ tokenExpiresAt: new Date(Date.now() + 1_000) });
    const sync = await parent.client.post('/api/tempus/sync?wait=true', { accountId });
    responses.push(sync.text);
    responses.push((await parent.client.get('/api/tempus/status')).text);
    responses.push((await parent.client.patch(`/api/tempus/accounts/${accountId}`, { syncEnabled: true })).text);
    responses.push((await parent.client.get('/metrics')).text);
    const tokensAfterRefresh = await plainTokens(accountId);
    expect(tokensAfterRefresh[0]).not.toBe(tokensAtConnect[0]);

    const secrets = [...tokensAtConnect, ...tokensAfterRefresh, 'sim-test-client-secret-0123456789'];
    const stored = await everyTableAsText(ctx.database);
    const logs = ctx.logs.join('\n');
    for (const secret of secrets) {
      expect(stored).not.toContain(secret);
      expect(logs).not.toContain(secret);
      for (const body of responses) expect(body).not.toContain(secret);
    }
    expect(logs).toContain('Tempus sync succeeded');
  });

  it('keeps passwords and session cookies out of the logs', async () => {
    const parent = await ctx.newParent();
    await parent.client.get('/api/me');
    const logs = ctx.logs.join('\n');
    expect(logs).not.toContain('korrekt-hast-batteri');
    const cookieValue = decodeURIComponent(parent.client.cookie!.split('=')[1]!);
    expect(logs).not.toContain(cookieValue.split('.')[0]!);
  });

  it('still reads tokens written under an old key after the key is rotated, and rewrites them under the new one', async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    const accountId = await ctx.connectTempus(parent.client, simUser);
    const oldKey = TEST_ENCRYPTION_KEY;
    const rotated = await ctx.buildAnotherApp({
      env: { TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS: oldKey, TEMPUS_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') },
    });
    await ctx.database.db.update(tempusAccounts).set({ tokenExpiresAt: new Date(Date.now() + 1_000) }).where(eq(tempusAccounts.id, accountId));
    const res = await rotated.inject({ method: 'POST', url: '/api/tempus/sync?wait=true', headers: { cookie: parent.client.cookie! }, payload: { accountId } });
    expect(JSON.parse(res.body).syncs[0].status).toBe('succeeded');
    const [row] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, accountId));
    expect(row!.accessTokenEnc).toMatch(/^v2\./);
    expect(row!.refreshTokenEnc).toMatch(/^v2\./);
  });

  it('refuses a ciphertext that was tampered with', () => {
    const sealed = cipher.encrypt('secret-token');
    expect(cipher.decrypt(sealed)).toBe('secret-token');
    const [v, iv, tag, data] = sealed.split('.');
    const flipped = `${v}.${iv}.${tag}.${data!.slice(0, -2)}${data!.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(() => cipher.decrypt(flipped)).toThrow();
  });
});

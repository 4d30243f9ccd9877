import { describe, expect, it } from 'vitest';
import { tempusAccounts } from '../src/db/schema.js';
import { authorizeRedirect, calendar, Client, createContext, WEB_ORIGIN } from './support/context.js';
import { addDayShifts } from './support/shifts.js';

const ctx = await createContext();

function settingsRedirect(res: { status: number; headers: Record<string, unknown> }) {
  expect(res.status).toBe(302);
  const url = new URL(String(res.headers.location));
  expect(url.origin + url.pathname).toBe(`${WEB_ORIGIN}/settings/tempus`);
  return url.searchParams;
}

describe('connecting a Tempus account', () => {
  it('connects through OAuth with PKCE, stores the account and syncs its shifts into the calendar', async () => {
    const parent = await ctx.newParent();
    const tempusUser = ctx.newSimUser('Anna Svensson');
    addDayShifts(ctx.sim, tempusUser.id, [1, 2, 3]);

    const connect = await parent.client.post('/api/tempus/connect');
    const authorizeUrl = new URL(connect.body.authorizeUrl);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorizeUrl.searchParams.get('scope')).toBe('schedules:read profile:read');
    expect(authorizeUrl.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const accountId = await ctx.connectTempus(parent.client, tempusUser);
    const status = await parent.client.get('/api/tempus/status');
    expect(status.body.accounts).toEqual([
      expect.objectContaining({ id: accountId, tempusUserId: tempusUser.id, email: tempusUser.email, name: 'Anna Svensson', state: 'active', syncEnabled: true }),
    ]);
    const synced = await parent.client.post('/api/tempus/sync?wait=true', { accountId });
    expect(synced.status).toBe(200);
    const events = await calendar(parent.client);
    expect(events.filter((e) => e.source === 'tempus')).toHaveLength(3);
  });

  it('reconnecting the same Tempus user updates the existing account instead of adding one', async () => {
    const parent = await ctx.newParent();
    const tempusUser = ctx.newSimUser();
    const first = await ctx.connectTempus(parent.client, tempusUser);
    const second = await ctx.connectTempus(parent.client, tempusUser);
    expect(second).toBe(first);
    expect((await parent.client.get('/api/tempus/status')).body.accounts).toHaveLength(1);
  });

  it('holds several accounts per family: each parent, and one parent with two employers', async () => {
    const parent = await ctx.newParent();
    const other = await ctx.newMember(parent.client, 'parent', 'Erik');
    const a = await ctx.connectTempus(parent.client, ctx.newSimUser('Anna på Akademiska'));
    const b = await ctx.connectTempus(parent.client, ctx.newSimUser('Anna på Kommunen'));
    const c = await ctx.connectTempus(other.client, ctx.newSimUser('Erik'));
    const accounts = (await parent.client.get('/api/tempus/status')).body.accounts;
    expect(accounts.map((x: { id: string }) => x.id).sort()).toEqual([a, b, c].sort());
    expect(accounts.find((x: { id: string }) => x.id === c).ownerName).toBe('Erik');
  });

  it('redirects with error=access_denied when the user denies access', async () => {
    const parent = await ctx.newParent();
    ctx.sim.setAutoDecision('deny');
    try {
      const location = await authorizeRedirect(parent.client, ctx.newSimUser());
      const params = settingsRedirect(await parent.client.get(location));
      expect(params.get('error')).toBe('access_denied');
    } finally {
      ctx.sim.setAutoDecision('approve');
    }
    expect((await parent.client.get('/api/tempus/status')).body.accounts).toEqual([]);
  });

  it('refuses a forged state with error=invalid_state', async () => {
    const parent = await ctx.newParent();
    const location = await authorizeRedirect(parent.client, ctx.newSimUser());
    const forged = location.replace(/state=[^&]+/, 'state=forged-state-value');
    expect(settingsRedirect(await parent.client.get(forged)).get('error')).toBe('invalid_state');
  });

  it.each([
    ['an overlong state', (location: string) => location.replace(/state=[^&]+/, `state=${'s'.repeat(5000)}`), 'error', 'invalid_state'],
    ['an overlong error instead of a code', (location: string) => location.replace(/code=[^&]+/, `error=${'e'.repeat(5000)}`), 'error', 'exchange_failed'],
    ['a repeated code (the first counts)', (location: string) => location.replace(/code=([^&]+)/, 'code=$1&code=another-code'), 'connected', expect.any(String)],
  ])('redirects to the settings page for a callback with %s', async (_what, tamper, key, value) => {
    const parent = await ctx.newParent();
    const location = tamper(await authorizeRedirect(parent.client, ctx.newSimUser()));
    const params = settingsRedirect(await parent.client.get(location));
    expect(params.get(key)).toEqual(value);
  });

  it('refuses a replayed callback: the state is single use', async () => {
    const parent = await ctx.newParent();
    const location = await authorizeRedirect(parent.client, ctx.newSimUser());
    expect(settingsRedirect(await parent.client.get(location)).get('connected')).toBeTruthy();
    expect(settingsRedirect(await parent.client.get(location)).get('error')).toBe('invalid_state');
  });

  it("refuses a callback carried into another parent's session", async () => {
    const victim = await ctx.newParent('Victim');
    const attacker = await ctx.newParent('Attacker');
    const location = await authorizeRedirect(attacker.client, ctx.newSimUser());
    expect(settingsRedirect(await victim.client.get(location)).get('error')).toBe('invalid_state');
    expect(settingsRedirect(await new Client(ctx.app).get(location)).get('error')).toBe('invalid_state');
    expect((await victim.client.get('/api/tempus/status')).body.accounts).toEqual([]);
  });

  it('refuses an expired state', async () => {
    const parent = await ctx.newParent();
    const location = await authorizeRedirect(parent.client, ctx.newSimUser());
    const { tempusOauthStates } = await import('../src/db/schema.js');
    await ctx.database.db.update(tempusOauthStates).set({ expiresAt: new Date(Date.now() - 1000) });
    expect(settingsRedirect(await parent.client.get(location)).get('error')).toBe('invalid_state');
  });

  it('reports exchange_failed when the code was already used at Tempus', async () => {
    const parent = await ctx.newParent();
    const location = await authorizeRedirect(parent.client, ctx.newSimUser());
    const code = new URL(location, 'http://x').searchParams.get('code')!;
    // Someone else spends the code first (Tempus codes are single use).
    const spent = await fetch(`${ctx.sim.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:3000/api/tempus/callback', code_verifier: 'x'.repeat(43), client_id: 'familyhub-test', client_secret: 'sim-test-client-secret-0123456789' }),
    });
    expect(spent.status).toBe(400);
    expect(settingsRedirect(await parent.client.get(location)).get('error')).toBe('exchange_failed');
  });

  it('lets only parents start a connect', async () => {
    const parent = await ctx.newParent();
    const member = await ctx.newMember(parent.client);
    expect((await member.client.post('/api/tempus/connect')).status).toBe(403);
    expect((await ctx.client().post('/api/tempus/connect')).status).toBe(401);
  });

  it('never stores tokens in plain text', async () => {
    const parent = await ctx.newParent();
    await ctx.connectTempus(parent.client, ctx.newSimUser());
    const rows = await ctx.database.db.select().from(tempusAccounts);
    for (const row of rows) {
      expect(row.accessTokenEnc ?? 'v1.').toMatch(/^v\d+\./);
      expect(row.refreshTokenEnc ?? 'v1.').toMatch(/^v\d+\./);
    }
  });
});

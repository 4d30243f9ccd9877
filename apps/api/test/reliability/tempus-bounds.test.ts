/**
 * Everything read from Tempus is bounded, and nothing Tempus sends can break an account
 * for good or leak a secret: oversized bodies, huge error texts, redirects from the token
 * endpoint, absurd token lifetimes, text PostgreSQL cannot store, absurd shift dates and
 * endless listings.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarEvents, tempusAccounts } from '../../src/db/schema.js';
import { authorizeRedirect, calendar, Client, createContext, OPERATOR_TOKEN, syncNow } from '../support/context.js';
import { addDayShifts } from '../support/shifts.js';
import { afterConnectSync } from '../support/syncs.js';
import { startBystander, startTamperingProxy } from './support/tampering-proxy.js';

const ctx = await createContext();
const proxy = await startTamperingProxy(ctx.sim.url);
// The same API, but talking to Tempus through the proxy.
const proxied = await ctx.buildAnotherApp({ env: { TEMPUS_AUTH_URL: proxy.url, TEMPUS_API_URL: proxy.url } });
const DAY = 86_400_000;

async function connectedWithShifts() {
  const parent = await ctx.newParent();
  const simUser = ctx.newSimUser();
  addDayShifts(ctx.sim, simUser.id, [1, 2, 3]);
  const accountId = await ctx.connectTempus(parent.client, simUser);
  return { ...parent, simUser, accountId };
}

const tempusEvents = async (client: Client) => (await calendar(client)).filter((e) => e.source === 'tempus');

describe('what Tempus sends is bounded', () => {
  it('refuses a response body over 4 MiB without reading it all, and keeps the calendar', async () => {
    const { client, accountId } = await connectedWithShifts();
    const before = await tempusEvents(client);
    ctx.sim.faults.fail({ status: 200, body: `{"data":[],"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`, contentType: 'application/json', path: '/api/v1/schedules', count: 1 });
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'failed', error: { code: 'invalid_response' } });
    expect(sync.error.message).toContain('MiB');
    expect(await tempusEvents(client)).toEqual(before);
  });

  it('stores, logs and serves a huge error text from Tempus only as a short quote', async () => {
    const { client, accountId } = await connectedWithShifts();
    const huge = 'Ö'.repeat(1_000_000);
    ctx.sim.faults.fail({ status: 400, body: JSON.stringify({ error: huge }), contentType: 'application/json', path: '/api/v1/schedules', count: 1 });
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'failed', error: { code: 'request_failed' } });
    expect(sync.error.message.length).toBeLessThan(300);
    const status = await client.get('/api/tempus/status');
    expect(status.text.length, 'the status page answer').toBeLessThan(20_000);
    expect(ctx.logs.join('').includes('Ö'.repeat(100))).toBe(false);
  });

  it('refuses a listing of more than 20,000 shifts instead of holding it all', { timeout: 60_000 }, async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    const start = Date.now() + DAY;
    for (let i = 0; i < 20_001; i++) {
      const at = start + (i % 50) * DAY + i * 1_000;
      ctx.sim.shifts.add(simUser.id, { shift_type: 'Dag', start_time: new Date(at).toISOString(), end_time: new Date(at + 3_600_000).toISOString() });
    }
    const accountId = await ctx.connectTempus(parent.client, simUser);
    const [row] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, accountId));
    expect(row!.lastErrorCode).toBe('invalid_response');
    expect(row!.lastErrorMessage).toContain('20000');
    expect(await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId))).toEqual([]);
  });
});

describe('what Tempus sends cannot break an account for good', () => {
  it('stores a shift whose text holds a NUL character or a lone surrogate, made storable', async () => {
    const { client, accountId, simUser } = await connectedWithShifts();
    const start = Date.now() + 5 * DAY;
    ctx.sim.shifts.add(simUser.id, {
      shift_type: 'Natt\ud800',
      start_time: new Date(start).toISOString(),
      end_time: new Date(start + 8 * 3_600_000).toISOString(),
      note: 'Nyckel\u0000kod i skåpet',
      location: 'Avd \udc0030',
    });
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'succeeded', created: 1 });
    const added = (await tempusEvents(client)).find((e) => e.title.startsWith('Arbete: Natt'))!;
    expect(added).toMatchObject({ title: 'Arbete: Natt\ufffd', note: 'Nyckelkod i skåpet', location: 'Avd \ufffd30' });
    // And the next sync goes on as usual.
    expect((await syncNow(client, accountId))[0]).toMatchObject({ status: 'succeeded' });
  });

  it('refuses shift times outside a sane range as malformed, so no shift spans every range of the calendar', async () => {
    const { client, accountId, simUser } = await connectedWithShifts();
    const before = await tempusEvents(client);
    ctx.sim.shifts.add(simUser.id, { shift_type: 'Evig', start_time: '0001-01-01T00:00:00Z', end_time: '9999-12-31T23:00:00Z' });
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'failed', error: { code: 'invalid_response' } });
    expect(await tempusEvents(client)).toEqual(before);
  });
});

describe('the token endpoint', () => {
  it('never follows a redirect, so the refresh token is not re-sent to another origin', async () => {
    const bystander = await startBystander();
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    addDayShifts(ctx.sim, simUser.id, [1]);
    const accountId = await ctx.connectTempus(parent.client, simUser);
    await ctx.database.db.update(tempusAccounts).set({ tokenExpiresAt: new Date(Date.now() - 1_000) }).where(eq(tempusAccounts.id, accountId));
    proxy.rewrite('/oauth/token', () => ({ status: 307, headers: { location: `${bystander.url}/steal` }, body: '' }));
    try {
      const res = await proxied.inject({ method: 'POST', url: '/api/tempus/sync?wait=true', headers: { authorization: `Bearer ${OPERATOR_TOKEN}` }, payload: { accountId } });
      expect(JSON.parse(res.body).syncs[0]).toMatchObject({ status: 'failed', error: { code: 'request_failed' } });
    } finally {
      proxy.clear();
    }
    expect(bystander.received).toEqual([]);
  });

  it('takes an absurd expires_in as at most a year instead of failing the connect', async () => {
    proxy.rewrite('/oauth/token', (response) => ({ ...response, body: response.body.replace(/"expires_in":\s*\d+/, '"expires_in":9007199254740991') }));
    try {
      const parent = new Client(proxied);
      const signup = await parent.post('/api/auth/signup', { email: `abs.${Date.now()}@example.se`, password: 'korrekt-hast-batteri', name: 'Anna', familyName: 'Familjen Absurd' });
      expect(signup.status).toBe(201);
      const location = await authorizeRedirect(parent, ctx.newSimUser());
      const accountId = await afterConnectSync(ctx.database.db, signup.body.family.id, async () => {
        const callback = await parent.get(location);
        expect(callback.status).toBe(302);
        return new URL(String(callback.headers.location)).searchParams.get('connected') ?? undefined;
      });
      expect(accountId, 'the callback connected the account').toBeTruthy();
      const [row] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, accountId!));
      expect(row!.tokenExpiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 367 * DAY);
    } finally {
      proxy.clear();
    }
  });
});

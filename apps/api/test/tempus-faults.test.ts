import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempusAccounts } from '../src/db/schema.js';
import { calendar, createContext, syncNow } from './support/context.js';
import { addDayShifts } from './support/shifts.js';

const ctx = await createContext({ tempus: { breaker: { resetTimeout: 60_000, volumeThreshold: 3, errorThresholdPercentage: 50 } } });

async function connectedWithShifts(days = [1, 2, 3]) {
  const parent = await ctx.newParent();
  const simUser = ctx.newSimUser();
  const shifts = addDayShifts(ctx.sim, simUser.id, days);
  const accountId = await ctx.connectTempus(parent.client, simUser);
  return { ...parent, simUser, accountId, shifts };
}

const tempusTitles = async (client: Parameters<typeof calendar>[0]) =>
  (await calendar(client)).filter((e) => e.source === 'tempus').map((e) => `${e.title}@${e.startDate}`);

const schedulesRequests = () => ctx.sim.requests.filter((r) => r.path === '/api/v1/schedules');

describe('Tempus rate limiting', () => {
  it('waits out a 429 storm as Retry-After says and then completes the sync', async () => {
    const { client, accountId, simUser } = await connectedWithShifts();
    ctx.sim.shifts.add(simUser.id, { shift_type: 'Kväll', start_time: new Date(Date.now() + 4 * 86_400_000).toISOString(), end_time: new Date(Date.now() + 4 * 86_400_000 + 7 * 3_600_000).toISOString() });
    ctx.sim.resetCounters();
    ctx.sim.faults.fail({ status: 429, body: '{"error":"rate_limited"}', contentType: 'application/json', headers: { 'Retry-After': '1' }, path: '/api/v1/schedules', count: 2 });
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'succeeded', created: 1 });
    const times = schedulesRequests().map((r) => Date.parse(r.time));
    expect(times).toHaveLength(3);
    // Each retry came no sooner than the second Tempus asked for.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(950);
  });
});

describe('Tempus outages', () => {
  it('keeps the calendar unchanged when Tempus answers 503 with an HTML page, and records why', async () => {
    const { client, accountId, simUser } = await connectedWithShifts();
    const before = await tempusTitles(client);
    ctx.sim.shifts.add(simUser.id, { shift_type: 'Natt', start_time: new Date(Date.now() + 5 * 86_400_000).toISOString(), end_time: new Date(Date.now() + 5 * 86_400_000 + 9 * 3_600_000).toISOString() });
    ctx.sim.faults.fail({ status: 502, body: '<html><body>Bad gateway</body></html>', contentType: 'text/html', path: '/api/v1/schedules', count: 3 });
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'failed', error: { code: 'unavailable', message: expect.stringContaining('502') } });
    expect(await tempusTitles(client)).toEqual(before);
    const status = (await client.get('/api/tempus/status')).body.accounts[0];
    expect(status).toMatchObject({ state: 'active', lastError: { code: 'unavailable' } });
    expect(Date.parse(status.nextSyncAt)).toBeGreaterThan(Date.now());

    const [recovered] = await syncNow(client, accountId);
    expect(recovered).toMatchObject({ status: 'succeeded', created: 1 });
    expect((await client.get('/api/tempus/status')).body.accounts[0].lastError).toBeNull();
  });

  it('opens the circuit breaker during an outage so it costs a handful of calls, not one per sync', async () => {
    const accounts = [await connectedWithShifts(), await connectedWithShifts()];
    // A fresh instance, so its breaker has seen nothing but this outage.
    const instance = await ctx.buildAnotherApp();
    ctx.sim.faults.fail({ status: 503, body: '<html>Underhåll</html>', contentType: 'text/html', path: '/api/v1/schedules', fraction: 1 });
    try {
      const sentBefore = schedulesRequests().length;
      const results = [];
      for (let i = 0; i < 10; i++) {
        const { client, accountId } = accounts[i % 2]!;
        const res = await instance.inject({ method: 'POST', url: '/api/tempus/sync?wait=true', headers: { cookie: client.cookie! }, payload: { accountId } });
        results.push(JSON.parse(res.body).syncs[0]);
      }
      expect(results.every((r) => r.status === 'failed')).toBe(true);
      expect(results.slice(1).every((r) => r.error.code === 'circuit_open')).toBe(true);
      // Ten syncs during the outage, each allowed three attempts, yet only the first one's reach Tempus.
      expect(schedulesRequests().length - sentBefore).toBe(3);
    } finally {
      ctx.sim.faults.clear();
    }
  });

  it('fails the sync with version_removed on 410 Gone and logs deprecation warnings', async () => {
    const { client, accountId } = await connectedWithShifts();
    ctx.sim.faults.deprecate(new Date('2027-06-01T00:00:00Z'));
    const [ok] = await syncNow(client, accountId);
    expect(ok.status).toBe('succeeded');
    expect(ctx.logs.some((l) => l.includes('Tempus API version is deprecated') && l.includes('"level":40'))).toBe(true);
    ctx.sim.faults.deprecate(null);
    ctx.sim.faults.removeVersion(true);
    try {
      const [gone] = await syncNow(client, accountId);
      expect(gone).toMatchObject({ status: 'failed', error: { code: 'version_removed' } });
    } finally {
      ctx.sim.faults.removeVersion(false);
    }
  });
});

describe('malformed responses', () => {
  it.each(['wrong_types', 'missing_field', 'end_before_start', 'huge_shift_type', 'html_body', 'huge_page'] as const)(
    'changes nothing in the calendar when Tempus sends %s',
    async (kind) => {
      const { client, accountId, simUser } = await connectedWithShifts();
      const before = await tempusTitles(client);
      ctx.sim.shifts.add(simUser.id, { shift_type: 'Jour', start_time: new Date(Date.now() + 6 * 86_400_000).toISOString(), end_time: new Date(Date.now() + 6 * 86_400_000 + 3_600_000).toISOString() });
      ctx.sim.faults.malformedShifts(kind, 1);
      const [sync] = await syncNow(client, accountId);
      expect(sync).toMatchObject({ status: 'failed', error: { code: 'invalid_response' } });
      expect(await tempusTitles(client)).toEqual(before);
    },
  );

  it('ignores fields the contract does not know and syncs the shift', async () => {
    const { client, accountId, simUser } = await connectedWithShifts();
    const before = await tempusTitles(client);
    ctx.sim.shifts.add(simUser.id, { shift_type: 'Jour', start_time: new Date(Date.now() + 6 * 86_400_000).toISOString(), end_time: new Date(Date.now() + 6 * 86_400_000 + 3_600_000).toISOString() });
    ctx.sim.faults.malformedShifts('unknown_fields', 1);
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'succeeded', created: 1, error: null });
    const after = await tempusTitles(client);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after.filter((t) => !before.includes(t))).toEqual([expect.stringMatching(/^Arbete: Jour@/)]);
  });

  it('syncs a page that repeats an id into one event per shift, the copy listed last winning', async () => {
    const { client, accountId, simUser } = await connectedWithShifts();
    const start = Date.now() + 6 * 86_400_000;
    ctx.sim.shifts.add(simUser.id, { shift_type: 'Jour', start_time: new Date(start).toISOString(), end_time: new Date(start + 3_600_000).toISOString() });
    ctx.sim.faults.malformedShifts('duplicate_ids', 1);
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'succeeded', created: 1, error: null });
    // The simulator repeated the page's first shift, " (kopia)" added, at the same updated_at:
    // still four shifts, one of them showing the copy that came last.
    const titles = await tempusTitles(client);
    expect(titles).toHaveLength(4);
    expect(titles.filter((t) => t.includes(' (kopia)@'))).toHaveLength(1);
  });
});

describe('tokens', () => {
  it('refreshes an expired access token proactively and keeps syncing', async () => {
    ctx.sim.setTokenLifetimes({ accessTokenTtlSeconds: 30 });
    try {
      const { client, accountId } = await connectedWithShifts();
      const before = ctx.sim.counters.refreshes;
      const [sync] = await syncNow(client, accountId);
      expect(sync.status).toBe('succeeded');
      // 30 s tokens are inside the 60 s refresh margin: refreshed before use.
      expect(ctx.sim.counters.refreshes).toBe(before + 1);
    } finally {
      ctx.sim.setTokenLifetimes({ accessTokenTtlSeconds: 3600 });
    }
  });

  it('spends a rotating refresh token once when two instances sync the same account at once', async () => {
    const { client, accountId } = await connectedWithShifts();
    // The access token is about to expire, so both instances want to refresh it.
    await ctx.database.db.update(tempusAccounts).set({ tokenExpiresAt: new Date(Date.now() + 5_000) }).where(eq(tempusAccounts.id, accountId));
    const other = await ctx.buildAnotherApp();
    const before = { ...ctx.sim.counters };
    const [a, b] = await Promise.all([
      syncNow(client, accountId),
      other.inject({ method: 'POST', url: '/api/tempus/sync?wait=true', headers: { cookie: client.cookie! }, payload: { accountId } }),
    ]);
    expect(a[0].status).toBe('succeeded');
    expect(JSON.parse(b.body).syncs[0].status).toBe('succeeded');
    expect(ctx.sim.counters.refreshReuseDetected).toBe(before.refreshReuseDetected);
    expect(ctx.sim.counters.refreshes - before.refreshes).toBe(1);
  });

  it('refreshes once and retries when Tempus answers 401 to a token it revoked', async () => {
    const { client, accountId } = await connectedWithShifts();
    ctx.sim.faults.fail({ status: 401, body: '{"error":"invalid_token"}', contentType: 'application/json', headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' }, path: '/api/v1/schedules', count: 1 });
    const before = ctx.sim.counters.refreshes;
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'succeeded', requests: 3 });
    expect(ctx.sim.counters.refreshes).toBe(before + 1);
  });

  it('puts the account in reauth_required when the grant is revoked, and makes no more calls for it', async () => {
    ctx.sim.setTokenLifetimes({ accessTokenTtlSeconds: 30 });
    try {
      const { client, accountId, simUser } = await connectedWithShifts();
      const before = await tempusTitles(client);
      ctx.sim.grants.revokeUser(simUser.id);
      const [sync] = await syncNow(client, accountId);
      expect(sync).toMatchObject({ status: 'failed', error: { code: 'invalid_grant' } });
      const account = (await client.get('/api/tempus/status')).body.accounts[0];
      expect(account).toMatchObject({ state: 'reauth_required', lastError: { code: 'invalid_grant' }, nextSyncAt: null });
      // The failed sync is the last finished one; the last success stays where it was.
      expect(account.lastSyncAt).toBe(sync.finishedAt);
      expect(Date.parse(account.lastSuccessAt)).toBeLessThan(Date.parse(account.lastSyncAt));
      expect(await tempusTitles(client)).toEqual(before);

      const sent = ctx.sim.counters.requests;
      const refused = await client.post('/api/tempus/sync?wait=true', { accountId });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe('reauth_required');
      expect(await ctx.app.tempus!.service.runDueSyncs()).toBe(0);
      expect(ctx.sim.counters.requests).toBe(sent);

      expect(await ctx.connectTempus(client, simUser)).toBe(accountId);
      expect((await client.get('/api/tempus/status')).body.accounts[0]).toMatchObject({ state: 'active', lastError: null });
    } finally {
      ctx.sim.setTokenLifetimes({ accessTokenTtlSeconds: 3600 });
    }
  });
});

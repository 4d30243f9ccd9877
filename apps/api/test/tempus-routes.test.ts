import { describe, expect, it } from 'vitest';
import { calendar, createContext, OPERATOR_TOKEN, syncNow } from './support/context.js';
import { addDayShifts } from './support/shifts.js';
import { syncIdsOf, syncsFinished } from './support/syncs.js';

const ctx = await createContext();

async function connectedFamily() {
  const parent = await ctx.newParent();
  const simUser = ctx.newSimUser();
  addDayShifts(ctx.sim, simUser.id, [1, 2]);
  const accountId = await ctx.connectTempus(parent.client, simUser);
  return { ...parent, simUser, accountId };
}

describe('GET /api/tempus/status', () => {
  it('shows every account of the family with its sync state, counts and recent syncs, to members too', async () => {
    const { client, accountId, simUser, user } = await connectedFamily();
    const member = await ctx.newMember(client);
    const res = await member.client.get('/api/tempus/status');
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(true);
    const [account] = res.body.accounts;
    expect(account).toMatchObject({
      id: accountId,
      userId: user.id,
      tempusUserId: simUser.id,
      email: simUser.email,
      syncEnabled: true,
      state: 'active',
      lastError: null,
      eventCount: 2,
    });
    expect(Date.parse(account.lastSyncAt)).not.toBeNaN();
    expect(account.lastSuccessAt).toBe(account.lastSyncAt);
    expect(Date.parse(account.nextSyncAt)).toBeGreaterThan(Date.now());
    expect(account.recentSyncs).toEqual([
      expect.objectContaining({ accountId, type: 'initial', trigger: 'connect', status: 'succeeded', created: 2 }),
    ]);
  });

  it('answers 401 to anonymous callers', async () => {
    expect((await ctx.client().get('/api/tempus/status')).status).toBe(401);
  });
});

describe('PATCH /api/tempus/accounts/:id', () => {
  it('lets the owning parent pause automatic sync and resume it, "Synka nu" still working while paused', async () => {
    const { client, accountId } = await connectedFamily();
    const off = await client.patch(`/api/tempus/accounts/${accountId}`, { syncEnabled: false });
    expect(off.status).toBe(200);
    expect(off.body.account).toMatchObject({ id: accountId, syncEnabled: false, state: 'disabled', nextSyncAt: null });
    const [manual] = await syncNow(client, accountId);
    expect(manual).toMatchObject({ accountId, trigger: 'manual', status: 'succeeded' });
    expect((await client.get('/api/tempus/status')).body.accounts[0], 'still paused after it').toMatchObject({ syncEnabled: false, nextSyncAt: null });
    const on = await client.patch(`/api/tempus/accounts/${accountId}`, { syncEnabled: true });
    expect(on.body.account).toMatchObject({ syncEnabled: true, state: 'active' });
  });

  it('refuses the other parent (403), a member (403) and another family (404)', async () => {
    const { client, accountId } = await connectedFamily();
    const otherParent = await ctx.newMember(client, 'parent', 'Erik');
    const member = await ctx.newMember(client);
    const stranger = await ctx.newParent('Främling');
    expect((await otherParent.client.patch(`/api/tempus/accounts/${accountId}`, { syncEnabled: false })).status).toBe(403);
    expect((await member.client.patch(`/api/tempus/accounts/${accountId}`, { syncEnabled: false })).status).toBe(403);
    expect((await stranger.client.patch(`/api/tempus/accounts/${accountId}`, { syncEnabled: false })).status).toBe(404);
    expect((await client.patch(`/api/tempus/accounts/${accountId}`, { syncEnabled: 'no' })).status).toBe(400);
  });
});

describe('DELETE /api/tempus/disconnect', () => {
  it('revokes the grant at Tempus and removes the tokens, the account and its events', async () => {
    const { client, accountId } = await connectedFamily();
    await client.post('/api/calendar/events', { title: 'Kalas', startDate: '2026-12-24T15:00:00+01:00', endDate: '2026-12-24T18:00:00+01:00' });
    const revocations = ctx.sim.counters.revocations;
    const res = await client.delete(`/api/tempus/disconnect?accountId=${accountId}`);
    expect(res.status).toBe(204);
    await ctx.app.tempus!.service.processPendingRevocations();
    expect(ctx.sim.counters.revocations).toBe(revocations + 1);
    expect((await client.get('/api/tempus/status')).body.accounts).toEqual([]);
    const events = await calendar(client, new Date(), -40, 70);
    expect(events.filter((e) => e.source === 'tempus')).toEqual([]);
  });

  it('accepts the account id in a JSON body', async () => {
    const { client, accountId } = await connectedFamily();
    const res = await client.request('DELETE', '/api/tempus/disconnect', { body: { accountId } });
    expect(res.status).toBe(204);
  });

  it('disconnects at once while Tempus is down and revokes once Tempus is back', async () => {
    const { client, accountId } = await connectedFamily();
    const revocations = ctx.sim.counters.revocations;
    ctx.sim.faults.fail({ status: 503, body: 'down', path: '/oauth/revoke', fraction: 1 });
    try {
      expect((await client.delete(`/api/tempus/disconnect?accountId=${accountId}`)).status).toBe(204);
      await ctx.app.tempus!.service.processPendingRevocations();
      expect(ctx.sim.counters.revocations).toBe(revocations);
      expect((await client.get('/api/tempus/status')).body.accounts).toEqual([]);
    } finally {
      ctx.sim.faults.clear();
    }
    const { tempusPendingRevocations } = await import('../src/db/schema.js');
    await ctx.database.db.update(tempusPendingRevocations).set({ nextAttemptAt: new Date(0) });
    await ctx.app.tempus!.service.processPendingRevocations();
    expect(ctx.sim.counters.revocations).toBe(revocations + 1);
    expect(await ctx.database.db.select().from(tempusPendingRevocations)).toEqual([]);
  });

  it('lets only the owning parent disconnect', async () => {
    const { client, accountId } = await connectedFamily();
    const otherParent = await ctx.newMember(client, 'parent', 'Erik');
    const stranger = await ctx.newParent();
    expect((await otherParent.client.delete(`/api/tempus/disconnect?accountId=${accountId}`)).status).toBe(403);
    expect((await stranger.client.delete(`/api/tempus/disconnect?accountId=${accountId}`)).status).toBe(404);
    expect((await client.delete('/api/tempus/disconnect')).status).toBe(400);
  });
});

describe('POST /api/tempus/sync', () => {
  it('answers 202 with the started syncs, and with ?wait=true 200 with the finished ones', async () => {
    const { client, accountId } = await connectedFamily();
    const started = await client.post('/api/tempus/sync', { accountId });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ syncs: [{ id: expect.any(String), accountId }] });
    await syncsFinished(ctx.database.db, syncIdsOf(started));
    const [finished] = await syncNow(client, accountId);
    expect(finished).toMatchObject({ accountId, type: 'incremental', status: 'succeeded', created: 0, updated: 0, deleted: 0, error: null });
    expect(Date.parse(finished.finishedAt)).toBeGreaterThanOrEqual(Date.parse(finished.startedAt));
  });

  it('syncs every account of the family when no account is named', async () => {
    const { client } = await connectedFamily();
    await ctx.connectTempus(client, ctx.newSimUser('Andra jobbet'));
    const syncs = await syncNow(client);
    expect(syncs).toHaveLength(2);
  });

  it('queues at most one sync behind a running one, and further asks join it', async () => {
    const { client, accountId } = await connectedFamily();
    ctx.sim.faults.latency(300, '/api/v1/schedules');
    try {
      const asks = await Promise.all([1, 2, 3, 4].map(() => client.post('/api/tempus/sync', { accountId })));
      const ids = asks.flatMap(syncIdsOf);
      // Whichever ask the server took first started a sync; the other three share the one queued.
      const asksPerSync = [...new Set(ids)].map((id) => ids.filter((i) => i === id).length).sort();
      expect(asksPerSync).toEqual([1, 3]);
      await syncsFinished(ctx.database.db, ids);
    } finally {
      ctx.sim.faults.clear();
    }
    const recent = (await client.get('/api/tempus/status')).body.accounts[0].recentSyncs;
    expect(recent.filter((s: { trigger: string }) => s.trigger === 'manual')).toHaveLength(2);
  });

  it('limits a parent to a few manual syncs per account per minute', async () => {
    const { client, accountId } = await connectedFamily();
    const started = [];
    for (let i = 0; i < 7; i++) started.push(await client.post('/api/tempus/sync', { accountId }));
    expect(started.map((r) => r.status).slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    const limited = await client.post('/api/tempus/sync', { accountId });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await syncsFinished(ctx.database.db, started.flatMap(syncIdsOf));
  });

  it('counts the limit per account, whichever parent asks and whether the account is named or not', async () => {
    const { client, accountId } = await connectedFamily();
    const coParent = await ctx.newMember(client, 'parent', 'Olle');
    const started = [];
    for (let i = 0; i < 5; i++) started.push(await client.post('/api/tempus/sync', { accountId }));
    expect(started.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect((await coParent.client.post('/api/tempus/sync', { accountId })).status).toBe(429);
    expect((await client.post('/api/tempus/sync', {})).status).toBe(429);
    await syncsFinished(ctx.database.db, started.flatMap(syncIdsOf));
  });

  it('leaves paused accounts out of an operator sync of every account, records no failure on them, and syncs one asked for by name', async () => {
    const { client, accountId } = await connectedFamily();
    expect((await client.patch(`/api/tempus/accounts/${accountId}`, { syncEnabled: false })).status).toBe(200);
    const operator = ctx.operator();
    const all = await operator.post('/api/tempus/sync?wait=true', {});
    expect(all.status).toBe(200);
    expect(all.body.syncs.map((s: { accountId: string }) => s.accountId)).not.toContain(accountId);
    let account = (await client.get('/api/tempus/status')).body.accounts[0];
    expect(account).toMatchObject({ state: 'disabled', lastError: null });
    const named = await operator.post('/api/tempus/sync?wait=true', { accountId });
    expect(named.status).toBe(200);
    expect(named.body.syncs[0]).toMatchObject({ accountId, trigger: 'admin', status: 'succeeded' });
    account = (await client.get('/api/tempus/status')).body.accounts[0];
    expect(account).toMatchObject({ state: 'disabled', syncEnabled: false });
  });

  it('lets an operator sync any account, or all, without a limit; members may not sync', async () => {
    const { client, accountId } = await connectedFamily();
    const member = await ctx.newMember(client);
    expect((await member.client.post('/api/tempus/sync', { accountId })).status).toBe(403);
    const operator = ctx.operator();
    const started = [];
    for (let i = 0; i < 7; i++) started.push(await operator.post('/api/tempus/sync', { accountId }));
    expect(started.map((r) => r.status)).toEqual([202, 202, 202, 202, 202, 202, 202]);
    await syncsFinished(ctx.database.db, started.flatMap(syncIdsOf));
    const one = await operator.post('/api/tempus/sync?wait=true', { accountId });
    expect(one.body.syncs[0]).toMatchObject({ accountId, trigger: 'admin', status: 'succeeded' });
    const all = await operator.post('/api/tempus/sync?wait=true', {});
    expect(all.status).toBe(200);
    expect(all.body.syncs.map((s: { accountId: string }) => s.accountId)).toContain(accountId);
    // An operator is not a family member and sees no family data.
    expect((await operator.get('/api/tempus/status')).status).toBe(401);
    expect((await ctx.client().post('/api/tempus/sync', { accountId }, { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect(OPERATOR_TOKEN).not.toBe('wrong-token-0123456789');
  });

  it("answers 404 to another family's account", async () => {
    const { accountId } = await connectedFamily();
    const stranger = await ctx.newParent();
    expect((await stranger.client.post('/api/tempus/sync', { accountId })).status).toBe(404);
    expect((await stranger.client.get('/api/tempus/status')).body.accounts).toEqual([]);
  });
});

describe('GET /api/tempus/stream', () => {
  it("announces each finished sync of the family's accounts with its owner's name, and nothing of other families", async () => {
    const { client, accountId, user } = await connectedFamily();
    const stranger = await connectedFamily();
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const abort = new AbortController();
    const res = await fetch(`${address}/api/tempus/stream`, { headers: { cookie: client.cookie! }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let received = '';
    const firstEvent = (async () => {
      while (!received.includes('\n\nevent: sync') && !/event: sync\n[\s\S]*\n\n/.test(received)) {
        const { value, done } = await reader.read();
        if (done) break;
        received += new TextDecoder().decode(value);
      }
    })();
    await syncNow(stranger.client, stranger.accountId);
    await syncNow(client, accountId);
    await firstEvent;
    abort.abort();
    const data = JSON.parse(/event: sync\nid: [^\n]+\ndata: ([^\n]+)/.exec(received)![1]!);
    expect(data).toMatchObject({ accountId, status: 'succeeded', ownerName: user.name });
    expect(received).not.toContain(stranger.accountId);
  });

  it('announces a sync that another API instance on the same database ran', async () => {
    const { client, accountId } = await connectedFamily();
    const other = await ctx.buildAnotherApp({ tempus: { instanceId: 'other-instance' } });
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}`);
    const abort = new AbortController();
    const res = await fetch(`${address}/api/tempus/stream`, { headers: { cookie: client.cookie! }, signal: abort.signal });
    const reader = res.body!.getReader();
    let received = '';
    while (!received.includes(': connected')) received += new TextDecoder().decode((await reader.read()).value);
    const ran = await other.inject({
      method: 'POST',
      url: '/api/tempus/sync?wait=true',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      payload: { accountId },
    });
    expect(ran.statusCode).toBe(200);
    const syncId = ran.json<{ syncs: { id: string }[] }>().syncs[0]!.id;
    while (!received.includes(`id: ${syncId}`)) received += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    const data = JSON.parse(new RegExp(`id: ${syncId}\ndata: ([^\n]+)`).exec(received)![1]!);
    expect(data).toMatchObject({ id: syncId, accountId, trigger: 'admin', status: 'succeeded' });
  });

  it('replays the syncs a reconnecting stream missed after its Last-Event-ID', async () => {
    const { client, accountId } = await connectedFamily();
    const [seen] = await syncNow(client, accountId);
    const [missed] = await syncNow(client, accountId);
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' }).catch(() => `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}`);
    const abort = new AbortController();
    const res = await fetch(`${address}/api/tempus/stream`, { headers: { cookie: client.cookie!, 'last-event-id': seen.id }, signal: abort.signal });
    const reader = res.body!.getReader();
    let received = '';
    while (!received.includes(`id: ${missed.id}`)) received += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    expect(received).not.toContain(`id: ${seen.id}`);
  });
});

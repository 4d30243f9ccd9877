import { describe, expect, it } from 'vitest';
import { connect, refresh, schedules, startTestSim } from './helpers.js';

const { sim, user } = await startTestSim({ control: true, startTime: new Date('2026-03-20T08:00:00Z') });
const off = await startTestSim({ control: false });

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(new URL(path, sim.url), {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('control endpoints', () => {
  it('answer 404 when the simulator runs without control mode', async () => {
    for (const path of ['/_sim/counters', '/_sim/requests', '/_sim/users']) {
      expect((await fetch(new URL(path, off.sim.url))).status).toBe(404);
    }
    expect((await fetch(new URL('/_sim/faults', off.sim.url), { method: 'DELETE' })).status).toBe(404);
  });

  it('create users and add, move, cancel and delete shifts', async () => {
    const created = await control('POST', '/_sim/users', { email: 'karin.nilsson@example.se', name: 'Karin Nilsson' });
    expect(created.status).toBe(201);
    const karin = (await created.json()) as { id: string; password: string };
    expect(karin.password).toBeTruthy();

    const added = await control('POST', '/_sim/shifts', {
      userId: karin.id,
      shift_type: 'Dag',
      start_time: '2026-04-01T07:00:00+02:00',
      end_time: '2026-04-01T15:30:00+02:00',
    });
    expect(added.status).toBe(201);
    const shift = (await added.json()) as { id: string };

    const moved = await control('PATCH', `/_sim/shifts/${shift.id}`, {
      start_time: '2026-04-02T07:00:00+02:00',
      end_time: '2026-04-02T15:30:00+02:00',
    });
    expect(await moved.json()).toMatchObject({ start_time: '2026-04-02T07:00:00+02:00' });
    expect(await (await control('POST', `/_sim/shifts/${shift.id}/cancel`)).json()).toMatchObject({ status: 'cancelled' });
    expect((await control('DELETE', `/_sim/shifts/${shift.id}`)).status).toBe(204);

    const listed = await control('GET', `/_sim/users/${karin.id}/shifts?includeDeleted=true`);
    expect(await listed.json()).toEqual([expect.objectContaining({ id: shift.id, deleted: true })]);
  });

  it('answer 400 for invalid input and 404 for unknown shifts', async () => {
    const bad = await control('POST', '/_sim/shifts', {
      userId: user.id,
      shift_type: 'Dag',
      start_time: '2026-04-01T15:00:00+02:00',
      end_time: '2026-04-01T07:00:00+02:00',
    });
    expect(bad.status).toBe(400);
    expect((await control('POST', '/_sim/shifts/shf_nope/cancel')).status).toBe(404);
    expect((await control('POST', '/_sim/faults/malformed', { kind: 'nonsense' })).status).toBe(400);
  });

  it('refuse a user in a time zone the simulator does not simulate', async () => {
    const refused = await control('POST', '/_sim/users', { email: 'aino@example.fi', name: 'Aino Virtanen', timezone: 'Europe/Helsinki' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('Europe/Stockholm') });
    expect(sim.users.get('aino@example.fi')).toBeUndefined();
  });

  it('set and advance the clock', async () => {
    const set = await control('POST', '/_sim/clock', { set: '2026-05-01T00:00:00Z' });
    expect(Date.parse(((await set.json()) as { now: string }).now)).toBeGreaterThanOrEqual(Date.parse('2026-05-01T00:00:00Z'));
    const advanced = await control('POST', '/_sim/clock', { advanceMs: 3_600_000 });
    expect(Date.parse(((await advanced.json()) as { now: string }).now)).toBeGreaterThanOrEqual(
      Date.parse('2026-05-01T01:00:00Z'),
    );
  });

  it('inject faults, malformed payloads, deprecation and version removal, and clear them', async () => {
    const tokens = await connect(sim);
    expect((await control('POST', '/_sim/faults', { status: 503, path: '/api/v1/schedules' })).status).toBe(204);
    const unavailable = await fetch(new URL('/api/v1/schedules', sim.url), {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await unavailable.json()).toEqual({ error: 'service_unavailable', error_description: expect.any(String) });

    await control('POST', '/_sim/faults/malformed', { kind: 'html_body' });
    const html = await fetch(new URL('/api/v1/schedules', sim.url), {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    expect(html.headers.get('content-type')).toContain('text/html');

    await control('POST', '/_sim/faults/deprecate', { sunset: '2026-12-31T00:00:00Z' });
    await control('POST', '/_sim/faults/remove-version', { removed: true });
    await control('POST', '/_sim/faults/latency', { ms: 10 });
    const gone = await schedules(sim, tokens.access_token);
    expect(gone.status).toBe(410);

    expect((await control('DELETE', '/_sim/faults')).status).toBe(204);
    expect((await schedules(sim, tokens.access_token)).status).toBe(200);
  });

  it('revoke a user’s grants', async () => {
    const tokens = await connect(sim);
    expect((await control('POST', '/_sim/grants/revoke', { userId: user.id })).status).toBe(204);
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(400);
  });

  it('shorten token lifetimes', async () => {
    await control('POST', '/_sim/token-lifetimes', { accessTokenTtlSeconds: 60 });
    const tokens = await connect(sim);
    await control('POST', '/_sim/token-lifetimes', { accessTokenTtlSeconds: 3600 });
    expect(tokens.expires_in).toBe(60);
  });

  it('switch the auto-approve decision', async () => {
    await control('POST', '/_sim/auto-decision', { decision: 'deny' });
    await expect(connect(sim)).rejects.toThrow(/no code/);
    await control('POST', '/_sim/auto-decision', { decision: 'approve' });
    await expect(connect(sim)).resolves.toMatchObject({ token_type: 'Bearer' });
  });
});

describe('observability', () => {
  it('logs requests with client and grant id, never secrets, and counts them', async () => {
    await control('POST', '/_sim/reset-counters');
    const tokens = await connect(sim);
    await schedules(sim, tokens.access_token, { limit: '5' });

    const log = (await (await control('GET', '/_sim/requests')).json()) as typeof sim.requests;
    expect(log.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      'GET /oauth/authorize 302',
      'POST /oauth/token 200',
      'GET /api/v1/schedules 200',
    ]);
    const schedulesEntry = log[2];
    expect(schedulesEntry).toMatchObject({ clientId: 'familyhub-test', query: { limit: '5' } });
    expect(schedulesEntry?.grantId).toMatch(/^grt_/);
    expect(log[1]?.grantId).toBe(schedulesEntry?.grantId);
    expect(JSON.stringify(log)).not.toContain(tokens.access_token);

    const counters = (await (await control('GET', '/_sim/counters')).json()) as typeof sim.counters;
    expect(counters).toMatchObject({ requests: 3, codesExchanged: 1, rateLimited: 0 });
    expect(sim.requests).toHaveLength(3);
  });

  it('clears the live request log and counters in place on reset', async () => {
    const requests = sim.requests;
    sim.resetCounters();
    expect(requests).toHaveLength(0);
    expect(sim.counters.requests).toBe(0);
  });
});

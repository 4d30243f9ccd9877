/**
 * Promises of ../shared/familyhub-api.md that the per-module files leave open: the routes
 * a disabled Tempus integration removes, the login cookie, CSRF from the API's own origin,
 * operator calls with no ADMIN_API_TOKEN configured, `?wait=true` behind a running sync,
 * the expected sync interval, the order and running state of `recentSyncs`, and the sync metrics.
 */
import { describe, expect, it } from 'vitest';
import { createContext, OPERATOR_TOKEN, syncNow, uniqueEmail, WEB_ORIGIN, type Client } from './support/context.js';
import { addDayShifts } from './support/shifts.js';
import { syncsFinished } from './support/syncs.js';

const ctx = await createContext();

/** Long enough that a sync is certainly still running while a test sends its next requests. */
const SLOW_TEMPUS_MS = 1_000;

async function connectedFamily() {
  const parent = await ctx.newParent();
  const simUser = ctx.newSimUser();
  addDayShifts(ctx.sim, simUser.id, [1, 2]);
  const accountId = await ctx.connectTempus(parent.client, simUser);
  return { ...parent, accountId };
}

async function recentSyncs(client: Client) {
  const res = await client.get('/api/tempus/status');
  expect(res.status).toBe(200);
  return res.body.accounts[0].recentSyncs as { id: string; status: string; startedAt: string; finishedAt: string | null }[];
}

/** Runs `body` while every schedules request to Tempus takes SLOW_TEMPUS_MS. */
async function whileTempusIsSlow<T>(body: () => Promise<T>): Promise<T> {
  ctx.sim.faults.latency(SLOW_TEMPUS_MS, '/api/v1/schedules');
  try {
    return await body();
  } finally {
    ctx.sim.faults.clear();
  }
}

let listening: Promise<string> | undefined;
/** The app on a real port (once per file: a Fastify instance listens only once). */
const address = () => (listening ??= ctx.app.listen({ port: 0, host: '127.0.0.1' }));

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parsePrometheus(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [, name, labelText, value] = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...(labelText ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      return { name: name!, labels, value: Number(value) };
    });
}

const matching = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('TEMPUS_ENABLED=false', () => {
  it('answers 404 with the error shape on PATCH /api/tempus/accounts/:id, DELETE /api/tempus/disconnect and GET /api/tempus/stream', async () => {
    const { client, accountId } = await connectedFamily();
    const off = await ctx.buildAnotherApp({ env: { TEMPUS_ENABLED: 'false' } });
    const requests = [
      { method: 'PATCH', url: `/api/tempus/accounts/${accountId}`, payload: { syncEnabled: false } },
      { method: 'DELETE', url: `/api/tempus/disconnect?accountId=${accountId}` },
      { method: 'DELETE', url: '/api/tempus/disconnect', payload: { accountId } },
      { method: 'GET', url: '/api/tempus/stream' },
    ] as const;
    for (const request of requests) {
      // Signed in as the parent who owns the account: the routes are gone, not forbidden.
      const res = await off.inject({ ...request, headers: { cookie: client.cookie! } });
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(404);
      expect(JSON.parse(res.body), `${request.method} ${request.url}`).toEqual({ error: 'not_found', message: expect.any(String) });
    }
    const [account] = (await client.get('/api/tempus/status')).body.accounts;
    expect(account).toMatchObject({ id: accountId, syncEnabled: true, state: 'active' });
  });
});

describe('POST /api/auth/login', () => {
  async function signedUpParent() {
    const email = uniqueEmail('login');
    const password = 'ett-langt-losenord';
    const signup = await ctx.client().post('/api/auth/signup', { email, password, name: 'Karin', familyName: 'Lind' });
    expect(signup.status).toBe(201);
    return { email, password, user: signup.body.user, family: signup.body.family };
  }

  it('answers 200 with the user and their family and sets an HttpOnly, SameSite=Lax cookie, not Secure over http', async () => {
    const { email, password, user, family } = await signedUpParent();
    const client = ctx.client();
    const res = await client.post('/api/auth/login', { email, password });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['family', 'user']);
    expect(res.body.user).toMatchObject({ id: user.id, email, name: 'Karin', role: 'parent' });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    expect(res.body.family).toEqual(family);
    expect(res.body.family).toMatchObject({ id: expect.any(String), name: 'Lind' });

    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^fh_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);
    expect(me.body.family.id).toBe(family.id);
  });

  it('marks the login cookie Secure when the request came over https through the trusted proxy', async () => {
    const { email, password } = await signedUpParent();
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-proto': 'https' }, payload: { email, password } });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^fh_session=/);
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
  });
});

describe('cross-site request forgery', () => {
  it("lets a state-changing request whose Origin is the API's own origin through, over real HTTP", async () => {
    const { client } = await ctx.newParent();
    const base = await address();
    const post = (origin: string) =>
      fetch(`${base}/api/calendar/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: client.cookie!, origin, 'sec-fetch-site': 'same-origin' },
        body: JSON.stringify({ title: 'Föräldramöte', startDate: '2026-12-03T17:00:00Z', endDate: '2026-12-03T18:00:00Z' }),
      });
    const own = await post(base);
    expect(own.status).toBe(201);
    expect(((await own.json()) as { event: unknown }).event).toMatchObject({ title: 'Föräldramöte' });

    // The same host on another port is another origin: the pass above is not a blanket one.
    const otherPort = new URL(base);
    otherPort.port = String(Number(otherPort.port) === 65535 ? 65534 : Number(otherPort.port) + 1);
    const refused = await post(otherPort.origin);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'csrf', message: expect.any(String) });
    expect(WEB_ORIGIN).not.toBe(base);
  });
});

describe('operator calls without ADMIN_API_TOKEN', () => {
  it('answer 401 with the error shape to any bearer token and start no sync', async () => {
    const { client, accountId } = await connectedFamily();
    const before = await recentSyncs(client);
    const noAdmin = await ctx.buildAnotherApp({ env: { ADMIN_API_TOKEN: '' } });
    for (const token of [OPERATOR_TOKEN, 'any-other-token-0123456789']) {
      for (const [url, payload] of [
        ['/api/tempus/sync', { accountId }],
        ['/api/tempus/sync?wait=true', { accountId }],
        ['/api/tempus/sync', {}],
      ] as const) {
        const res = await noAdmin.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });
        expect(res.statusCode, `${url} with token "${token}"`).toBe(401);
        expect(JSON.parse(res.body)).toEqual({ error: expect.any(String), message: expect.any(String) });
      }
    }
    await noAdmin.tempus!.service.drain();
    expect((await recentSyncs(client)).map((s) => s.id)).toEqual(before.map((s) => s.id));
  });
});

describe('POST /api/tempus/sync?wait=true behind a running sync', () => {
  it('queues a sync right after the running one and answers with that sync once it has finished', async () => {
    const { client, accountId } = await connectedFamily();
    const { runningId, waited } = await whileTempusIsSlow(async () => {
      const running = await client.post('/api/tempus/sync', { accountId });
      expect(running.status).toBe(202);
      const waited = await client.post('/api/tempus/sync?wait=true', { accountId });
      return { runningId: running.body.syncs[0].id as string, waited };
    });
    expect(waited.status).toBe(200);
    expect(waited.body.syncs).toHaveLength(1);
    const [sync] = waited.body.syncs;
    expect(sync).toMatchObject({ accountId, status: 'succeeded', trigger: 'manual', error: null });
    expect(sync.id).not.toBe(runningId);
    const recent = await recentSyncs(client);
    const running = recent.find((s) => s.id === runningId)!;
    expect(running.status).toBe('succeeded');
    expect(Date.parse(sync.startedAt)).toBeGreaterThanOrEqual(Date.parse(running.finishedAt!));
  });

  it('joins the sync already queued behind the running one and answers with it', async () => {
    const { client, accountId } = await connectedFamily();
    const [initial] = await recentSyncs(client);
    const { runningId, queuedId, waited } = await whileTempusIsSlow(async () => {
      const running = await client.post('/api/tempus/sync', { accountId });
      const queued = await client.post('/api/tempus/sync', { accountId });
      expect([running.status, queued.status]).toEqual([202, 202]);
      const waited = await client.post('/api/tempus/sync?wait=true', { accountId });
      return { runningId: running.body.syncs[0].id as string, queuedId: queued.body.syncs[0].id as string, waited };
    });
    expect(queuedId).not.toBe(runningId);
    expect(waited.status).toBe(200);
    expect(waited.body.syncs).toEqual([expect.objectContaining({ id: queuedId, accountId, status: 'succeeded' })]);
    // Waiting added no sync of its own.
    expect((await recentSyncs(client)).map((s) => s.id)).toEqual([queuedId, runningId, initial!.id]);
  });
});

describe('GET /api/tempus/status syncIntervalSeconds', () => {
  it('tells the web app how often background syncs are expected: every TEMPUS_SYNC_CRON at the slowest', async () => {
    const { client } = await connectedFamily();
    const [account] = (await client.get('/api/tempus/status')).body.accounts;
    expect(account.syncIntervalSeconds).toBe(6 * 3600);
    const hourly = await ctx.buildAnotherApp({ env: { TEMPUS_SYNC_CRON: '0 * * * *' } });
    const res = await hourly.inject({ method: 'GET', url: '/api/tempus/status', headers: { cookie: client.cookie! } });
    expect(JSON.parse(res.body).accounts[0].syncIntervalSeconds).toBe(3600);
  });
});

describe('GET /api/tempus/status recentSyncs', () => {
  it('lists the newest sync first', async () => {
    const { client, accountId } = await connectedFamily();
    const [initial] = await recentSyncs(client);
    const [first] = await syncNow(client, accountId);
    const [second] = await syncNow(client, accountId);
    const recent = await recentSyncs(client);
    expect(recent.map((s) => s.id)).toEqual([second.id, first.id, initial!.id]);
    const starts = recent.map((s) => Date.parse(s.startedAt));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('shows a sync as running while it runs, then as finished', async () => {
    const { client, accountId } = await connectedFamily();
    const seenRunning = await whileTempusIsSlow(async () => {
      const started = await client.post('/api/tempus/sync', { accountId });
      expect(started.status).toBe(202);
      const id = started.body.syncs[0].id as string;
      // The sync log row appears once the sync has taken the account's lease.
      const deadline = Date.now() + SLOW_TEMPUS_MS * 5;
      for (;;) {
        const newest = (await recentSyncs(client))[0]!;
        if (newest.id === id || Date.now() > deadline) return newest;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    expect(seenRunning).toMatchObject({ status: 'running', finishedAt: null });
    await syncsFinished(ctx.database.db, [seenRunning.id]);
    const [finished] = await recentSyncs(client);
    expect(finished).toMatchObject({ id: seenRunning.id, status: 'succeeded' });
    expect(Date.parse(finished!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(finished!.startedAt));
  });
});

describe('GET /metrics after a sync', () => {
  it('counts the succeeded sync in familyhub_tempus_syncs_total and records its duration in the histogram buckets', async () => {
    const { client, accountId } = await connectedFamily();
    const labels = { type: 'incremental', status: 'succeeded' };
    const counted = (text: string) => matching(parsePrometheus(text), 'familyhub_tempus_syncs_total', labels).reduce((n, s) => n + s.value, 0);
    const before = counted((await ctx.client().get('/metrics')).text);

    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject(labels);

    const res = await ctx.client().get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE familyhub_tempus_syncs_total counter');
    expect(res.text).toContain('# TYPE familyhub_tempus_sync_duration_seconds histogram');
    const after = counted(res.text);
    expect(after).toBe(before + 1);

    const samples = parsePrometheus(res.text);
    const buckets = matching(samples, 'familyhub_tempus_sync_duration_seconds_bucket', labels);
    const bounds = buckets.map((b) => b.labels.le!);
    expect(bounds.length).toBeGreaterThan(2);
    expect(bounds.at(-1)).toBe('+Inf');
    const finite = bounds.slice(0, -1).map(Number);
    expect(finite).toEqual([...finite].sort((a, b) => a - b));
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(after);
    expect(matching(samples, 'familyhub_tempus_sync_duration_seconds_count', labels)).toEqual([expect.objectContaining({ value: after })]);
    expect(matching(samples, 'familyhub_tempus_sync_duration_seconds_sum', labels)[0]!.value).toBeGreaterThan(0);
  });
});

/**
 * The authorization matrix: every route × every kind of caller, with the status each cell
 * must answer. A cell that should refuse and does not is a data leak or a takeover.
 */
import { createECDH } from 'node:crypto';
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import { Client, createContext, OPERATOR_TOKEN, uniqueEmail } from '../support/context.js';
import { startFeedServer } from '../support/feed-server.js';
import { syncIdsOf, syncsFinished } from '../support/syncs.js';
import { expectErrorShape } from './support/faults.js';

const vapid = webpush.generateVAPIDKeys();
const ctx = await createContext({
  env: {
    ICS_ALLOW_PRIVATE_HOSTS: 'true',
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    VAPID_SUBJECT: 'mailto:drift@familjehubben.example',
    PUSH_ENDPOINT_HOSTS: '127.0.0.1',
  },
});
const feeds = await startFeedServer();
const FEED = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20270101T080000Z\r\nDTEND:20270101T160000Z\r\nSUMMARY:Dag\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
let feedPaths = 0;
/** A feed URL no family subscribes to yet. */
function freshFeedUrl() {
  const path = `/matrix-${++feedPaths}.ics`;
  feeds.set(path, { body: FEED });
  return `${feeds.origin}${path}`;
}
const PASSWORD = 'korrekt-hast-batteri';

const familyA = await ctx.newParent('Anna');
const coParent = await ctx.newMember(familyA.client, 'parent', 'Erik');
const member = await ctx.newMember(familyA.client, 'member', 'Elsa');
const familyB = await ctx.newParent('Bo');
const accountA = await ctx.connectTempus(familyA.client, ctx.newSimUser());
const DEC = `from=${encodeURIComponent('2026-12-01T00:00:00Z')}&to=${encodeURIComponent('2027-01-01T00:00:00Z')}`;

async function newEventOfA() {
  const res = await familyA.client.post('/api/calendar/events', { title: 'Tandläkare', startDate: '2026-12-03T10:00:00Z', endDate: '2026-12-03T11:00:00Z' });
  expect(res.status).toBe(201);
  return res.body.event.id as string;
}
const eventA = await newEventOfA();
async function newEventOfMember() {
  const res = await member.client.post('/api/calendar/events', { title: 'Fotboll', startDate: '2026-12-05T10:00:00Z', endDate: '2026-12-05T11:00:00Z' });
  expect(res.status).toBe(201);
  return res.body.event.id as string;
}
const eventOfMember = await newEventOfMember();

async function newSubscriptionOfA() {
  const res = await familyA.client.post('/api/calendar/subscriptions', { url: freshFeedUrl() });
  expect(res.status).toBe(201);
  return res.body.subscription.id as string;
}
const subscriptionA = await newSubscriptionOfA();
async function newChildOfA() {
  const res = await familyA.client.post('/api/family/children', { name: 'Elsa' });
  expect(res.status).toBe(201);
  return res.body.child.id as string;
}
const childA = await newChildOfA();
const DAY = '2026-12-07';
const ROUTINE = { careName: 'Förskolan Solrosen', days: [{ weekday: 1, dropOffAt: '08:00', pickUpAt: '16:30', dropOffBy: familyA.user.id, pickUpBy: coParent.user.id }] };
/** A browser's push subscription (never pushed to: nothing listens at port 9). */
const browserKey = createECDH('prime256v1');
browserKey.generateKeys();
const pushSubscription = (n: number) => ({
  endpoint: `http://127.0.0.1:9/push/${n}`,
  keys: { p256dh: browserKey.getPublicKey().toString('base64url'), auth: 'A'.repeat(22) },
});
let pushDevices = 0;

/** The path of a new private calendar address of family A's parent. */
async function feedPathOfA() {
  const res = await familyA.client.post('/api/calendar/feed');
  expect(res.status).toBe(201);
  return new URL(res.body.url).pathname;
}

/** A new client carrying the caller's session, so a cell that signs in or out cannot change who later cells are. */
const as = (client: Client) => () => Object.assign(new Client(ctx.app), { cookie: client.cookie });
const callers = {
  anonymous: () => new Client(ctx.app),
  member: as(member.client),
  parent: as(familyA.client),
  coParent: as(coParent.client),
  otherFamilyParent: as(familyB.client),
  operator: () => new Client(ctx.app, { authorization: `Bearer ${OPERATOR_TOKEN}` }),
  wrongOperator: () => new Client(ctx.app, { authorization: 'Bearer not-the-operator-token-0123456789' }),
} as const;
type Caller = keyof typeof callers;

/** A second session of the same person, for the cells that end a session. */
async function freshSession(caller: Caller): Promise<Client> {
  const email = { member: member.user.email, parent: familyA.user.email, coParent: coParent.user.email, otherFamilyParent: familyB.user.email }[caller as string];
  if (!email) return callers[caller]();
  const client = new Client(ctx.app);
  expect((await client.post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
  return client;
}

interface Route {
  name: string;
  call: (client: Client, caller: Caller) => Promise<{ status: number; text: string; body: any; headers: Record<string, unknown> }>;
  expect: Record<Caller, number>;
}

const everyone = (status: number): Record<Caller, number> => ({ anonymous: status, member: status, parent: status, coParent: status, otherFamilyParent: status, operator: status, wrongOperator: status });
const familyOnly = (member: number, parent: number, coParent: number, other: number): Record<Caller, number> => ({
  anonymous: 401,
  member,
  parent,
  coParent,
  otherFamilyParent: other,
  operator: 401,
  wrongOperator: 401,
});

const routes: Route[] = [
  { name: 'GET /healthz', call: (c) => c.get('/healthz'), expect: everyone(200) },
  { name: 'GET /readyz', call: (c) => c.get('/readyz'), expect: everyone(200) },
  { name: 'GET /docs', call: (c) => c.get('/docs'), expect: everyone(200) },
  { name: 'GET /metrics', call: (c) => c.get('/metrics'), expect: everyone(200) },
  {
    name: 'POST /api/auth/signup',
    call: (c) => c.post('/api/auth/signup', { email: uniqueEmail(), password: PASSWORD, name: 'Ny', familyName: 'Ny familj' }),
    expect: everyone(201),
  },
  { name: 'POST /api/auth/login', call: () => new Client(ctx.app).post('/api/auth/login', { email: familyB.user.email, password: PASSWORD }), expect: everyone(200) },
  { name: 'POST /api/auth/logout', call: async (_c, caller) => (await freshSession(caller)).post('/api/auth/logout'), expect: everyone(204) },
  { name: 'GET /api/me', call: (c) => c.get('/api/me'), expect: familyOnly(200, 200, 200, 200) },
  {
    name: 'POST /api/family/members',
    call: (c) => c.post('/api/family/members', { email: uniqueEmail(), password: PASSWORD, name: 'Nisse', role: 'member' }),
    expect: familyOnly(403, 201, 201, 201),
  },
  {
    name: 'PATCH /api/family/members/:id',
    call: (c) => c.patch(`/api/family/members/${member.user.id}`, { color: 'teal' }),
    expect: familyOnly(403, 200, 200, 404),
  },
  { name: 'GET /api/calendar/events', call: (c) => c.get(`/api/calendar/events?${DEC}`), expect: familyOnly(200, 200, 200, 200) },
  {
    name: 'POST /api/calendar/events',
    call: (c) => c.post('/api/calendar/events', { title: 'Möte', startDate: '2026-12-04T10:00:00Z', endDate: '2026-12-04T11:00:00Z' }),
    expect: familyOnly(201, 201, 201, 201),
  },
  { name: "PATCH /api/calendar/events/:id (a parent's event)", call: (c) => c.patch(`/api/calendar/events/${eventA}`, { title: 'Tandläkare 10:00' }), expect: familyOnly(403, 200, 200, 404) },
  { name: "DELETE /api/calendar/events/:id (a parent's event)", call: async (c) => c.delete(`/api/calendar/events/${await newEventOfA()}`), expect: familyOnly(403, 204, 204, 404) },
  { name: "PATCH /api/calendar/events/:id (the member's own event)", call: (c) => c.patch(`/api/calendar/events/${eventOfMember}`, { title: 'Fotbollsmatch' }), expect: familyOnly(200, 200, 200, 404) },
  { name: "DELETE /api/calendar/events/:id (the member's own event)", call: async (c) => c.delete(`/api/calendar/events/${await newEventOfMember()}`), expect: familyOnly(204, 204, 204, 404) },
  { name: 'POST /api/tempus/connect', call: (c) => c.post('/api/tempus/connect'), expect: familyOnly(403, 200, 200, 200) },
  { name: 'GET /api/tempus/callback', call: (c) => c.get('/api/tempus/callback?code=abc&state=forged'), expect: everyone(302) },
  { name: 'GET /api/tempus/status', call: (c) => c.get('/api/tempus/status'), expect: familyOnly(200, 200, 200, 200) },
  { name: 'PATCH /api/tempus/accounts/:id', call: (c) => c.patch(`/api/tempus/accounts/${accountA}`, { syncEnabled: true }), expect: familyOnly(403, 200, 403, 404) },
  {
    name: 'DELETE /api/tempus/disconnect',
    call: async (c, caller) => {
      // The owner's cell disconnects an account of its own; every other cell aims at account A.
      const target = caller === 'parent' ? await ctx.connectTempus(familyA.client, ctx.newSimUser()) : accountA;
      return c.request('DELETE', `/api/tempus/disconnect?accountId=${target}`);
    },
    expect: familyOnly(403, 204, 403, 404),
  },
  {
    name: 'POST /api/tempus/sync (one account)',
    call: (c) => c.post('/api/tempus/sync', { accountId: accountA }),
    expect: { ...familyOnly(403, 202, 202, 404), operator: 202 },
  },
  {
    name: 'POST /api/calendar/subscriptions',
    call: (c) => c.post('/api/calendar/subscriptions', { url: freshFeedUrl() }),
    expect: familyOnly(403, 201, 201, 201),
  },
  { name: 'GET /api/calendar/subscriptions', call: (c) => c.get('/api/calendar/subscriptions'), expect: familyOnly(200, 200, 200, 200) },
  {
    name: 'PATCH /api/calendar/subscriptions/:id',
    call: (c) => c.patch(`/api/calendar/subscriptions/${subscriptionA}`, { name: 'Annas pass' }),
    expect: familyOnly(403, 200, 403, 404),
  },
  {
    name: 'POST /api/calendar/subscriptions/:id/sync',
    call: (c) => c.post(`/api/calendar/subscriptions/${subscriptionA}/sync`),
    expect: familyOnly(403, 200, 200, 404),
  },
  {
    name: 'DELETE /api/calendar/subscriptions/:id',
    // The owner's cell removes a subscription of its own; every other cell aims at subscription A.
    call: async (c, caller) => c.delete(`/api/calendar/subscriptions/${caller === 'parent' ? await newSubscriptionOfA() : subscriptionA}`),
    expect: familyOnly(403, 204, 403, 404),
  },
  { name: 'POST /api/calendar/feed', call: (c) => c.post('/api/calendar/feed'), expect: familyOnly(201, 201, 201, 201) },
  { name: 'GET /api/calendar/feed', call: (c) => c.get('/api/calendar/feed'), expect: familyOnly(200, 200, 200, 200) },
  { name: 'DELETE /api/calendar/feed', call: (c) => c.delete('/api/calendar/feed'), expect: familyOnly(204, 204, 204, 204) },
  // The secret in the address is the credential: whoever holds it reads, whatever else they send.
  { name: 'GET /feed/:secret.ics', call: async (c) => c.get(await feedPathOfA()), expect: everyone(200) },
  { name: 'GET /feed/:secret.ics (unknown secret)', call: (c) => c.get(`/feed/${'A'.repeat(43)}.ics`), expect: everyone(404) },
  { name: 'POST /api/family/children', call: (c) => c.post('/api/family/children', { name: 'Nils' }), expect: familyOnly(403, 201, 201, 201) },
  { name: 'GET /api/family/children', call: (c) => c.get('/api/family/children'), expect: familyOnly(200, 200, 200, 200) },
  { name: 'PATCH /api/family/children/:id', call: (c) => c.patch(`/api/family/children/${childA}`, { name: 'Elsa Svensson' }), expect: familyOnly(403, 200, 200, 404) },
  {
    name: 'DELETE /api/family/children/:id',
    // A parent's cell removes a child of its own; every other cell aims at child A.
    call: async (c, caller) => c.delete(`/api/family/children/${caller === 'parent' || caller === 'coParent' ? await newChildOfA() : childA}`),
    expect: familyOnly(403, 204, 204, 404),
  },
  { name: 'PUT /api/family/children/:id/routine', call: (c) => c.request('PUT', `/api/family/children/${childA}/routine`, { body: ROUTINE }), expect: familyOnly(403, 200, 200, 404) },
  { name: 'PUT /api/family/children/:id/days/:date', call: (c) => c.request('PUT', `/api/family/children/${childA}/days/${DAY}`, { body: { pickUpBy: familyA.user.id } }), expect: familyOnly(403, 200, 200, 404) },
  { name: 'DELETE /api/family/children/:id/days/:date', call: (c) => c.delete(`/api/family/children/${childA}/days/${DAY}`), expect: familyOnly(403, 204, 204, 404) },
  { name: 'GET /api/pickups', call: (c) => c.get('/api/pickups?from=2026-12-01&to=2026-12-31'), expect: familyOnly(200, 200, 200, 200) },
  { name: 'GET /api/notifications', call: (c) => c.get('/api/notifications'), expect: familyOnly(200, 200, 200, 200) },
  { name: 'POST /api/notifications/read', call: (c) => c.post('/api/notifications/read', { ids: [eventA] }), expect: familyOnly(204, 204, 204, 204) },
  { name: 'GET /api/notifications/preferences', call: (c) => c.get('/api/notifications/preferences'), expect: familyOnly(200, 200, 200, 200) },
  {
    name: 'PUT /api/notifications/preferences',
    call: (c) => c.request('PUT', '/api/notifications/preferences', { body: { kinds: { shift_changed: true, pickup_conflict: true, pickup_resolved: true } } }),
    expect: familyOnly(200, 200, 200, 200),
  },
  { name: 'GET /api/notifications/push', call: (c) => c.get('/api/notifications/push'), expect: familyOnly(200, 200, 200, 200) },
  { name: 'POST /api/notifications/push/subscriptions', call: (c) => c.post('/api/notifications/push/subscriptions', pushSubscription(++pushDevices)), expect: familyOnly(201, 201, 201, 201) },
  { name: 'POST /api/notifications/push/unsubscribe', call: (c) => c.post('/api/notifications/push/unsubscribe', { endpoint: pushSubscription(1).endpoint }), expect: familyOnly(204, 204, 204, 204) },
  { name: 'POST /api/tempus/sync (all accounts)', call: (c) => c.post('/api/tempus/sync', {}), expect: { ...familyOnly(403, 202, 202, 202), operator: 202 } },
];

describe('authorization matrix', () => {
  const cells = routes.flatMap((route) => (Object.keys(callers) as Caller[]).map((caller) => [route.name, caller, route.expect[caller], route] as const));

  it.each(cells)('%s as %s answers %i', async (_name, caller, status, route) => {
    const res = await route.call(callers[caller](), caller);
    expect(res.status, res.text.slice(0, 200)).toBe(status);
    if (status >= 400) expectErrorShape(res);
    if (status === 302) expect(new URL(String(res.headers.location)).searchParams.get('error')).toBe('invalid_state');
    await syncsFinished(ctx.database.db, syncIdsOf(res));
  });

  it('streams sync events only to members of the family', async () => {
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const open = async (headers: Record<string, string>) => {
      const abort = new AbortController();
      const res = await fetch(`${address}/api/tempus/stream`, { headers, signal: abort.signal });
      abort.abort();
      return res.status;
    };
    const cookie = (c: Client) => ({ cookie: c.cookie! });
    expect(await open({})).toBe(401);
    expect(await open({ authorization: `Bearer ${OPERATOR_TOKEN}` })).toBe(401);
    expect(await open(cookie(member.client))).toBe(200);
    expect(await open(cookie(familyA.client))).toBe(200);
    expect(await open(cookie(familyB.client))).toBe(200);
  });

  it("never shows a parent of another family this family's events or Tempus accounts", async () => {
    const events = (await familyB.client.get(`/api/calendar/events?${DEC}`)).body.events as { id: string }[];
    expect(events.map((e) => e.id)).not.toContain(eventA);
    const status = (await familyB.client.get('/api/tempus/status')).body.accounts as { id: string }[];
    expect(status.map((a) => a.id)).not.toContain(accountA);
    const subscriptions = (await familyB.client.get('/api/calendar/subscriptions')).body.subscriptions as { id: string }[];
    expect(subscriptions.map((s) => s.id)).not.toContain(subscriptionA);
    const me = (await familyB.client.get('/api/me')).body;
    expect(me.members.map((m: { id: string }) => m.id)).not.toContain(familyA.user.id);
    const children = (await familyB.client.get('/api/family/children')).body.children as { id: string }[];
    expect(children.map((c) => c.id)).not.toContain(childA);
    const days = (await familyB.client.get('/api/pickups?from=2026-12-01&to=2026-12-31')).body.days as { childId: string }[];
    expect(days.map((d) => d.childId)).not.toContain(childA);
  });

  it('keeps account A intact after every refused cell', async () => {
    const members = (await familyA.client.get('/api/me')).body.members as { id: string; color: string }[];
    expect(members.find((m) => m.id === member.user.id)?.color).toBe('teal');
    expect(members.find((m) => m.id === familyA.user.id)?.color).toBe('blue');
    const status = (await familyA.client.get('/api/tempus/status')).body.accounts as { id: string }[];
    expect(status.map((a) => a.id)).toContain(accountA);
    const events = (await familyA.client.get(`/api/calendar/events?${DEC}`)).body.events as { id: string; title: string }[];
    expect(events.find((e) => e.id === eventA)?.title).toBe('Tandläkare 10:00');
    const subscriptions = (await familyA.client.get('/api/calendar/subscriptions')).body.subscriptions as { id: string; name: string }[];
    expect(subscriptions.find((s) => s.id === subscriptionA)?.name).toBe('Annas pass');
    const child = ((await familyA.client.get('/api/family/children')).body.children as { id: string; name: string; routine: unknown }[]).find((c) => c.id === childA);
    expect(child).toMatchObject({ name: 'Elsa Svensson', routine: ROUTINE });
  });
});

/**
 * Bad input against every route of the OpenAPI document (GET /docs): malformed JSON, wrong
 * types, huge bodies, unknown fields, SQL-ish and script-ish strings, out-of-range dates and
 * ids. Every answer is a 4xx (or an ordinary success) with the shared error shape, never a
 * 500 and never a stack trace. fast-check explores the bodies and queries beyond the list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Client, createContext, WEB_ORIGIN } from '../support/context.js';
import { expectErrorShape } from './support/faults.js';

const ctx = await createContext();
const parent = await ctx.newParent();
const created = await parent.client.post('/api/calendar/events', { title: 'Simskola', startDate: '2026-12-10T18:00:00Z', endDate: '2026-12-10T19:00:00Z' });
const ownEventId = created.body.event.id as string;

const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1 UNION SELECT password_hash FROM users',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '%00\u0000nul',
  '\u202e\ud83d\ude00 emoji and bidi',
  'x'.repeat(20_000),
  '',
  ' ',
];
const HOSTILE_IDS = ['not-a-uuid', '0', '-1', '99999999999999999999999', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1", '<script>', '%2e%2e%2f', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
const HOSTILE_DATES = ['0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '9999-12-31T23:59:59Z', '2026-13-45T25:61:00Z', '2026-02-30T10:00:00Z', '1970-01-01', 'yesterday', '2026-12-01T10:00:00', '-1', '1e400'];
const HOSTILE_VALUES: unknown[] = [null, 0, -1, 1e308, true, [], {}, ['a'], { $ne: null }, ...HOSTILE_STRINGS, ...HOSTILE_DATES];

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[];
  hasBody: boolean;
}

async function operations(): Promise<Operation[]> {
  const docs = await ctx.client().get('/docs');
  expect(docs.status).toBe(200);
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(docs.body.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const params = (op.parameters ?? []) as { in: string; name: string }[];
      const schema = op.requestBody?.content?.['application/json']?.schema;
      const props = schema?.properties ?? schema?.anyOf?.find((s: any) => s.properties)?.properties ?? {};
      out.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: Object.keys(props),
        hasBody: Boolean(op.requestBody),
      });
    }
  }
  return out;
}

function fillPath(op: Operation, id: string) {
  return op.pathParams.reduce((p, name) => p.replace(`{${name}}`, encodeURIComponent(id)), op.path);
}

/** One hostile request; the stream route is only called anonymously, since a signed-in one never ends. */
async function send(op: Operation, opts: { url?: string; payload?: string; contentType?: string; client?: Client }) {
  const signedIn = op.path !== '/api/tempus/stream' && op.path !== '/api/auth/logout';
  const res = await ctx.app.inject({
    method: op.method as 'GET',
    url: opts.url ?? fillPath(op, ownEventId),
    headers: {
      ...(signedIn && parent.client.cookie && { cookie: parent.client.cookie }),
      ...(opts.payload !== undefined && { 'content-type': opts.contentType ?? 'application/json' }),
    },
    ...(opts.payload !== undefined && { payload: opts.payload }),
  });
  return { status: res.statusCode, text: res.body, headers: res.headers };
}

function expectNoServerError(op: Operation, res: { status: number; text: string; headers: Record<string, unknown> }, what: string) {
  const context = `${op.method} ${op.path} with ${what.slice(0, 120)}`;
  expect(res.status, `${context}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
  if (res.status >= 400) expectErrorShape(res, context);
  if (res.status >= 300 && res.status < 400) {
    // Redirects only ever go to the web app, whatever the input.
    expect(String(res.headers.location).startsWith(`${WEB_ORIGIN}/`), context).toBe(true);
  }
}

const ops = await operations();

describe('bad input on every route of the OpenAPI document', () => {
  it('finds the documented routes to attack', () => {
    expect(ops.length).toBeGreaterThanOrEqual(15);
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/auth/signup',
        'PATCH /api/calendar/events/{id}',
        'PATCH /api/family/members/{id}',
        'POST /api/tempus/sync',
        'POST /api/calendar/subscriptions',
        'POST /api/calendar/subscriptions/{id}/sync',
        'POST /api/calendar/feed',
        'GET /feed/{secret}.ics',
        'PUT /api/family/children/{id}/routine',
        'PUT /api/family/children/{id}/days/{date}',
        'GET /api/pickups',
        'POST /api/notifications/read',
        'PUT /api/notifications/preferences',
        'POST /api/notifications/push/subscriptions',
      ]),
    );
  });

  it.each(ops.map((op) => [`${op.method} ${op.path}`, op] as const))('answers bad input to %s with a 4xx and the error shape, never a 500', async (_name, op) => {
    const cases: { what: string; url?: string; payload?: string; contentType?: string }[] = [];
    for (const id of op.pathParams.length ? HOSTILE_IDS : []) cases.push({ what: `path id ${id}`, url: fillPath(op, id) });
    for (const name of op.queryParams) {
      for (const value of [...HOSTILE_STRINGS, ...HOSTILE_DATES]) {
        const query = new URLSearchParams(op.queryParams.map((q): [string, string] => [q, q === name ? value : '2026-12-01T00:00:00Z']));
        cases.push({ what: `query ${name}=${value}`, url: `${fillPath(op, ownEventId)}?${query}` });
      }
      cases.push({ what: `repeated query ${name}`, url: `${fillPath(op, ownEventId)}?${name}=a&${name}=b` });
    }
    if (op.method !== 'GET') {
      cases.push({ what: 'malformed JSON', payload: '{"title": ' });
      cases.push({ what: 'a JSON string', payload: '"just a string"' });
      cases.push({ what: 'a JSON array', payload: '[1,2,3]' });
      cases.push({ what: 'JSON null', payload: 'null' });
      cases.push({ what: 'a huge body', payload: JSON.stringify({ title: 'x'.repeat(300 * 1024) }) });
      cases.push({ what: 'deep nesting', payload: `${'['.repeat(5_000)}${']'.repeat(5_000)}` });
      cases.push({ what: 'form-encoded body', payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' });
      cases.push({ what: 'prototype pollution', payload: '{"__proto__": {"role": "parent"}, "constructor": {"prototype": {"admin": true}}}' });
      for (const field of op.bodyFields) {
        for (const value of HOSTILE_VALUES) cases.push({ what: `${field}=${JSON.stringify(value)?.slice(0, 60)}`, payload: JSON.stringify({ [field]: value, unknownField: value }) });
      }
    }
    for (const c of cases) expectNoServerError(op, await send(op, c), c.what);
  });
});

describe('generated bodies and queries (fast-check)', () => {
  const jsonBody = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        title: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
        startDate: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.integer()),
        endDate: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.integer()),
        allDay: fc.oneof(fc.boolean(), fc.string()),
        location: fc.oneof(fc.string({ maxLength: 300 }), fc.constant(null), fc.integer()),
        note: fc.oneof(fc.string({ maxLength: 3000 }), fc.constant(null)),
      },
      { requiredKeys: [] },
    ),
  );

  it('never answers a 500 to any JSON body on the calendar write routes', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBody, fc.constantFrom('POST /api/calendar/events', 'PATCH /api/calendar/events/{id}'), async (body, route) => {
        const op = ops.find((o) => `${o.method} ${o.path}` === route)!;
        const res = await send(op, { payload: JSON.stringify(body) });
        expectNoServerError(op, res, JSON.stringify(body));
        if (res.status === 200 || res.status === 201) {
          const event = JSON.parse(res.text).event;
          expect(Date.parse(event.startDate)).toBeLessThan(Date.parse(event.endDate));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never answers a 500 to any from/to on the calendar listing', async () => {
    const op = ops.find((o) => o.method === 'GET' && o.path === '/api/calendar/events')!;
    const when = fc.oneof(fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'Invalid' : d.toISOString())), fc.string({ maxLength: 40 }));
    await fc.assert(
      fc.asyncProperty(when, when, async (from, to) => {
        const res = await send(op, { url: `/api/calendar/events?${new URLSearchParams({ from, to })}` });
        expectNoServerError(op, res, `from=${from} to=${to}`);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
  });

  it('never answers a 500 to any from/to on the pickups listing, and answers at most 62 days', async () => {
    const op = ops.find((o) => o.method === 'GET' && o.path === '/api/pickups')!;
    const day = fc.oneof(fc.date({ min: new Date('1990-01-01'), max: new Date('2110-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.string({ maxLength: 12 }));
    await fc.assert(
      fc.asyncProperty(day, day, async (from, to) => {
        const res = await send(op, { url: `/api/pickups?${new URLSearchParams({ from, to })}` });
        expectNoServerError(op, res, `from=${from} to=${to}`);
        expect([200, 400]).toContain(res.status);
        if (res.status === 200) expect(new Set(JSON.parse(res.text).days.map((d: { date: string }) => d.date)).size).toBeLessThanOrEqual(62);
      }),
      { numRuns: 100 },
    );
  });

  it('never answers a 500 to any routine or day change body', async () => {
    const child = await parent.client.post('/api/family/children', { name: 'Elsa' });
    const time = fc.oneof(fc.constantFrom('08:00', '16:30', '24:00', '7:5', ''), fc.string({ maxLength: 6 }));
    const routineDay = fc.record({ weekday: fc.oneof(fc.integer({ min: -1, max: 9 }), fc.string()), dropOffAt: time, pickUpAt: time, dropOffBy: fc.constantFrom(null, parent.user.id, 'x'), pickUpBy: fc.constantFrom(null, parent.user.id) }, { requiredKeys: [] });
    const routine = fc.record({ careName: fc.string({ maxLength: 120 }), days: fc.array(routineDay, { maxLength: 9 }) }, { requiredKeys: [] });
    const change = fc.record({ dropOffBy: fc.constantFrom(null, parent.user.id, 'x'), pickUpAt: time, noCare: fc.oneof(fc.boolean(), fc.string()), note: fc.string({ maxLength: 120 }) }, { requiredKeys: [] });
    const routineOp = ops.find((o) => o.method === 'PUT' && o.path === '/api/family/children/{id}/routine')!;
    const dayOp = ops.find((o) => o.method === 'PUT' && o.path === '/api/family/children/{id}/days/{date}')!;
    await fc.assert(
      fc.asyncProperty(routine, change, async (r, c) => {
        const id = child.body.child.id as string;
        expectNoServerError(routineOp, await send(routineOp, { url: `/api/family/children/${id}/routine`, payload: JSON.stringify(r) }), JSON.stringify(r));
        expectNoServerError(dayOp, await send(dayOp, { url: `/api/family/children/${id}/days/2026-12-10`, payload: JSON.stringify(c) }), JSON.stringify(c));
      }),
      { numRuns: 60 },
    );
  });

  it('never answers a 500 to any sign-up or login body', async () => {
    const accountBody = fc.record(
      { email: fc.oneof(fc.emailAddress(), fc.string({ maxLength: 300 })), password: fc.string({ maxLength: 300 }), name: fc.string({ maxLength: 150 }), familyName: fc.string({ maxLength: 150 }), role: fc.string() },
      { requiredKeys: [] },
    );
    const signup = ops.find((o) => o.path === '/api/auth/signup')!;
    const addMember = ops.find((o) => o.path === '/api/family/members')!;
    await fc.assert(
      fc.asyncProperty(accountBody, fc.constantFrom(signup, addMember), async (body, op) => {
        expectNoServerError(op, await send(op, { payload: JSON.stringify(body) }), JSON.stringify(body));
      }),
      { numRuns: 40 },
    );
  });
});

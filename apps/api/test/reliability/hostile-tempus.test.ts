/**
 * Hostile Tempus responses, served by the simulator over HTTP: wrong types, missing fields,
 * end before start, 10,000-character shift types, HTML where JSON was promised, a page ten
 * times the allowed size. Each sync fails cleanly with a recorded reason, the calendar keeps
 * its last good state, and the next good sync catches up. (A page that repeats an id is not
 * hostile: its newest version is kept, see tempus-faults.test.ts.)
 */
import type { MalformedKind } from '@familyhub/tempus-sim';
import { describe, expect, it } from 'vitest';
import { calendar, createContext, syncNow } from '../support/context.js';
import { addDayShifts } from '../support/shifts.js';

const ctx = await createContext();

async function connectedWithShifts() {
  const parent = await ctx.newParent();
  const simUser = ctx.newSimUser();
  const shifts = addDayShifts(ctx.sim, simUser.id, [1, 2, 3]);
  const accountId = await ctx.connectTempus(parent.client, simUser);
  return { ...parent, simUser, shifts, accountId };
}

const tempusEvents = async (client: Parameters<typeof calendar>[0]) => (await calendar(client)).filter((e) => e.source === 'tempus');

const KINDS: MalformedKind[] = ['wrong_types', 'missing_field', 'end_before_start', 'huge_shift_type', 'html_body', 'huge_page'];

describe('hostile Tempus responses', () => {
  it.each(KINDS)('fails the sync cleanly on %s, records why and keeps the last good calendar', async (kind) => {
    const { client, accountId, simUser } = await connectedWithShifts();
    const before = await tempusEvents(client);
    expect(before).toHaveLength(3);

    // Something changed at Tempus, but the answer carrying it is damaged.
    ctx.sim.clock.advance(1_000);
    addDayShifts(ctx.sim, simUser.id, [4]);
    ctx.sim.faults.malformedShifts(kind, 1);
    const [sync] = await syncNow(client, accountId);
    expect(sync, JSON.stringify(sync)).toMatchObject({ status: 'failed', created: 0, updated: 0, deleted: 0, error: { code: 'invalid_response' } });
    // The recorded reason is short and names no payload (a 10,000-character value never lands in it).
    expect(sync.error.message.length).toBeLessThan(300);
    expect(await tempusEvents(client)).toEqual(before);

    const status = (await client.get('/api/tempus/status')).body.accounts[0];
    expect(status).toMatchObject({ state: 'active', lastError: { code: 'invalid_response' } });

    const [next] = await syncNow(client, accountId);
    expect(next).toMatchObject({ status: 'succeeded', created: 1 });
    expect(await tempusEvents(client)).toHaveLength(4);
  });

  it.each([
    ['an HTML 502 from a proxy', { status: 502, body: '<html><body>Bad gateway</body></html>' }],
    ['an HTML 503 with Retry-After', { status: 503, body: '<html><body>Underhåll</body></html>', headers: { 'Retry-After': '1' } }],
    ['a 500 with a JSON body', { status: 500, body: '{"error":"server_error"}' }],
    ['a 200 whose body is not JSON at all', { status: 200, body: 'OK', contentType: 'text/plain' }],
    ['a 200 with an empty JSON object', { status: 200, body: '{}' }],
    ['a 200 with data that is not an array', { status: 200, body: '{"data":"shf_1","next_cursor":null,"server_time":"2026-03-20T08:00:00Z"}' }],
  ] as const)('fails the sync cleanly on %s and keeps the calendar', async (_name, fault) => {
    const { client, accountId } = await connectedWithShifts();
    const before = await tempusEvents(client);
    ctx.sim.faults.fail({ ...fault, path: '/api/v1/schedules', count: 20 });
    try {
      const [sync] = await syncNow(client, accountId);
      expect(sync).toMatchObject({ status: 'failed', error: { code: expect.stringMatching(/^(invalid_response|unavailable|request_failed|circuit_open)$/) } });
      expect(sync.error.message).not.toMatch(/<html|stack|\n\s+at /i);
    } finally {
      ctx.sim.faults.clear();
    }
    expect(await tempusEvents(client)).toEqual(before);
    expect((await client.get('/api/tempus/status')).body.accounts[0].state).toBe('active');
  });
});

/**
 * Holding the API's sockets is bounded: event streams per member and per instance, streams
 * that end when their member signs out (on this instance and on another), a request body
 * that never finishes arriving, and pending Tempus connects per parent. And what a failing
 * database statement carried (a password hash) never reaches the log.
 */
import { connect } from 'node:net';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempusOauthStates } from '../../src/db/schema.js';
import { createContext, uniqueEmail, type Client } from '../support/context.js';
import { expectErrorShape } from './support/faults.js';

const ctx = await createContext({ env: { EVENT_STREAMS_PER_MEMBER: '2', EVENT_STREAM_HEARTBEAT_S: '1', HTTP_REQUEST_TIMEOUT_S: '2' } });
const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });

function cookieOf(client: Client) {
  return client.cookie!;
}

/** Opens the event stream over real HTTP; resolves with its status and a promise of its end. */
async function openStream(client: Client, url = base) {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/tempus/stream`, { headers: { cookie: cookieOf(client) }, signal: controller.signal });
  const ended =
    res.status === 200
      ? (async () => {
          const reader = res.body!.getReader();
          for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return true;
        })()
      : Promise.resolve(true);
  return { status: res.status, text: res.status === 200 ? '' : await res.text(), ended, close: () => controller.abort() };
}

describe('event streams', () => {
  it('lets a member hold only a few at once, with a clear 429 beyond', async () => {
    const { client } = await ctx.newParent();
    const first = await openStream(client);
    const second = await openStream(client);
    const third = await openStream(client);
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expectErrorShape(third, 'a third stream');
    first.close();
    await first.ended;
    // Closing one frees its place.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await openStream(client);
    expect(again.status).toBe(200);
    second.close();
    again.close();
  });

  it('caps the streams one instance holds, answering 503 beyond', async () => {
    const capped = await ctx.buildAnotherApp({ env: { EVENT_STREAMS_PER_INSTANCE: '2' } });
    const url = await capped.listen({ port: 0, host: '127.0.0.1' });
    const streams = [];
    for (let i = 0; i < 2; i++) streams.push(await openStream((await ctx.newParent()).client, url));
    const refused = await openStream((await ctx.newParent()).client, url);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text).error).toBe('too_many_streams');
    for (const s of streams) s.close();
  });

  it('ends a member’s stream when they sign out on this instance', async () => {
    const { client } = await ctx.newParent();
    const stream = await openStream(client);
    expect(stream.status).toBe(200);
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    await expect(stream.ended).resolves.toBe(true);
  });

  it('ends a member’s stream at the next heartbeat when they sign out on another instance', async () => {
    const { client } = await ctx.newParent();
    const stream = await openStream(client);
    const other = await ctx.buildAnotherApp();
    const res = await other.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cookieOf(client) } });
    expect(res.statusCode).toBe(204);
    await expect(stream.ended).resolves.toBe(true);
  });
});

describe('a request body that never finishes arriving', () => {
  it('is cut off after the request timeout instead of holding the socket', { timeout: 30_000 }, async () => {
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":');
    const started = performance.now();
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += String(chunk)));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('pending Tempus connects', () => {
  it('keeps at most five per parent', async () => {
    const { client, user } = await ctx.newParent();
    for (let i = 0; i < 8; i++) expect((await client.post('/api/tempus/connect')).status).toBe(200);
    const pending = await ctx.database.db.select().from(tempusOauthStates).where(eq(tempusOauthStates.userId, user.id));
    expect(pending).toHaveLength(5);
  });
});

describe('the log of a failing database statement', () => {
  it('holds neither the password hash nor any other value the statement carried', async () => {
    const res = await ctx.client().post('/api/auth/signup', { email: uniqueEmail('nul'), password: 'korrekt-hast-batteri', name: 'An\u0000na', familyName: 'Familjen Nul' });
    expect(res.status).toBe(400);
    const logs = ctx.logs.join('');
    expect(logs).toContain('request value refused by the database');
    expect(logs).not.toContain('scrypt$');
    expect(logs).not.toContain('Familjen Nul');
  });
});

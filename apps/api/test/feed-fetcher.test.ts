import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createFeedFetcher } from '../src/modules/subscriptions/feed-fetcher.js';
import { createSyncEngine } from '../src/modules/subscriptions/sync-engine.js';
import { parseFeed } from '../src/modules/subscriptions/ical-occurrences.js';
import { syncedEvents } from '../src/modules/calendar/synced-events.js';
import { startFeedServer } from './support/feed-server.js';

// The fetcher's limits against a feed server on 127.0.0.1 (private hosts allowed here;
// the address rules have their own test file).
const feeds = await startFeedServer();
const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20270101T080000Z\r\nDTEND:20270101T160000Z\r\nSUMMARY:Dag\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
const none = { etag: null, lastModified: null };
const url = (path: string) => new URL(`${feeds.origin}${path}`);

// A server that sends what the test needs byte for byte (compressed bodies, a body that never ends).
let inFlight = 0;
let mostAtOnce = 0;
const raw = createServer((req, res) => {
  if (req.url === '/gzip.ics') {
    res.writeHead(200, { 'content-type': 'text/calendar', 'content-encoding': 'gzip' });
    return res.end(gzipSync(ICS));
  }
  if (req.url === '/bomb.ics') {
    res.writeHead(200, { 'content-type': 'text/calendar', 'content-encoding': 'gzip' });
    return res.end(gzipSync(Buffer.alloc(6 * 1024 * 1024, 'A')));
  }
  if (req.url === '/endless.ics') {
    res.writeHead(200, { 'content-type': 'text/calendar' });
    const timer = setInterval(() => res.write('X'.repeat(64 * 1024)), 5);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (req.url?.startsWith('/slow-')) {
    inFlight++;
    mostAtOnce = Math.max(mostAtOnce, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.end(ICS);
    }, 50);
    return;
  }
  res.writeHead(404).end();
});
await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
const rawUrl = (path: string) => new URL(`http://127.0.0.1:${(raw.address() as AddressInfo).port}${path}`);
afterAll(() => new Promise((resolve) => raw.close(resolve)));

describe('the feed fetcher', () => {
  const fetcher = createFeedFetcher({ allowPrivateHosts: true });

  it('sends the last validators and reports a 304 as not modified', async () => {
    feeds.set('/v.ics', { body: ICS, validators: true });
    const first = await fetcher.fetch(url('/v.ics'), none);
    expect(first.kind).toBe('fetched');
    if (first.kind !== 'fetched') return;
    expect(first.etag).toMatch(/^"/);
    expect(first.lastModified).toBe('Wed, 18 Mar 2026 05:00:00 GMT');
    expect(await fetcher.fetch(url('/v.ics'), first)).toEqual({ kind: 'not_modified' });
    expect(feeds.requests.at(-1)!.headers).toMatchObject({ 'if-none-match': first.etag, 'if-modified-since': first.lastModified });
  });

  it('reads compressed feeds', async () => {
    const answer = await fetcher.fetch(rawUrl('/gzip.ics'), none);
    expect(answer).toMatchObject({ kind: 'fetched', body: ICS });
  });

  it('stops reading past 5 MB, declared, streamed or decompressed', async () => {
    feeds.set('/big.ics', { body: `BEGIN:VCALENDAR\r\n${'X'.repeat(5 * 1024 * 1024)}` });
    await expect(fetcher.fetch(url('/big.ics'), none)).rejects.toMatchObject({ code: 'feed_too_large' });
    await expect(fetcher.fetch(rawUrl('/endless.ics'), none)).rejects.toMatchObject({ code: 'feed_too_large' });
    await expect(fetcher.fetch(rawUrl('/bomb.ics'), none)).rejects.toMatchObject({ code: 'feed_too_large' });
  });

  it('gives up on a feed that does not answer in time', async () => {
    feeds.set('/late.ics', { body: ICS, delayMs: 1_000 });
    const quick = createFeedFetcher({ allowPrivateHosts: true, timeoutMs: 200 });
    const started = performance.now();
    await expect(quick.fetch(url('/late.ics'), none)).rejects.toMatchObject({ code: 'feed_timeout' });
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('fetches from one host one feed at a time', async () => {
    mostAtOnce = 0;
    await Promise.all([1, 2, 3, 4].map((n) => fetcher.fetch(rawUrl(`/slow-${n}.ics`), none)));
    expect(mostAtOnce).toBe(1);
  });
});

/** A sync engine over the real fetcher whose parses are counted. */
function countingEngine() {
  const counter = { parses: 0 };
  const engine = createSyncEngine({
    fetcher: createFeedFetcher({ allowPrivateHosts: true }),
    calendar: syncedEvents,
    parse: (text, window) => {
      counter.parses++;
      return parseFeed(text, window);
    },
  });
  return { engine, counter };
}

describe('a sync read', () => {
  it('parses nothing when the feed answers 304', async () => {
    feeds.set('/p.ics', { body: ICS, validators: true });
    const { engine, counter } = countingEngine();
    const first = await engine.read(url('/p.ics'), { ...none, contentKey: null }, new Date('2026-12-01T00:00:00Z'));
    expect(first.kind).toBe('parsed');
    expect(counter.parses).toBe(1);
    if (first.kind !== 'parsed') return;
    expect(await engine.read(url('/p.ics'), { ...first.validators, contentKey: null }, new Date('2026-12-01T00:00:00Z'))).toEqual({ kind: 'not_modified' });
    expect(feeds.requests.at(-1)!.status).toBe(304);
    expect(counter.parses).toBe(1);
  });

  it('parses the very bytes it applied before only on another day, when the window has moved', async () => {
    feeds.set('/same.ics', { body: ICS });
    const { engine, counter } = countingEngine();
    const first = await engine.read(url('/same.ics'), { ...none, contentKey: null }, new Date('2026-12-01T06:00:00Z'));
    if (first.kind !== 'parsed') throw new Error('expected a parse');
    const last = { ...none, contentKey: first.contentKey };
    expect(await engine.read(url('/same.ics'), last, new Date('2026-12-01T23:00:00Z'))).toEqual({ kind: 'not_modified' });
    expect(counter.parses).toBe(1);
    expect((await engine.read(url('/same.ics'), last, new Date('2026-12-02T00:30:00Z'))).kind).toBe('parsed');
    expect(counter.parses).toBe(2);
  });
});

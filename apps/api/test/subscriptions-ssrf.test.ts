import { describe, expect, it } from 'vitest';
import { calendarSubscriptions } from '../src/db/schema.js';
import type { ResolvedAddress } from '../src/modules/subscriptions/feed-fetcher.js';
import { createContext } from './support/context.js';
import { startFeedServer } from './support/feed-server.js';

// The server fetches URLs that users type: every way to point it at itself or the private
// network is refused with 400 url_not_allowed before anything is fetched there. Private
// hosts are not allowed here (the default). No real DNS and no real network: made-up host
// names resolve through the fetcher's DNS seam, and the one made-up public address is
// routed to the feed server on 127.0.0.1; a connection to anything else fails the test.
const PUBLIC = '93.184.215.14';
const feeds = await startFeedServer();
const DNS: Record<string, ResolvedAddress[]> = {
  'feeds.example.se': [{ address: PUBLIC, family: 4 }],
  'intern.example.se': [{ address: '10.0.0.5', family: 4 }],
  'blandad.example.se': [
    { address: PUBLIC, family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
  'v6.example.se': [{ address: 'fd00::5', family: 6 }],
  localhost: [{ address: '127.0.0.1', family: 4 }],
};
const ctx = await createContext({
  subscriptions: {
    resolve: async (host) => {
      const answer = DNS[host];
      if (!answer) throw Object.assign(new Error(`no such host ${host}`), { code: 'ENOTFOUND' });
      return answer;
    },
    route: (address, port) => {
      if (address === PUBLIC && port === 80) return { address: '127.0.0.1', port: feeds.port };
      throw new Error(`the test network has no route to ${address}:${port}`);
    },
  },
});
const SHIFTS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20270101T080000Z\r\nDTEND:20270101T160000Z\r\nSUMMARY:Dag\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
feeds.set('/ok.ics', { body: SHIFTS });
feeds.set('/secret.ics', { body: SHIFTS });
feeds.set('/to-loopback.ics', { location: `http://127.0.0.1:${feeds.port}/secret.ics` });
feeds.set('/to-metadata.ics', { location: 'http://169.254.169.254/latest/meta-data/' });
feeds.set('/to-internal-name.ics', { location: 'http://intern.example.se/secret.ics' });
feeds.set('/to-mapped.ics', { status: 307, location: `http://[::ffff:127.0.0.1]:${feeds.port}/secret.ics` });
feeds.set('/hop1.ics', { location: '/hop2.ics' });
feeds.set('/hop2.ics', { location: '/hop3.ics' });
feeds.set('/hop3.ics', { location: '/hop4.ics' });
feeds.set('/hop4.ics', { location: '/ok.ics' });

const port = feeds.port;
/** Each case as a parent of its own: new subscriptions are limited per parent and minute. */
const post = async (url: string) => (await ctx.newParent()).client.post('/api/calendar/subscriptions', { url });

describe('subscribing fetches only from public addresses', () => {
  it('subscribes to a public host (the seams work)', async () => {
    const res = await post('http://feeds.example.se/ok.ics');
    expect(res.status, res.text).toBe(201);
    expect(res.body.subscription.urlHost).toBe('feeds.example.se');
  });

  it.each([
    ['loopback IPv4', `http://127.0.0.1:${port}/secret.ics`],
    ['loopback IPv6', `http://[::1]:${port}/secret.ics`],
    ['a private address', 'http://10.0.0.1/secret.ics'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['an IPv4-mapped IPv6 address', `http://[::ffff:127.0.0.1]:${port}/secret.ics`],
    ['a decimal IPv4 address', `http://2130706433:${port}/secret.ics`],
    ['a hex and short IPv4 address', `http://0x7f.1:${port}/secret.ics`],
    ['an octal IPv4 address', `http://0177.0.0.1:${port}/secret.ics`],
    ['the unspecified address', `http://0.0.0.0:${port}/secret.ics`],
    ['webcal to the metadata address', 'webcal://169.254.169.254/latest/meta-data/'],
    ['localhost', `http://localhost:${port}/secret.ics`],
    ['a host name resolving to a private address', 'http://intern.example.se/secret.ics'],
    ['a host name resolving to a unique-local IPv6 address', 'http://v6.example.se/secret.ics'],
    ['a host name with one public and one private address', 'http://blandad.example.se/secret.ics'],
    ['a public URL redirecting to loopback', 'http://feeds.example.se/to-loopback.ics'],
    ['a public URL redirecting to the metadata address', 'http://feeds.example.se/to-metadata.ics'],
    ['a public URL redirecting to a host name resolving to a private address', 'http://feeds.example.se/to-internal-name.ics'],
    ['a public URL redirecting to an IPv4-mapped address', 'http://feeds.example.se/to-mapped.ics'],
  ])('refuses %s with 400 url_not_allowed and fetches nothing there', async (_name, url) => {
    const before = feeds.requests.length;
    const res = await post(url);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toBe('url_not_allowed');
    expect(res.text).not.toContain('secret.ics');
    const fetched = feeds.requests.slice(before).map((r) => r.path);
    expect(fetched.filter((path) => path === '/secret.ics')).toEqual([]);
  });

  it.each([
    ['a file URL', 'file:///etc/passwd'],
    ['an ftp URL', 'ftp://feeds.example.se/a.ics'],
    ['a URL with credentials', 'http://anna:hemligt@feeds.example.se/ok.ics'],
    ['no URL at all', 'inte en länk'],
  ])('refuses %s as a bad request', async (_name, url) => {
    const res = await post(url);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_error');
  });

  it('follows at most 3 redirects', async () => {
    const res = await post('http://feeds.example.se/hop1.ics');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ error: 'feed_unreadable', message: 'The feed redirected more than 3 times.' });
  });

  it('stored nothing for any refused link', async () => {
    const rows = await ctx.database.db.select({ host: calendarSubscriptions.urlHost }).from(calendarSubscriptions);
    expect(rows).toEqual([{ host: 'feeds.example.se' }]);
  });
});

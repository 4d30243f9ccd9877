/**
 * Fetching a feed a user typed: the server-side request forgery boundary. Every hop (the
 * URL and each redirect, at most three) is checked by url-policy; its host name is
 * resolved once, every address it resolves to must be allowed, and the connection goes to
 * the checked address itself (the request names the host only in `Host` and for TLS), so
 * no second DNS answer can send it elsewhere. Size, time and redirects are capped; the
 * last answer's ETag / Last-Modified are sent back so an unchanged feed costs a 304; and
 * one process fetches from one host at a time.
 */
import { lookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import { FeedError } from './feed-errors.js';
import { checkRedirectTarget, ipLiteral, isAllowedAddress } from './url-policy.js';

export const MAX_FEED_BYTES = 5 * 1024 * 1024;
export const FEED_TIMEOUT_MS = 10_000;
export const MAX_REDIRECTS = 3;
const USER_AGENT = 'Familjehubben/1.0 (calendar subscription)';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface ResolvedAddress {
  address: string;
  family: number;
}
/** Host name → addresses (the DNS seam; tests answer for made-up public hosts). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;
/** Checked address → where the socket really goes (identity in production; tests route made-up public addresses to 127.0.0.1). */
export type Router = (address: string, port: number) => { address: string; port: number };

export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export type FetchOutcome = { kind: 'not_modified' } | ({ kind: 'fetched'; body: string; bytes: number } & Validators);

export interface FeedFetcherOptions {
  allowPrivateHosts: boolean;
  resolve?: Resolver;
  route?: Router;
  maxBytes?: number;
  timeoutMs?: number;
}

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export function createFeedFetcher(options: FeedFetcherOptions) {
  const resolve = options.resolve ?? systemResolver;
  const route = options.route ?? ((address, port) => ({ address, port }));
  const maxBytes = options.maxBytes ?? MAX_FEED_BYTES;
  const timeoutMs = options.timeoutMs ?? FEED_TIMEOUT_MS;
  /** One fetch per host at a time in this process: a feed host is never hammered by one family's many subscriptions. */
  const oneAtATime = createKeyedQueue();

  /** The one address of the URL's host to connect to, after checking all of them. */
  async function checkedAddress(url: URL): Promise<string> {
    const literal = ipLiteral(url);
    if (literal) {
      if (!isAllowedAddress(literal, options.allowPrivateHosts)) throw new FeedError('url_not_allowed', `${url.host} is not a public address.`);
      return literal;
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await resolve(url.hostname);
    } catch {
      throw new FeedError('feed_unreachable', `The host name ${url.hostname} could not be resolved.`);
    }
    if (addresses.length === 0) throw new FeedError('feed_unreachable', `The host name ${url.hostname} could not be resolved.`);
    // One private answer is enough to refuse: which answer a connection would use is not ours to choose.
    if (addresses.some((a) => !isAllowedAddress(a.address, options.allowPrivateHosts))) {
      throw new FeedError('url_not_allowed', `${url.hostname} resolves to an address that is not public.`);
    }
    return addresses[0]!.address;
  }

  async function fetchFeed(start: URL, validators: Validators): Promise<FetchOutcome> {
    const deadline = Date.now() + timeoutMs;
    let url = start;
    for (let hop = 0; ; hop++) {
      checkRedirectTarget(url);
      const answer = await oneAtATime(url.hostname, async () => {
        const address = await checkedAddress(url);
        return request(url, address, validators, deadline);
      });
      if (answer.kind !== 'redirect') return answer;
      if (hop >= MAX_REDIRECTS) throw new FeedError('feed_http_error', `The feed redirected more than ${MAX_REDIRECTS} times.`);
      try {
        url = new URL(answer.location, url);
      } catch {
        throw new FeedError('feed_http_error', 'The feed redirected to an address that is not valid.');
      }
    }
  }

  function request(url: URL, address: string, validators: Validators, deadline: number): Promise<FetchOutcome | { kind: 'redirect'; location: string }> {
    const secure = url.protocol === 'https:';
    const target = route(address, Number(url.port) || (secure ? 443 : 80));
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(timeoutError(timeoutMs));
    return new Promise((resolvePromise, reject) => {
      const headers: Record<string, string> = {
        host: url.host,
        'user-agent': USER_AGENT,
        accept: 'text/calendar, text/plain;q=0.5, */*;q=0.1',
        'accept-encoding': 'gzip, deflate, br',
        ...(validators.etag && { 'if-none-match': validators.etag }),
        ...(validators.lastModified && { 'if-modified-since': validators.lastModified }),
      };
      const req = (secure ? https : http).request({
        host: target.address,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers,
        agent: false,
        // TLS names and verifies the host as written, while the socket goes to the checked address.
        ...(secure && !isIP(url.hostname.replace(/^\[|\]$/g, '')) && { servername: url.hostname }),
      });
      const timer = setTimeout(() => req.destroy(timeoutError(timeoutMs)), remaining);
      const fail = (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof FeedError ? err : new FeedError('feed_unreachable', `Could not fetch from ${url.host}${errnoOf(err)}.`));
      };
      req.on('error', fail);
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (REDIRECTS.has(status) && res.headers.location) {
          res.resume();
          clearTimeout(timer);
          resolvePromise({ kind: 'redirect', location: res.headers.location });
          return;
        }
        if (status === 304 && (validators.etag || validators.lastModified)) {
          res.resume();
          clearTimeout(timer);
          resolvePromise({ kind: 'not_modified' });
          return;
        }
        if (status !== 200) {
          res.resume();
          fail(new FeedError('feed_http_error', `The feed at ${url.host} answered HTTP ${status}.`));
          return;
        }
        readBody(res, maxBytes)
          .then((body) => {
            clearTimeout(timer);
            resolvePromise({
              kind: 'fetched',
              body: decode(body, res.headers['content-type']),
              bytes: body.length,
              etag: header(res.headers.etag),
              lastModified: header(res.headers['last-modified']),
            });
          })
          .catch((err: unknown) => {
            req.destroy();
            fail(err);
          });
      });
      req.end();
    });
  }

  return { fetch: fetchFeed };
}

export type FeedFetcher = ReturnType<typeof createFeedFetcher>;

function timeoutError(ms: number) {
  return new FeedError('feed_timeout', `The feed did not answer within ${ms / 1000} s.`);
}

function errnoOf(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? ` (${code})` : '';
}

function header(value: string | string[] | undefined): string | null {
  const one = Array.isArray(value) ? value[0] : value;
  return one && one.length <= 512 ? one : null;
}

/** The body, decompressed, refused as soon as it passes `maxBytes` (whatever Content-Length claimed). */
async function readBody(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length']);
  const encoding = String(res.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity' && declared > maxBytes) throw tooLarge(maxBytes);
  let stream: Readable = res;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(createGunzip());
  else if (encoding === 'deflate') stream = res.pipe(createInflate());
  else if (encoding === 'br') stream = res.pipe(createBrotliDecompress());
  else if (encoding !== 'identity') throw new FeedError('feed_http_error', `The feed used an unknown content encoding.`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    throw new FeedError('feed_unreachable', 'The feed could not be read to the end.');
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number) {
  return new FeedError('feed_too_large', `The feed is larger than ${maxBytes / 1024 / 1024} MB.`);
}

/** iCalendar is UTF-8 (RFC 5545), but old exporters declare and send other charsets. */
function decode(body: Buffer, contentType: string | undefined): string {
  const charset = /charset="?([\w-]+)"?/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

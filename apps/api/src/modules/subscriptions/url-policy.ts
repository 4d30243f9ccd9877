/**
 * Which feed addresses the server may fetch, as pure rules: http(s) only (`webcal://` is
 * read as `https://`), no credentials in the URL, host names or dotted-decimal IPv4 and
 * IPv6 literals only (no decimal, octal or hex IPv4 forms, no IPv4-mapped IPv6), and only
 * public unicast addresses unless private hosts are allowed (development and tests). The
 * fetcher applies these to the URL, to every address a host name resolves to and to every
 * redirect it follows.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { FeedError } from './feed-errors.js';

const MAX_URL_LENGTH = 2048;

/** The host part exactly as written, before the URL parser normalised it (`0x7f.1` stays `0x7f.1`). */
function writtenHost(input: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#\\]*@)?(\[[^\]]*\]|[^:/?#\\]*)/i.exec(input);
  return (match?.[1] ?? '').toLowerCase();
}

/**
 * The URL a user pasted, as the URL to fetch. Throws `invalid_url` for anything that is not
 * an absolute http(s)/webcal URL, and `url_not_allowed` for an IP address written in a form
 * that hides what it is.
 */
export function parseFeedUrl(input: string): URL {
  const trimmed = input.trim();
  if (trimmed.length > MAX_URL_LENGTH) throw new FeedError('invalid_url', `The URL is longer than ${MAX_URL_LENGTH} characters.`);
  const text = trimmed.replace(/^webcals?:/i, 'https:');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FeedError('invalid_url', 'That is not a web address.');
  }
  checkRedirectTarget(url, writtenHost(text));
  return url;
}

/**
 * Checks a URL the fetcher is about to follow (the pasted one or a redirect's `Location`).
 * `written` is the host as it was written, when known.
 */
export function checkRedirectTarget(url: URL, written?: string): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new FeedError('invalid_url', 'Only http, https and webcal addresses can be subscribed to.');
  }
  if (url.username || url.password) throw new FeedError('invalid_url', 'The address must not contain a user name or password.');
  if (!url.hostname) throw new FeedError('invalid_url', 'The address has no host.');
  const literal = ipLiteral(url);
  if (literal && isIP(literal) === 4 && written !== undefined && written !== literal) {
    throw new FeedError('url_not_allowed', 'IP addresses must be written in dotted decimal form.');
  }
}

/** The IP address a URL names as its host, or undefined for a host name. */
export function ipLiteral(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : undefined;
}

/**
 * Whether the server may connect to this address: a public unicast address, or with
 * `allowPrivate` any address. IPv4-mapped IPv6 addresses are refused either way: they are
 * only ever a way to write an IPv4 address past a check.
 */
export function isAllowedAddress(address: string, allowPrivate: boolean): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return false;
  return allowPrivate || parsed.range() === 'unicast';
}


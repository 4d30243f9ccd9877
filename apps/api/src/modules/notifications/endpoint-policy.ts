/**
 * Which push endpoints the server will post to, pure. A browser hands us its endpoint and
 * the server then sends requests there, so an endpoint is a URL a member chose: it must be
 * https on a configured push service's host (or a subdomain of one), without credentials.
 * Plain http is accepted only for a loopback host listed by name (a local push service in
 * tests), never by default.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function endpointAllowed(endpoint: string, allowedHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  const listed = allowedHosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`));
  if (!listed) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK.has(host) && allowedHosts.includes(host);
}

/** What may be shown of an endpoint: the push service's host. */
export function endpointHost(endpoint: string): string {
  return new URL(endpoint).host;
}

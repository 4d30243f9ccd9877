/**
 * A calendar feed server on 127.0.0.1 for subscription tests: serves iCalendar bodies at
 * paths the test sets, with ETag / Last-Modified and 304s like a real feed host, redirects
 * on request, and a log of every request it answered (to prove what was, or was not,
 * fetched). Closed after the test file.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

interface Route {
  status?: number;
  body?: string;
  contentType?: string;
  location?: string;
  /** Answer with ETag and Last-Modified, and 304 to a matching conditional request. */
  validators?: boolean;
  delayMs?: number;
}

export interface FeedServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  requests: { path: string; headers: IncomingMessage['headers']; status: number }[];
  set(path: string, route: Route): void;
  /** Requests that got a body (not a 304, not a redirect) at a path. */
  bodiesServed(path: string): number;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Route>();
  const requests: FeedServer['requests'] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes.get(path) ?? { status: 404, body: 'not found', contentType: 'text/plain' };
    const answer = (status: number, headers: Record<string, string>, body?: string) => {
      requests.push({ path, headers: req.headers, status });
      res.writeHead(status, headers);
      res.end(body);
    };
    setTimeout(() => {
      if (route.location) return answer(route.status ?? 302, { location: route.location });
      const body = route.body ?? '';
      const headers: Record<string, string> = { 'content-type': route.contentType ?? 'text/calendar; charset=utf-8' };
      if (route.validators) {
        const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
        headers.etag = etag;
        headers['last-modified'] = 'Wed, 18 Mar 2026 05:00:00 GMT';
        if (req.headers['if-none-match'] === etag) return answer(304, { etag });
      }
      answer(route.status ?? 200, headers, body);
    }, route.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    set: (path, route) => void routes.set(path, route),
    bodiesServed: (path) => requests.filter((r) => r.path === path && r.status === 200).length,
  };
}

// HTTP plumbing shared by all routes: the response value handlers return, body reading
// and a minimal method + path router with `:param` segments.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpResult {
  status: number;
  headers?: Record<string, string>;
  contentType?: string;
  body?: string;
}

export interface RequestContext {
  req: IncomingMessage;
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  /** Filled in by handlers for the request log. */
  clientId: string | null;
  grantId: string | null;
  /** Headers added to whatever response the request ends with (rate limit, deprecation). */
  headers: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => HttpResult | Promise<HttpResult>;

export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
}

const MAX_BODY_BYTES = 1_000_000;

export class BodyTooLargeError extends Error {}

export function json(status: number, body: unknown, headers?: Record<string, string>): HttpResult {
  return { status, contentType: 'application/json', body: JSON.stringify(body), ...(headers ? { headers } : {}) };
}

export function errorJson(status: number, error: string, description?: string, headers?: Record<string, string>): HttpResult {
  return json(status, description === undefined ? { error } : { error, error_description: description }, headers);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError('Request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Merges header sets, later ones winning, with names compared case-insensitively. */
function mergeHeaders(...sets: (Record<string, string> | undefined)[]): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  for (const set of sets) {
    for (const [name, value] of Object.entries(set ?? {})) merged.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(merged.values());
}

export function sendResult(res: ServerResponse, result: HttpResult, extraHeaders: Record<string, string>): void {
  const headers = mergeHeaders(extraHeaders, result.headers);
  if (result.body !== undefined) {
    headers['Content-Type'] = result.contentType ?? 'application/json';
    const type = headers['Content-Type'];
    if (!type.includes('charset') && (type.startsWith('text/') || type === 'application/json')) {
      headers['Content-Type'] = `${type}; charset=utf-8`;
    }
  }
  res.writeHead(result.status, headers);
  res.end(result.body);
}

export type RouteMatch = { route: Route; params: Record<string, string> } | 'method_not_allowed' | null;

export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const segments = path.split('/');
  let pathMatched = false;
  for (const route of routes) {
    const patternSegments = route.pattern.split('/');
    if (patternSegments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = patternSegments.every((part, i) => {
      const actual = segments[i] as string;
      if (part.startsWith(':')) {
        if (actual === '') return false;
        try {
          params[part.slice(1)] = decodeURIComponent(actual);
          return true;
        } catch {
          return false;
        }
      }
      return part === actual;
    });
    if (!matches) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return pathMatched ? 'method_not_allowed' : null;
}

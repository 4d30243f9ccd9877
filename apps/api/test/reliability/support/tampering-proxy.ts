/**
 * A real HTTP proxy in front of the simulator that can rewrite what Tempus answers on the
 * way back (a token response with an absurd lifetime, a redirect to another origin), and a
 * bystander server that records whatever reaches it. No mocks: the API talks HTTP to both.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll } from 'vitest';

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface TamperingProxy {
  url: string;
  /** Replaces the answer to requests whose path starts with `path` until `clear()`. */
  rewrite(path: string, change: (response: ProxiedResponse) => ProxiedResponse): void;
  clear(): void;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startTamperingProxy(target: string): Promise<TamperingProxy> {
  const rules = new Map<string, (response: ProxiedResponse) => ProxiedResponse>();
  const server = createServer(async (request, reply) => {
    const body = await bodyOf(request);
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'content-length')) as Record<string, string>;
    const upstream = await fetch(`${target}${request.url}`, {
      method: request.method!,
      headers,
      redirect: 'manual',
      ...(body.length > 0 && { body }),
    });
    let response: ProxiedResponse = {
      status: upstream.status,
      headers: Object.fromEntries([...upstream.headers].filter(([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))),
      body: await upstream.text(),
    };
    for (const [path, change] of rules) if (request.url!.startsWith(path)) response = change(response);
    reply.writeHead(response.status, response.headers).end(response.body);
  });
  return {
    url: await listen(server),
    rewrite: (path, change) => void rules.set(path, change),
    clear: () => rules.clear(),
  };
}

/** A server that answers 200 to anything and remembers what it was sent. */
export async function startBystander(): Promise<{ url: string; received: { url: string; body: string }[] }> {
  const received: { url: string; body: string }[] = [];
  const server = createServer(async (request, reply) => {
    received.push({ url: request.url!, body: String(await bodyOf(request)) });
    reply.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  return { url: await listen(server), received };
}

/**
 * Server-Sent Event streams to signed-in members, bounded: a few per member and a cap per
 * instance (each holds a socket and a file descriptor), a heartbeat that keeps proxies from
 * closing them, and an end when the member signs out (at once in this process, at the next
 * heartbeat elsewhere) or when the app closes, so shutdown does not wait on browsers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, TooManyRequestsError } from '../lib/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    eventStreams: { open(request: FastifyRequest, reply: FastifyReply): EventStream };
  }
}

export interface EventStream {
  send(event: string, id: string, data: unknown): void;
  /** Calls `listener` once the stream has ended, whoever ended it. */
  onEnd(listener: () => void): void;
}

export interface EventStreamLimits {
  perMember: number;
  perInstance: number;
  heartbeatMs: number;
}

export const DEFAULT_STREAM_LIMITS: EventStreamLimits = { perMember: 5, perInstance: 1_000, heartbeatMs: 25_000 };

export default fp<{ limits?: Partial<EventStreamLimits> }>(
  async (app, opts) => {
    const limits = { ...DEFAULT_STREAM_LIMITS, ...opts.limits };
    const open = new Set<() => void>();
    const perMember = new Map<string, number>();
    app.addHook('onClose', async () => {
      for (const end of open) end();
    });

    app.decorate('eventStreams', {
      open(request: FastifyRequest, reply: FastifyReply): EventStream {
        const memberId = request.user!.id;
        if ((perMember.get(memberId) ?? 0) >= limits.perMember) {
          throw new TooManyRequestsError(`At most ${limits.perMember} open event streams per member. Close one first.`, 5);
        }
        if (open.size >= limits.perInstance) {
          throw new AppError(503, 'too_many_streams', 'This server holds as many event streams as it can. Try again shortly.', { 'retry-after': '5' });
        }
        perMember.set(memberId, (perMember.get(memberId) ?? 0) + 1);
        reply.hijack();
        // A hijacked reply skips onSend, so the headers set so far (CORS, security) and the
        // request id are carried over here.
        for (const [name, value] of Object.entries(reply.getHeaders())) {
          if (value !== undefined) reply.raw.setHeader(name, value);
        }
        reply.raw.writeHead(200, {
          'x-request-id': request.id,
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        reply.raw.write(': connected\n\n');

        const listeners: (() => void)[] = [];
        let ended = false;
        const close = () => {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          stopWatchingSession();
          open.delete(end);
          const left = (perMember.get(memberId) ?? 1) - 1;
          if (left > 0) perMember.set(memberId, left);
          else perMember.delete(memberId);
          for (const listener of listeners) listener();
        };
        const end = () => {
          close();
          reply.raw.end();
        };
        const stopWatchingSession = app.onSessionEnded(request, end);
        // Another instance's sign-out is seen at the next heartbeat.
        const heartbeat = setInterval(() => {
          app.sessionActive(request).then(
            (active) => (active ? reply.raw.write(': heartbeat\n\n') : end()),
            () => reply.raw.write(': heartbeat\n\n'),
          );
        }, limits.heartbeatMs);
        open.add(end);
        request.raw.on('close', close);

        return {
          send(event, id, data) {
            if (!ended && !reply.raw.writableEnded) reply.raw.write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
          },
          onEnd(listener) {
            if (ended) listener();
            else listeners.push(listener);
          },
        };
      },
    });
  },
  { name: 'event-streams', dependencies: ['auth'] },
);

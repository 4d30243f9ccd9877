/**
 * Server-Sent Event streams to signed-in members, bounded: a few per member and a cap per
 * instance (each holds a socket and a file descriptor), a heartbeat that keeps proxies from
 * closing them, and an end when the member signs out (at once in this process, at the next
 * heartbeat elsewhere) or when the app closes, so shutdown does not wait on browsers.
 *
 * `publish` sends an event to chosen members of a family on every open stream of theirs, in
 * this process at once and in every other API process through PostgreSQL NOTIFY (each
 * process relays what the others publish to its own streams).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { AppError, TooManyRequestsError } from '../lib/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    eventStreams: {
      open(request: FastifyRequest, reply: FastifyReply): EventStream;
      /**
       * Sends `event` to the open streams of these members of the family, on every instance.
       * It carries no id, so a browser's last-event id (what a stream replays from) stays its own.
       */
      publish(audience: StreamAudience, event: string, data: unknown): void;
    };
  }
}

export interface StreamAudience {
  familyId: string;
  userIds: readonly string[];
}

/** The channel on which each process relays what it publishes to the others. */
const PUBLISH_CHANNEL = 'familyhub_stream_events';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_RELAYED_BYTES = 7_900;
const relayed = z.object({
  origin: z.string(),
  familyId: z.uuid(),
  userIds: z.array(z.uuid()),
  event: z.string().regex(/^[a-z_]{1,40}$/),
  data: z.unknown(),
});

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
    /** The writers of each member's open streams in this process, for `publish`. */
    const writers = new Map<string, Set<(event: string, data: unknown) => void>>();
    const origin = randomUUID();
    let stopRelay: (() => Promise<void>) | undefined;
    app.addHook('onClose', async () => {
      for (const end of open) end();
      await stopRelay?.();
    });

    function deliver(userIds: readonly string[], event: string, data: unknown) {
      for (const userId of userIds) for (const write of writers.get(userId) ?? []) write(event, data);
    }

    app.addHook('onReady', async () => {
      stopRelay = await app.database.listen(PUBLISH_CHANNEL, (payload) => {
        let note: z.infer<typeof relayed>;
        try {
          note = relayed.parse(JSON.parse(payload));
        } catch {
          return;
        }
        if (note.origin !== origin) deliver(note.userIds, note.event, note.data);
      });
    });

    app.decorate('eventStreams', {
      publish({ familyId, userIds }: StreamAudience, event: string, data: unknown) {
        deliver(userIds, event, data);
        const payload = JSON.stringify({ origin, familyId, userIds, event, data });
        if (Buffer.byteLength(payload) > MAX_RELAYED_BYTES) {
          app.log.warn({ event, familyId, bytes: Buffer.byteLength(payload) }, 'stream event too large to relay to other instances');
          return;
        }
        app.database.notify(PUBLISH_CHANNEL, payload).catch((err: unknown) => app.log.warn({ err, event }, 'could not relay a stream event to other instances'));
      },

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
        const write = (event: string, data: unknown) => {
          if (!ended && !reply.raw.writableEnded) reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        };
        let memberWriters = writers.get(memberId);
        if (!memberWriters) writers.set(memberId, (memberWriters = new Set()));
        memberWriters.add(write);
        const close = () => {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          stopWatchingSession();
          memberWriters.delete(write);
          if (memberWriters.size === 0 && writers.get(memberId) === memberWriters) writers.delete(memberId);
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
  { name: 'event-streams', dependencies: ['auth', 'database'] },
);

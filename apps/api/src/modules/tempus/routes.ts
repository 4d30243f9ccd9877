/** The Tempus routes of ../shared/familyhub-api.md: thin mappings onto the service. */
import {
  accountResponse,
  connectResponse,
  disconnectBody,
  disconnectQuery,
  errorBody,
  syncFinishedResponse,
  syncQuery,
  syncRequestBody,
  syncStartedResponse,
  tempusStatusResponse,
  updateAccountBody,
  type SyncSummary,
} from '@familyhub/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequestError, ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../lib/errors.js';
import type { TempusService, SyncEventPayload } from './service.js';

const MANUAL_SYNCS_PER_MINUTE = 5;
const SSE_HEARTBEAT_MS = 25_000;
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 429: errorBody };

export const tempusRoutes: FastifyPluginAsyncZod<{ service: TempusService }> = async (app, { service }) => {
  // Open event streams, ended when the app closes so shutdown does not wait on browsers.
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of streams) end();
  });

  const manualSyncLimit = app.createRateLimit({
    max: MANUAL_SYNCS_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) => `tempus-sync:${request.user?.id}:${(request.body as { accountId?: string } | undefined)?.accountId ?? 'all'}`,
  });

  app.post(
    '/api/tempus/connect',
    { preHandler: app.requireParent, schema: { tags: ['tempus'], response: { 200: connectResponse, ...errors } } },
    async (request) => {
      const token = app.sessionToken(request);
      if (!token) throw new UnauthorizedError();
      return { authorizeUrl: await service.startConnect(request.user!, token) };
    },
  );

  app.get(
    '/api/tempus/callback',
    {
      schema: {
        tags: ['tempus'],
        querystring: z.object({
          code: z.string().max(2048).optional(),
          state: z.string().max(512).optional(),
          error: z.string().max(100).optional(),
        }),
      },
    },
    async (request, reply) => reply.redirect(await service.completeConnect(request.query, app.sessionToken(request)), 302),
  );

  app.get(
    '/api/tempus/status',
    { preHandler: app.requireMember, schema: { tags: ['tempus'], response: { 200: tempusStatusResponse, ...errors } } },
    async (request) => ({ enabled: true, accounts: await service.status(request.user!) }),
  );

  app.patch(
    '/api/tempus/accounts/:id',
    {
      preHandler: app.requireParent,
      schema: { tags: ['tempus'], params: z.object({ id: z.uuid() }), body: updateAccountBody, response: { 200: accountResponse, ...errors } },
    },
    async (request) => ({ account: await service.setSyncEnabled(request.user!, request.params.id, request.body.syncEnabled) }),
  );

  app.delete(
    '/api/tempus/disconnect',
    {
      preHandler: app.requireParent,
      schema: { tags: ['tempus'], querystring: disconnectQuery, body: disconnectBody, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      const accountId = request.query.accountId ?? request.body?.accountId;
      if (!accountId) throw new BadRequestError('accountId is required.', 'validation_error');
      await service.disconnect(request.user!, accountId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/tempus/sync',
    {
      preHandler: [
        app.requireMemberOrOperator,
        async (request) => {
          if (request.operator) return;
          if (request.user!.role !== 'parent') throw new ForbiddenError('Only a parent may sync.', 'parent_only');
          const limit = await manualSyncLimit(request);
          if (!limit.isAllowed && limit.isExceeded) {
            throw new TooManyRequestsError('Too many manual syncs of this account. Wait a minute.', limit.ttlInSeconds);
          }
        },
      ],
      schema: {
        tags: ['tempus'],
        querystring: syncQuery,
        body: syncRequestBody,
        response: { 200: syncFinishedResponse, 202: syncStartedResponse, ...errors },
      },
    },
    async (request, reply) => {
      const caller = request.operator ? { kind: 'operator' as const } : { kind: 'member' as const, user: request.user! };
      const trigger = request.operator ? 'admin' : 'manual';
      const syncs = await service.requestSyncs(caller, request.body?.accountId, trigger);
      if (request.query.wait === 'true') {
        return reply.status(200).send({ syncs: await Promise.all(syncs.map((s) => s.done)) });
      }
      return reply.status(202).send({ syncs: syncs.map((s) => ({ id: s.id, accountId: s.accountId })) });
    },
  );

  app.get(
    '/api/tempus/stream',
    { preHandler: app.requireMember, schema: { tags: ['tempus'], produces: ['text/event-stream'] } },
    async (request, reply) => {
      const familyId = request.user!.familyId;
      // A browser that reconnects names the last event it saw; it gets what it missed.
      const lastEventId = request.headers['last-event-id'];
      const missed = typeof lastEventId === 'string' && z.uuid().safeParse(lastEventId).success
        ? await service.missedSyncs(familyId, lastEventId)
        : [];
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write(': connected\n\n');
      const send = (sync: SyncSummary) => reply.raw.write(`event: sync\nid: ${sync.id}\ndata: ${JSON.stringify(sync)}\n\n`);
      missed.forEach(send);
      const onSync = (payload: SyncEventPayload) => {
        if (payload.familyId === familyId) send(payload.sync);
      };
      const heartbeat = setInterval(() => reply.raw.write(': heartbeat\n\n'), SSE_HEARTBEAT_MS);
      service.events.on('sync', onSync);
      const close = () => {
        clearInterval(heartbeat);
        service.events.off('sync', onSync);
        streams.delete(end);
      };
      const end = () => {
        close();
        reply.raw.end();
      };
      streams.add(end);
      request.raw.on('close', close);
    },
  );
};

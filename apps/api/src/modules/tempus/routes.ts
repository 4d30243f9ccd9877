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
  type SyncEvent,
  type SyncSummary,
} from '@familyhub/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequestError, ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../lib/errors.js';
import type { TempusService, SyncEventPayload } from './service.js';

const MANUAL_SYNCS_PER_MINUTE = 5;
const SSE_HEARTBEAT_MS = 25_000;
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 429: errorBody };
const CALLBACK_PARAM_MAX = 4096;
/** A callback parameter: one value (the first if repeated); an overlong one is dropped, which fails the state check. */
const callbackParam = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => {
    const first = Array.isArray(value) ? value[0] : value;
    return first !== undefined && first.length <= CALLBACK_PARAM_MAX ? first : undefined;
  });
const limitKey = Symbol('manual sync limit key');
type LimitKeyed = FastifyRequest & { [limitKey]?: string };

export const tempusRoutes: FastifyPluginAsyncZod<{ service: TempusService }> = async (app, { service }) => {
  // Open event streams, ended when the app closes so shutdown does not wait on browsers.
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of streams) end();
  });

  // Counted per account, whichever parent asks and whether the account is named or implied.
  const manualSyncLimit = app.createRateLimit({
    max: MANUAL_SYNCS_PER_MINUTE,
    timeWindow: 60_000,
    keyGenerator: (request) => `tempus-sync:${(request as LimitKeyed)[limitKey]}`,
  });
  async function checkManualSyncLimit(request: FastifyRequest, accountIds: string[]) {
    for (const accountId of accountIds) {
      (request as LimitKeyed)[limitKey] = accountId;
      const limit = await manualSyncLimit(request);
      if (!limit.isAllowed && limit.isExceeded) {
        throw new TooManyRequestsError('Too many manual syncs of this account. Wait a minute.', limit.ttlInSeconds);
      }
    }
  }

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
        // Anything Tempus or a tampered link sends still ends on the settings page with a reason.
        querystring: z.object({ code: callbackParam, state: callbackParam, error: callbackParam }),
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
          if (!request.operator && request.user!.role !== 'parent') throw new ForbiddenError('Only a parent may sync.', 'parent_only');
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
      const targets = await service.syncTargets(caller, request.body?.accountId);
      if (caller.kind === 'member') await checkManualSyncLimit(request, targets);
      const syncs = service.startSyncs(targets, trigger);
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
      let owners = await service.accountOwners(familyId);
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
      // Events go out one after another, each with its owner's name; an account connected
      // since the stream opened makes the names be read again.
      let queue = Promise.resolve();
      const send = (sync: SyncSummary) => {
        queue = queue.then(async () => {
          if (!owners.has(sync.accountId)) owners = await service.accountOwners(familyId).catch(() => owners);
          if (reply.raw.writableEnded) return;
          const event: SyncEvent = { ...sync, ownerName: owners.get(sync.accountId) ?? null };
          reply.raw.write(`event: sync\nid: ${sync.id}\ndata: ${JSON.stringify(event)}\n\n`);
        });
      };
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

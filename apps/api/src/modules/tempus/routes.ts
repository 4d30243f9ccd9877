/** The Tempus routes of ../shared/familyhub-api.md: each maps its request onto one service call. */
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
} from '@familyhub/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BadRequestError, ForbiddenError, UnauthorizedError } from '../../lib/errors.js';
import type { ConnectOutcome } from './connect.js';
import type { TempusService } from './service.js';

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

export interface TempusRoutesOptions {
  service: TempusService;
  /** The web app's origin: the callback ends on its Tempus settings page. */
  webOrigin: string;
}

export const tempusRoutes: FastifyPluginAsyncZod<TempusRoutesOptions> = async (app, { service, webOrigin }) => {
  const settingsPage = (outcome: ConnectOutcome) =>
    `${webOrigin}/settings/tempus?${new URLSearchParams('connected' in outcome ? { connected: outcome.connected } : { error: outcome.error })}`;

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
    async (request, reply) => reply.redirect(settingsPage(await service.completeConnect(request.query, app.sessionToken(request))), 302),
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
      const result = await service.requestSync(caller, request.body?.accountId, { wait: request.query.wait === 'true' });
      if (result.finished) return reply.status(200).send({ syncs: result.finished });
      return reply.status(202).send({ syncs: result.started });
    },
  );

  app.get(
    '/api/tempus/stream',
    { preHandler: app.requireMember, schema: { tags: ['tempus'], produces: ['text/event-stream'], response: { 429: errorBody, 503: errorBody } } },
    async (request, reply) => {
      // A browser that reconnects names the last event it saw; it gets what it missed first.
      const lastEventId = request.headers['last-event-id'];
      const since = typeof lastEventId === 'string' && z.uuid().safeParse(lastEventId).success ? lastEventId : undefined;
      const syncs = await service.openSyncStream(request.user!, since);
      const stream = app.eventStreams.open(request, reply);
      stream.onEnd(syncs.start((event: SyncEvent) => stream.send('sync', event.id, event)));
    },
  );
};

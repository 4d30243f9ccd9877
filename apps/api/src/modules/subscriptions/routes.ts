/** The calendar subscription routes of ../shared/familyhub-api.md: each maps its request onto one service call. */
import {
  createSubscriptionBody,
  errorBody,
  subscriptionResponse,
  subscriptionsResponse,
  subscriptionSyncResponse,
  updateSubscriptionBody,
} from '@familyhub/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SubscriptionsService } from './service.js';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 422: errorBody, 429: errorBody };
const idParams = z.object({ id: z.uuid() });

export const subscriptionRoutes: FastifyPluginAsyncZod<{ service: SubscriptionsService }> = async (app, { service }) => {
  app.post(
    '/api/calendar/subscriptions',
    {
      preHandler: app.requireParent,
      schema: { tags: ['subscriptions'], body: createSubscriptionBody, response: { 201: subscriptionResponse, ...errors } },
    },
    async (request, reply) => reply.status(201).send({ subscription: await service.create(request.user!, request.body) }),
  );

  app.get(
    '/api/calendar/subscriptions',
    { preHandler: app.requireMember, schema: { tags: ['subscriptions'], response: { 200: subscriptionsResponse, ...errors } } },
    async (request) => ({ subscriptions: await service.list(request.user!) }),
  );

  app.patch(
    '/api/calendar/subscriptions/:id',
    {
      preHandler: app.requireParent,
      schema: { tags: ['subscriptions'], params: idParams, body: updateSubscriptionBody, response: { 200: subscriptionResponse, ...errors } },
    },
    async (request) => ({ subscription: await service.update(request.user!, request.params.id, request.body) }),
  );

  app.post(
    '/api/calendar/subscriptions/:id/sync',
    { preHandler: app.requireParent, schema: { tags: ['subscriptions'], params: idParams, response: { 200: subscriptionSyncResponse, ...errors } } },
    async (request) => ({ sync: await service.syncNow(request.user!, request.params.id) }),
  );

  app.delete(
    '/api/calendar/subscriptions/:id',
    { preHandler: app.requireParent, schema: { tags: ['subscriptions'], params: idParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.remove(request.user!, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

/** The notification routes of ../shared/familyhub-api.md and the member's choices (kinds, push). Each maps its request onto one service call. */
import {
  errorBody,
  markReadBody,
  notificationsQuery,
  notificationsResponse,
  preferencesResponse,
  pushDeviceResponse,
  pushStatusResponse,
  pushSubscriptionBody,
  pushUnsubscribeBody,
  putPreferencesBody,
} from '@familyhub/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { NotificationsService } from './service.js';

const errors = { 400: errorBody, 401: errorBody, 404: errorBody, 409: errorBody };

export const notificationsRoutes: FastifyPluginAsyncZod<{ service: NotificationsService }> = async (app, { service }) => {
  app.addHook('preHandler', app.requireMember);

  app.get(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        description: 'The member’s notifications, newest first (at most 50), and how many are unread.',
        querystring: notificationsQuery,
        response: { 200: notificationsResponse, ...errors },
      },
    },
    async (request) => service.list(request.user!, request.query.limit),
  );

  app.post(
    '/api/notifications/read',
    { schema: { tags: ['notifications'], body: markReadBody, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.markRead(request.user!, request.body.ids);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/notifications/preferences',
    { schema: { tags: ['notifications'], response: { 200: preferencesResponse, ...errors } } },
    async (request) => ({ preferences: await service.preferences(request.user!) }),
  );

  app.put(
    '/api/notifications/preferences',
    { schema: { tags: ['notifications'], body: putPreferencesBody, response: { 200: preferencesResponse, ...errors } } },
    async (request) => ({ preferences: await service.setPreferences(request.user!, request.body) }),
  );

  app.get(
    '/api/notifications/push',
    { schema: { tags: ['notifications'], response: { 200: pushStatusResponse, ...errors } } },
    async (request) => service.pushStatus(request.user!),
  );

  app.post(
    '/api/notifications/push/subscriptions',
    { schema: { tags: ['notifications'], body: pushSubscriptionBody, response: { 201: pushDeviceResponse, ...errors } } },
    async (request, reply) => reply.status(201).send({ device: await service.subscribe(request.user!, request.body) }),
  );

  // The endpoint is a capability URL: it goes in a body, never in a URL that access logs keep.
  app.post(
    '/api/notifications/push/unsubscribe',
    { schema: { tags: ['notifications'], body: pushUnsubscribeBody, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.unsubscribe(request.user!, request.body.endpoint);
      return reply.status(204).send(null);
    },
  );
};

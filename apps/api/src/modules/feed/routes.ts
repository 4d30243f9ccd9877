/**
 * The family's calendar out (../shared/familyhub-api.md): a member manages their private
 * address under /api/calendar/feed; /feed/<secret>.ics serves the calendar to a phone,
 * with no cookie, the secret being the credential.
 */
import { calendarFeedResponse, createdCalendarFeedResponse, errorBody } from '@familyhub/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../lib/errors.js';
import type { FeedService } from './service.js';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

export const feedRoutes: FastifyPluginAsyncZod<{ service: FeedService }> = async (app, { service }) => {
  app.post(
    '/api/calendar/feed',
    { preHandler: app.requireMember, schema: { tags: ['feed'], response: { 201: createdCalendarFeedResponse, ...errors } } },
    async (request, reply) => reply.status(201).send({ url: await service.create(request.user!) }),
  );

  app.get(
    '/api/calendar/feed',
    { preHandler: app.requireMember, schema: { tags: ['feed'], response: { 200: calendarFeedResponse, ...errors } } },
    async (request) => ({ url: await service.current(request.user!) }),
  );

  app.delete(
    '/api/calendar/feed',
    { preHandler: app.requireMember, schema: { tags: ['feed'], response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.remove(request.user!);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/feed/:secret.ics',
    {
      schema: {
        tags: ['feed'],
        params: z.object({ secret: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }),
        produces: ['text/calendar'],
      },
      // A mistyped or guessed secret is simply not found: say nothing about why.
      errorHandler: (_error, _request, reply) => reply.status(404).send({ error: 'not_found', message: 'No such calendar.' }),
    },
    async (request, reply) => {
      const answer = await service.render(request.params.secret, request.headers['if-none-match']);
      if (answer.kind === 'not_found') throw new NotFoundError('No such calendar.');
      // Private to the member, and always checked again with the ETag before it is used.
      reply.header('cache-control', 'private, no-cache').header('etag', answer.etag);
      if (answer.kind === 'not_modified') return reply.status(304).send();
      return reply.type('text/calendar; charset=utf-8').send(answer.body);
    },
  );
};

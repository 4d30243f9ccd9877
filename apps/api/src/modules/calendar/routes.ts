/** The family calendar's HTTP routes. */
import { createEventBody, errorBody, eventResponse, eventsQuery, eventsResponse, updateEventBody } from '@familyhub/shared';
import { serializerCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CalendarService } from './service.js';

const idParams = z.object({ id: z.uuid() });
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };

export const calendarRoutes: FastifyPluginAsyncZod<{ service: CalendarService }> = async (app, { service: calendar }) => {
  app.addHook('preHandler', app.requireMember);

  app.get(
    '/api/calendar/events',
    {
      schema: { tags: ['calendar'], querystring: eventsQuery, response: { 200: eventsResponse, ...errors } },
      // The calendar's hottest response goes straight to JSON.stringify, without a zod parse
      // of every event first: the service builds each event field by field from typed rows,
      // so that parse could never fail and only cost time (more than fast-json-stringify
      // too, measured). Fastify calls this once per status code with that status's schema.
      serializerCompiler: ({ schema, method, url, httpStatus }) =>
        httpStatus === '200' ? JSON.stringify : serializerCompiler({ schema: schema as unknown as z.ZodType, method, url }),
    },
    async (request) => calendar.list(request.user!, new Date(request.query.from), new Date(request.query.to), request.query.cursor),
  );

  app.post(
    '/api/calendar/events',
    { schema: { tags: ['calendar'], body: createEventBody, response: { 201: eventResponse, ...errors, 422: errorBody, 429: errorBody } } },
    async (request, reply) => reply.status(201).send({ event: await calendar.create(request.user!, request.body) }),
  );

  app.patch(
    '/api/calendar/events/:id',
    { schema: { tags: ['calendar'], params: idParams, body: updateEventBody, response: { 200: eventResponse, ...errors } } },
    async (request) => ({ event: await calendar.update(request.user!, request.params.id, request.body) }),
  );

  app.delete(
    '/api/calendar/events/:id',
    { schema: { tags: ['calendar'], params: idParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await calendar.remove(request.user!, request.params.id);
      return reply.status(204).send(null);
    },
  );
};

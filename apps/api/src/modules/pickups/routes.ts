/** The pickups routes of ../shared/familyhub-api.md: children, routines, day changes, handovers. Each maps its request onto one service call. */
import {
  childDayParams,
  childResponse,
  childrenResponse,
  createChildBody,
  dayChangeBody,
  errorBody,
  pickupDayResponse,
  pickupsQuery,
  pickupsResponse,
  putRoutineBody,
  routineResponse,
  updateChildBody,
} from '@familyhub/shared';
import { serializerCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PickupsService } from './service.js';

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody };
const idParams = z.object({ id: z.uuid() });

export const pickupsRoutes: FastifyPluginAsyncZod<{ service: PickupsService }> = async (app, { service }) => {
  app.post(
    '/api/family/children',
    { preHandler: app.requireParent, schema: { tags: ['pickups'], body: createChildBody, response: { 201: childResponse, ...errors } } },
    async (request, reply) => reply.status(201).send({ child: await service.create(request.user!, request.body) }),
  );

  app.get(
    '/api/family/children',
    { preHandler: app.requireMember, schema: { tags: ['pickups'], response: { 200: childrenResponse, ...errors } } },
    async (request) => ({ children: await service.list(request.user!) }),
  );

  app.patch(
    '/api/family/children/:id',
    { preHandler: app.requireParent, schema: { tags: ['pickups'], params: idParams, body: updateChildBody, response: { 200: childResponse, ...errors } } },
    async (request) => ({ child: await service.update(request.user!, request.params.id, request.body) }),
  );

  app.delete(
    '/api/family/children/:id',
    { preHandler: app.requireParent, schema: { tags: ['pickups'], params: idParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.remove(request.user!, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/family/children/:id/routine',
    { preHandler: app.requireParent, schema: { tags: ['pickups'], params: idParams, body: putRoutineBody, response: { 200: routineResponse, ...errors } } },
    async (request) => ({ routine: await service.putRoutine(request.user!, request.params.id, request.body) }),
  );

  app.put(
    '/api/family/children/:id/days/:date',
    {
      preHandler: app.requireParent,
      schema: { tags: ['pickups'], params: childDayParams, body: dayChangeBody, response: { 200: pickupDayResponse, ...errors } },
    },
    async (request) => ({ day: await service.putDay(request.user!, request.params.id, request.params.date, request.body) }),
  );

  app.delete(
    '/api/family/children/:id/days/:date',
    { preHandler: app.requireParent, schema: { tags: ['pickups'], params: childDayParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await service.deleteDay(request.user!, request.params.id, request.params.date);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/pickups',
    {
      preHandler: app.requireMember,
      schema: {
        tags: ['pickups'],
        description: 'Every child’s handovers from `from` to `to` (dates, both included, at most 62 days).',
        querystring: pickupsQuery,
        response: { 200: pickupsResponse, ...errors },
      },
      // As the calendar's list: the service builds every field from typed rows, so a zod
      // parse of each day before JSON.stringify could never fail and would only cost time.
      serializerCompiler: ({ schema, method, url, httpStatus }) =>
        httpStatus === '200' ? JSON.stringify : serializerCompiler({ schema: schema as unknown as z.ZodType, method, url }),
    },
    async (request) => ({ days: await service.days(request.user!.familyId, request.query.from, request.query.to) }),
  );
};

/** Sign-up, login, logout, the signed-in user, adding family members and changing their colours. */
import {
  addMemberBody,
  addMemberResponse,
  errorBody,
  loginBody,
  meResponse,
  memberResponse,
  sessionResponse,
  signupBody,
  updateMemberBody,
} from '@familyhub/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountsService } from './service.js';

const memberParams = z.object({ id: z.uuid() });

export const accountsRoutes: FastifyPluginAsyncZod<{ service: AccountsService }> = async (app, { service }) => {
  app.post(
    '/api/auth/signup',
    {
      schema: {
        tags: ['accounts'],
        body: signupBody,
        response: { 201: sessionResponse, 400: errorBody, 409: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const { user, family, session } = await service.signup(request.body, request.ip);
      app.setSessionCookie(request, reply, session.token, session.expiresAt);
      return reply.status(201).send({ user, family });
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['accounts'],
        body: loginBody,
        response: { 200: sessionResponse, 400: errorBody, 401: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const { user, family, session } = await service.login(request.body.email, request.body.password, request.ip);
      app.setSessionCookie(request, reply, session.token, session.expiresAt);
      return { user, family };
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['accounts'], response: { 204: z.null() } } },
    async (request, reply) => {
      await service.logout(app.sessionToken(request));
      app.clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/me',
    { preHandler: app.requireMember, schema: { tags: ['accounts'], response: { 200: meResponse, 401: errorBody } } },
    async (request) => service.me(request.user!),
  );

  app.post(
    '/api/family/members',
    {
      preHandler: app.requireParent,
      schema: {
        tags: ['accounts'],
        body: addMemberBody,
        response: { 201: addMemberResponse, 400: errorBody, 401: errorBody, 403: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const user = await service.addMember(request.user!, request.body);
      return reply.status(201).send({ user: { ...user, familyId: request.user!.familyId } });
    },
  );

  app.patch(
    '/api/family/members/:id',
    {
      preHandler: app.requireParent,
      schema: {
        tags: ['accounts'],
        params: memberParams,
        body: updateMemberBody,
        response: { 200: memberResponse, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (request) => ({ member: await service.updateMember(request.user!, request.params.id, request.body) }),
  );
};

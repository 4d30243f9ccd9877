/** Liveness and readiness for orchestrators. */
import { errorBody } from '@familyhub/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export const healthRoutes: FastifyPluginAsyncZod<{ ping: () => Promise<void> }> = async (app, { ping }) => {
  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ready') }), 503: errorBody } } },
    async (request, reply) => {
      try {
        await ping();
        return { status: 'ready' as const };
      } catch (err) {
        request.log.warn({ err }, 'readiness check: database not answering');
        return reply.status(503).send({ error: 'database_unavailable', message: 'The database is not answering.' });
      }
    },
  );
};

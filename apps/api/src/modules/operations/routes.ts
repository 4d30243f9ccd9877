/**
 * The operators' routes: liveness and readiness for orchestrators, Prometheus metrics and
 * the OpenAPI description. Metrics and the description tell a stranger much about the
 * system, so outside development they answer only the operator token, unless
 * METRICS_AND_DOCS_PUBLIC says otherwise.
 */
import { errorBody } from '@familyhub/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { z } from 'zod';

export interface OperationsRoutesOptions {
  ping: () => Promise<void>;
  metrics: Registry;
  openApi: () => unknown;
  /** Metrics and the OpenAPI description for everyone (development), or for the operator token only. */
  public: boolean;
}

export const operationsRoutes: FastifyPluginAsyncZod<OperationsRoutesOptions> = async (app, opts) => {
  const operatorsOnly = opts.public ? {} : { preHandler: app.requireOperator };

  app.get('/healthz', { schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/readyz',
    { schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ready') }), 503: errorBody } } },
    async (request, reply) => {
      try {
        await opts.ping();
        return { status: 'ready' as const };
      } catch (err) {
        request.log.warn({ err }, 'readiness check: database not answering');
        return reply.status(503).send({ error: 'database_unavailable', message: 'The database is not answering.' });
      }
    },
  );

  app.get('/metrics', { schema: { hide: true }, ...operatorsOnly }, async (_request, reply) => {
    reply.header('content-type', opts.metrics.contentType);
    return opts.metrics.metrics();
  });

  app.get('/docs', { schema: { hide: true }, ...operatorsOnly }, async () => opts.openApi());
};

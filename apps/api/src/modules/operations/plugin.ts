/** The operations module: health, readiness, metrics and the OpenAPI description. */
import fp from 'fastify-plugin';
import { operationsRoutes } from './routes.js';

export default fp<{ public: boolean }>(
  async (app, opts) => {
    await app.register(operationsRoutes, {
      ping: () => app.database.ping(),
      metrics: app.metrics,
      openApi: () => app.swagger(),
      public: opts.public,
    });
  },
  { name: 'operations', dependencies: ['database', 'metrics', 'docs', 'auth'] },
);

/** The health module: liveness and readiness, readiness asking the database. */
import type { FastifyPluginAsync } from 'fastify';
import { healthRoutes } from './routes.js';

const healthModule: FastifyPluginAsync = async (app) => {
  await app.register(healthRoutes, { ping: () => app.database.ping() });
};

export default healthModule;

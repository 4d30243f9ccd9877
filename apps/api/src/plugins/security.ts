/**
 * Browser-facing protections: security headers, CORS for the web app's origin only, and
 * the origin check that refuses cross-site state-changing requests (CSRF).
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export default fp<{ webOrigin: string }>(
  async (app, { webOrigin }) => {
    await app.register(helmet, { contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
    await app.register(cors, { origin: [webOrigin], credentials: true });

    app.addHook('onRequest', async (request, reply) => {
      if (SAFE_METHODS.has(request.method)) return;
      const origin = request.headers.origin;
      const fetchSite = request.headers['sec-fetch-site'];
      const ownOrigin = `${request.protocol}://${request.host}`;
      const originAllowed = origin === undefined || origin === webOrigin || origin === ownOrigin;
      if (!originAllowed || fetchSite === 'cross-site') {
        return reply.status(403).send({ error: 'csrf', message: 'Cross-site request refused.' });
      }
    });
  },
  { name: 'security' },
);

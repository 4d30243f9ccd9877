/** The OpenAPI document, generated from the routes' zod schemas (served at GET /docs by the operations module). */
import { SESSION_COOKIE } from '@familyhub/shared';
import swagger from '@fastify/swagger';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: { title: 'Family Hub API', version: '1.0.0', description: 'Family calendar with the Tempus shift integration.' },
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
            operator: { type: 'http', scheme: 'bearer' },
          },
        },
      },
      transform: jsonSchemaTransform,
    });
  },
  { name: 'docs' },
);

/**
 * The one error handler: typed AppErrors, zod validation failures and Fastify's own errors
 * become `{error, message}` with the right status; 5xx details are logged, never returned.
 */
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isDatabaseDown, isDataException } from '../lib/database-errors.js';
import { AppError } from '../lib/errors.js';

export default fp(
  async (app) => {
    app.setNotFoundHandler((request, reply) => {
      reply.status(404).send({ error: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` });
    });

    app.setErrorHandler((error, request, reply) => {
      if (error instanceof AppError) {
        reply.headers(error.headers).status(error.statusCode).send({ error: error.code, message: error.message });
        return;
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const first = error.validation[0];
        const where = `${error.validationContext ?? 'request'}${first?.instancePath ? first.instancePath.replaceAll('/', '.') : ''}`;
        reply.status(400).send({ error: 'validation_error', message: `${where}: ${first?.message ?? 'invalid value'}` });
        return;
      }
      if (isResponseSerializationError(error)) {
        request.log.error({ err: error }, 'response did not match its schema');
        reply.status(500).send({ error: 'internal_error', message: 'Something went wrong on our side.' });
        return;
      }
      if (isDatabaseDown(error)) {
        request.log.error({ err: error }, 'database unavailable');
        reply.status(503).header('retry-after', '5').send({ error: 'database_unavailable', message: 'The database is not answering right now. Try again shortly.' });
        return;
      }
      if (isDataException(error)) {
        request.log.warn({ err: error }, 'request value refused by the database');
        reply.status(400).send({ error: 'invalid_value', message: 'A value in the request cannot be stored (for example a NUL character or a date out of range).' });
        return;
      }
      const status = (error as { statusCode?: number }).statusCode;
      if (status && status >= 400 && status < 500) {
        const code = (error as { code?: string }).code;
        const errorCode =
          code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'payload_too_large'
          : code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type'
          : status === 429 ? 'rate_limited'
          : 'bad_request';
        reply.status(status).send({ error: errorCode, message: (error as Error).message });
        return;
      }
      request.log.error({ err: error }, 'unhandled error');
      reply.status(500).send({ error: 'internal_error', message: 'Something went wrong on our side.' });
    });
  },
  { name: 'error-handler' },
);

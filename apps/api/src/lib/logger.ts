/** Pino options shared by the API process: JSON in production, pretty in development, secrets redacted. */
import { stdSerializers, type LoggerOptions } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
  '*.clientSecret',
  '*.client_secret',
  '*.code_verifier',
  '*.secret',
  'headers.authorization',
  'headers.cookie',
];

/** Query parameters that carry credentials (the OAuth callback's code and state, above all). */
const SENSITIVE_QUERY = /([?&](?:code|state|token|access_token|refresh_token|code_verifier|password)=)[^&#]*/gi;

/** A member's calendar feed address carries its secret in the path. */
const FEED_SECRET = /(\/feed\/)[^/?#]+(\.ics)/g;

export function redactUrl(url: string): string {
  return url.replace(SENSITIVE_QUERY, '$1[redacted]').replace(FEED_SECRET, '$1[redacted]$2');
}

/** Error fields that carry the values of a database statement (a password hash, a shift's notes) or a row's content. */
const VALUE_FIELDS = ['params', 'parameters', 'detail', 'where', 'internalQuery', 'internalPosition'];
/** Drizzle puts a failed statement's parameters into its message and stack: "Failed query: …\nparams: …". */
const PARAMS_IN_TEXT = /\nparams: [\s\S]*?(?=\n {4}at |$)/;

type SerializedError = Record<string, unknown> & { message?: unknown; stack?: unknown; cause?: unknown };

/** A serialized error, and the errors it was caused by, without the values of the statements that failed. */
export function withoutStatementValues(error: SerializedError): SerializedError {
  const out: SerializedError = { ...error };
  for (const field of VALUE_FIELDS) {
    if (field in out) out[field] = '[redacted]';
  }
  for (const field of ['message', 'stack'] as const) {
    const text = out[field];
    if (typeof text === 'string') out[field] = text.replace(PARAMS_IN_TEXT, '\nparams: [redacted]');
  }
  if (out.cause && typeof out.cause === 'object') out.cause = withoutStatementValues(out.cause as SerializedError);
  return out;
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function loggerOptions(level: string, pretty: boolean): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      err: (err: Error) => withoutStatementValues(stdSerializers.errWithCause(err) as unknown as SerializedError),
      // Fastify's default request serializer logs the URL as is: the OAuth callback's
      // single-use code and state would land in every log line about that request.
      req: (request: LoggedRequest) => ({
        method: request.method,
        url: redactUrl(request.url),
        host: request.host,
        remoteAddress: request.ip,
        remotePort: request.socket?.remotePort,
      }),
    },
    ...(pretty && { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }),
  };
}

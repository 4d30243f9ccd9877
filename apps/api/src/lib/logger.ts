/** Pino options shared by the API process: JSON in production, pretty in development, secrets redacted. */
import type { LoggerOptions } from 'pino';

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

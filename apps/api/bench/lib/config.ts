/**
 * The environment every benchmarked API instance runs with: production mode (as deployed),
 * the bench's own Tempus client at the simulator, and nothing inherited from the shell
 * that could change what is measured.
 */
import { loadConfig } from '../../src/config.js';
import { createTokenCipher } from '../../src/lib/token-cipher.js';

export const BENCH_CLIENT = {
  clientId: 'familyhub-bench',
  clientSecret: 'bench-client-secret-0123456789abcdef',
  redirectUri: 'http://localhost:3000/api/tempus/callback',
};

/** Bench-only secrets: fixed so the parent can encrypt tokens the child decrypts. */
const BENCH_ENCRYPTION_KEY = Buffer.alloc(32, 42).toString('base64');
const BENCH_SESSION_SECRET = 'bench-only-session-secret-0123456789abcdef';

export function benchEnv(options: { databaseUrl: string; tempusUrl: string; extra?: Record<string, string> }): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: options.databaseUrl,
    SESSION_SECRET: BENCH_SESSION_SECRET,
    WEB_ORIGIN: 'http://localhost:5173',
    TEMPUS_AUTH_URL: options.tempusUrl,
    TEMPUS_API_URL: options.tempusUrl,
    TEMPUS_CLIENT_ID: BENCH_CLIENT.clientId,
    TEMPUS_CLIENT_SECRET: BENCH_CLIENT.clientSecret,
    TEMPUS_OAUTH_REDIRECT_URI: BENCH_CLIENT.redirectUri,
    TEMPUS_TOKEN_ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
    // Every benchmark family signs up from this one address.
    SIGNUPS_PER_VISITOR_PER_HOUR: '1000000',
    ...options.extra,
  };
}

/** The configuration an instance started with `env` runs with (for reporting its budget). */
export function configFor(env: Record<string, string>) {
  return loadConfig(env);
}

export function benchCipher() {
  return createTokenCipher(loadConfig(benchEnv({ databaseUrl: 'postgres://unused/x', tempusUrl: 'http://127.0.0.1:9' })).tempus.encryptionKeys);
}

/** The parent's environment without anything that would configure the app under test. */
export function childBaseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(TEMPUS_|DATABASE_URL$|NODE_ENV$|LOG_LEVEL$|PORT$|HOST$|SESSION_|ADMIN_API_TOKEN$|WEB_ORIGIN$|PGLITE_DIR$)/.test(key)) continue;
    out[key] = value;
  }
  return out;
}

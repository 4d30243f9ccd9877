/**
 * The API's configuration: one zod schema over the environment, parsed once at start-up
 * and frozen. A bad value fails with one line naming the variable. Without NODE_ENV the
 * API runs as production, so a deployment that forgets it still refuses to start on the
 * public development secrets; development is chosen explicitly (`pnpm dev`, the demo).
 */
import { fileURLToPath } from 'node:url';
import { validate as isValidCron } from 'node-cron';
import { z } from 'zod';

/** `./data/` at the repository root, wherever the API is started from. */
const DEFAULT_PGLITE_DIR = fileURLToPath(new URL('../../../data/pglite', import.meta.url));
const DEV_ONLY_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
const DEV_ONLY_SESSION_SECRET = 'development-only-session-secret-not-for-production';
/** The bundled simulator and its development client, so a fresh checkout runs with no setup. */
const DEV_ONLY_CLIENT = { id: 'familyhub-dev', secret: 'familyhub-dev-secret' };
const DEV_ONLY_TEMPUS_URL = 'http://127.0.0.1:4010';
const CALLBACK_PATH = '/api/tempus/callback';
/** How every placeholder in `.env.example` starts: never accepted as a secret in production. */
const PLACEHOLDER_PREFIX = 'replace-with-';
const SECRET_VARIABLES = ['SESSION_SECRET', 'ADMIN_API_TOKEN', 'TEMPUS_CLIENT_ID', 'TEMPUS_CLIENT_SECRET'] as const;
/** The push services of Chrome/Edge/Android (FCM), Firefox, Safari and Windows: where browsers' push endpoints live. */
const DEFAULT_PUSH_HOSTS = 'fcm.googleapis.com,updates.push.services.mozilla.com,web.push.apple.com,notify.windows.com';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const base64url = (bytes: number, what: string) =>
  z.string().refine((v) => /^[A-Za-z0-9_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64url').length === bytes, `must be ${what}, base64url-encoded`);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const envSchema = z.object({
  NODE_ENV: z.enum(['production', 'development', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DATABASE_URL: optionalString.pipe(z.url().startsWith('postgres').optional()),
  PGLITE_DIR: z.string().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Which proxies' X-Forwarded-* headers to believe: the web app's server on this host by default. */
  TRUST_PROXY: z
    .string()
    .min(1)
    .default('loopback')
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : v)),
  WEB_ORIGIN: z.url().default('http://localhost:5173'),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(24 * 30),
  EVENT_STREAMS_PER_MEMBER: z.coerce.number().int().min(1).max(100).default(5),
  EVENT_STREAMS_PER_INSTANCE: z.coerce.number().int().min(1).max(100_000).default(1_000),
  EVENT_STREAM_HEARTBEAT_S: z.coerce.number().int().min(1).max(300).default(25),
  HTTP_REQUEST_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(30),
  METRICS_AND_DOCS_PUBLIC: bool.optional(),
  /** Sign-up attempts one visitor (IP address) may make per hour. */
  SIGNUPS_PER_VISITOR_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** Events a family may hold that its members made by hand (synced events are bounded by their sources). */
  CALENDAR_EVENTS_PER_FAMILY: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  CALENDAR_EVENTS_PER_MEMBER_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(300),
  ADMIN_API_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  TEMPUS_ENABLED: bool.default(true),
  TEMPUS_AUTH_URL: optionalString.pipe(z.url().optional()),
  TEMPUS_API_URL: optionalString.pipe(z.url().optional()),
  TEMPUS_CLIENT_ID: optionalString,
  TEMPUS_CLIENT_SECRET: optionalString,
  TEMPUS_OAUTH_REDIRECT_URI: z
    .url()
    .refine((v) => new URL(v).pathname === CALLBACK_PATH, `must point at ${CALLBACK_PATH}`)
    .default(`http://localhost:3000${CALLBACK_PATH}`),
  TEMPUS_TOKEN_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .optional(),
  ),
  TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS: optionalString,
  TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION: z.coerce.number().int().min(1).max(1_000_000).optional(),
  TEMPUS_SYNC_CRON: z.string().refine(isValidCron, 'must be a valid cron expression').default('0 */6 * * *'),
  TEMPUS_RATE_LIMIT_RPS: z.coerce.number().positive().max(1000).default(8),
  TEMPUS_QUOTA_PER_HOUR: z.coerce.number().int().min(10).max(10_000_000).default(5000),
  TEMPUS_SYNC_MIN_INTERVAL_S: z.coerce.number().int().min(1).max(7 * 86_400).default(900),
  TEMPUS_INTERACTIVE_RESERVE: z.coerce.number().min(0).max(0.9).default(0.2),
  TEMPUS_SYNC_WINDOW_PAST_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  TEMPUS_SYNC_WINDOW_FUTURE_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  TEMPUS_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Lets calendar subscriptions fetch from loopback and private addresses (development and tests). */
  ICS_ALLOW_PRIVATE_HOSTS: bool.default(false),
  ICS_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(60),
  /** Where phones reach the API: the base of each member's calendar feed address. */
  PUBLIC_API_URL: z
    .url()
    .refine((v) => /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL')
    .default('http://localhost:3000'),
  /** Web Push (VAPID, RFC 8292): all three or none; without them push is off and everything else works. */
  VAPID_PUBLIC_KEY: optionalString.pipe(base64url(65, 'an uncompressed P-256 public key (65 bytes)').optional()),
  VAPID_PRIVATE_KEY: optionalString.pipe(base64url(32, 'a P-256 private key (32 bytes)').optional()),
  VAPID_SUBJECT: optionalString.pipe(
    z
      .string()
      .refine((v) => /^mailto:[^@\s]+@[^@\s]+$/.test(v) || /^https:\/\/[^\s]+$/.test(v), 'must be a mailto: or https: URL')
      .optional(),
  ),
  /** The hosts (and their subdomains) push endpoints may point at; the server posts to them. */
  PUSH_ENDPOINT_HOSTS: z
    .string()
    .default(DEFAULT_PUSH_HOSTS)
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+$/, 'must list host names')).min(1)),
});

export type Env = z.input<typeof envSchema>;

export interface EncryptionKey {
  version: number;
  key: Buffer;
}

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  // Outside development nothing falls back to the development values: each must be set.
  const development = e.NODE_ENV === 'development';
  // Says why a variable is required when the operator never chose production.
  const outsideDevelopment = env.NODE_ENV?.trim() ? 'outside development' : 'outside development (NODE_ENV is unset, so production)';
  if (production) {
    const placeholder = SECRET_VARIABLES.find((name) => e[name]?.startsWith(PLACEHOLDER_PREFIX));
    if (placeholder) throw new ConfigError(`Invalid configuration: ${placeholder} is still the .env.example placeholder; set a real value`);
  }

  const sessionSecret = e.SESSION_SECRET ?? (development ? DEV_ONLY_SESSION_SECRET : undefined);
  if (!sessionSecret) throw new ConfigError(`Invalid configuration: SESSION_SECRET is required ${outsideDevelopment}`);
  if (production && sessionSecret === DEV_ONLY_SESSION_SECRET) {
    throw new ConfigError('Invalid configuration: SESSION_SECRET must not be the development default in production');
  }

  const encryptionKey = e.TEMPUS_TOKEN_ENCRYPTION_KEY ?? (development ? DEV_ONLY_ENCRYPTION_KEY : undefined);
  // The key also encrypts subscription URLs and feed secrets, so production refuses the
  // development key whether Tempus is on or not.
  if (production && encryptionKey === DEV_ONLY_ENCRYPTION_KEY) {
    throw new ConfigError('Invalid configuration: TEMPUS_TOKEN_ENCRYPTION_KEY must not be the development default in production');
  }
  const clientId = e.TEMPUS_CLIENT_ID ?? (development ? DEV_ONLY_CLIENT.id : undefined);
  const clientSecret = e.TEMPUS_CLIENT_SECRET ?? (development ? DEV_ONLY_CLIENT.secret : undefined);
  const authUrl = e.TEMPUS_AUTH_URL ?? (development ? DEV_ONLY_TEMPUS_URL : undefined);
  const apiUrl = e.TEMPUS_API_URL ?? (development ? DEV_ONLY_TEMPUS_URL : undefined);
  if (e.TEMPUS_ENABLED) {
    if (!encryptionKey) {
      throw new ConfigError(`Invalid configuration: TEMPUS_TOKEN_ENCRYPTION_KEY is required ${outsideDevelopment}`);
    }
    if (!authUrl) throw new ConfigError(`Invalid configuration: TEMPUS_AUTH_URL is required ${outsideDevelopment}`);
    if (!apiUrl) throw new ConfigError(`Invalid configuration: TEMPUS_API_URL is required ${outsideDevelopment}`);
    if (!clientId) throw new ConfigError('Invalid configuration: TEMPUS_CLIENT_ID is required when TEMPUS_ENABLED=true');
    if (!clientSecret) throw new ConfigError('Invalid configuration: TEMPUS_CLIENT_SECRET is required when TEMPUS_ENABLED=true');
    if (production && clientSecret === DEV_ONLY_CLIENT.secret) {
      throw new ConfigError('Invalid configuration: TEMPUS_CLIENT_SECRET must not be the development default in production');
    }
  }

  const keys = parseKeys(encryptionKey ?? DEV_ONLY_ENCRYPTION_KEY, e.TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS, e.TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION);

  const vapidNames = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT'] as const;
  const vapidMissing = vapidNames.find((name) => e[name] === undefined);
  if (vapidMissing && vapidNames.some((name) => e[name] !== undefined)) {
    throw new ConfigError(`Invalid configuration: ${vapidMissing} is required when any VAPID_ variable is set (Web Push needs all three)`);
  }

  return deepFreeze({
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    prettyLogs: e.NODE_ENV === 'development',
    database: { url: e.DATABASE_URL, pgliteDir: e.PGLITE_DIR ?? DEFAULT_PGLITE_DIR },
    http: {
      port: e.PORT,
      host: e.HOST,
      webOrigin: new URL(e.WEB_ORIGIN).origin,
      trustProxy: e.TRUST_PROXY,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_S * 1000,
      eventStreams: {
        perMember: e.EVENT_STREAMS_PER_MEMBER,
        perInstance: e.EVENT_STREAMS_PER_INSTANCE,
        heartbeatMs: e.EVENT_STREAM_HEARTBEAT_S * 1000,
      },
    },
    session: { secret: sessionSecret, ttlMs: e.SESSION_TTL_HOURS * 3_600_000 },
    signupsPerVisitorPerHour: e.SIGNUPS_PER_VISITOR_PER_HOUR,
    calendar: { eventsPerFamily: e.CALENDAR_EVENTS_PER_FAMILY, eventsPerMemberPerHour: e.CALENDAR_EVENTS_PER_MEMBER_PER_HOUR },
    adminToken: e.ADMIN_API_TOKEN,
    /** GET /metrics and /docs for everyone, or only for the operator token (the default in production). */
    metricsAndDocsPublic: e.METRICS_AND_DOCS_PUBLIC ?? !production,
    tempus: {
      enabled: e.TEMPUS_ENABLED,
      authUrl: (authUrl ?? DEV_ONLY_TEMPUS_URL).replace(/\/$/, ''),
      apiUrl: (apiUrl ?? DEV_ONLY_TEMPUS_URL).replace(/\/$/, ''),
      clientId: clientId ?? '',
      clientSecret: clientSecret ?? '',
      redirectUri: e.TEMPUS_OAUTH_REDIRECT_URI,
      encryptionKeys: keys,
      syncCron: e.TEMPUS_SYNC_CRON,
      rateLimitRps: e.TEMPUS_RATE_LIMIT_RPS,
      quotaPerHour: e.TEMPUS_QUOTA_PER_HOUR,
      syncMinIntervalMs: e.TEMPUS_SYNC_MIN_INTERVAL_S * 1000,
      interactiveReserve: e.TEMPUS_INTERACTIVE_RESERVE,
      windowPastDays: e.TEMPUS_SYNC_WINDOW_PAST_DAYS,
      windowFutureDays: e.TEMPUS_SYNC_WINDOW_FUTURE_DAYS,
      syncConcurrency: e.TEMPUS_SYNC_CONCURRENCY,
    },
    /**
     * Calendar subscriptions in and the family's calendar out. Both keep secrets encrypted
     * with the Tempus token keys, so without a configured key (Tempus turned off, outside
     * development) neither exists.
     */
    calendarSync: {
      enabled: encryptionKey !== undefined,
      allowPrivateHosts: e.ICS_ALLOW_PRIVATE_HOSTS,
      syncIntervalMs: e.ICS_SYNC_INTERVAL_MINUTES * 60_000,
      publicApiUrl: e.PUBLIC_API_URL.replace(/\/$/, ''),
    },
    /** Web Push: off (`vapid: null`) without VAPID keys. */
    push: {
      vapid: vapidMissing ? null : { publicKey: e.VAPID_PUBLIC_KEY!, privateKey: e.VAPID_PRIVATE_KEY!, subject: e.VAPID_SUBJECT! },
      endpointHosts: e.PUSH_ENDPOINT_HOSTS,
    },
  });
}

/**
 * The current key is version 1 + the number of old keys, so rotating is: move the current
 * key to the front of TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS (comma-separated, oldest first) and
 * set a new current key. Stored ciphertexts name the version that made them.
 *
 * Retiring an old key once nothing is encrypted with it any more must not renumber the
 * others, so versions can be pinned: an old key may be written `<version>:<key>`, and
 * TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION sets the current key's version.
 */
function parseKeys(current: string, old: string | undefined, currentVersion: number | undefined): { current: EncryptionKey; all: EncryptionKey[] } {
  const olds = (old ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const pinned = /^(\d+):(.+)$/.exec(entry);
      const key = Buffer.from(pinned ? pinned[2]! : entry, 'base64');
      if (key.length !== 32) {
        throw new ConfigError('Invalid configuration: TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS must hold 32-byte base64 keys');
      }
      return { version: pinned ? Number(pinned[1]) : i + 1, key };
    });
  const currentKey = { version: currentVersion ?? olds.length + 1, key: Buffer.from(current, 'base64') };
  const all = [...olds, currentKey];
  if (new Set(all.map((k) => k.version)).size !== all.length) {
    throw new ConfigError('Invalid configuration: TEMPUS_TOKEN_ENCRYPTION_KEY_VERSION clashes with a version in TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS');
  }
  return { current: currentKey, all };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export type Config = ReturnType<typeof loadConfig>;

import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const KEY = Buffer.alloc(32, 1).toString('base64');
const production = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'a-production-session-secret-of-enough-length',
  TEMPUS_CLIENT_ID: 'familyhub',
  TEMPUS_CLIENT_SECRET: 'a-real-client-secret',
  TEMPUS_TOKEN_ENCRYPTION_KEY: KEY,
  TEMPUS_AUTH_URL: 'https://auth.tempus.example',
  TEMPUS_API_URL: 'https://api.tempus.example',
};

/** `.env.example` as `cp .env.example .env` gives it, and with its commented-out placeholders filled in as they stand. */
function envExample(uncommentPlaceholders = false): Record<string, string> {
  let text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
  if (uncommentPlaceholders) text = text.replace(/^# ([A-Z_]+=replace-with-)/gm, '$1');
  return parseEnv(text) as Record<string, string>;
}

describe('configuration', () => {
  it('starts in development with every documented default when NODE_ENV=development', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.env).toBe('development');
    expect(config.prettyLogs).toBe(true);
    expect(config.http).toEqual({
      port: 3000,
      host: '127.0.0.1',
      webOrigin: 'http://localhost:5173',
      trustProxy: 'loopback',
      requestTimeoutMs: 30_000,
      eventStreams: { perMember: 5, perInstance: 1_000, heartbeatMs: 25_000 },
    });
    expect(config.database.url).toBeUndefined();
    expect(config.signupsPerVisitorPerHour).toBe(10);
    expect(config.calendar).toEqual({ eventsPerFamily: 10_000, eventsPerMemberPerHour: 300 });
    expect(config.tempus.enabled).toBe(true);
    expect(config.tempus.syncCron).toBe('0 */6 * * *');
    expect(config.tempus.rateLimitRps).toBe(8);
    expect(config.tempus.quotaPerHour).toBe(5000);
    expect(config.tempus.syncMinIntervalMs).toBe(900_000);
    expect(config.tempus.interactiveReserve).toBe(0.2);
    expect(config.tempus.windowPastDays).toBe(30);
    expect(config.tempus.windowFutureDays).toBe(60);
    expect(config.tempus.redirectUri).toBe('http://localhost:3000/api/tempus/callback');
    expect(config.tempus.authUrl).toBe('http://127.0.0.1:4010');
    expect(config.tempus.apiUrl).toBe('http://127.0.0.1:4010');
    expect(config.adminToken).toBeUndefined();
  });

  it('runs as production when NODE_ENV is unset', () => {
    const { NODE_ENV: _, ...withoutNodeEnv } = production;
    const config = loadConfig(withoutNodeEnv);
    expect(config.env).toBe('production');
    expect(config.prettyLogs).toBe(false);
  });

  it('refuses to start without NODE_ENV and without secrets, in one line naming the variable and why', () => {
    expect(() => loadConfig({})).toThrow(
      new ConfigError('Invalid configuration: SESSION_SECRET is required outside development (NODE_ENV is unset, so production)'),
    );
    expect(() => loadConfig({ SESSION_SECRET: production.SESSION_SECRET })).toThrow(
      'TEMPUS_TOKEN_ENCRYPTION_KEY is required outside development (NODE_ENV is unset, so production)',
    );
  });

  it('refuses the development secrets when NODE_ENV is unset', () => {
    const { NODE_ENV: _, ...withoutNodeEnv } = production;
    expect(() => loadConfig({ ...withoutNodeEnv, SESSION_SECRET: 'development-only-session-secret-not-for-production' })).toThrow(
      'SESSION_SECRET must not be the development default in production',
    );
  });

  it('refuses to start from .env.example copied as it is until real secrets are set', () => {
    expect(() => loadConfig(envExample())).toThrow('SESSION_SECRET is required outside development (NODE_ENV is unset, so production)');
  });

  it('refuses every .env.example placeholder as a secret in production', () => {
    const filled = envExample(true);
    for (const variable of ['SESSION_SECRET', 'ADMIN_API_TOKEN', 'TEMPUS_CLIENT_ID', 'TEMPUS_CLIENT_SECRET']) {
      expect(filled[variable], variable).toMatch(/^replace-with-/);
      expect(() => loadConfig({ ...production, [variable]: filled[variable] })).toThrow(
        new ConfigError(`Invalid configuration: ${variable} is still the .env.example placeholder; set a real value`),
      );
    }
    expect(() => loadConfig({ ...production, TEMPUS_TOKEN_ENCRYPTION_KEY: filled.TEMPUS_TOKEN_ENCRYPTION_KEY })).toThrow('TEMPUS_TOKEN_ENCRYPTION_KEY');
  });

  it('starts in development from .env.example when a development script sets NODE_ENV, against the bundled simulator', () => {
    const config = loadConfig({ ...envExample(), NODE_ENV: 'development' });
    expect(config.env).toBe('development');
    expect(config.tempus.clientId).toBe('familyhub-dev');
    expect(config.tempus.authUrl).toBe('http://127.0.0.1:4010');
  });

  it('is frozen after parsing', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tempus)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ WEB_ORIGIN: 'not a url' }, 'WEB_ORIGIN'],
    [{ TEMPUS_ENABLED: 'maybe' }, 'TEMPUS_ENABLED'],
    [{ TEMPUS_SYNC_CRON: 'every now and then' }, 'TEMPUS_SYNC_CRON'],
    [{ TEMPUS_RATE_LIMIT_RPS: '-1' }, 'TEMPUS_RATE_LIMIT_RPS'],
    [{ TEMPUS_QUOTA_PER_HOUR: 'lots' }, 'TEMPUS_QUOTA_PER_HOUR'],
    [{ TEMPUS_SYNC_MIN_INTERVAL_S: '0' }, 'TEMPUS_SYNC_MIN_INTERVAL_S'],
    [{ TEMPUS_INTERACTIVE_RESERVE: '0.95' }, 'TEMPUS_INTERACTIVE_RESERVE'],
    [{ EVENT_STREAMS_PER_MEMBER: '0' }, 'EVENT_STREAMS_PER_MEMBER'],
    [{ HTTP_REQUEST_TIMEOUT_S: 'soon' }, 'HTTP_REQUEST_TIMEOUT_S'],
    [{ TEMPUS_TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=' }, 'TEMPUS_TOKEN_ENCRYPTION_KEY'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ TEMPUS_OAUTH_REDIRECT_URI: 'http://localhost:3000/oauth/callback' }, 'TEMPUS_OAUTH_REDIRECT_URI'],
  ])('refuses %o with one line naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as Error).message).toContain(variable);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('accepts a complete production configuration', () => {
    const config = loadConfig(production);
    expect(config.env).toBe('production');
    expect(config.prettyLogs).toBe(false);
  });

  const required = ['SESSION_SECRET', 'TEMPUS_TOKEN_ENCRYPTION_KEY', 'TEMPUS_CLIENT_ID', 'TEMPUS_CLIENT_SECRET', 'TEMPUS_AUTH_URL', 'TEMPUS_API_URL'];
  it.each(['production', 'test'].flatMap((nodeEnv) => required.map((variable) => [variable, nodeEnv])))(
    'requires %s outside development (NODE_ENV=%s)',
    (variable, nodeEnv) => {
      const env: Record<string, string | undefined> = { ...production, NODE_ENV: nodeEnv, [variable]: undefined };
      expect(() => loadConfig(env)).toThrow(variable);
    },
  );

  it('refuses the development defaults in production', () => {
    expect(() => loadConfig({ ...production, SESSION_SECRET: 'development-only-session-secret-not-for-production' })).toThrow(
      'SESSION_SECRET',
    );
    expect(() => loadConfig({ ...production, TEMPUS_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') })).toThrow(
      'TEMPUS_TOKEN_ENCRYPTION_KEY',
    );
    expect(() => loadConfig({ ...production, TEMPUS_CLIENT_SECRET: 'familyhub-dev-secret' })).toThrow('TEMPUS_CLIENT_SECRET');
  });

  it('does not need Tempus credentials when the integration is turned off', () => {
    const config = loadConfig({ ...production, TEMPUS_ENABLED: 'false', TEMPUS_CLIENT_ID: '', TEMPUS_CLIENT_SECRET: '', TEMPUS_TOKEN_ENCRYPTION_KEY: '' });
    expect(config.tempus.enabled).toBe(false);
  });

  it('numbers encryption keys so old ones still decrypt after a rotation', () => {
    const old = Buffer.alloc(32, 2).toString('base64');
    const config = loadConfig({ ...production, TEMPUS_TOKEN_ENCRYPTION_OLD_KEYS: old });
    expect(config.tempus.encryptionKeys.current.version).toBe(2);
    expect(config.tempus.encryptionKeys.all.map((k) => k.version)).toEqual([1, 2]);
  });

  it('turns Web Push on only with all three VAPID variables, and names the one missing', () => {
    expect(loadConfig(production).push).toEqual({
      vapid: null,
      endpointHosts: ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com', 'notify.windows.com'],
    });
    const vapid = {
      VAPID_PUBLIC_KEY: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 9)]).toString('base64url'),
      VAPID_PRIVATE_KEY: Buffer.alloc(32, 3).toString('base64url'),
      VAPID_SUBJECT: 'mailto:drift@familjehubben.example',
    };
    expect(loadConfig({ ...production, ...vapid }).push.vapid).toEqual({ publicKey: vapid.VAPID_PUBLIC_KEY, privateKey: vapid.VAPID_PRIVATE_KEY, subject: vapid.VAPID_SUBJECT });
    expect(() => loadConfig({ ...production, ...vapid, VAPID_SUBJECT: '' })).toThrow(
      new ConfigError('Invalid configuration: VAPID_SUBJECT is required when any VAPID_ variable is set (Web Push needs all three)'),
    );
    expect(() => loadConfig({ ...production, ...vapid, VAPID_PRIVATE_KEY: 'replace-with-a-vapid-private-key' })).toThrow('VAPID_PRIVATE_KEY');
    expect(() => loadConfig({ ...production, ...vapid, VAPID_SUBJECT: 'drift@familjehubben.example' })).toThrow('VAPID_SUBJECT must be a mailto: or https: URL');
    expect(loadConfig({ ...production, PUSH_ENDPOINT_HOSTS: ' Push.Example.com ,127.0.0.1' }).push.endpointHosts).toEqual(['push.example.com', '127.0.0.1']);
  });
});

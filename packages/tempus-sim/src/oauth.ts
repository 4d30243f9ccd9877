// The authorization server's state machine: clients, authorization codes, grants,
// access tokens and rotating refresh tokens. HTTP concerns live in oauth-routes.ts.
//
// A grant is one user's consent for one client. Every token belongs to a grant, so
// "revoke the whole grant" means every token of that user for that client.
import { createHash } from 'node:crypto';
import type { SimClock } from './clock.js';
import { SimInputError } from './errors.js';
import type { SimCounters, SimClientConfig } from './types.js';
import { hashSecret, randomId, randomSecret, sameSecret } from './secrets.js';

export const KNOWN_SCOPES = ['schedules:read', 'profile:read'] as const;
const CODE_TTL_MS = 60_000;
const DAY_MS = 24 * 3600 * 1000;
const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const invalidGrant = (description: string): OAuthError => new OAuthError(400, 'invalid_grant', description);

interface Grant {
  id: string;
  userId: string;
  clientId: string;
  revoked: boolean;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string[];
  codeChallenge: string;
  expiresMs: number;
  used: boolean;
}

export interface AccessTokenRecord {
  grantId: string;
  clientId: string;
  userId: string;
  scope: string[];
  expiresMs: number;
  revoked: boolean;
}

interface RefreshTokenRecord {
  grantId: string;
  clientId: string;
  scope: string[];
  expiresMs: number;
  /** When this token was first exchanged; it then works only for the grace period. */
  rotatedMs: number | null;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

export interface IssuedTokens {
  response: TokenResponse;
  /** Short non-secret identifier of the grant, for the request log. */
  grantId: string;
}

export type AccessTokenCheck =
  | { ok: true; token: AccessTokenRecord }
  | { ok: false; token: AccessTokenRecord | undefined; description: string };

function pkceChallengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function createAuthServer(deps: { clock: SimClock; counters: SimCounters; accessTokenTtlSeconds: number }) {
  const { clock, counters } = deps;
  const clients = new Map<string, SimClientConfig>();
  const codes = new Map<string, CodeRecord>();
  const grants = new Map<string, Grant>();
  const activeGrantIds = new Map<string, string>();
  const accessTokens = new Map<string, AccessTokenRecord>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const lifetimes = { accessTokenTtlSeconds: deps.accessTokenTtlSeconds, refreshTokenTtlDays: 90, refreshGraceSeconds: 30 };

  const grantKey = (userId: string, clientId: string): string => `${userId}\n${clientId}`;

  function grantFor(userId: string, clientId: string): Grant {
    const existing = grants.get(activeGrantIds.get(grantKey(userId, clientId)) ?? '');
    if (existing && !existing.revoked) return existing;
    const grant: Grant = { id: randomId('grt', 4), userId, clientId, revoked: false };
    grants.set(grant.id, grant);
    activeGrantIds.set(grantKey(userId, clientId), grant.id);
    return grant;
  }

  function revokeGrant(grant: Grant): void {
    grant.revoked = true;
    activeGrantIds.delete(grantKey(grant.userId, grant.clientId));
  }

  /** Revokes every grant, and so every token, of the user for the client. */
  function revokeUserGrants(userId: string, clientId: string): void {
    for (const grant of grants.values()) {
      if (grant.userId === userId && grant.clientId === clientId && !grant.revoked) revokeGrant(grant);
    }
  }

  function issueTokens(grant: Grant, scope: string[]): IssuedTokens {
    const now = clock.nowMs();
    const accessToken = randomSecret();
    const refreshToken = randomSecret();
    accessTokens.set(hashSecret(accessToken), {
      grantId: grant.id,
      clientId: grant.clientId,
      userId: grant.userId,
      scope,
      expiresMs: now + lifetimes.accessTokenTtlSeconds * 1000,
      revoked: false,
    });
    refreshTokens.set(hashSecret(refreshToken), {
      grantId: grant.id,
      clientId: grant.clientId,
      scope,
      expiresMs: now + lifetimes.refreshTokenTtlDays * DAY_MS,
      rotatedMs: null,
    });
    return {
      grantId: grant.id,
      response: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: lifetimes.accessTokenTtlSeconds,
        refresh_token: refreshToken,
        scope: scope.join(' '),
      },
    };
  }

  return {
    addClient(client: SimClientConfig): void {
      if (!client.clientId || !client.clientSecret || client.redirectUris.length === 0) {
        throw new SimInputError('A client needs clientId, clientSecret and at least one redirect URI');
      }
      clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
    },

    client(clientId: string): SimClientConfig | undefined {
      return clients.get(clientId);
    },

    authenticateClient(clientId: string, clientSecret: string): SimClientConfig {
      const client = clients.get(clientId);
      if (!client || !sameSecret(client.clientSecret, clientSecret)) {
        throw new OAuthError(401, 'invalid_client', 'Client authentication failed');
      }
      return client;
    },

    issueCode(input: Omit<CodeRecord, 'expiresMs' | 'used'>): string {
      const code = randomSecret();
      codes.set(hashSecret(code), { ...input, expiresMs: clock.nowMs() + CODE_TTL_MS, used: false });
      return code;
    },

    exchangeCode(client: SimClientConfig, code: string, redirectUri: string, codeVerifier: string): IssuedTokens {
      const rec = codes.get(hashSecret(code));
      if (!rec || rec.clientId !== client.clientId) throw invalidGrant('Unknown authorization code');
      if (rec.used) throw invalidGrant('Authorization code was already used');
      // Consumed on the first attempt, even a failed one, so a code cannot be brute-forced.
      rec.used = true;
      if (clock.nowMs() >= rec.expiresMs) throw invalidGrant('Authorization code expired');
      if (rec.redirectUri !== redirectUri) throw invalidGrant('redirect_uri does not match the authorization request');
      if (!PKCE_VERIFIER.test(codeVerifier) || !sameSecret(pkceChallengeOf(codeVerifier), rec.codeChallenge)) {
        throw invalidGrant('PKCE verification failed');
      }
      counters.codesExchanged += 1;
      return issueTokens(grantFor(rec.userId, client.clientId), rec.scope);
    },

    refresh(client: SimClientConfig, refreshToken: string, requestedScope: string[] | null): IssuedTokens {
      const rec = refreshTokens.get(hashSecret(refreshToken));
      if (!rec || rec.clientId !== client.clientId) throw invalidGrant('Unknown refresh token');
      const grant = grants.get(rec.grantId) as Grant;
      const now = clock.nowMs();
      // "Reusing an invalidated refresh token" is read as presenting a token again after
      // it was rotated and its grace ended. That is theft whatever became of its grant
      // since: the contract defines the grant to revoke as all tokens of that user for this
      // client, so a replayed token of an earlier, already revoked grant still revokes the
      // user's current one. A token that was never rotated but whose grant was revoked is
      // not reuse, only a revoked token: plain invalid_grant, nothing else revoked.
      if (rec.rotatedMs !== null) counters.rotatedRefreshTokenUses += 1;
      if (rec.rotatedMs !== null && now - rec.rotatedMs >= lifetimes.refreshGraceSeconds * 1000) {
        revokeUserGrants(grant.userId, grant.clientId);
        counters.refreshReuseDetected += 1;
        throw invalidGrant('Refresh token reuse detected; the grant has been revoked');
      }
      if (grant.revoked) throw invalidGrant('The grant has been revoked');
      if (now >= rec.expiresMs) throw invalidGrant('Refresh token expired');
      if (requestedScope && !requestedScope.every((s) => rec.scope.includes(s))) {
        // The contract's token errors have no invalid_scope; a scope beyond the grant is a
        // malformed request in its vocabulary.
        throw new OAuthError(400, 'invalid_request', 'Requested scope exceeds the granted scope');
      }
      rec.rotatedMs ??= now;
      counters.refreshes += 1;
      return issueTokens(grant, requestedScope ?? rec.scope);
    },

    /** RFC 7009: unknown tokens and tokens of other clients are ignored, not reported. */
    /** Returns the grant the token belonged to, for the request log. */
    revoke(client: SimClientConfig, token: string): string | null {
      const key = hashSecret(token);
      const refresh = refreshTokens.get(key);
      if (refresh && refresh.clientId === client.clientId) {
        const grant = grants.get(refresh.grantId) as Grant;
        if (!grant.revoked) counters.revocations += 1;
        revokeGrant(grant);
        return grant.id;
      }
      const access = accessTokens.get(key);
      if (access && access.clientId === client.clientId) {
        if (!access.revoked) counters.revocations += 1;
        access.revoked = true;
        return access.grantId;
      }
      return null;
    },

    revokeUser(userId: string): void {
      for (const grant of grants.values()) {
        if (grant.userId === userId && !grant.revoked) {
          revokeGrant(grant);
          counters.revocations += 1;
        }
      }
    },

    /** Identifies the client even for an expired token, so such requests are still rate limited. */
    checkAccessToken(token: string): AccessTokenCheck {
      const rec = accessTokens.get(hashSecret(token));
      if (!rec) return { ok: false, token: undefined, description: 'Unknown access token' };
      if (rec.revoked || (grants.get(rec.grantId) as Grant).revoked) {
        return { ok: false, token: rec, description: 'Access token revoked' };
      }
      if (clock.nowMs() >= rec.expiresMs) return { ok: false, token: rec, description: 'Access token expired' };
      return { ok: true, token: rec };
    },

    /**
     * Lifetimes apply to tokens issued from now on; tokens already issued keep theirs. The
     * refresh grace (how long a rotated refresh token still works) applies at once.
     */
    setLifetimes(o: { accessTokenTtlSeconds?: number; refreshTokenTtlDays?: number; refreshGraceSeconds?: number }): void {
      if (o.accessTokenTtlSeconds !== undefined) {
        if (!(o.accessTokenTtlSeconds > 0)) throw new SimInputError('accessTokenTtlSeconds must be positive');
        lifetimes.accessTokenTtlSeconds = o.accessTokenTtlSeconds;
      }
      if (o.refreshTokenTtlDays !== undefined) {
        if (!(o.refreshTokenTtlDays > 0)) throw new SimInputError('refreshTokenTtlDays must be positive');
        lifetimes.refreshTokenTtlDays = o.refreshTokenTtlDays;
      }
      if (o.refreshGraceSeconds !== undefined) {
        if (!(o.refreshGraceSeconds >= 0)) throw new SimInputError('refreshGraceSeconds must not be negative');
        lifetimes.refreshGraceSeconds = o.refreshGraceSeconds;
      }
    },
  };
}

export type AuthServer = ReturnType<typeof createAuthServer>;

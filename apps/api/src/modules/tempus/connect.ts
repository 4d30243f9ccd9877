/**
 * Connecting a Tempus account: OAuth 2.0 authorization code with PKCE, and a `state` that
 * is single-use, expires, and is bound to the session of the parent who started it (kept
 * server-side as a hash, with the encrypted PKCE verifier).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ConnectErrorCode } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import type { AuthUser } from '../accounts/types.js';
import type { TempusApi } from './client.js';
import * as accountsRepo from './repository/accounts.js';
import * as oauthStatesRepo from './repository/oauth-states.js';
import type { TokenCipher } from '../../lib/token-cipher.js';
import type { TempusError } from './types.js';

const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** Connects one parent may have pending at once (a few browser tabs); older ones lapse. */
const PENDING_CONNECTS_PER_USER = 5;
export const SCOPES = 'schedules:read profile:read';

export type ConnectOutcome = { connected: string } | { error: ConnectErrorCode };

export interface ConnectDeps {
  db: Db;
  api: TempusApi;
  cipher: TokenCipher;
  log: FastifyBaseLogger;
  clock: () => Date;
  authorizeUrl: (params: { state: string; codeChallenge: string; scope: string }) => string;
  /** Called with the account once it is stored, to start its first sync. */
  onConnected: (accountId: string) => void;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function createConnect({ db, api, cipher, log, clock, authorizeUrl, onConnected }: ConnectDeps) {
  /** Starts a connect for the parent's session; returns where to send the browser. */
  async function start(user: AuthUser, sessionToken: string): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    await oauthStatesRepo.deleteExpiredOauthStates(db, clock());
    await oauthStatesRepo.insertOauthState(db, {
      stateHash: sha256(state),
      sessionId: sha256(sessionToken),
      userId: user.id,
      familyId: user.familyId,
      codeVerifierEnc: cipher.encrypt(verifier),
      expiresAt: new Date(clock().getTime() + OAUTH_STATE_TTL_MS),
    });
    await oauthStatesRepo.trimOauthStatesOf(db, user.id, PENDING_CONNECTS_PER_USER);
    return authorizeUrl({ state, codeChallenge, scope: SCOPES });
  }

  /** Finishes the OAuth dance from Tempus's redirect: the stored account, or why not. */
  async function complete(query: { code?: string; state?: string; error?: string }, sessionToken: string | undefined): Promise<ConnectOutcome> {
    const pending = query.state ? await oauthStatesRepo.takeOauthState(db, sha256(query.state), clock()) : undefined;
    // The state is spent above whatever happens next, so a replay can never succeed.
    if (!pending || !sessionToken || sha256(sessionToken) !== pending.sessionId) {
      log.warn('Tempus callback refused: unknown, expired, replayed or foreign state');
      return { error: 'invalid_state' };
    }
    if (query.error) return { error: query.error === 'access_denied' ? 'access_denied' : 'exchange_failed' };
    if (!query.code) return { error: 'exchange_failed' };

    let tokens;
    try {
      tokens = await api.exchangeCode(query.code, cipher.decrypt(pending.codeVerifierEnc), { lane: 'interactive' });
    } catch (err) {
      log.warn({ code: (err as TempusError).code }, 'Tempus code exchange failed');
      return { error: 'exchange_failed' };
    }
    let profile;
    try {
      profile = await api.profile(tokens.accessToken, { lane: 'interactive' });
    } catch (err) {
      log.warn({ code: (err as TempusError).code }, 'Tempus profile could not be read');
      return { error: 'profile_failed' };
    }
    const accountId = await accountsRepo.upsertAccount(db, {
      familyId: pending.familyId,
      userId: pending.userId,
      tempusUserId: profile.id,
      email: profile.email,
      name: profile.name,
      employer: profile.employer,
      timezone: profile.timezone,
      accessTokenEnc: cipher.encrypt(tokens.accessToken),
      refreshTokenEnc: tokens.refreshToken ? cipher.encrypt(tokens.refreshToken) : null,
      tokenExpiresAt: tokens.expiresAt,
      scopes: tokens.scope ?? SCOPES,
      now: clock(),
    });
    log.info({ accountId }, 'Tempus account connected');
    onConnected(accountId);
    return { connected: accountId };
  }

  return { start, complete };
}

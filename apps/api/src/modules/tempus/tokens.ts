/**
 * Access tokens for syncs. Tempus rotates refresh tokens and treats a reuse after its grace
 * period as theft (the whole grant is revoked), so a refresh is single-flight: callers in
 * this process share one refresh per account, and across processes one holds the
 * account's refresh claim while the others wait and then use the token it stored.
 */
import type { Db } from '../../db/client.js';
import { sleep } from '../../lib/sleep.js';
import type { CallOptions, TempusApi } from './client.js';
import type { TempusMetrics } from './metrics.js';
import * as tokensRepo from './repository/account-tokens.js';
import type { AccessTokens, SyncUsage } from './sync-engine.js';
import type { TokenCipher } from '../../lib/token-cipher.js';
import { TempusError } from './types.js';

/** A token closer than this to its expiry is refreshed before use. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** Held while a refresh runs and renewed; shorter than Tempus's 30 s refresh grace. */
const REFRESH_CLAIM_MS = 20_000;
const REFRESH_CLAIM_RENEW_MS = 5_000;
const REFRESH_WAIT_POLL_MS = 100;
/** How long a caller waits for another process's refresh before giving up on this sync. */
const REFRESH_WAIT_MS = 90_000;

interface IssuedToken {
  token: string;
  expiresAt: Date | null;
}

export interface TokenDeps {
  db: Db;
  api: TempusApi;
  cipher: TokenCipher;
  metrics: TempusMetrics;
  clock: () => Date;
  /** This process, as the owner of refresh claims. */
  instanceId: string;
}

export function createTokens(deps: TokenDeps) {
  const { db, api, cipher, metrics, clock, instanceId } = deps;
  const refreshes = new Map<string, Promise<IssuedToken>>();

  /** A stored token, or token_unreadable (the account then needs a reconnect) when no configured key opens it. */
  function readable(stored: string): string {
    try {
      return cipher.decrypt(stored);
    } catch {
      throw new TempusError('token_unreadable', 'The stored Tempus token cannot be decrypted with the configured keys; connect the account again');
    }
  }

  const expiresSoon = (expiresAt: Date | null) => !expiresAt || expiresAt.getTime() <= clock().getTime() + TOKEN_REFRESH_MARGIN_MS;

  /**
   * Refreshes the account's access token unless someone already replaced `stale` (the token
   * the caller found expiring, or that Tempus refused with 401). Resolves to a usable token.
   */
  function refresh(accountId: string, stale: string | null, usage: SyncUsage, call: CallOptions): Promise<IssuedToken> {
    const pending = refreshes.get(accountId);
    if (pending) return pending;
    const promise = refreshUnderClaim(accountId, stale, usage, call).finally(() => refreshes.delete(accountId));
    refreshes.set(accountId, promise);
    return promise;
  }

  async function refreshUnderClaim(accountId: string, stale: string | null, usage: SyncUsage, call: CallOptions): Promise<IssuedToken> {
    const deadline = Date.now() + REFRESH_WAIT_MS;
    for (;;) {
      const now = clock();
      const row = await tokensRepo.claimRefresh(db, accountId, instanceId, now, new Date(now.getTime() + REFRESH_CLAIM_MS));
      if (row) return refreshClaimed(accountId, row, stale, usage, call);
      // Another process is refreshing: its token will be in the row when it lets go.
      if (Date.now() > deadline) throw new TempusError('unavailable', 'Another process kept refreshing the Tempus token', { transient: true });
      await sleep(REFRESH_WAIT_POLL_MS, call.signal);
    }
  }

  async function refreshClaimed(accountId: string, row: tokensRepo.TokenRow, stale: string | null, usage: SyncUsage, call: CallOptions): Promise<IssuedToken> {
    const renew = setInterval(() => {
      const now = clock();
      tokensRepo.claimRefresh(db, accountId, instanceId, now, new Date(now.getTime() + REFRESH_CLAIM_MS)).catch(() => undefined);
    }, REFRESH_CLAIM_RENEW_MS);
    renew.unref();
    let saved = false;
    try {
      if (!row.refreshTokenEnc || row.state === 'reauth_required') {
        throw new TempusError('invalid_grant', 'The Tempus connection has no valid refresh token');
      }
      const current = row.accessTokenEnc ? readable(row.accessTokenEnc) : null;
      // Someone refreshed since the caller looked: use their token.
      if (current && current !== stale && !expiresSoon(row.tokenExpiresAt)) return { token: current, expiresAt: row.tokenExpiresAt };
      usage.requests++;
      let set;
      try {
        set = await api.refresh(readable(row.refreshTokenEnc), call);
        metrics.tokenRefreshes.inc({ result: 'ok' });
      } catch (err) {
        metrics.tokenRefreshes.inc({ result: err instanceof TempusError ? err.code : 'error' });
        throw err;
      }
      await tokensRepo.saveRefreshedTokens(db, accountId, instanceId, {
        accessTokenEnc: cipher.encrypt(set.accessToken),
        refreshTokenEnc: set.refreshToken ? cipher.encrypt(set.refreshToken) : row.refreshTokenEnc,
        tokenExpiresAt: set.expiresAt,
        now: clock(),
      });
      saved = true;
      return { token: set.accessToken, expiresAt: set.expiresAt };
    } finally {
      clearInterval(renew);
      if (!saved) await tokensRepo.releaseRefreshClaim(db, accountId, instanceId).catch(() => undefined);
    }
  }

  /**
   * The tokens one sync uses: the stored access token, read once and kept for the sync's
   * pages, refreshed when it is about to expire or Tempus refuses it. Each refresh sent to
   * Tempus is counted in `usage`.
   */
  function forSync(accountId: string, usage: SyncUsage, call: CallOptions): AccessTokens {
    let issued: IssuedToken | undefined;
    async function renewed(stale: string | null) {
      issued = await refresh(accountId, stale, usage, call);
      return issued.token;
    }
    return {
      async current() {
        if (issued && !expiresSoon(issued.expiresAt)) return issued.token;
        const row = await tokensRepo.readTokens(db, accountId);
        if (!row || row.state === 'reauth_required') throw new TempusError('invalid_grant', 'The Tempus connection must be renewed');
        const stored = row.accessTokenEnc ? readable(row.accessTokenEnc) : null;
        if (!stored || expiresSoon(row.tokenExpiresAt)) return renewed(stored);
        issued = { token: stored, expiresAt: row.tokenExpiresAt };
        return stored;
      },
      refresh: renewed,
    };
  }

  return { forSync };
}

export type Tokens = ReturnType<typeof createTokens>;

/**
 * Key rotation finished in the background: stored tokens made with an older key are
 * rewritten with the current one soon after a key change, so that the old key can be
 * retired without stranding accounts that were not refreshed meanwhile. A token no
 * configured key opens puts its account in reauth_required (the parent reconnects); an
 * owed revocation no key opens can never be sent and is dropped.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import type { TokenCipher } from '../../lib/token-cipher.js';
import * as tokensRepo from './repository/account-tokens.js';
import * as revocationsRepo from './repository/revocations.js';
import * as keysRepo from './repository/key-versions.js';

const BATCH = 200;
/** One pass rewrites at most this many batches; the next pass (minutes later) goes on. */
const MAX_BATCHES = 50;

export function createKeyRotation({ db, cipher, log, clock }: { db: Db; cipher: TokenCipher; log: FastifyBaseLogger; clock: () => Date }) {
  /** Decrypted under any configured key and encrypted under the current one; undefined when no key opens it. */
  function rewrapped(stored: string | null): string | null | undefined {
    if (stored === null) return null;
    try {
      return cipher.encrypt(cipher.decrypt(stored));
    } catch {
      return undefined;
    }
  }

  /** One pass over everything still under an older key; returns what it did. */
  async function reencryptStale() {
    let rewritten = 0;
    let unreadable = 0;
    for (let round = 0, batch = await keysRepo.accountsWithOldKeys(db, cipher.currentVersion, BATCH); batch.length > 0 && round < MAX_BATCHES; round++) {
      for (const row of batch) {
        const accessTokenEnc = rewrapped(row.accessTokenEnc);
        const refreshTokenEnc = rewrapped(row.refreshTokenEnc);
        if (accessTokenEnc === undefined || refreshTokenEnc === undefined) {
          unreadable++;
          await tokensRepo.markReauthRequired(
            db,
            row.id,
            { code: 'token_unreadable', message: 'The stored Tempus token cannot be decrypted with the configured keys; connect the account again' },
            clock(),
          );
          continue;
        }
        await keysRepo.rewriteAccountTokens(db, row.id, row, { accessTokenEnc, refreshTokenEnc });
        rewritten++;
      }
      if (batch.length < BATCH) break;
      batch = await keysRepo.accountsWithOldKeys(db, cipher.currentVersion, BATCH);
    }
    for (const row of await keysRepo.revocationsWithOldKeys(db, cipher.currentVersion, BATCH)) {
      const next = rewrapped(row.refreshTokenEnc);
      if (next) {
        await keysRepo.rewriteRevocation(db, row.id, row.refreshTokenEnc, next);
        rewritten++;
      } else {
        unreadable++;
        await revocationsRepo.deletePendingRevocation(db, row.id);
      }
    }
    if (unreadable > 0) log.warn({ unreadable }, 'stored Tempus tokens no configured key opens: their accounts need a reconnect');
    return { rewritten, unreadable };
  }

  return { reencryptStale, countByKeyVersion: () => keysRepo.countByKeyVersion(db) };
}

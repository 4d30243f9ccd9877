/**
 * Disconnecting an account and the revocation it owes Tempus. The local data goes at once
 * (the account's events cascade with it) and the revocation is recorded as owed in the same
 * transaction, so it can never be lost; then it is sent, and the parent hears back once
 * Tempus has confirmed it or after at most DISCONNECT_REVOKE_MS. Whatever Tempus has not
 * confirmed by then stays owed and is retried by the minute job, with backoff.
 *
 * The same Tempus user may be connected in two families (a parent with two households).
 * Revoking a refresh token ends the whole grant, so the grant is revoked only when the last
 * family that holds it disconnects.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { nextRetry } from '../../lib/backoff.js';
import type { TokenCipher } from '../../lib/token-cipher.js';
import type { CallOptions, TempusApi } from './client.js';
import * as accountsRepo from './repository/accounts.js';
import * as revocationsRepo from './repository/revocations.js';
import type { TempusError } from './types.js';

/** How long a disconnect waits for Tempus to confirm the revocation (the contract). */
export const DISCONNECT_REVOKE_MS = 3_000;
const REVOCATIONS_PER_PASS = 50;

export interface RevocationDeps {
  db: Db;
  api: TempusApi;
  cipher: TokenCipher;
  log: FastifyBaseLogger;
  clock: () => Date;
  random: () => number;
}

export function createRevocations({ db, api, cipher, log, clock, random }: RevocationDeps) {
  /** Deletes the family's account (the caller checked it is the parent's own) and ends its grant at Tempus if no other family holds it. */
  async function disconnect(familyId: string, account: { id: string; tempusUserId: string }) {
    const owed = await db.transaction(async (tx) => {
      const connections = await accountsRepo.lockConnectionsOf(tx, account.tempusUserId);
      const removed = await accountsRepo.deleteAccount(tx, familyId, account.id);
      const othersHoldGrant = connections.some((id) => id !== account.id);
      if (!removed?.refreshTokenEnc || othersHoldGrant) return undefined;
      return revocationsRepo.insertPendingRevocation(tx, removed.refreshTokenEnc, clock());
    });
    log.info({ accountId: account.id, revocation: owed ? 'owed' : 'none' }, 'Tempus account disconnected');
    if (!owed) return;
    const pending = await revocationsRepo.findPendingRevocation(db, owed);
    if (pending) await send(pending, { lane: 'interactive', signal: AbortSignal.timeout(DISCONNECT_REVOKE_MS) });
  }

  /** Sends one owed revocation; confirmed, it is no longer owed; otherwise it is tried again later. */
  async function send(pending: { id: string; refreshTokenEnc: string; attempts: number }, call: CallOptions) {
    let token: string;
    try {
      token = cipher.decrypt(pending.refreshTokenEnc);
    } catch {
      // No configured key opens it any more: it can never be sent, so it is not kept.
      log.warn({ revocationId: pending.id }, 'an owed Tempus revocation cannot be decrypted with the configured keys; dropped');
      await revocationsRepo.deletePendingRevocation(db, pending.id);
      return;
    }
    try {
      await api.revoke(token, call);
      await revocationsRepo.deletePendingRevocation(db, pending.id);
    } catch (err) {
      log.warn({ code: (err as TempusError).code, attempts: pending.attempts + 1 }, 'Tempus revocation not confirmed; will retry');
      await revocationsRepo.postponePendingRevocation(db, pending.id, nextRetry(clock(), pending.attempts + 1, random));
    }
  }

  /** The minute job: every owed revocation that is due, in the background lane. */
  async function processOwed() {
    const due = await revocationsRepo.duePendingRevocations(db, clock(), REVOCATIONS_PER_PASS);
    for (const pending of due) await send(pending, { lane: 'background' });
    return due.length;
  }

  return { disconnect, processOwed };
}

/**
 * Two real API processes (`src/server.ts`, each with its own memory) on one database, asked
 * at the same instant to sync an account whose access token has expired. Tempus here allows
 * no grace at all for a rotated refresh token, so if both processes refreshed, the second
 * refresh would be taken for theft and the whole grant revoked: the refresh must be
 * single-flight across processes, not only within one.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempusAccounts } from '../../src/db/schema.js';
import { createContext, OPERATOR_TOKEN } from '../support/context.js';
import { addDayShifts } from '../support/shifts.js';
import { requirePostgres } from './support/faults.js';
import { startServerProcess } from './support/server-process.js';

const ctx = await createContext();
const databaseUrl = requirePostgres(ctx);

async function operatorSync(url: string, accountId: string) {
  const res = await fetch(`${url}/api/tempus/sync?wait=true`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ accountId }),
  });
  return { status: res.status, body: (await res.json()) as { syncs: { status: string; error: unknown }[] } };
}

describe('two API processes refreshing the same account', () => {
  it('spend a rotating refresh token exactly once, even with no grace for a reused one', { timeout: 120_000 }, async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    addDayShifts(ctx.sim, simUser.id, [1, 2, 3, 4, 5]);
    const accountId = await ctx.connectTempus(parent.client, simUser);
    const [first, second] = (await Promise.all([startServerProcess(ctx, databaseUrl), startServerProcess(ctx, databaseUrl)])).map((p) => p.url) as [string, string];

    ctx.sim.setTokenLifetimes({ refreshGraceSeconds: 0 });
    try {
      for (let round = 0; round < 3; round++) {
        // The stored access token has expired: whichever process syncs first must refresh it.
        await ctx.database.db.update(tempusAccounts).set({ tokenExpiresAt: new Date(Date.now() - 1_000) }).where(eq(tempusAccounts.id, accountId));
        const before = { ...ctx.sim.counters };
        const results = await Promise.all([operatorSync(first, accountId), operatorSync(second, accountId)]);
        for (const result of results) {
          expect(result.status).toBe(200);
          expect(result.body.syncs, JSON.stringify(result.body)).toEqual([expect.objectContaining({ status: 'succeeded', error: null })]);
        }
        expect(ctx.sim.counters.refreshes - before.refreshes, `refreshes in round ${round}`).toBe(1);
        expect(ctx.sim.counters.rotatedRefreshTokenUses - before.rotatedRefreshTokenUses, `rotated refresh tokens used again in round ${round}`).toBe(0);
      }
    } finally {
      ctx.sim.setTokenLifetimes({ refreshGraceSeconds: 30 });
    }
    expect(ctx.sim.counters.refreshReuseDetected).toBe(0);
    const [account] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, accountId));
    expect(account!.state).toBe('active');
  });
});

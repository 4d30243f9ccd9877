/**
 * A fleet of connected Tempus accounts, built without 1,000 browser round trips: simulator
 * users with shifts, one real OAuth authorization-code exchange per user over HTTP (PKCE,
 * the app's client credentials, paced under the simulator's rate limit), and the tokens
 * stored in `tempus_accounts` encrypted with the app's cipher — the rows the callback
 * would have written.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SimUser, TempusSim } from '@familyhub/tempus-sim';
import type pg from 'pg';
import { BENCH_CLIENT, benchCipher } from './config.js';
import { benchShifts } from './shifts.js';

export interface FleetTokens {
  user: SimUser;
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  scope: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createFleetUsers(sim: TempusSim, count: number, shiftsPerUser: number, now: Date, prefix = 'fleet'): SimUser[] {
  const users: SimUser[] = [];
  for (let i = 0; i < count; i++) {
    const user = sim.users.create({ email: `${prefix}.${i}@example.se`, name: `Bench Person ${i}`, password: 'bench-losen-123' });
    for (const shift of benchShifts(`${prefix}${i}`, shiftsPerUser, now, i)) sim.shifts.add(user.id, shift);
    users.push(user);
  }
  return users;
}

/** One authorization code + token exchange per user, at most `ratePerSecond` token calls a second. */
export async function obtainTokens(
  sim: TempusSim,
  users: SimUser[],
  options: { ratePerSecond?: number; concurrency?: number; onProgress?: (done: number) => void } = {},
): Promise<{ tokens: FleetTokens[]; refused: number }> {
  const rate = options.ratePerSecond ?? 9.5;
  const basic = `Basic ${Buffer.from(`${BENCH_CLIENT.clientId}:${BENCH_CLIENT.clientSecret}`).toString('base64')}`;
  const tokens: FleetTokens[] = new Array(users.length);
  const started = performance.now();
  let next = 0;
  let refused = 0;
  let done = 0;

  async function connect(index: number) {
    const user = users[index]!;
    for (;;) {
      const verifier = randomBytes(32).toString('base64url');
      const authorize = new URL(`${sim.url}/oauth/authorize`);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: BENCH_CLIENT.clientId,
        redirect_uri: BENCH_CLIENT.redirectUri,
        scope: 'schedules:read profile:read',
        state: randomBytes(8).toString('hex'),
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        login_hint: user.id,
      }).toString();
      const redirect = await fetch(authorize, { redirect: 'manual' });
      const code = new URL(redirect.headers.get('location') ?? 'http://x/').searchParams.get('code');
      if (!code) throw new Error(`authorize for ${user.email} did not return a code (HTTP ${redirect.status})`);
      const res = await fetch(`${sim.url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: BENCH_CLIENT.redirectUri, code_verifier: verifier }),
      });
      if (res.status === 429) {
        refused++;
        await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
        continue;
      }
      if (res.status !== 200) throw new Error(`token exchange for ${user.email} answered HTTP ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { access_token: string; refresh_token: string; expires_in: number; scope: string };
      tokens[index] = {
        user,
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresAt: new Date(Date.now() + body.expires_in * 1000),
        scope: body.scope,
      };
      options.onProgress?.(++done);
      return;
    }
  }

  await Promise.all(
    Array.from({ length: options.concurrency ?? 8 }, async () => {
      for (let i = next++; i < users.length; i = next++) {
        // Paced by start time, so set-up never leans on the simulator's burst.
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        await connect(i);
      }
    }),
  );
  return { tokens, refused };
}

export interface FleetAccount {
  accountId: string;
  familyId: string;
  userId: string;
  tempusUserId: string;
}

/**
 * One family with one parent per account; every account active, sync on, due now, never
 * synced — the state right after the OAuth callback stored it.
 */
export async function insertFleetAccounts(pool: pg.Pool, tokens: FleetTokens[], options: { dueAt?: Date } = {}): Promise<FleetAccount[]> {
  const cipher = benchCipher();
  const out: FleetAccount[] = [];
  for (let offset = 0; offset < tokens.length; offset += 1000) {
    const part = tokens.slice(offset, offset + 1000);
    const families = await pool.query<{ id: string }>(
      `insert into families (name) select 'Familjen ' || n from unnest($1::text[]) as n returning id`,
      [part.map((t) => t.user.name)],
    );
    const familyIds = families.rows.map((r) => r.id);
    const users = await pool.query<{ id: string; family_id: string }>(
      `insert into users (family_id, email, name, role, password_hash)
       select f, e, n, 'parent', 'scrypt$bench$not-a-login' from unnest($1::uuid[], $2::text[], $3::text[]) as t(f, e, n)
       returning id, family_id`,
      [familyIds, part.map((t) => `parent.${t.user.id}@bench.example.se`), part.map((t) => t.user.name)],
    );
    const userByFamily = new Map(users.rows.map((r) => [r.family_id, r.id]));
    const accounts = await pool.query<{ id: string; family_id: string; user_id: string; tempus_user_id: string }>(
      `insert into tempus_accounts (family_id, user_id, tempus_user_id, email, name, employer, timezone,
                                    access_token_enc, refresh_token_enc, token_expires_at, scopes,
                                    sync_enabled, state, next_sync_at)
       select * , true, 'active'::tempus_account_state, $11::timestamptz
       from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::text[], $10::timestamptz[], $12::text[])
       returning id, family_id, user_id, tempus_user_id`,
      [
        familyIds,
        familyIds.map((f) => userByFamily.get(f)!),
        part.map((t) => t.user.id),
        part.map((t) => t.user.email),
        part.map((t) => t.user.name),
        part.map((t) => t.user.employer),
        part.map((t) => t.user.timezone),
        part.map((t) => cipher.encrypt(t.accessToken)),
        part.map((t) => cipher.encrypt(t.refreshToken)),
        part.map((t) => t.expiresAt.toISOString()),
        (options.dueAt ?? new Date(Date.now() - 1000)).toISOString(),
        part.map((t) => t.scope),
      ],
    );
    for (const a of accounts.rows) {
      out.push({ accountId: a.id, familyId: a.family_id, userId: a.user_id, tempusUserId: a.tempus_user_id });
    }
  }
  await pool.query('analyze');
  return out;
}

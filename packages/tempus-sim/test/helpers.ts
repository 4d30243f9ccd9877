// Test fixtures: start a simulator with one client and one user, and drive the OAuth
// flow over real HTTP the way an integrating client would.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { startTempusSim } from '../src/index.js';
import type { SimOptions, SimUser, TempusSim } from '../src/index.js';

export const CLIENT = {
  clientId: 'familyhub-test',
  clientSecret: 'test-secret',
  redirectUris: ['http://localhost:3000/api/tempus/callback'],
};
export const REDIRECT_URI = CLIENT.redirectUris[0] as string;

export interface TestSim {
  sim: TempusSim;
  user: SimUser;
}

/** Starts a simulator for the current test file and closes it after the file's tests. */
export async function startTestSim(opts: SimOptions = {}): Promise<TestSim> {
  const sim = await startTempusSim({
    clients: [CLIENT],
    autoApprove: true,
    rateLimit: { ratePerSecond: 1000, burst: 1000, hourly: 1_000_000 },
    ...opts,
  });
  afterAll(() => sim.close());
  const user = sim.users.create({ email: 'anna.svensson@example.se', name: 'Anna Svensson', password: 'hemligt' });
  return { sim, user };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(sim: TempusSim, params: Record<string, string> = {}): string {
  const url = new URL('/oauth/authorize', sim.url);
  const defaults = {
    response_type: 'code',
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'schedules:read profile:read',
    state: 'state-123',
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(name, value);
  return url.toString();
}

/** Runs the auto-approved authorize step and returns the code and its PKCE verifier. */
export async function authorize(
  sim: TempusSim,
  params: Record<string, string> = {},
): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkcePair();
  const res = await fetch(authorizeUrl(sim, { code_challenge: challenge, ...params }), { redirect: 'manual' });
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}`);
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error(`no code in ${res.headers.get('location')}`);
  return { code, verifier };
}

export type ClientAuthStyle = 'basic' | 'body';

export async function postForm(
  sim: TempusSim,
  path: string,
  fields: Record<string, string>,
  auth: ClientAuthStyle | 'none' = 'body',
  credentials: { clientId: string; clientSecret: string } = CLIENT,
): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(fields);
  if (auth === 'basic') {
    headers.Authorization = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
  } else if (auth === 'body') {
    body.set('client_id', credentials.clientId);
    body.set('client_secret', credentials.clientSecret);
  }
  return fetch(new URL(path, sim.url), { method: 'POST', headers, body });
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

/** Connects a user: authorize, then exchange the code. */
export async function connect(sim: TempusSim, params: Record<string, string> = {}): Promise<Tokens> {
  const { code, verifier } = await authorize(sim, params);
  const res = await postForm(sim, '/oauth/token', {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });
  if (res.status !== 200) throw new Error(`token exchange answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Tokens;
}

export function refresh(sim: TempusSim, refreshToken: string, path = '/oauth/token'): Promise<Response> {
  return postForm(sim, path, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

export function apiGet(sim: TempusSim, path: string, accessToken?: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  return fetch(new URL(path, sim.url), { headers });
}

export interface ShiftJson {
  id: string;
  shift_type?: string;
  start_time?: string;
  end_time?: string;
  status?: string;
  updated_at: string;
  deleted: boolean;
}

export interface SchedulesJson {
  data: ShiftJson[];
  next_cursor: string | null;
  server_time: string;
}

export async function schedules(
  sim: TempusSim,
  accessToken: string,
  params: Record<string, string> = {},
): Promise<{ status: number; body: SchedulesJson & { error?: string } }> {
  const res = await apiGet(sim, `/api/v1/schedules?${new URLSearchParams(params).toString()}`, accessToken);
  return { status: res.status, body: (await res.json()) as SchedulesJson & { error?: string } };
}

/** Follows next_cursor to the end and returns every item in page order. */
export async function listAll(
  sim: TempusSim,
  accessToken: string,
  params: Record<string, string> = {},
): Promise<{ items: ShiftJson[]; pages: number }> {
  const items: ShiftJson[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await schedules(sim, accessToken, cursor ? { ...params, cursor } : params);
    if (page.status !== 200) throw new Error(`schedules answered ${page.status}: ${JSON.stringify(page.body)}`);
    items.push(...page.body.data);
    cursor = page.body.next_cursor;
    pages += 1;
  } while (cursor);
  return { items, pages };
}

import { describe, expect, it } from 'vitest';
import { apiGet, connect, postForm, refresh, startTestSim } from './helpers.js';
import type { Tokens } from './helpers.js';

const { sim, user } = await startTestSim();

describe('GET /api/v1/user/profile', () => {
  it('returns the connected user with a stable id', async () => {
    const tokens = await connect(sim);
    const res = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: user.id,
      email: 'anna.svensson@example.se',
      name: 'Anna Svensson',
      timezone: 'Europe/Stockholm',
      employer: 'Region Uppsala',
    });
  });

  it('keeps the profile id across a token refresh and a reconnect after revocation', async () => {
    const first = await connect(sim);
    const idWith = async (accessToken: string): Promise<unknown> =>
      ((await (await apiGet(sim, '/api/v1/user/profile', accessToken)).json()) as { id: unknown }).id;
    expect(await idWith(first.access_token)).toBe(user.id);

    const refreshed = (await (await refresh(sim, first.refresh_token)).json()) as Tokens;
    expect(await idWith(refreshed.access_token)).toBe(user.id);

    expect((await postForm(sim, '/oauth/revoke', { token: refreshed.refresh_token })).status).toBe(200);
    const reconnected = await connect(sim);
    expect(await idWith(reconnected.access_token)).toBe(user.id);
  });

  it('sends the profile as UTF-8 JSON with charset=utf-8, non-ASCII text intact', async () => {
    const umea = sim.users.create({
      email: 'asa.ostlund@example.se',
      name: 'Åsa Östlund',
      timezone: 'Europe/Stockholm',
      employer: 'Region Västerbotten',
    });
    const tokens = await connect(sim, { login_hint: umea.email });
    const res = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.includes(Buffer.from('Region Västerbotten', 'utf8'))).toBe(true);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ name: 'Åsa Östlund', employer: 'Region Västerbotten' });
  });

  it('answers 403 insufficient_scope when the grant lacks profile:read', async () => {
    const tokens = await connect(sim, { scope: 'schedules:read' });
    const res = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'insufficient_scope' });
  });
});

describe('bearer authentication', () => {
  it('answers 403 insufficient_scope on schedules when the grant lacks schedules:read', async () => {
    const tokens = await connect(sim, { scope: 'profile:read' });
    const res = await apiGet(sim, '/api/v1/schedules', tokens.access_token);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('answers 401 without a bearer token', async () => {
    const res = await apiGet(sim, '/api/v1/schedules');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('answers 401 invalid_token for an unknown token', async () => {
    const res = await apiGet(sim, '/api/v1/schedules', 'made-up');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('answers 404 with a JSON body for an unknown path', async () => {
    const res = await apiGet(sim, '/api/v2/schedules');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found' });
  });
});

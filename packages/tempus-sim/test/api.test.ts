import { describe, expect, it } from 'vitest';
import { apiGet, connect, startTestSim } from './helpers.js';

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

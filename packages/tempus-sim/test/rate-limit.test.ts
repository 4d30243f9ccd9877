import { describe, expect, it } from 'vitest';
import { CLIENT, REDIRECT_URI, apiGet, authorizeUrl, connect, pkcePair, postForm, startTestSim } from './helpers.js';

const OTHER = { clientId: 'other-app', clientSecret: 'other-secret', redirectUris: [REDIRECT_URI] };

describe('token bucket', async () => {
  // A slow refill makes the burst observable without timing races.
  const { sim } = await startTestSim({ rateLimit: { ratePerSecond: 0.5, burst: 3, hourly: 1000 }, clients: [CLIENT, OTHER] });

  it('sends X-RateLimit headers on every counted response and 429 rate_limited with Retry-After past the burst', async () => {
    const tokens = await connect(sim);
    const remaining: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const res = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      remaining.push(res.headers.get('x-ratelimit-remaining') ?? '');
    }
    // The token exchange in connect() used the first of the three.
    expect(remaining).toEqual(['1', '0']);

    const limited = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'rate_limited' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    const nowSeconds = Date.now() / 1000;
    expect(reset).toBeGreaterThan(nowSeconds);
    expect(reset).toBeLessThanOrEqual(Math.ceil(nowSeconds) + 2);
  });

  it('counts 429 responses', () => {
    expect(sim.counters.rateLimited).toBeGreaterThanOrEqual(1);
  });

  it('counts the token endpoint against the client, even with a failing request', async () => {
    const res = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, 'basic');
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-limit')).toBe('3');
  });

  it('keeps separate buckets per client application', async () => {
    const res = await postForm(sim, '/oauth/revoke', { token: 'x' }, 'body', OTHER);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('does not count /oauth/authorize', async () => {
    const res = await fetch(authorizeUrl(sim, { code_challenge: pkcePair().challenge }), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('refills at the sustained rate in real time, not sim time', async () => {
    sim.clock.advance(3600_000);
    const stillLimited = await postForm(sim, '/oauth/revoke', { token: 'x' });
    expect(stillLimited.status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const refilled = await postForm(sim, '/oauth/revoke', { token: 'x' });
    expect(refilled.status).toBe(200);
  });
});

describe('hourly quota', async () => {
  const { sim } = await startTestSim({ rateLimit: { ratePerSecond: 1000, burst: 1000, hourly: 5 } });

  it('answers 429 once the hourly quota is spent, with Remaining 0 and Retry-After up to an hour', async () => {
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await postForm(sim, '/oauth/revoke', { token: 'x' });
      statuses.push(res.status);
      remaining.push(res.headers.get('x-ratelimit-remaining') ?? '');
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(remaining).toEqual(['4', '3', '2', '1', '0', '0']);
    const limited = await postForm(sim, '/oauth/revoke', { token: 'x' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 3500);
  });
});

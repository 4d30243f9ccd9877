import { describe, expect, it } from 'vitest';
import { CLIENT, REDIRECT_URI, apiGet, authorizeUrl, connect, pkcePair, postForm, startTestSim } from './helpers.js';

const OTHER = { clientId: 'other-app', clientSecret: 'other-secret', redirectUris: [REDIRECT_URI] };
const THIRD = { clientId: 'third-app', clientSecret: 'third-secret', redirectUris: [REDIRECT_URI] };

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

  it('reports the client’s bucket on /oauth/authorize without drawing from it', async () => {
    sim.addClient(THIRD);
    for (let i = 0; i < 2; i += 1) {
      const res = await fetch(authorizeUrl(sim, { client_id: THIRD.clientId, code_challenge: pkcePair().challenge }), {
        redirect: 'manual',
      });
      expect(res.status).toBe(302);
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      expect(res.headers.get('x-ratelimit-remaining')).toBe('3');
    }
    const counted = await postForm(sim, '/oauth/revoke', { token: 'x' }, 'body', THIRD);
    expect(counted.headers.get('x-ratelimit-remaining')).toBe('2');
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

describe('default limits', async () => {
  const { sim } = await startTestSim({ rateLimit: {} });

  it('allows a burst of 20 requests, then answers 429, with X-RateLimit-Limit 20', async () => {
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 30 }, () => postForm(sim, '/oauth/revoke', { token: 'x' })));
    const elapsedSeconds = (performance.now() - started) / 1000;
    const allowed = responses.filter((res) => res.status === 200).length;
    // The bucket refills at 10 requests/second while the burst is in flight.
    expect(allowed).toBeGreaterThanOrEqual(20);
    expect(allowed).toBeLessThanOrEqual(20 + Math.ceil(elapsedSeconds * 10));
    expect(responses.filter((res) => res.status === 429).length).toBe(30 - allowed);
    for (const res of responses) expect(res.headers.get('x-ratelimit-limit')).toBe('20');
  });
});

describe('default hourly quota', async () => {
  // A bucket too large to run dry leaves the hourly quota as the only limit.
  const { sim } = await startTestSim({ rateLimit: { ratePerSecond: 1_000_000, burst: 1_000_000 } });

  it('allows 5,000 requests an hour, counting them down in X-RateLimit-Remaining', { timeout: 60_000 }, async () => {
    const first = await postForm(sim, '/oauth/revoke', { token: 'x' });
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4999');
    for (let sent = 1; sent < 5000; sent += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, 5000 - sent) }, () => postForm(sim, '/oauth/revoke', { token: 'x' })),
      );
      expect(batch.every((res) => res.status === 200)).toBe(true);
    }
    const refused = await postForm(sim, '/oauth/revoke', { token: 'x' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
  });
});

describe('one bucket per client application', async () => {
  // Refilling one request every 100 s keeps Remaining exact between requests.
  const { sim } = await startTestSim({ rateLimit: { ratePerSecond: 0.01, burst: 50, hourly: 1000 } });
  sim.users.create({ email: 'erik.johansson@example.se', name: 'Erik Johansson' });

  it('counts the requests of all the client’s users in one bucket', async () => {
    const anna = await connect(sim, { login_hint: 'anna.svensson@example.se' });
    const erik = await connect(sim, { login_hint: 'erik.johansson@example.se' });
    const remaining: number[] = [];
    for (const [token, path] of [
      [anna.access_token, '/api/v1/user/profile'],
      [erik.access_token, '/api/v1/user/profile'],
      [anna.access_token, '/api/v1/schedules'],
      [erik.access_token, '/api/v1/schedules'],
    ] as const) {
      const res = await apiGet(sim, path, token);
      expect(res.status).toBe(200);
      remaining.push(Number(res.headers.get('x-ratelimit-remaining')));
    }
    // The two token exchanges came first.
    expect(remaining).toEqual([47, 46, 45, 44]);
  });

  it('sends X-RateLimit-Reset as the current Unix second while requests remain', async () => {
    const { access_token: token } = await connect(sim);
    const before = Math.floor(Date.now() / 1000);
    const res = await apiGet(sim, '/api/v1/user/profile', token);
    const after = Math.ceil(Date.now() / 1000);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    expect(Number.isInteger(reset)).toBe(true);
    expect(reset).toBeGreaterThanOrEqual(before);
    expect(reset).toBeLessThanOrEqual(after);
  });
});

describe('X-RateLimit headers on every response', async () => {
  const { sim } = await startTestSim({ rateLimit: { ratePerSecond: 0.01, burst: 100, hourly: 1000 } });
  const { access_token: token } = await connect(sim);
  const STRANGER = { clientId: 'nobody', clientSecret: 'nothing' };

  const remainingOf = (res: Response): number => {
    expect(res.headers.get('x-ratelimit-limit')).toBe('100');
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
    return Number(res.headers.get('x-ratelimit-remaining'));
  };
  const counted = async (): Promise<number> => remainingOf(await apiGet(sim, '/api/v1/user/profile', token));

  it('counts 404 and 405 answers to a known access token', async () => {
    const before = await counted();
    const notFound = await apiGet(sim, '/api/v1/nothing-here', token);
    expect(notFound.status).toBe(404);
    expect(remainingOf(notFound)).toBe(before - 1);
    const notAllowed = await fetch(new URL('/api/v1/schedules', sim.url), {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(notAllowed.status).toBe(405);
    expect(remainingOf(notAllowed)).toBe(before - 2);
  });

  it('reports a full, uncounted bucket to API requests without a known token', async () => {
    for (const res of [await apiGet(sim, '/api/v1/schedules'), await apiGet(sim, '/api/v1/schedules', 'made-up')]) {
      expect(res.status).toBe(401);
      expect(remainingOf(res)).toBe(100);
    }
    const notFound = await apiGet(sim, '/api/v1/nothing-here');
    expect(notFound.status).toBe(404);
    expect(remainingOf(notFound)).toBe(100);
  });

  it('reports a full, uncounted bucket to token and revoke requests naming an unknown client', async () => {
    const before = await counted();
    const refresh = { grant_type: 'refresh_token', refresh_token: 'x' };
    const token401 = await postForm(sim, '/oauth/token', refresh, 'basic', STRANGER);
    const revoke401 = await postForm(sim, '/oauth/revoke', { token: 'x' }, 'body', STRANGER);
    for (const res of [token401, revoke401]) {
      expect(res.status).toBe(401);
      expect(remainingOf(res)).toBe(100);
    }
    expect(await counted()).toBe(before - 1);
  });

  it('counts a token request of a known client with a wrong secret against that client', async () => {
    const before = await counted();
    const res = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, 'basic', {
      clientId: CLIENT.clientId,
      clientSecret: 'wrong',
    });
    expect(res.status).toBe(401);
    expect(remainingOf(res)).toBe(before - 1);
  });

  it('reports the client’s bucket on injected faults without drawing from it', async () => {
    const before = await counted();
    sim.faults.fail({ status: 503, path: '/api/v1/schedules' });
    sim.faults.fail({ status: 502, body: '<html>Bad gateway</html>', path: '/api/v1/schedules' });
    sim.faults.fail({ status: 503, path: '/oauth/token' });
    const faulted = [
      await apiGet(sim, '/api/v1/schedules', token),
      await apiGet(sim, '/api/v1/schedules', token),
      await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }),
    ];
    expect(faulted.map((res) => res.status)).toEqual([503, 502, 503]);
    for (const res of faulted) expect(remainingOf(res)).toBe(before);
    expect(await counted()).toBe(before - 1);
  });

  it('sends the headers on the authorize error page for an unknown client', async () => {
    const res = await fetch(authorizeUrl(sim, { client_id: 'nobody', code_challenge: pkcePair().challenge }), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(remainingOf(res)).toBe(100);
  });
});

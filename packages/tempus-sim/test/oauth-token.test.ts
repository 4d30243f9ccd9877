import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  REDIRECT_URI,
  apiGet,
  authorize,
  connect,
  pkcePair,
  postForm,
  refresh,
  startTestSim,
} from './helpers.js';
import type { Tokens } from './helpers.js';

const { sim } = await startTestSim();

function exchange(code: string, verifier: string, redirectUri = REDIRECT_URI, auth: 'basic' | 'body' = 'body') {
  return postForm(
    sim,
    '/oauth/token',
    { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
    auth,
  );
}

describe('authorization code exchange', () => {
  it('issues a bearer token pair with the granted scope', async () => {
    const { code, verifier } = await authorize(sim);
    const res = await exchange(code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Tokens;
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(3600);
    expect(body.scope).toBe('schedules:read profile:read');
    expect(body.access_token).toBeTruthy();
    expect(body.refresh_token).toBeTruthy();
  });

  it('refuses a code_verifier that does not match the challenge with invalid_grant', async () => {
    const { code } = await authorize(sim);
    const res = await exchange(code, pkcePair().verifier);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('refuses a code exchanged a second time with invalid_grant', async () => {
    const { code, verifier } = await authorize(sim);
    expect((await exchange(code, verifier)).status).toBe(200);
    const again = await exchange(code, verifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts a code 59 seconds old', async () => {
    const { code, verifier } = await authorize(sim);
    sim.clock.advance(59_000);
    expect((await exchange(code, verifier)).status).toBe(200);
  });

  it('refuses a code that was never issued with invalid_grant', async () => {
    const res = await exchange('never-issued-code', pkcePair().verifier);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code older than 60 seconds with invalid_grant', async () => {
    const { code, verifier } = await authorize(sim);
    sim.clock.advance(61_000);
    const res = await exchange(code, verifier);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a redirect_uri that differs from the authorization request with invalid_grant', async () => {
    const { code, verifier } = await authorize(sim);
    const res = await exchange(code, verifier, `${REDIRECT_URI}/`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('accepts client authentication by HTTP Basic', async () => {
    const { code, verifier } = await authorize(sim);
    expect((await exchange(code, verifier, REDIRECT_URI, 'basic')).status).toBe(200);
  });

  it('accepts client authentication by client_id and client_secret in the body', async () => {
    const { code, verifier } = await authorize(sim);
    expect((await exchange(code, verifier, REDIRECT_URI, 'body')).status).toBe(200);
  });

  it('answers a wrong client secret with 401 invalid_client, in both styles', async () => {
    for (const style of ['basic', 'body'] as const) {
      const { code, verifier } = await authorize(sim);
      const res = await postForm(
        sim,
        '/oauth/token',
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
        style,
        { clientId: CLIENT.clientId, clientSecret: 'wrong' },
      );
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    }
  });

  it('answers a request without client authentication with 401 invalid_client', async () => {
    const res = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' }, 'none');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers an unknown grant_type with unsupported_grant_type', async () => {
    const res = await postForm(sim, '/oauth/token', { grant_type: 'password', username: 'a', password: 'b' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('answers a missing code_verifier with invalid_request', async () => {
    const { code } = await authorize(sim);
    const res = await postForm(sim, '/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('answers a JSON body with invalid_request', async () => {
    const res = await fetch(new URL('/oauth/token', sim.url), {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
      },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('counts exchanged codes', async () => {
    const before = sim.counters.codesExchanged;
    await connect(sim);
    expect(sim.counters.codesExchanged).toBe(before + 1);
  });
});

describe('refresh tokens', () => {
  it('rotates the refresh token on every refresh', async () => {
    const first = await connect(sim);
    const res = await refresh(sim, first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Tokens;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect((await apiGet(sim, '/api/v1/user/profile', second.access_token)).status).toBe(200);
  });

  it('still accepts the old refresh token within the 30-second grace and returns a fresh pair', async () => {
    const first = await connect(sim);
    const second = (await (await refresh(sim, first.refresh_token)).json()) as Tokens;
    sim.clock.advance(29_000);
    const res = await refresh(sim, first.refresh_token);
    expect(res.status).toBe(200);
    const third = (await res.json()) as Tokens;
    expect(third.refresh_token).not.toBe(second.refresh_token);
    expect((await apiGet(sim, '/api/v1/user/profile', second.access_token)).status).toBe(200);
  });

  it('treats reuse after the grace as theft and revokes the whole grant', async () => {
    const first = await connect(sim);
    const second = (await (await refresh(sim, first.refresh_token)).json()) as Tokens;
    const reusesBefore = sim.counters.refreshReuseDetected;
    sim.clock.advance(31_000);

    const reuse = await refresh(sim, first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect(sim.counters.refreshReuseDetected).toBe(reusesBefore + 1);

    const api = await apiGet(sim, '/api/v1/user/profile', second.access_token);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await refresh(sim, second.refresh_token)).status).toBe(400);
  });

  it('with a refresh grace of 0, treats any second use of a rotated refresh token as theft at once', async () => {
    sim.setTokenLifetimes({ refreshGraceSeconds: 0 });
    try {
      const first = await connect(sim);
      const before = { ...sim.counters };
      expect((await refresh(sim, first.refresh_token)).status).toBe(200);
      const again = await refresh(sim, first.refresh_token);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
      expect(sim.counters.refreshReuseDetected).toBe(before.refreshReuseDetected + 1);
    } finally {
      sim.setTokenLifetimes({ refreshGraceSeconds: 30 });
    }
  });

  it('counts every use of an already rotated refresh token, within the grace or not', async () => {
    const first = await connect(sim);
    const before = sim.counters.rotatedRefreshTokenUses;
    await refresh(sim, first.refresh_token);
    expect(sim.counters.rotatedRefreshTokenUses).toBe(before);
    await refresh(sim, first.refresh_token);
    expect(sim.counters.rotatedRefreshTokenUses).toBe(before + 1);
    sim.clock.advance(31_000);
    await refresh(sim, first.refresh_token);
    expect(sim.counters.rotatedRefreshTokenUses).toBe(before + 2);
  });

  it('revokes every token of the user for the client, also from an earlier authorization', async () => {
    const earlier = await connect(sim);
    const later = await connect(sim);
    await refresh(sim, later.refresh_token);
    sim.clock.advance(31_000);
    await refresh(sim, later.refresh_token);
    expect((await apiGet(sim, '/api/v1/user/profile', earlier.access_token)).status).toBe(401);
  });

  it('expires a refresh token after 90 days without use', async () => {
    const tokens = await connect(sim);
    sim.clock.advance(90 * 24 * 3600 * 1000 + 1000);
    const res = await refresh(sim, tokens.refresh_token);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('keeps a refresh token valid until day 90', async () => {
    const tokens = await connect(sim);
    sim.clock.advance(89 * 24 * 3600 * 1000);
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(200);
  });

  it('refuses a refresh token issued to another client with invalid_grant', async () => {
    sim.addClient({ clientId: 'other', clientSecret: 'other-secret', redirectUris: [REDIRECT_URI] });
    const tokens = await connect(sim);
    const res = await postForm(
      sim,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      'basic',
      { clientId: 'other', clientSecret: 'other-secret' },
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('counts refreshes', async () => {
    const tokens = await connect(sim);
    const before = sim.counters.refreshes;
    await refresh(sim, tokens.refresh_token);
    expect(sim.counters.refreshes).toBe(before + 1);
  });

  it('refuses a refresh asking for more scope than was granted with the contract’s invalid_request', async () => {
    const tokens = await connect(sim, { scope: 'schedules:read' });
    const wider = await postForm(sim, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      scope: 'schedules:read profile:read',
    });
    expect(wider.status).toBe(400);
    expect(await wider.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
  });

  it('refuses a refresh token that was never issued with invalid_grant', async () => {
    const res = await refresh(sim, 'never-issued-refresh-token');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes the user’s current grant when a rotated token of an earlier, already revoked grant is replayed', async () => {
    const stolen = await connect(sim);
    await refresh(sim, stolen.refresh_token);
    sim.clock.advance(31_000);
    expect((await refresh(sim, stolen.refresh_token)).status).toBe(400);

    const reconnected = await connect(sim);
    expect((await apiGet(sim, '/api/v1/user/profile', reconnected.access_token)).status).toBe(200);
    const reusesBefore = sim.counters.refreshReuseDetected;
    const replay = await refresh(sim, stolen.refresh_token);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect(sim.counters.refreshReuseDetected).toBe(reusesBefore + 1);
    expect((await apiGet(sim, '/api/v1/user/profile', reconnected.access_token)).status).toBe(401);
    expect((await refresh(sim, reconnected.refresh_token)).status).toBe(400);
  });

  it('treats a never-rotated refresh token of a revoked grant as revoked, not reused, and leaves a new grant alone', async () => {
    const old = await connect(sim);
    expect((await postForm(sim, '/oauth/revoke', { token: old.refresh_token })).status).toBe(200);
    const reconnected = await connect(sim);
    const reusesBefore = sim.counters.refreshReuseDetected;
    const stale = await refresh(sim, old.refresh_token);
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({ error: 'invalid_grant' });
    expect(sim.counters.refreshReuseDetected).toBe(reusesBefore);
    expect((await apiGet(sim, '/api/v1/user/profile', reconnected.access_token)).status).toBe(200);
  });

  it.each(['/oauth/token', '/oauth/refresh'])(
    'answers a refresh on %s with access_token, refresh_token, Bearer, the configured expires_in and the scope',
    async (path) => {
      const tokens = await connect(sim);
      sim.setTokenLifetimes({ accessTokenTtlSeconds: 900 });
      try {
        const res = await refresh(sim, tokens.refresh_token, path);
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('no-store');
        const body = (await res.json()) as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type']);
        expect(body).toEqual({
          access_token: expect.stringMatching(/.{20,}/),
          refresh_token: expect.stringMatching(/.{20,}/),
          token_type: 'Bearer',
          expires_in: 900,
          scope: 'schedules:read profile:read',
        });
      } finally {
        sim.setTokenLifetimes({ accessTokenTtlSeconds: 3600 });
      }
    },
  );
});

describe('/oauth/refresh legacy alias', () => {
  it('refreshes like the token endpoint', async () => {
    const tokens = await connect(sim);
    const res = await refresh(sim, tokens.refresh_token, '/oauth/refresh');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Tokens;
    expect(body.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('refuses an unknown refresh token with invalid_grant', async () => {
    const res = await refresh(sim, 'never-issued-refresh-token', '/oauth/refresh');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.any(String) });
  });

  it('refuses a wrong client secret with 401 invalid_client', async () => {
    const tokens = await connect(sim);
    const res = await postForm(
      sim,
      '/oauth/refresh',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      'basic',
      { clientId: CLIENT.clientId, clientSecret: 'wrong' },
    );
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses grant_type=authorization_code with unsupported_grant_type', async () => {
    const { code, verifier } = await authorize(sim);
    const res = await postForm(sim, '/oauth/refresh', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('revocation (RFC 7009)', () => {
  it('revokes the whole grant when a refresh token is revoked', async () => {
    const tokens = await connect(sim);
    const before = sim.counters.revocations;
    const res = await postForm(sim, '/oauth/revoke', { token: tokens.refresh_token, token_type_hint: 'refresh_token' });
    expect(res.status).toBe(200);
    expect(sim.counters.revocations).toBe(before + 1);
    const api = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await api.json()).toMatchObject({ error: 'invalid_token' });
    const again = await refresh(sim, tokens.refresh_token);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('revokes only the access token when an access token is revoked', async () => {
    const tokens = await connect(sim);
    expect((await postForm(sim, '/oauth/revoke', { token: tokens.access_token }, 'basic')).status).toBe(200);
    const api = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(200);
  });

  it('answers 200 for an unknown token', async () => {
    expect((await postForm(sim, '/oauth/revoke', { token: 'never-issued' })).status).toBe(200);
  });

  it('requires client authentication', async () => {
    const res = await postForm(sim, '/oauth/revoke', { token: 'x' }, 'none');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers a missing token parameter with invalid_request', async () => {
    const res = await postForm(sim, '/oauth/revoke', {});
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('revokes every grant of a user revoked in Tempus', async () => {
    const tokens = await connect(sim);
    const user = sim.users.list()[0];
    sim.grants.revokeUser(user?.id ?? '');
    expect((await apiGet(sim, '/api/v1/user/profile', tokens.access_token)).status).toBe(401);
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(400);
  });
});

describe('access token lifetime', () => {
  it('accepts an access token one second before expires_in runs out and refuses it one second after', async () => {
    const tokens = await connect(sim);
    sim.clock.advance((tokens.expires_in - 1) * 1000);
    expect((await apiGet(sim, '/api/v1/user/profile', tokens.access_token)).status).toBe(200);
    sim.clock.advance(2000);
    const expired = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('answers an expired access token with 401 and WWW-Authenticate invalid_token', async () => {
    const tokens = await connect(sim);
    sim.clock.advance(3600 * 1000 + 1000);
    const res = await apiGet(sim, '/api/v1/user/profile', tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('issues shorter-lived tokens after setTokenLifetimes', async () => {
    sim.setTokenLifetimes({ accessTokenTtlSeconds: 5 });
    const tokens = await connect(sim);
    sim.setTokenLifetimes({ accessTokenTtlSeconds: 3600 });
    expect(tokens.expires_in).toBe(5);
    sim.clock.advance(6000);
    expect((await apiGet(sim, '/api/v1/user/profile', tokens.access_token)).status).toBe(401);
  });

  it('issues shorter-lived refresh tokens after setTokenLifetimes', async () => {
    sim.setTokenLifetimes({ refreshTokenTtlDays: 1 });
    const tokens = await connect(sim);
    sim.setTokenLifetimes({ refreshTokenTtlDays: 90 });
    sim.clock.advance(24 * 3600 * 1000 + 1000);
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(400);
  });
});

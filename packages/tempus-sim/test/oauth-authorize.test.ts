import { describe, expect, it } from 'vitest';
import { CLIENT, REDIRECT_URI, authorizeUrl, pkcePair, startTestSim } from './helpers.js';

const { sim, user } = await startTestSim({ autoApprove: false });
const auto = await startTestSim({ autoApprove: true });

function redirectParams(res: Response): URLSearchParams {
  const location = res.headers.get('location') ?? '';
  expect(location.startsWith(`${REDIRECT_URI}?`)).toBe(true);
  return new URL(location).searchParams;
}

async function submitLogin(fields: Record<string, string>): Promise<Response> {
  const { challenge } = pkcePair();
  const body = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'schedules:read profile:read',
    state: 'form-state',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...fields,
  });
  return fetch(new URL('/oauth/authorize', sim.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
}

describe('the sign-in and consent page', () => {
  it('shows a Swedish page with labelled email and password fields and Godkänn/Neka buttons', async () => {
    const res = await fetch(authorizeUrl(sim, { code_challenge: pkcePair().challenge }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('<html lang="sv">');
    expect(html).toMatch(/<label for="email">E-postadress<\/label>/);
    expect(html).toMatch(/<label for="password">Lösenord<\/label>/);
    expect(html).toContain('>Godkänn</button>');
    expect(html).toContain('>Neka</button>');
    expect(html).toContain('name="state" value="state-123"');
  });

  it('escapes request parameters it echoes into the page', async () => {
    const res = await fetch(authorizeUrl(sim, { code_challenge: pkcePair().challenge, state: '"><script>x</script>' }));
    const html = await res.text();
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('redirects with a code and the state after a correct sign-in and approval', async () => {
    const res = await submitLogin({ email: user.email, password: 'hemligt', decision: 'approve' });
    expect(res.status).toBe(302);
    const params = redirectParams(res);
    expect(params.get('code')).toBeTruthy();
    expect(params.get('state')).toBe('form-state');
  });

  it('shows the page again with a Swedish error and status 401 on a wrong password', async () => {
    const res = await submitLogin({ email: user.email, password: 'fel', decision: 'approve' });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(html).toContain('Fel e-postadress eller lösenord');
    expect(html).toContain('role="alert"');
  });

  it('redirects with error=access_denied when the user presses Neka', async () => {
    const res = await submitLogin({ decision: 'deny' });
    expect(res.status).toBe(302);
    const params = redirectParams(res);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('form-state');
    expect(params.get('code')).toBeNull();
  });
});

describe('authorization request validation', () => {
  it('shows an error page instead of redirecting for an unknown client', async () => {
    const res = await fetch(authorizeUrl(sim, { client_id: 'nobody', code_challenge: pkcePair().challenge }), {
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Något gick fel');
  });

  it('shows an error page instead of redirecting for a redirect_uri that is not an exact match', async () => {
    for (const redirectUri of [`${REDIRECT_URI}/`, 'http://evil.example/cb', `${REDIRECT_URI}?x=1`]) {
      const res = await fetch(authorizeUrl(sim, { redirect_uri: redirectUri, code_challenge: pkcePair().challenge }), {
        redirect: 'manual',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('refuses code_challenge_method=plain by redirecting with invalid_request', async () => {
    const res = await fetch(authorizeUrl(sim, { code_challenge: pkcePair().verifier, code_challenge_method: 'plain' }), {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const params = redirectParams(res);
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('state')).toBe('state-123');
  });

  it('refuses a missing code_challenge by redirecting with invalid_request', async () => {
    const res = await fetch(authorizeUrl(sim), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(redirectParams(res).get('error')).toBe('invalid_request');
  });

  it('refuses a missing state by redirecting with invalid_request', async () => {
    const url = new URL(authorizeUrl(sim, { code_challenge: pkcePair().challenge }));
    url.searchParams.delete('state');
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(redirectParams(res).get('error')).toBe('invalid_request');
  });

  it('refuses response_type=token by redirecting with unsupported_response_type and no code', async () => {
    const res = await fetch(authorizeUrl(sim, { response_type: 'token', code_challenge: pkcePair().challenge }), {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const params = redirectParams(res);
    expect(params.get('error')).toBe('unsupported_response_type');
    expect(params.get('state')).toBe('state-123');
    expect(params.get('code')).toBeNull();
  });

  it('refuses a missing code_challenge_method by redirecting with invalid_request, as S256 is required', async () => {
    const url = new URL(authorizeUrl(auto.sim, { code_challenge: pkcePair().challenge }));
    url.searchParams.delete('code_challenge_method');
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const params = redirectParams(res);
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('code')).toBeNull();
  });

  it.each([
    ['missing', null],
    ['empty', ''],
    ['blank', '  '],
  ])('refuses a request whose scope is %s by redirecting with invalid_scope instead of granting every scope', async (_name, scope) => {
    const url = new URL(authorizeUrl(auto.sim, { code_challenge: pkcePair().challenge }));
    if (scope === null) url.searchParams.delete('scope');
    else url.searchParams.set('scope', scope);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const params = redirectParams(res);
    expect(params.get('error')).toBe('invalid_scope');
    expect(params.get('state')).toBe('state-123');
    expect(params.get('code')).toBeNull();
  });

  it('refuses an unknown scope by redirecting with invalid_scope', async () => {
    const res = await fetch(authorizeUrl(sim, { scope: 'admin', code_challenge: pkcePair().challenge }), {
      redirect: 'manual',
    });
    expect(redirectParams(res).get('error')).toBe('invalid_scope');
  });
});

describe('auto-approve mode', () => {
  it('approves at once for the login_hint user, and denies after setAutoDecision("deny")', async () => {
    const second = auto.sim.users.create({ email: 'erik.johansson@example.se', name: 'Erik Johansson' });
    const approved = await fetch(
      authorizeUrl(auto.sim, { code_challenge: pkcePair().challenge, login_hint: second.email }),
      { redirect: 'manual' },
    );
    expect(approved.status).toBe(302);
    expect(new URL(approved.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();

    auto.sim.setAutoDecision('deny');
    const denied = await fetch(authorizeUrl(auto.sim, { code_challenge: pkcePair().challenge }), { redirect: 'manual' });
    const params = new URL(denied.headers.get('location') ?? '').searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('state-123');
  });
});

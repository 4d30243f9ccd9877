/**
 * A scripted browser over HTTP: keeps the API's session cookie and follows the real
 * Tempus OAuth flow (connect, the simulator's consent form, the callback) without a page.
 */
import { loginBody, SESSION_COOKIE, signupBody, type SignupBody } from '@familyhub/shared';

export class HttpSession {
  /** The `fh_session` value exactly as the API set it. */
  session: string | undefined;

  constructor(readonly apiUrl: string) {}

  async request(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.session) headers.cookie = `${SESSION_COOKIE}=${this.session}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.apiUrl), {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (pair.slice(0, eq) === SESSION_COOKIE) this.session = pair.slice(eq + 1);
    }
    return response;
  }

  async json<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const response = await this.request(path, init);
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Signs in, or signs up first when the account does not exist yet (a fresh database). */
  async signUpOrLogIn(account: SignupBody): Promise<void> {
    const login = await this.request('/api/auth/login', { method: 'POST', body: loginBody.parse(account) });
    if (login.ok) return;
    if (login.status !== 401) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    await this.json('/api/auth/signup', { method: 'POST', body: signupBody.parse(account) });
  }

  /**
   * Connects a Tempus account the way a parent's browser does: the authorize URL, the
   * simulator's sign-in and consent form, then the API callback with this session.
   * Returns where the API sent the browser afterwards.
   */
  async connectTempus(credentials: { email: string; password: string }): Promise<URL> {
    const { authorizeUrl } = await this.json<{ authorizeUrl: string }>('/api/tempus/connect', { method: 'POST' });
    const page = await fetch(authorizeUrl, { redirect: 'manual' });
    const html = await page.text();
    if (!page.ok) throw new Error(`the consent page answered ${page.status}: ${html}`);
    const form = new URLSearchParams(hiddenFields(html));
    form.set('email', credentials.email);
    form.set('password', credentials.password);
    form.set('decision', 'approve');
    const consent = await fetch(new URL('/oauth/authorize', authorizeUrl), { method: 'POST', body: form, redirect: 'manual' });
    const callback = consent.headers.get('location');
    if (consent.status !== 302 || !callback) throw new Error(`the consent form answered ${consent.status}: ${await consent.text()}`);
    const callbackUrl = new URL(callback);
    const done = await this.request(`${callbackUrl.pathname}${callbackUrl.search}`);
    const target = done.headers.get('location');
    if (!target) throw new Error(`the API callback answered ${done.status} without a redirect`);
    const result = new URL(target);
    if (result.searchParams.has('error')) throw new Error(`connecting Tempus failed: ${result.searchParams.get('error')}`);
    return result;
  }
}

function hiddenFields(html: string): [string, string][] {
  const unescape = (text: string) =>
    text.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  return [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(
    (m) => [unescape(m[1] ?? ''), unescape(m[2] ?? '')] as [string, string],
  );
}

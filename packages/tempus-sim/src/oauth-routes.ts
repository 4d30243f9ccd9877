// HTTP endpoints of the authorization server: /oauth/authorize (page, form post and
// auto-approve), /oauth/token, the legacy /oauth/refresh alias and /oauth/revoke.
import type { IncomingMessage } from 'node:http';
import type { AuthorizeRequest } from './authorize-request.js';
import { redirectLocation, validateAuthorizeRequest } from './authorize-request.js';
import { PAGE_HEADERS, renderConsentPage, renderErrorPage } from './consent-page.js';
import type { HttpResult, RequestContext, Route } from './http.js';
import { errorJson, json, mediaType, readBody } from './http.js';
import type { AuthServer } from './oauth.js';
import { OAuthError } from './oauth.js';
import type { RateLimiter } from './rate-limit.js';
import { sameSecret } from './secrets.js';
import type { Store } from './store.js';
import type { SimUser } from './types.js';

export interface AuthorizeSettings {
  autoApprove: boolean;
  autoDecision: 'approve' | 'deny';
}

interface OAuthRouteDeps {
  auth: AuthServer;
  store: Store;
  limiter: RateLimiter;
  settings: AuthorizeSettings;
}

const FORM = 'application/x-www-form-urlencoded';
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

const htmlPage = (status: number, body: string): HttpResult => ({
  status,
  headers: PAGE_HEADERS,
  contentType: 'text/html',
  body,
});

const redirect = (location: string): HttpResult => ({ status: 302, headers: { Location: location, ...NO_STORE } });

function oauthErrorResult(err: OAuthError): HttpResult {
  const headers: Record<string, string> = { ...NO_STORE };
  if (err.error === 'invalid_client') headers['WWW-Authenticate'] = 'Basic realm="tempus"';
  return errorJson(err.status, err.error, err.description, headers);
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64. */
function decodeBasicPart(part: string): string {
  return decodeURIComponent(part.replaceAll('+', ' '));
}

function clientCredentials(req: IncomingMessage, form: URLSearchParams): { clientId: string; clientSecret: string } {
  const header = req.headers.authorization ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError(401, 'invalid_client', 'Malformed Basic credentials');
    let clientId: string;
    let clientSecret: string;
    try {
      clientId = decodeBasicPart(decoded.slice(0, colon));
      clientSecret = decodeBasicPart(decoded.slice(colon + 1));
    } catch {
      throw new OAuthError(401, 'invalid_client', 'Malformed Basic credentials');
    }
    if (form.has('client_secret')) {
      throw new OAuthError(400, 'invalid_request', 'Use only one client authentication method');
    }
    const bodyClientId = form.get('client_id');
    if (bodyClientId !== null && bodyClientId !== clientId) {
      throw new OAuthError(400, 'invalid_request', 'client_id does not match the Basic credentials');
    }
    return { clientId, clientSecret };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  if (!clientId || clientSecret === null) throw new OAuthError(401, 'invalid_client', 'Client authentication required');
  return { clientId, clientSecret };
}

/**
 * The client a request names, without authenticating it: from Basic credentials, else a
 * `client_id` in a form body or the query. Used to pick the rate-limit bucket shown on
 * a response that is not counted.
 */
export async function claimedClientId(ctx: RequestContext): Promise<string | null> {
  const basic = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    try {
      return colon < 0 ? null : decodeBasicPart(decoded.slice(0, colon));
    } catch {
      return null;
    }
  }
  if (ctx.method === 'POST' && mediaType(ctx.req) === FORM) {
    // An unreadable body names no client; the fault is answered all the same.
    const clientId = new URLSearchParams(await readBody(ctx.req).catch(() => '')).get('client_id');
    if (clientId !== null) return clientId;
  }
  return ctx.query.get('client_id');
}

function requireParam(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (!value) throw new OAuthError(400, 'invalid_request', `${name} is required`);
  return value;
}

function parseScope(form: URLSearchParams): string[] | null {
  const scope = form.get('scope');
  if (scope === null || scope.trim() === '') return null;
  return scope.split(' ').filter((s) => s !== '');
}

export function oauthRoutes(deps: OAuthRouteDeps): Route[] {
  const { auth, store, limiter, settings } = deps;

  function hiddenFieldsOf(request: AuthorizeRequest): Record<string, string> {
    return {
      response_type: 'code',
      client_id: request.clientId,
      redirect_uri: request.redirectUri,
      scope: request.scope.join(' '),
      state: request.state,
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    };
  }

  function approve(request: AuthorizeRequest, user: SimUser): HttpResult {
    const code = auth.issueCode({
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      userId: user.id,
      scope: request.scope,
      codeChallenge: request.codeChallenge,
    });
    return redirect(redirectLocation(request.redirectUri, { code, state: request.state }));
  }

  function deny(request: AuthorizeRequest): HttpResult {
    return redirect(
      redirectLocation(request.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied access',
        state: request.state,
      }),
    );
  }

  /**
   * The authorization endpoint is not counted against the rate limit: the contract's
   * limits are on a client application's requests, and this is the user's browser showing
   * a sign-in page, where a 429 could be neither retried nor handled by the client. Its
   * responses still carry the headers, reporting the named client's bucket untouched.
   */
  function noteAuthorizeClient(ctx: RequestContext, params: URLSearchParams): void {
    const clientId = params.get('client_id');
    if (clientId !== null && auth.client(clientId)) ctx.clientId = clientId;
  }

  function showAuthorize(ctx: RequestContext): HttpResult {
    noteAuthorizeClient(ctx, ctx.query);
    const validation = validateAuthorizeRequest(ctx.query, auth);
    if (validation.kind === 'error_page') return htmlPage(400, renderErrorPage(validation.message));
    if (validation.kind === 'redirect') return redirect(validation.location);
    const { request } = validation;
    const loginHint = ctx.query.get('login_hint') ?? '';

    if (settings.autoApprove) {
      const user = loginHint ? (store.userById(loginHint) ?? store.userByEmail(loginHint)) : store.firstUser();
      if (!user || settings.autoDecision === 'deny') return deny(request);
      return approve(request, user);
    }
    return htmlPage(
      200,
      renderConsentPage({
        clientId: request.clientId,
        scope: request.scope,
        hiddenFields: hiddenFieldsOf(request),
        email: loginHint.includes('@') ? loginHint : '',
      }),
    );
  }

  async function submitAuthorize(ctx: RequestContext): Promise<HttpResult> {
    if (mediaType(ctx.req) !== FORM) return htmlPage(400, renderErrorPage('Formuläret kunde inte läsas.'));
    const form = new URLSearchParams(await readBody(ctx.req));
    noteAuthorizeClient(ctx, form);
    const validation = validateAuthorizeRequest(form, auth);
    if (validation.kind === 'error_page') return htmlPage(400, renderErrorPage(validation.message));
    if (validation.kind === 'redirect') return redirect(validation.location);
    const { request } = validation;
    if (form.get('decision') === 'deny') return deny(request);

    const email = form.get('email') ?? '';
    const user = store.userByEmail(email);
    if (!user || !sameSecret(user.password, form.get('password') ?? '')) {
      return htmlPage(
        401,
        renderConsentPage({
          clientId: request.clientId,
          scope: request.scope,
          hiddenFields: hiddenFieldsOf(request),
          email,
          errorMessage: 'Fel e-postadress eller lösenord. Försök igen.',
        }),
      );
    }
    return approve(request, user);
  }

  /**
   * Shared by the token, refresh and revoke endpoints: reads the form, identifies the
   * client for rate limiting, then authenticates it. A request is counted against the
   * bucket of the client it names when that client exists, even if its secret is wrong.
   * A client_id that names no client has no bucket to count against; its response
   * reports a full bucket and costs nothing (see RateLimiter.peek).
   */
  async function clientRequest(
    ctx: RequestContext,
    handle: (form: URLSearchParams, clientId: string, clientSecret: string) => HttpResult,
  ): Promise<HttpResult> {
    const isForm = mediaType(ctx.req) === FORM;
    const form = isForm ? new URLSearchParams(await readBody(ctx.req)) : new URLSearchParams();
    try {
      const { clientId, clientSecret } = clientCredentials(ctx.req, form);
      if (auth.client(clientId)) {
        ctx.clientId = clientId;
        const decision = limiter.take(clientId);
        Object.assign(ctx.headers, decision.headers);
        if (decision.refusal) return decision.refusal;
      }
      if (!isForm) throw new OAuthError(400, 'invalid_request', `Content-Type must be ${FORM}`);
      return handle(form, clientId, clientSecret);
    } catch (err) {
      if (err instanceof OAuthError) return oauthErrorResult(err);
      throw err;
    }
  }

  function tokenEndpoint(refreshOnly: boolean) {
    return (ctx: RequestContext): Promise<HttpResult> =>
      clientRequest(ctx, (form, clientId, clientSecret) => {
        const client = auth.authenticateClient(clientId, clientSecret);
        const grantType = requireParam(form, 'grant_type');
        const supported = refreshOnly ? ['refresh_token'] : ['authorization_code', 'refresh_token'];
        if (!supported.includes(grantType)) {
          throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${grantType} is not supported here`);
        }
        const issued =
          grantType === 'authorization_code'
            ? auth.exchangeCode(
                client,
                requireParam(form, 'code'),
                requireParam(form, 'redirect_uri'),
                requireParam(form, 'code_verifier'),
              )
            : auth.refresh(client, requireParam(form, 'refresh_token'), parseScope(form));
        ctx.grantId = issued.grantId;
        return json(200, issued.response, NO_STORE);
      });
  }

  function revokeEndpoint(ctx: RequestContext): Promise<HttpResult> {
    return clientRequest(ctx, (form, clientId, clientSecret) => {
      const client = auth.authenticateClient(clientId, clientSecret);
      ctx.grantId = auth.revoke(client, requireParam(form, 'token'));
      return { status: 200, headers: NO_STORE };
    });
  }

  return [
    { method: 'GET', pattern: '/oauth/authorize', handler: showAuthorize },
    { method: 'POST', pattern: '/oauth/authorize', handler: submitAuthorize },
    { method: 'POST', pattern: '/oauth/token', handler: tokenEndpoint(false) },
    { method: 'POST', pattern: '/oauth/refresh', handler: tokenEndpoint(true) },
    { method: 'POST', pattern: '/oauth/revoke', handler: revokeEndpoint },
  ];
}

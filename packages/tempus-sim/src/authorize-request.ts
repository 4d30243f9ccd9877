// Validation of an authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636). Errors
// that make the redirect target untrustworthy (unknown client, unregistered redirect_uri)
// are shown as a page; the rest go back to the client as error redirects.
import type { AuthServer } from './oauth.js';
import { KNOWN_SCOPES } from './oauth.js';

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scope: string[];
  state: string;
  codeChallenge: string;
}

export type AuthorizeValidation =
  | { kind: 'ok'; request: AuthorizeRequest }
  | { kind: 'error_page'; message: string }
  | { kind: 'redirect'; location: string };

/** A SHA-256 digest in unpadded base64url is always 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export function redirectLocation(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

export function validateAuthorizeRequest(params: URLSearchParams, auth: AuthServer): AuthorizeValidation {
  const client = auth.client(params.get('client_id') ?? '');
  if (!client) return { kind: 'error_page', message: 'Okänd klientapplikation (client_id).' };
  const redirectUri = params.get('redirect_uri') ?? '';
  if (!client.redirectUris.includes(redirectUri)) {
    return { kind: 'error_page', message: 'Omdirigeringsadressen (redirect_uri) är inte registrerad för applikationen.' };
  }

  const state = params.get('state') ?? '';
  const fail = (error: string, description: string): AuthorizeValidation => ({
    kind: 'redirect',
    location: redirectLocation(redirectUri, {
      error,
      error_description: description,
      ...(state ? { state } : {}),
    }),
  });

  if (params.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
  if (!state) return fail('invalid_request', 'state is required');
  if (params.get('code_challenge_method') !== 'S256') {
    return fail('invalid_request', 'code_challenge_method must be S256');
  }
  const codeChallenge = params.get('code_challenge') ?? '';
  if (!S256_CHALLENGE.test(codeChallenge)) return fail('invalid_request', 'code_challenge must be a S256 challenge');

  // RFC 6749 §3.3 lets a request without scope get a predefined default or fail with
  // invalid_scope. The contract defines no default, so it fails: granting every scope
  // would hide a client that forgot to ask.
  const scope = [...new Set((params.get('scope') ?? '').split(' ').filter((s) => s !== ''))];
  if (scope.length === 0) return fail('invalid_scope', 'scope is required');
  const unknown = scope.filter((s) => !(KNOWN_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) return fail('invalid_scope', `Unknown scope: ${unknown.join(' ')}`);

  return { kind: 'ok', request: { clientId: client.clientId, redirectUri, scope, state, codeChallenge } };
}

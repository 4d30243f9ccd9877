// The Swedish sign-in and consent page a person sees at /oauth/authorize, and the error
// page shown when the request cannot safely be redirected back to the client.

const SCOPE_TEXT: Record<string, string> = {
  'schedules:read': 'Läsa ditt arbetsschema',
  'profile:read': 'Läsa din profil (namn, e-postadress och arbetsgivare)',
};

/** Strict headers: the page is never framed (no clickjacking of the consent buttons) nor cached. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
};

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem;font-weight:600}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
.actions{display:flex;gap:1rem;margin-top:1.5rem}button{padding:.6rem 1.2rem;font-size:1rem}
.error{background:#fde8e8;border:1px solid #c81e1e;padding:.75rem;margin-top:1rem}`;

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function layout(title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${content}</main></body>
</html>`;
}

export interface ConsentPageInput {
  clientId: string;
  scope: string[];
  /** The original authorization request, carried through the form as hidden fields. */
  hiddenFields: Record<string, string>;
  email?: string;
  errorMessage?: string;
}

export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = Object.entries(input.hiddenFields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const scopes = input.scope.map((s) => `<li>${escapeHtml(SCOPE_TEXT[s] ?? s)}</li>`).join('');
  const error = input.errorMessage
    ? `<p class="error" role="alert" id="login-error">${escapeHtml(input.errorMessage)}</p>`
    : '';
  const described = input.errorMessage ? ' aria-describedby="login-error"' : '';
  return layout(
    'Logga in på Tempus',
    `<h1>Logga in på Tempus</h1>
<p><strong>${escapeHtml(input.clientId)}</strong> vill ansluta till ditt Tempus-konto och få behörighet att:</p>
<ul>${scopes}</ul>
${error}
<form method="post" action="/oauth/authorize">
${hidden}
<label for="email">E-postadress</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(input.email ?? '')}"${described}>
<label for="password">Lösenord</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<div class="actions">
<button type="submit" name="decision" value="approve">Godkänn</button>
<button type="submit" name="decision" value="deny" formnovalidate>Neka</button>
</div>
</form>`,
  );
}

export function renderErrorPage(message: string): string {
  return layout(
    'Tempus – något gick fel',
    `<h1>Något gick fel</h1>
<p role="alert">${escapeHtml(message)}</p>
<p>Gå tillbaka till tjänsten du kom ifrån och försök igen.</p>`,
  );
}

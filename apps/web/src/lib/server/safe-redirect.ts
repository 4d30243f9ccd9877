/**
 * Where the app may send someone after signing in: only a path of this app. The target is
 * resolved the way a browser would resolve it (a backslash counts as a slash, tabs and
 * newlines are dropped), so `/\evil.example` or `/<tab>/evil.example` cannot leave the site.
 */
export function sameOriginPath(target: string | null, origin: string, fallback = '/calendar'): string {
  if (!target?.startsWith('/')) return fallback;
  let resolved: URL;
  try {
    resolved = new URL(target, origin);
  } catch {
    return fallback;
  }
  if (resolved.origin !== new URL(origin).origin) return fallback;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // A path that itself starts with two slashes would be read as another host by the next hop.
  return path.startsWith('//') ? fallback : path;
}

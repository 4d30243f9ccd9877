/**
 * The whole product for one test file: the Tempus simulator in this process, the real API
 * (its own PostgreSQL database when TEST_DATABASE_URL is set, PGlite otherwise) and the
 * built web app as child processes, all on `localhost`, and Debian's Chromium.
 * `startStack()` cleans up after itself when it fails half-way; otherwise `close()` does.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, freePort, repoRoot, startApi, startNodeProcess, startWeb, type RunningProcess } from '@familyhub/demo';
import { SESSION_COOKIE } from '@familyhub/shared';
import { startTempusSim, type TempusSim } from '@familyhub/tempus-sim';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../../../test-results', import.meta.url));

export interface PageOptions {
  /** The browser's language; the product speaks Swedish whatever it is. */
  locale?: string;
  /** A phone: a mobile User-Agent, touch and the phone's viewport handling. */
  phone?: boolean;
  javaScriptEnabled?: boolean;
  /** Start signed in with this session (an `HttpSession`'s): sign-ins are rate-limited per account. */
  session?: string;
}

/** A current Chrome on Android, as a phone sends it. */
const PHONE_USER_AGENT = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';

export interface Stack {
  sim: TempusSim;
  apiUrl: string;
  webUrl: string;
  webPort: number;
  browser: Browser;
  newPage(viewport?: { width: number; height: number }, options?: PageOptions): Promise<{ context: BrowserContext; page: Page }>;
  /** Everything the web server printed so far. */
  webOutput(): string;
  /** The web app in development (`vite dev`) on another port, against the same API; stopped by `close()`. */
  startDevWeb(): Promise<string>;
  /** Stops the browser, the servers and the simulator and drops the database. */
  close(): Promise<void>;
}

/** A database of its own: created from TEST_DATABASE_URL when set, embedded PGlite in a temporary folder otherwise. */
export async function createDatabase(): Promise<{ databaseUrl?: string; pgliteDir?: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const database = await createScratchDatabase(base, { prefix: 'e2e' });
    return { databaseUrl: database.url, drop: database.drop };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'familyhub-e2e-'));
  return { pgliteDir: dir, drop: () => rm(dir, { recursive: true, force: true }) };
}

export interface StackOptions {
  /** More API environment (e.g. ICS_ALLOW_PRIVATE_HOSTS for a feed served on 127.0.0.1). */
  apiEnv?: (urls: { apiUrl: string }) => Record<string, string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error(err));
    cleanups.length = 0;
  };
  try {
    return { ...(await start(cleanups, options)), close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function start(cleanups: (() => Promise<unknown>)[], options: StackOptions): Promise<Omit<Stack, 'close'>> {
  await mkdir(ARTIFACTS, { recursive: true });
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const apiUrl = `http://localhost:${apiPort}`;
  const webUrl = `http://localhost:${webPort}`;
  const client = { clientId: 'familyhub-e2e', clientSecret: randomBytes(16).toString('hex') };

  const sim = await startTempusSim({ port: 0, clients: [{ ...client, redirectUris: [`${apiUrl}/api/tempus/callback`] }] });
  cleanups.push(() => sim.close());

  const database = await createDatabase();
  cleanups.push(() => database.drop());

  const api = await startApi({
    port: apiPort,
    webOrigin: webUrl,
    tempus: { url: sim.url, ...client },
    ...(database.databaseUrl && { databaseUrl: database.databaseUrl }),
    ...(database.pgliteDir && { pgliteDir: database.pgliteDir }),
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      TEMPUS_RATE_LIMIT_RPS: '100',
      // The browser tests sign up many families from this one address.
      SIGNUPS_PER_VISITOR_PER_HOUR: '1000000',
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      TEMPUS_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...options.apiEnv?.({ apiUrl }),
    },
  });
  cleanups.push(() => api.stop());
  const web = await startWeb({ port: webPort, apiUrl });
  cleanups.push(() => web.stop());

  const browser = await launchChromium();
  cleanups.push(() => browser.close());

  return {
    sim,
    apiUrl,
    webUrl,
    webPort,
    browser,
    webOutput: () => web.output(),
    async startDevWeb() {
      const port = await freePort();
      const dev: RunningProcess = await startNodeProcess({
        name: 'web-dev',
        args: [path.join(repoRoot, 'apps/web/node_modules/vite/bin/vite.js'), 'dev', '--port', String(port), '--strictPort'],
        cwd: path.join(repoRoot, 'apps/web'),
        env: { API_URL: apiUrl, NODE_ENV: 'development' },
        readyUrl: `http://localhost:${port}/signin`,
        timeoutMs: 90_000,
      });
      cleanups.push(() => dev.stop());
      return `http://localhost:${port}`;
    },
    async newPage(viewport = { width: 1280, height: 800 }, options: PageOptions = {}) {
      const context = await browser.newContext({
        viewport,
        locale: options.locale ?? 'sv-SE',
        timezoneId: 'Europe/Stockholm',
        baseURL: webUrl,
        ...(options.phone && { isMobile: true, hasTouch: true, userAgent: PHONE_USER_AGENT }),
        ...(options.javaScriptEnabled === false && { javaScriptEnabled: false }),
      });
      if (options.session) {
        await context.addCookies([{ name: SESSION_COOKIE, value: options.session, url: webUrl, httpOnly: true, sameSite: 'Lax' }]);
      }
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return { context, page };
    },
  };
}

/** Debian's Chromium, headless. No skipping: without it the browser tests fail here. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Opens a signed-out page and waits until it is hydrated, so hydration cannot undo what
 * the test types. (Signed-in pages keep an event stream open and never go idle.)
 */
export async function open(page: Page, url: string) {
  await page.goto(url, { waitUntil: 'networkidle' });
}

export async function signIn(page: Page, email: string, password: string) {
  await open(page, '/signin');
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill(password);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL('**/calendar**', { waitUntil: 'commit' });
  await page.getByRole('heading', { level: 1 }).waitFor();
}

/** The browser's session cookie, for calling the API as that browser would. */
export async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('the browser has no session cookie');
  return cookie.value;
}

/**
 * The production path, as deployed: `pnpm build` (this project's global setup), then
 * scripts/deploy.sh copies the built API, web server and Tempus simulator with their
 * production dependencies only into a folder outside the repository (the Dockerfiles run
 * the same script). Each starts there with plain `node` in production mode, real random
 * secrets and nothing else of this environment, against a database of its own; the
 * simulator runs as a separate process standing in for Tempus. A parent then signs up,
 * connects Tempus through the consent page, sees the shifts and disconnects, over HTTP and
 * in Chromium. A development package imported at run time would not be there to load.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, HttpSession, startNodeProcess, type RunningProcess } from '@familyhub/demo';
import type { SimShiftInput, SimUser } from '@familyhub/tempus-sim';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftThisWeek } from './support/shifts';
import { SERVER_SCRIPTS } from './support/servers';
import { createDatabase, launchChromium, open } from './support/stack';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
/** Packages only development or the build may use: none may be in a deployed server. */
const DEVELOPMENT_ONLY = /^(tsx|pino-pretty|typescript|vitest|vite|esbuild|rolldown|drizzle-kit|svelte-check|playwright-core|fast-check|autocannon|@familyhub\+(demo|tempus-sim))@/;
const SERVERS = ['apps/api', 'apps/web', 'packages/tempus-sim'];

interface Product {
  deployDir: string;
  databaseUrl?: string;
  simUrl: string;
  apiUrl: string;
  webUrl: string;
  api: RunningProcess;
  users: SimUser[];
}

const cleanups: (() => Promise<unknown>)[] = [];
let product: Product;
let browser: Browser;

async function start(): Promise<Product> {
  const deployDir = await mkdtemp(path.join(tmpdir(), 'familyhub-production-'));
  cleanups.push(() => rm(deployDir, { recursive: true, force: true }));
  const deploy = spawnSync('bash', [path.join(repoRoot, 'scripts/deploy.sh'), deployDir], { cwd: repoRoot, encoding: 'utf8' });
  if (deploy.status !== 0) throw new Error(`scripts/deploy.sh failed:\n${deploy.stdout}${deploy.stderr}`);

  const database = await createDatabase();
  cleanups.push(() => database.drop());
  const [simPort, apiPort, webPort] = [await freePort(), await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${simPort}`;
  const apiUrl = `http://localhost:${apiPort}`;
  const webUrl = `http://localhost:${webPort}`;
  const client = { TEMPUS_CLIENT_ID: 'familyhub-production', TEMPUS_CLIENT_SECRET: randomBytes(24).toString('base64url') };
  const redirectUri = `${apiUrl}/api/tempus/callback`;
  const run = async (name: string, script: string, env: Record<string, string>, readyUrl: string) => {
    const started = await startNodeProcess({ name, args: [script], cwd: deployDir, env: { NODE_ENV: 'production', ...env }, readyUrl, inheritEnv: false });
    cleanups.push(() => started.stop());
    return started;
  };

  await run('tempus-sim', SERVER_SCRIPTS['tempus-sim'], { TEMPUS_SIM_PORT: String(simPort), ...client, TEMPUS_OAUTH_REDIRECT_URI: redirectUri }, `${simUrl}/_sim/users`);
  const api = await run(
    'api',
    SERVER_SCRIPTS.api,
    {
      PORT: String(apiPort),
      HOST: 'localhost',
      ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : { PGLITE_DIR: database.pgliteDir! }),
      WEB_ORIGIN: webUrl,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      TEMPUS_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TEMPUS_AUTH_URL: simUrl,
      TEMPUS_API_URL: simUrl,
      ...client,
      TEMPUS_OAUTH_REDIRECT_URI: redirectUri,
    },
    `${apiUrl}/readyz`,
  );
  await run('web', SERVER_SCRIPTS.web, { PORT: String(webPort), HOST: 'localhost', ORIGIN: webUrl, API_URL: apiUrl, SHUTDOWN_TIMEOUT: '2' }, `${webUrl}/signin`);

  const users = (await (await fetch(`${simUrl}/_sim/users`)).json()) as SimUser[];
  return { deployDir, databaseUrl: database.databaseUrl, simUrl, apiUrl, webUrl, api, users };
}

/** A shift this week for the Tempus user, so the week the calendar opens on shows it. */
async function addShift(user: SimUser, shift: SimShiftInput): Promise<void> {
  const response = await fetch(`${product.simUrl}/_sim/shifts`, { method: 'POST', body: JSON.stringify({ userId: user.id, ...shift }) });
  expect(response.status).toBe(201);
}

async function tempusEvents(session: HttpSession): Promise<{ title: string; source: string }[]> {
  const from = new Date(Date.now() - 40 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 70 * 86_400_000).toISOString();
  const { events } = await session.json<{ events: { title: string; source: string }[] }>(`/api/calendar/events?from=${from}&to=${to}`);
  return events.filter((e) => e.source === 'tempus');
}

beforeAll(async () => {
  product = await start();
  browser = await launchChromium();
  cleanups.push(() => browser.close());
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error(err));
});

describe('the production build', { concurrent: false }, () => {
  it('ships each server with its production dependencies only, out of reach of the workspace', () => {
    for (const server of SERVERS) {
      const installed = readdirSync(path.join(product.deployDir, server, 'node_modules/.pnpm'));
      expect(installed.filter((name) => DEVELOPMENT_ONLY.test(name)), server).toEqual([]);
    }
    const api = readdirSync(path.join(product.deployDir, 'apps/api/node_modules/.pnpm'));
    expect(api.some((name) => name.startsWith('fastify@')) && api.some((name) => name.startsWith('pino@'))).toBe(true);
    // Node looks for packages in every node_modules above a file: none may lead elsewhere.
    for (let dir = path.dirname(product.deployDir); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      expect(existsSync(path.join(dir, 'node_modules')), dir).toBe(false);
    }
    expect(existsSync(path.join(path.parse(product.deployDir).root, 'node_modules'))).toBe(false);
  });

  it('logs JSON lines, without the development pretty-printer', () => {
    expect(product.api.output()).toMatch(/^\{"level":30,.*"msg":"Server listening at http:\/\/[^"]+"\}$/m);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('applies every migration to its empty PostgreSQL database at start-up', async () => {
    const journal = JSON.parse(readFileSync(path.join(product.deployDir, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const client = new pg.Client({ connectionString: product.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
      expect(rows[0]!.n).toBe(journal.entries.length);
    } finally {
      await client.end();
    }
  });

  it('refuses to start without NODE_ENV and without secrets, naming the variable in one line', () => {
    const result = spawnSync(process.execPath, [SERVER_SCRIPTS.api], {
      cwd: product.deployDir,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', PORT: '0' },
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Invalid configuration: SESSION_SECRET is required outside development (NODE_ENV is unset, so production)');
  });

  it('signs up, connects Tempus through the consent page, lists the shifts and disconnects over HTTP', async () => {
    const worker = product.users[0]!;
    await addShift(worker, shiftThisWeek(1, 'Provpass', '07:00', '15:30'));
    const session = new HttpSession(product.apiUrl);
    await session.json('/api/auth/signup', { method: 'POST', body: { email: 'per@example.se', password: 'ett-langt-losenord', name: 'Per', familyName: 'Familjen Http' } });
    const landing = await session.connectTempus(worker);
    expect(`${landing.origin}${landing.pathname}`).toBe(`${product.webUrl}/settings/tempus`);

    type Status = { accounts: { id: string; eventCount: number; recentSyncs: { status: string }[] }[] };
    await expect
      .poll(async () => (await session.json<Status>('/api/tempus/status')).accounts[0]?.recentSyncs[0]?.status, { timeout: 20_000 })
      .toBe('succeeded');
    const { accounts } = await session.json<Status>('/api/tempus/status');
    expect(accounts[0]!.eventCount).toBeGreaterThan(0);
    const events = await tempusEvents(session);
    expect(events.map((e) => e.title)).toContain('Arbete: Provpass');
    expect(events).toHaveLength(accounts[0]!.eventCount);

    const disconnect = await session.request(`/api/tempus/disconnect?accountId=${accounts[0]!.id}`, { method: 'DELETE' });
    expect(disconnect.status).toBe(204);
    expect(await tempusEvents(session)).toEqual([]);
  });

  it('signs up, connects Tempus, shows the shifts on the calendar page and disconnects in Chromium', async () => {
    const worker = product.users[1]!;
    await addShift(worker, shiftThisWeek(2, 'Röktest', '14:30', '22:00'));
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm', baseURL: product.webUrl });
    cleanups.push(() => context.close());
    const page: Page = await context.newPage();
    page.setDefaultTimeout(20_000);

    await open(page, '/signup');
    await page.getByLabel('Ditt namn').fill('Lena Lindqvist');
    await page.getByLabel('Familjens namn').fill('Familjen Lindqvist');
    await page.getByLabel('E-postadress').fill('lena@example.se');
    await page.getByLabel('Lösenord').fill('lenas-langa-losenord');
    await page.getByRole('button', { name: 'Skapa konto' }).click();
    await page.waitForURL('**/calendar**');

    await page.goto('/settings/tempus');
    await page.getByRole('button', { name: 'Anslut Tempus' }).click();
    await page.waitForURL(`${product.simUrl}/oauth/authorize**`);
    await page.getByLabel('E-postadress').fill(worker.email);
    await page.getByLabel('Lösenord').fill(worker.password);
    await page.getByRole('button', { name: 'Godkänn' }).click();
    await page.waitForURL('**/settings/tempus?connected=*');
    await expect.poll(async () => (await page.getByTestId('tempus-account').textContent()) ?? '', { timeout: 20_000 }).toMatch(/Senast lyckad\s*idag/);

    await page.goto('/calendar');
    const shift = page.locator('[data-testid=event][data-source=tempus]').filter({ hasText: 'Röktest' });
    await shift.waitFor();
    await expect(shift.textContent()).resolves.toMatch(/14:30/);

    await page.goto('/settings/tempus');
    await page.getByRole('link', { name: 'Koppla från…' }).click();
    await page.getByRole('button', { name: 'Ja, koppla från' }).click();
    await page.waitForURL('**/settings/tempus?disconnected=1');
    await page.goto('/calendar');
    await page.getByTestId('week-view').waitFor();
    await expect(page.locator('[data-testid=event][data-source=tempus]').count()).resolves.toBe(0);
  });
});

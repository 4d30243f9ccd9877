/**
 * A family enters its routine once and sees its handovers: a parent adds a child and the
 * weekly routine in the settings; the other parent's shift app (a feed on 127.0.0.1) makes a
 * pick-up collide; the bell counts the notification and lists it; at phone and desktop sizes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '$lib/calendar/zoned-time';
import { horizontalOverflow, seriousViolations } from './support/page-checks';
import { stockholmTime } from './support/shifts';
import { ARTIFACTS, open, startStack, type Stack } from './support/stack';

const anna = { name: 'Anna Svensson', familyName: 'Familjen Svensson', email: 'anna@example.se', password: 'korrekt-häst-batteri' };
const karin = { name: 'Karin Persson', email: 'karin@example.se', password: 'korrekt-häst-batteri' };
const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1366, height: 900 } };
/** A VAPID key pair as the API reads it: the raw P-256 public point and private scalar, base64url. */
function vapidKeys() {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { publicKey: point.toString('base64url'), privateKey: jwk.d! };
}
const vapid = vapidKeys();
/** The day after tomorrow: in the coming week, whatever the hour the test runs. */
const conflictDay = addDays(todayIn(), 2);

const utc = (rfc3339: string) => new Date(rfc3339).toISOString().replace(/[-:]|\.\d{3}/g, '');
const karinsFeed = () =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Medvind//SV', 'X-WR-CALNAME:Karins pass', 'BEGIN:VEVENT', 'UID:m-1@medvind.example', 'DTSTAMP:20260101T000000Z',
    `DTSTART:${utc(stockholmTime(conflictDay, '09:00'))}`, `DTEND:${utc(stockholmTime(conflictDay, '17:00'))}`, 'SUMMARY:Dag – Avd 30', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

/** Screenshots at phone and desktop size; at both, nothing sticks out sideways and axe finds no serious violation. */
async function shoot(page: Page, name: string) {
  for (const [size, viewport] of Object.entries(sizes)) {
    await page.setViewportSize(viewport);
    expect(await horizontalOverflow(page), `${name} at ${size} is wider than the window`).toBe(0);
    expect(await seriousViolations(page), `${name} at ${size}`).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(sizes.desktop);
}

describe('children, routines, handovers and notifications', { concurrent: false }, () => {
  let stack: Stack;
  let page: Page;
  let feedServer: Server;
  let karinCookie: string;

  async function api(path: string, init: { method?: string; body?: unknown; cookie: string }) {
    const res = await fetch(`${stack.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie: init.cookie, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
    return res;
  }

  beforeAll(async () => {
    feedServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' });
      res.end(karinsFeed());
    });
    await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
    stack = await startStack({
      apiEnv: () => ({ ICS_ALLOW_PRIVATE_HOSTS: 'true', VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:drift@familjehubben.example' }),
    });
    ({ page } = await stack.newPage(sizes.desktop));
  });

  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => feedServer?.close(resolve));
  });

  it('signs up Anna, and adds Karin as the other parent', async () => {
    await open(page, '/signup');
    await page.getByLabel('Ditt namn').fill(anna.name);
    await page.getByLabel('Familjens namn').fill(anna.familyName);
    await page.getByLabel('E-postadress').fill(anna.email);
    await page.getByLabel('Lösenord').fill(anna.password);
    await page.getByRole('button', { name: 'Skapa konto' }).click();
    await page.waitForURL('**/calendar**');
    const annaCookie = (await page.context().cookies()).find((c) => c.name === 'fh_session')!.value;
    await api('/api/family/members', { method: 'POST', cookie: `fh_session=${annaCookie}`, body: { ...karin, role: 'parent' } });
    const login = await fetch(`${stack.apiUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: karin.email, password: karin.password }) });
    karinCookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  });

  it('adds a child and her week in the settings', async () => {
    await page.goto('/settings/children');
    await page.getByRole('heading', { name: 'Barn och hämtning' }).waitFor();
    await page.getByLabel('Namn').fill('Elsa');
    await page.getByRole('button', { name: 'Lägg till' }).click();
    await page.getByText('Elsa är tillagd. Fyll i veckan nedan.').waitFor();
    const card = page.getByTestId('child-card');
    await card.getByLabel('Förskola eller fritids').fill('Förskolan Solrosen');
    for (const day of ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag']) {
      const capitalised = day[0]!.toUpperCase() + day.slice(1);
      await card.getByRole('checkbox', { name: capitalised }).check();
      await card.getByLabel(`Vem lämnar på ${day}`).selectOption({ label: anna.name });
      await card.getByLabel(`Vem hämtar på ${day}`).selectOption({ label: karin.name });
    }
    await card.getByRole('button', { name: 'Spara veckan' }).click();
    await page.getByText('Veckan är sparad.').waitFor();
    await shoot(page, 'settings-children');
    await expect(card.getByLabel('Vem hämtar på onsdag').inputValue()).resolves.not.toBe('');

    // A child is a family member too, on the family page.
    await page.getByRole('link', { name: 'Familjen' }).click();
    await expect(page.getByRole('region', { name: 'Barn' }).textContent()).resolves.toMatch(/Elsa\s+Förskolan Solrosen/);
    await shoot(page, 'family');
  });

  it('tells of a pick-up conflict from the other parent’s shift app live, counts it on the bell, and lists it', async () => {
    // The calendar is open with its event stream connected when Karin's shift app is added.
    const streaming = page.waitForResponse('**/sync-events');
    await page.goto('/calendar');
    await streaming;
    await api('/api/calendar/subscriptions', { method: 'POST', cookie: karinCookie, body: { url: `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/karin.ics` } });
    await page.getByTestId('toast').filter({ hasText: 'Krock: hämtning av Elsa' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.getByTestId('unread-count').textContent(), { timeout: 10_000 }).toBe('2');
    await expect(page.getByTestId('notification-bell').getAttribute('aria-label')).resolves.toBe('Notiser, 2 olästa');
    await page.getByTestId('notification-bell').click();
    await page.getByRole('heading', { name: 'Notiser', level: 1 }).waitFor();
    const conflict = page.getByTestId('notification').filter({ hasText: 'Krock: hämtning av Elsa' });
    await expect(conflict.textContent()).resolves.toContain('Karin jobbar till 17:00 — Anna är ledig.');
    await expect(page.getByTestId('notification').filter({ hasText: 'Karins schema har ändrats' }).textContent()).resolves.toContain('Nytt:');
    await shoot(page, 'notifications');
    await page.getByRole('button', { name: 'Markera alla som lästa' }).click();
    await page.getByRole('button', { name: 'Markera alla som lästa' }).waitFor({ state: 'detached' });
    await expect(page.getByTestId('unread-count').count()).resolves.toBe(0);
  });

  it('shows each day’s handovers in the day list, marks the conflict, and swaps it with one tap on a phone', async () => {
    await page.setViewportSize(sizes.phone);
    await page.goto(`/calendar?view=days&date=${addDays(conflictDay, -1)}`);
    const day = page.locator(`section:has(#day-${conflictDay})`).getByTestId('handover-line');
    await expect(day.textContent()).resolves.toContain('Lämnar: Anna 08:00 · Hämtar: Karin 16:30');
    await expect(day.getByTestId('handover-conflict').textContent()).resolves.toContain('Karin jobbar till 17:00 — Anna är ledig');
    const dayBefore = page.locator(`section:has(#day-${addDays(conflictDay, -1)})`).getByTestId('handover-line');
    await expect(dayBefore.getByTestId('handover-conflict').count()).resolves.toBe(0);
    await shoot(page, 'calendar-days-conflict');

    await page.setViewportSize(sizes.phone);
    await day.getByRole('button', { name: 'Anna hämtar' }).click();
    await expect.poll(() => day.textContent(), { timeout: 10_000 }).toContain('Hämtar: Anna 16:30');
    await expect(day.getByTestId('handover-conflict').count()).resolves.toBe(0);
    await expect(day.textContent()).resolves.toContain('Ändrad dag');
    await expect.poll(() => page.url()).toContain(`/calendar?view=days&date=${addDays(conflictDay, -1)}`);
    await shoot(page, 'calendar-days-swapped');

    await page.setViewportSize(sizes.phone);
    await day.getByRole('button', { name: 'Tillbaka till vanlig vecka' }).click();
    await expect.poll(() => day.getByTestId('handover-conflict').count(), { timeout: 10_000 }).toBe(1);
  });

  it('shows the handovers in the week on a desktop, the conflict with its swap, and marks it in a phone’s narrow columns', async () => {
    await page.setViewportSize(sizes.desktop);
    await page.goto(`/calendar?view=week&date=${conflictDay}`);
    const cell = page.locator(`[data-testid=week-handovers] [data-date="${conflictDay}"]`);
    await expect(cell.getByTestId('handover-line').textContent()).resolves.toContain('Lämnar: Anna 08:00 · Hämtar: Karin 16:30');
    await expect(cell.getByTestId('handover-conflict').textContent()).resolves.toContain('Karin jobbar till 17:00 — Anna är ledig');
    await shoot(page, 'calendar-week-conflict');
    await page.setViewportSize(sizes.phone);
    await page.reload();
    const compact = page.locator(`[data-testid=week-handovers] [data-date="${conflictDay}"]`).getByTestId('handover-compact');
    await expect(compact.textContent()).resolves.toContain('krock');
    await page.setViewportSize(sizes.desktop);
    await page.reload();
    await cell.getByRole('button', { name: 'Anna hämtar' }).click();
    await expect.poll(() => cell.getByTestId('handover-line').textContent(), { timeout: 10_000 }).toContain('Hämtar: Anna 16:30');
    await cell.getByRole('button', { name: 'Tillbaka till vanlig vecka' }).click();
    await expect.poll(() => cell.getByTestId('handover-conflict').count(), { timeout: 10_000 }).toBe(1);
  });

  it('lists two weeks of handovers on their own page', async () => {
    await page.goto('/settings/children');
    await page.getByTestId('pickups-link').click();
    await page.getByRole('heading', { name: 'Lämning och hämtning' }).waitFor();
    const day = page.locator(`[data-testid=pickup-day][data-date="${conflictDay}"]`).getByTestId('handover-line');
    await expect(day.getByTestId('handover-conflict').textContent()).resolves.toContain('Karin jobbar till 17:00 — Anna är ledig');
    await expect(page.getByTestId('pickup-day').count()).resolves.toBe(14);
    await shoot(page, 'pickups');
  });

  it('lets Anna choose her notifications, with push offered in the browser', async () => {
    await page.goto('/settings/notifications');
    await page.getByRole('heading', { name: 'Notiser', level: 1 }).waitFor();
    await page.getByRole('checkbox', { name: /Ändrade pass/ }).uncheck();
    await page.getByRole('button', { name: 'Spara' }).click();
    await page.getByText('Sparat. Du får de notiser du har valt.').waitFor();
    await page.getByRole('button', { name: 'Slå på notiser här' }).waitFor();
    // The service worker that shows pushes is installed for the whole app.
    const worker = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL ?? null);
    expect(worker).toBe(`${stack.webUrl}/service-worker.js`);
    // A phone installs the app from its manifest (on an iPhone, push needs the app on the home screen).
    const manifest = (await (await fetch(`${stack.webUrl}/manifest.webmanifest`)).json()) as { display: string; start_url: string };
    expect(manifest).toMatchObject({ display: 'standalone', start_url: '/calendar' });
    await shoot(page, 'settings-notifications');
    await page.goto('/notifications');
    await expect(page.getByTestId('notification').allTextContents()).resolves.toEqual([expect.stringContaining('Krock: hämtning av Elsa')]);
  });
});

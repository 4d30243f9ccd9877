/**
 * A parent pastes a shift app's subscription link (served by a feed server on 127.0.0.1)
 * and its shifts are in the week view; then any member puts the family calendar on a
 * phone: the webcal:// link, a QR code, and the feed behind the link holds the shifts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftThisWeek } from './support/shifts';
import { ARTIFACTS, open, startStack, type Stack } from './support/stack';

const parent = { name: 'Sara Holm', familyName: 'Familjen Holm', email: 'sara@example.se', password: 'korrekt-häst-batteri' };
const sizes = { phone: { width: 390, height: 844 }, desktop: { width: 1366, height: 900 } };

const utc = (rfc3339: string) => new Date(rfc3339).toISOString().replace(/[-:]|\.\d{3}/g, '');
function shiftFeed(): string {
  const shifts = [
    { uid: 'q-1@quinyx.example', ...shiftThisWeek(1, 'Dag', '07:00', '15:30'), summary: 'Dag – Avd 30', status: 'CONFIRMED' },
    { uid: 'q-2@quinyx.example', ...shiftThisWeek(3, 'Kväll', '14:30', '22:00'), summary: 'Kväll – Avd 30', status: 'CANCELLED' },
  ];
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Quinyx//Schedule export//SV',
    'X-WR-CALNAME:Saras pass',
    ...shifts.flatMap((s) => ['BEGIN:VEVENT', `UID:${s.uid}`, 'DTSTAMP:20260101T000000Z', `DTSTART:${utc(s.start_time)}`, `DTEND:${utc(s.end_time)}`, `SUMMARY:${s.summary}`, `STATUS:${s.status}`, 'END:VEVENT']),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

async function shoot(page: Page, name: string) {
  for (const [size, viewport] of Object.entries(sizes)) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${size}.png`), fullPage: true });
  }
  await page.setViewportSize(sizes.desktop);
}

describe('calendar subscriptions and the calendar on the phone', { concurrent: false }, () => {
  let stack: Stack;
  let page: Page;
  let feedServer: Server;
  let feedUrl: string;

  beforeAll(async () => {
    feedServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8' });
      res.end(shiftFeed());
    });
    await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
    feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/ical/personlig-token/pass.ics`;
    stack = await startStack({ apiEnv: ({ apiUrl }) => ({ ICS_ALLOW_PRIVATE_HOSTS: 'true', PUBLIC_API_URL: apiUrl }) });
    ({ page } = await stack.newPage(sizes.desktop));
  });

  afterAll(async () => {
    await stack?.close();
    await new Promise((resolve) => feedServer?.close(resolve));
  });

  it('signs up a new family', async () => {
    await open(page, '/signup');
    await page.getByLabel('Ditt namn').fill(parent.name);
    await page.getByLabel('Familjens namn').fill(parent.familyName);
    await page.getByLabel('E-postadress').fill(parent.email);
    await page.getByLabel('Lösenord').fill(parent.password);
    await page.getByRole('button', { name: 'Skapa konto' }).click();
    await page.waitForURL('**/calendar**');
  });

  it('pastes a subscription link and sees its status', async () => {
    await page.getByRole('link', { name: 'Inställningar' }).click();
    await page.getByRole('link', { name: 'Prenumerationer' }).click();
    await page.getByRole('heading', { name: 'Kalenderprenumerationer' }).waitFor();
    await page.getByLabel('Länk till kalendern').fill(feedUrl);
    await page.getByRole('button', { name: 'Lägg till' }).click();
    await page.getByTestId('subscription-notice').filter({ hasText: '”Saras pass” är tillagd: 2 händelser i kalendern.' }).waitFor();
    const card = page.getByTestId('subscription');
    await expect(card.getByTestId('subscription-state').textContent()).resolves.toBe('Aktiv');
    await expect(card.textContent()).resolves.toContain(`127.0.0.1:${(feedServer.address() as AddressInfo).port}`);
    await expect(card.textContent()).resolves.not.toContain('personlig-token');
    await page.getByText('Var hittar jag länken?').click();
    await page.getByText('Hemlig adress i iCal-format').waitFor();
    await shoot(page, 'settings-subscriptions');

    await page.getByRole('button', { name: 'Synka nu' }).click();
    await page.getByText('Synken är klar: inga ändringar.').waitFor();
  });

  it('shows the subscribed shifts in the week view, read-only', async () => {
    await page.goto('/calendar');
    // Shifts come from the shift app's link, so the first run no longer asks to connect Tempus.
    await page.getByTestId('first-run').waitFor();
    await expect(page.getByRole('button', { name: 'Anslut Tempus' }).count()).resolves.toBe(0);
    const events = page.locator('[data-testid=event][data-source=ics]');
    await expect.poll(() => events.count()).toBe(2);
    await expect(events.filter({ hasText: 'Dag – Avd 30' }).textContent()).resolves.toContain('07:00–15:30');
    // A shift the shift app cancelled is struck through and said to be cancelled, like a Tempus one.
    const cancelled = events.filter({ hasText: 'Kväll – Avd 30' });
    await expect(cancelled.evaluate((el) => el.classList.contains('cancelled'))).resolves.toBe(true);
    await expect(cancelled.textContent()).resolves.toMatch(/inställt/i);
    await shoot(page, 'calendar-week-subscribed');
    await events.filter({ hasText: 'Dag – Avd 30' }).click();
    await expect(page.getByTestId('subscription-readonly').textContent()).resolves.toContain('kan inte ändras här');
    await page.keyboard.press('Escape');
  });

  it('puts the family calendar on the phone with a webcal link and a QR code', async () => {
    await page.goto('/settings/phone');
    await page.getByRole('heading', { name: 'Visa familjens kalender i mobilen' }).waitFor();
    await page.getByRole('button', { name: 'Skapa länk' }).click();
    const link = page.getByTestId('feed-url');
    await link.waitFor();
    const webcal = await link.inputValue();
    expect(webcal).toMatch(/^webcal:\/\/localhost:\d+\/feed\/[A-Za-z0-9_-]{43}\.ics$/);
    await expect(page.getByTestId('feed-qr').locator('svg').count()).resolves.toBe(1);
    await page.getByText('iPhone', { exact: true }).waitFor();
    await shoot(page, 'settings-phone');

    // What the phone's calendar app will read behind that link.
    const feed = await fetch(webcal.replace('webcal://', 'http://'));
    expect(feed.status).toBe(200);
    const body = await feed.text();
    expect(body).toContain('SUMMARY:Sara: Dag – Avd 30');
    expect(body).toContain('STATUS:CANCELLED');

    await page.getByRole('button', { name: 'Skapa ny länk' }).click();
    await page.getByText('En ny länk är skapad.').waitFor();
    await expect.poll(() => page.getByTestId('feed-url').inputValue()).not.toBe(webcal);
    expect((await fetch(webcal.replace('webcal://', 'http://'))).status).toBe(404);

    await page.getByRole('button', { name: 'Stäng av' }).click();
    await page.getByRole('button', { name: 'Skapa länk' }).waitFor();
  });
});

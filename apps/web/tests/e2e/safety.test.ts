/**
 * What the hardening promises, seen from the browser: signing in never sends anyone to
 * another site, a member sees a parent's event without a way to change it (and their own
 * with one), and a day holding more events than one API page shows every one of them.
 */
import path from 'node:path';
import { HttpSession } from '@familyhub/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '$lib/calendar/zoned-time';
import { stockholmTime } from './support/shifts';
import { horizontalOverflow } from './support/page-checks';
import { ARTIFACTS, open, startStack, type Stack } from './support/stack';

const PASSWORD = 'familjens-langa-losen';
const parent = { name: 'Sara Lind', familyName: 'Familjen Lind', email: 'sara.lind@example.se', password: PASSWORD };
const child = { name: 'Olle Lind', email: 'olle.lind@example.se', password: PASSWORD };
/** More than the API's page of 2,000 events, all on one day. */
const BUSY_DAY_EVENTS = 2_050;

describe('safety in the browser', { concurrent: false }, () => {
  let stack: Stack;
  const sessions: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const busyDay = addDays(todayIn(), 3);

  beforeAll(async () => {
    stack = await startStack({ apiEnv: () => ({ CALENDAR_EVENTS_PER_MEMBER_PER_HOUR: '100000' }) });
    const sara = new HttpSession(stack.apiUrl);
    await sara.signUpOrLogIn(parent);
    await sara.json('/api/family/members', { method: 'POST', body: { ...child, role: 'member' } });
    const olle = new HttpSession(stack.apiUrl);
    await olle.signUpOrLogIn({ ...child, familyName: 'unused' });
    sessions.sara = sara.session!;
    sessions.olle = olle.session!;

    const tomorrow = addDays(todayIn(), 1);
    const create = async (who: HttpSession, title: string, start: string, end: string) =>
      (await who.json<{ event: { id: string } }>('/api/calendar/events', { method: 'POST', body: { title, startDate: start, endDate: end } })).event.id;
    ids.parents = await create(sara, 'Utvecklingssamtal', stockholmTime(tomorrow, '16:00'), stockholmTime(tomorrow, '16:30'));
    ids.own = await create(olle, 'Fotbollsträning', stockholmTime(tomorrow, '18:00'), stockholmTime(tomorrow, '19:00'));

    const start = stockholmTime(busyDay, '08:00');
    const end = stockholmTime(busyDay, '09:00');
    for (let batch = 0; batch < BUSY_DAY_EVENTS; batch += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, BUSY_DAY_EVENTS - batch) }, (_, i) => create(sara, `Punkt ${String(batch + i + 1).padStart(4, '0')}`, start, end)),
      );
    }
  });

  afterAll(() => stack?.close());

  it.each([['/%5Cevil.example'], ['/%09/evil.example'], ['//evil.example'], ['https://evil.example/']])(
    'signing in with redirectTo=%s stays on Familjehubben',
    async (target) => {
      const { context, page } = await stack.newPage({ width: 390, height: 844 });
      try {
        await open(page, `/signin?redirectTo=${target}`);
        await page.getByLabel('E-postadress').fill(parent.email);
        await page.getByLabel('Lösenord').fill(PASSWORD);
        await page.getByRole('button', { name: 'Logga in' }).click();
        await page.waitForURL('**/calendar**', { waitUntil: 'commit' });
        expect(new URL(page.url()).origin).toBe(stack.webUrl);

        // Signed in already, the sign-in page sends the visitor on, to this site only.
        await page.goto(`${stack.webUrl}/signin?redirectTo=${target}`, { waitUntil: 'commit' });
        expect(new URL(page.url()).origin).toBe(stack.webUrl);
      } finally {
        await context.close();
      }
    },
  );

  it.each([
    ['phone', { width: 390, height: 844 }, { phone: true }],
    ['desktop', { width: 1366, height: 900 }, {}],
  ] as const)("shows a member a parent's event read-only, and their own event with its form (%s)", async (name, viewport, options) => {
    const { context, page } = await stack.newPage(viewport, { ...options, session: sessions.olle });
    try {
      await page.goto(`${stack.webUrl}/calendar?view=days&date=${addDays(todayIn(), 1)}&event=${ids.parents}`, { waitUntil: 'commit' });
      const readOnly = page.getByTestId('owner-readonly');
      await readOnly.waitFor();
      expect(await readOnly.textContent()).toContain('Bara Sara Lind och föräldrarna kan ändra');
      expect(await page.getByRole('button', { name: 'Spara ändringar' }).count()).toBe(0);
      expect(await horizontalOverflow(page)).toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `member-reads-parents-event-${name}.png`) });

      await page.goto(`${stack.webUrl}/calendar?view=days&date=${addDays(todayIn(), 1)}&event=${ids.own}`, { waitUntil: 'commit' });
      await page.getByRole('button', { name: 'Spara ändringar' }).waitFor();
      expect(await page.getByTestId('owner-readonly').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it.each([
    ['phone', { width: 390, height: 844 }],
    ['desktop', { width: 1366, height: 900 }],
  ] as const)('tells in Swedish, at the password field, that a common password is refused at sign-up (%s)', async (name, viewport) => {
    const { context, page } = await stack.newPage(viewport);
    try {
      await open(page, '/signup');
      await page.getByLabel('Ditt namn').fill('Nils Berg');
      await page.getByLabel('Familjens namn').fill('Familjen Berg');
      await page.getByLabel('E-postadress').fill(`nils.${name}@example.se`);
      await page.getByLabel('Lösenord').fill('Password123');
      await page.getByRole('button', { name: 'Skapa konto' }).click();
      const error = page.locator('#password-error, .error').filter({ hasText: 'vanligaste' });
      await error.first().waitFor();
      expect(new URL(page.url()).pathname).toBe('/signup');
      expect(await horizontalOverflow(page)).toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, `signup-common-password-${name}.png`), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it(`lists all ${BUSY_DAY_EVENTS} events of a day that holds more than one API page`, async () => {
    const { context, page } = await stack.newPage({ width: 1366, height: 900 }, { session: sessions.sara });
    try {
      // The whole server-rendered page, not only its start: the day's list is long.
      await page.goto(`${stack.webUrl}/calendar?view=days&date=${busyDay}`, { waitUntil: 'domcontentloaded' });
      const titles = await page.getByTestId('event').allTextContents();
      const numbers = new Set(titles.map((t) => /Punkt (\d{4})/.exec(t)?.[1]).filter(Boolean));
      expect(numbers.size).toBe(BUSY_DAY_EVENTS);
    } finally {
      await context.close();
    }
  });
});

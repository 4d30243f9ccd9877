/**
 * The family calendar at a glance, on a phone (390×844) and a desktop (1366×900): a family
 * with two parents both called Karin, both on Tempus with overlapping shifts, a 30-minute
 * pickup and a one-day and a three-day all-day event. Every view fits the screen, every
 * visible title is legible, the Karins differ in colour and name, badges stay inside their
 * events, axe finds nothing serious, and a sync that needs a reconnect shows on the calendar.
 */
import path from 'node:path';
import { HttpSession } from '@familyhub/demo';
import type { SimUser } from '@familyhub/tempus-sim';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '$lib/calendar/zoned-time';
import { badgesOutsideTheirEvent, coloursByOwner, horizontalOverflow, illegibleTitles, seriousViolations } from './support/page-checks';
import { shiftThisWeek, stockholmTime, thisMonday } from './support/shifts';
import { ARTIFACTS, signIn, startStack, type Stack } from './support/stack';

const PASSWORD = 'familjens-langa-losen';
const karinP = { name: 'Karin Persson', familyName: 'Familjen Persson', email: 'karin.p@example.se', password: PASSWORD };
const karinA = { name: 'Karin Andersson', email: 'karin.a@example.se', password: PASSWORD };
const elsa = { name: 'Elsa Persson', email: 'elsa@example.se', password: PASSWORD };
const screens = {
  phone: { viewport: { width: 390, height: 844 }, options: { phone: true } },
  desktop: { viewport: { width: 1366, height: 900 }, options: {} },
} as const;

describe('the family calendar at a glance', { concurrent: false }, () => {
  let stack: Stack;
  const ids: Record<string, string> = {};
  let accountA = '';
  let tempusA: SimUser;
  /** Karin P's and Karin A's sessions, so most tests start signed in without signing in again. */
  const sessions: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack();
    const tempusP = stack.sim.users.create({ email: 'karin.persson@region.example.se', name: 'Karin Persson' });
    tempusA = stack.sim.users.create({ email: 'karin.andersson@vard.example.se', name: 'Karin Andersson' });
    // Tuesday: both work, their shifts overlap from 08:00; Thursday one shift is cancelled.
    stack.sim.shifts.add(tempusP.id, shiftThisWeek(1, 'Dag', '07:00', '15:30'));
    stack.sim.shifts.add(tempusA.id, shiftThisWeek(1, 'Dag', '08:00', '16:30'));
    stack.sim.shifts.add(tempusP.id, shiftThisWeek(2, 'Natt', '21:30', '07:15'));
    stack.sim.shifts.add(tempusA.id, shiftThisWeek(3, 'Kväll', '14:30', '22:00', { status: 'cancelled' }));
    stack.sim.shifts.add(tempusA.id, shiftThisWeek(4, 'Dag', '07:00', '15:30'));

    const parentP = new HttpSession(stack.apiUrl);
    await parentP.signUpOrLogIn(karinP);
    for (const [member, role] of [[karinA, 'parent'], [elsa, 'member']] as const) {
      await parentP.json('/api/family/members', { method: 'POST', body: { ...member, role } });
    }
    const parentA = new HttpSession(stack.apiUrl);
    await parentA.signUpOrLogIn({ ...karinA, familyName: 'unused' });
    await parentP.connectTempus(tempusP);
    await parentA.connectTempus(tempusA);
    const { accounts } = await parentP.json<{ accounts: { id: string; userId: string }[] }>('/api/tempus/status');
    for (const account of accounts) await parentP.json('/api/tempus/sync?wait=true', { method: 'POST', body: { accountId: account.id } });
    sessions.p = parentP.session!;
    sessions.a = parentA.session!;
    const me = await parentP.json<{ members: { id: string; email: string }[] }>('/api/me');
    for (const m of me.members) ids[m.email] = m.id;
    accountA = accounts.find((a) => a.userId === ids[karinA.email])!.id;

    const monday = thisMonday();
    const event = (title: string, startDate: string, endDate: string, allDay = false) =>
      parentP.json('/api/calendar/events', { method: 'POST', body: { title, startDate, endDate, allDay } });
    // Karin A works until 16:30, so Karin P picks Elsa up: the pickup overlaps her shift.
    await event('Hämta Elsa', stockholmTime(addDays(monday, 1), '16:00'), stockholmTime(addDays(monday, 1), '16:30'));
    await event('Lämna Elsa', stockholmTime(monday, '07:45'), stockholmTime(monday, '08:15'));
    await event('Sportlov', stockholmTime(addDays(monday, 2), '00:00'), stockholmTime(addDays(monday, 5), '00:00'), true);
    await event('Studiedag', stockholmTime(monday, '00:00'), stockholmTime(addDays(monday, 1), '00:00'), true);
  });

  afterAll(() => stack?.close());

  /** What must hold in every view: fits, legible, two colours for two Karins, badges inside, axe. */
  async function expectReadable(page: Page, what: string) {
    expect(await horizontalOverflow(page), `${what}: horizontal overflow`).toBe(0);
    expect(await illegibleTitles(page), `${what}: illegible titles`).toEqual([]);
    expect(await badgesOutsideTheirEvent(page), `${what}: badges outside their event`).toEqual([]);
    const colours = await coloursByOwner(page);
    const p = new Set(colours[ids[karinP.email]!]);
    const a = new Set(colours[ids[karinA.email]!]);
    expect(p.size, `${what}: Karin P's events in one colour`).toBe(1);
    expect(a.size, `${what}: Karin A's events in one colour`).toBe(1);
    expect([...p][0], `${what}: the Karins differ in colour`).not.toBe([...a][0]);
    expect(await seriousViolations(page), `${what}: axe`).toEqual([]);
  }

  for (const [size, screen] of Object.entries(screens)) {
    it(`shows the week in every view, readable, on a ${size}`, async () => {
      const { context, page } = await stack.newPage(screen.viewport, screen.options);
      try {
        await signIn(page, karinP.email, karinP.password);
        // A phone opens on the day list, a desktop on the week.
        await page.getByTestId(size === 'phone' ? 'day-list' : 'week-view').waitFor();

        await page.goto(`/calendar?view=days&date=${thisMonday()}`);
        const list = page.getByTestId('day-list');
        // The list has room for full names.
        await expect(list.getByText('Karin Persson', { exact: true }).first().isVisible()).resolves.toBe(true);
        await expect(list.getByText('Karin Andersson', { exact: true }).first().isVisible()).resolves.toBe(true);
        const kväll = list.locator('[data-testid=event]', { hasText: 'Kväll' });
        await expect(kväll.evaluate((el) => getComputedStyle(el.querySelector('.title')!).textDecorationLine)).resolves.toBe('line-through');
        await expectReadable(page, `day list (${size})`);
        await page.screenshot({ path: path.join(ARTIFACTS, `family-days-${size}.png`), fullPage: true });

        await page.goto(`/calendar?view=week&date=${thisMonday()}`);
        await page.getByTestId('week-view').waitFor();
        // The measured columns decide between text and compact blocks once the page runs.
        await page.waitForFunction(() => document.querySelector('[data-testid=week-view]') !== null && document.readyState === 'complete');
        await page.waitForTimeout(300);
        await expectReadable(page, `week (${size})`);
        const bands = page.locator('.band');
        await expect(bands.count()).resolves.toBe(2);
        const dayWidth = await page.locator('.day').first().evaluate((el) => el.getBoundingClientRect().width);
        const bandWidths = await page.locator('.band-slot').evaluateAll((slots) => slots.map((slot) => slot.getBoundingClientRect().width));
        // One band spans one day and the other exactly three, on every screen.
        expect(bandWidths.map((w) => Math.round(w / dayWidth)).sort()).toEqual([1, 3]);
        await expect(page.getByTestId('now-line').count()).resolves.toBe(1);
        if (size === 'desktop') {
          // A short event alone in its column reads "07:45 Lämna Elsa" on one line.
          const lämna = page.locator('[data-testid=event] .line', { hasText: 'Lämna Elsa' });
          const [time, title] = [(await lämna.locator('.time').boundingBox())!, (await lämna.locator('.title').boundingBox())!];
          expect(await lämna.locator('.time').innerText()).toBe('07:45');
          expect([time.y, time.x < title.x]).toEqual([title.y, true]);
          // Two lanes side by side: the short names tell the Karins apart.
          for (const name of ['Karin P', 'Karin A']) {
            await expect(page.getByTestId('week-view').getByText(name, { exact: true }).first().isVisible(), name).resolves.toBe(true);
          }
          await expect(page.locator('a.event.compact').count()).resolves.toBe(0);
        } else {
          await expect(page.locator('a.event.compact').first().getAttribute('href')).resolves.toContain('view=days');
        }
        await page.screenshot({ path: path.join(ARTIFACTS, `family-week-${size}.png`) });

        await page.goto(`/calendar?view=month&date=${thisMonday()}`);
        await page.getByTestId('month-view').waitFor();
        await expectReadable(page, `month (${size})`);
        await page.screenshot({ path: path.join(ARTIFACTS, `family-month-${size}.png`), fullPage: true });
        if (size === 'phone') {
          const tuesday = page.locator('[data-testid=month-day]', { has: page.locator('[data-testid=marker]', { hasText: '08:00' }) });
          await expect(tuesday.locator('[data-testid=marker]').allInnerTexts()).resolves.toEqual(expect.arrayContaining(['07:00', '08:00', '16:00']));
          await tuesday.click();
          await page.getByTestId('day-list').waitFor();
          await expect(page.getByTestId('day-list').locator('h2').first().innerText()).resolves.toMatch(/tisdag/);
        }
      } finally {
        await context.close();
      }
    });
  }

  it('remembers the view a phone chose', async () => {
    const { context, page } = await stack.newPage(screens.phone.viewport, { ...screens.phone.options, session: sessions.p });
    try {
      await page.goto('/calendar');
      await page.getByTestId('day-list').waitFor();
      await page.getByRole('link', { name: 'Månad' }).click();
      await page.getByTestId('month-view').waitFor();
      await page.goto('/calendar');
      await page.getByTestId('month-view').waitFor();
      await page.getByRole('link', { name: 'Dagar' }).click();
      await page.getByTestId('day-list').waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows a reconnect banner on the calendar with the one action that fixes it', async () => {
    stack.sim.grants.revokeUser(tempusA.id);
    const parentP = Object.assign(new HttpSession(stack.apiUrl), { session: sessions.p });
    await parentP.json('/api/tempus/sync?wait=true', { method: 'POST', body: { accountId: accountA } });

    const other = await stack.newPage(screens.phone.viewport, { ...screens.phone.options, session: sessions.p });
    try {
      await other.page.goto('/calendar');
      const banner = other.page.getByTestId('sync-banner');
      await expect(banner.innerText()).resolves.toContain('Tempus-kontot för Karin Andersson behöver anslutas igen.');
      // Only Karin A can reconnect her account; Karin P is told so.
      await expect(banner.getByRole('button').count()).resolves.toBe(0);
      await expect(banner.innerText()).resolves.toContain('Karin Andersson behöver ansluta kontot igen under Inställningar');
    } finally {
      await other.context.close();
    }

    const { context, page } = await stack.newPage(screens.phone.viewport, { ...screens.phone.options, session: sessions.a });
    try {
      await page.goto('/calendar');
      const banner = page.getByTestId('sync-banner');
      const reconnect = banner.getByRole('button', { name: 'Anslut igen' });
      await expect(reconnect.isVisible()).resolves.toBe(true);
      const box = (await reconnect.boundingBox())!;
      expect(box.y + box.height, 'the button is above the fold').toBeLessThanOrEqual(844);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'family-reconnect-phone.png') });
      await reconnect.click();
      await page.waitForURL(`${stack.sim.url}/oauth/authorize**`);
    } finally {
      await context.close();
    }
  });

  it('invites a new family to connect Tempus and add the family, above the fold on a phone', async () => {
    const lisa = { name: 'Lisa Berg', familyName: 'Familjen Berg', email: 'lisa@example.se', password: PASSWORD };
    await new HttpSession(stack.apiUrl).signUpOrLogIn(lisa);
    const { context, page } = await stack.newPage(screens.phone.viewport, screens.phone.options);
    try {
      await signIn(page, lisa.email, lisa.password);
      const welcome = page.getByTestId('first-run');
      for (const name of ['Anslut Tempus', 'Lägg till familjen']) {
        const box = (await welcome.getByRole(name === 'Anslut Tempus' ? 'button' : 'link', { name }).boundingBox())!;
        expect(box.y + box.height, `${name} is above the fold`).toBeLessThanOrEqual(844);
      }
      expect(await horizontalOverflow(page)).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'family-first-run-phone.png') });
    } finally {
      await context.close();
    }
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`signs in at localhost and at 127.0.0.1 ${javaScriptEnabled ? 'with' : 'without'} JavaScript`, async () => {
      for (const host of ['localhost', '127.0.0.1']) {
        const { context, page } = await stack.newPage(screens.desktop.viewport, { javaScriptEnabled });
        try {
          await page.goto(`http://${host}:${stack.webPort}/signin`);
          await page.getByLabel('E-postadress').fill(karinP.email);
          await page.getByLabel('Lösenord').fill(karinP.password);
          await page.getByRole('button', { name: 'Logga in' }).click();
          await page.waitForURL('**/calendar**');
          await page.getByRole('button', { name: 'Logga ut' }).waitFor();
          expect(new URL(page.url()).host, host).toBe(`localhost:${stack.webPort}`);
        } finally {
          await context.close();
        }
      }
    });
  }

  it('signs in at localhost and at 127.0.0.1 in development (vite dev), on another port than WEB_ORIGIN', async () => {
    const devUrl = new URL(await stack.startDevWeb());
    for (const host of ['localhost', '127.0.0.1']) {
      const { context, page } = await stack.newPage(screens.desktop.viewport);
      try {
        await page.goto(`http://${host}:${devUrl.port}/signin`, { waitUntil: 'networkidle' });
        await page.getByLabel('E-postadress').fill(karinA.email);
        await page.getByLabel('Lösenord').fill(karinA.password);
        await page.getByRole('button', { name: 'Logga in' }).click();
        await page.waitForURL('**/calendar**');
        await page.getByRole('button', { name: 'Logga ut' }).waitFor();
        expect(new URL(page.url()).host, host).toBe(devUrl.host);
      } finally {
        await context.close();
      }
    }
  });

  it('reads and writes Swedish 24-hour times and dates on a phone set to English, and confirms a new event', async () => {
    const { context, page } = await stack.newPage(screens.phone.viewport, { ...screens.phone.options, locale: 'en-US', session: sessions.p });
    try {
      const tuesday = addDays(thisMonday(), 1);
      await page.goto(`/calendar?view=days&date=${thisMonday()}&new=${tuesday}`);
      const sheet = page.getByRole('dialog');
      await expect(sheet.locator('input[type=date], input[type=time]').count()).resolves.toBe(0);
      await expect(sheet.getByLabel('Tid').first().inputValue()).resolves.toBe('09:00');
      await expect(sheet.getByLabel('Datum').first().inputValue()).resolves.toBe(tuesday);
      await sheet.getByLabel('Rubrik').fill('Simskola');
      await sheet.getByLabel('Tid').first().fill('1730');
      await sheet.getByLabel('Tid').last().fill('18.15');
      await sheet.getByLabel('Rubrik').focus();
      await expect(sheet.getByLabel('Tid').first().inputValue()).resolves.toBe('17:30');
      await expect(sheet.getByLabel('Tid').last().inputValue()).resolves.toBe('18:15');
      await page.screenshot({ path: path.join(ARTIFACTS, 'family-new-event-english-phone.png') });
      await sheet.getByRole('button', { name: 'Lägg till' }).click();
      await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
      await expect(page.getByTestId('added-notice').innerText()).resolves.toMatch(/”Simskola” är tillagd tis \d+ \w+ 17:30/);
      await expect(page.getByTestId('day-list').locator('[data-testid=event]', { hasText: 'Simskola' }).locator('.time').innerText()).resolves.toBe('17:30–18:15');
      expect(await page.locator('main').innerText()).not.toMatch(/\b(AM|PM)\b/);
    } finally {
      await context.close();
    }
  });

  it('reloads the calendar quickly without a server error', async () => {
    const { context, page } = await stack.newPage(screens.desktop.viewport, { session: sessions.p });
    try {
      await page.goto('/calendar?view=week');
      await page.getByTestId('week-view').waitFor();
      const before = stack.webOutput().length;
      for (let i = 0; i < 12; i++) {
        await page.reload({ waitUntil: i % 2 ? 'commit' : 'load' });
        await page.waitForTimeout(i * 15);
      }
      await page.reload();
      await page.getByTestId('week-view').waitFor();
      await page.waitForTimeout(500);
      expect(stack.webOutput().slice(before)).toBe('');
    } finally {
      await context.close();
    }
  });

  it('keeps the disconnect confirmation and its buttons in view on a phone', async () => {
    const { context, page } = await stack.newPage(screens.phone.viewport, { ...screens.phone.options, session: sessions.p });
    try {
      await page.goto('/settings/tempus');
      await page.getByRole('link', { name: 'Koppla från…' }).click();
      const confirm = page.getByTestId('confirm-disconnect');
      await confirm.waitFor();
      for (const control of [confirm.getByRole('button', { name: 'Ja, koppla från' }), confirm.getByRole('link', { name: 'Avbryt' })]) {
        await expect.poll(async () => {
          const box = (await control.boundingBox())!;
          return box.y >= 0 && box.y + box.height <= 844;
        }).toBe(true);
      }
      await page.screenshot({ path: path.join(ARTIFACTS, 'family-disconnect-phone.png') });
    } finally {
      await context.close();
    }
  });

  it('lets a parent change a member’s colour on Familjen', async () => {
    const { context, page } = await stack.newPage(screens.phone.viewport, { ...screens.phone.options, session: sessions.p });
    try {
      await page.goto('/calendar');
      await page.getByRole('link', { name: 'Familjen', exact: true }).click();
      const elsaRow = page.getByTestId('member').filter({ hasText: elsa.name });
      await elsaRow.getByText('Byt färg').click();
      await elsaRow.getByLabel('Turkos').check();
      await elsaRow.getByRole('button', { name: 'Spara färgen' }).click();
      await elsaRow.getByText(`${elsa.name} har fått en ny färg i kalendern.`).waitFor();
      await expect(elsaRow.innerText()).resolves.toContain('Turkos i kalendern');
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'family-members-phone.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});

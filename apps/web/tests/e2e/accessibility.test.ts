/**
 * The three main pages (calendar, Tempus settings, sign-in) at phone and desktop size:
 * axe-core finds no serious or critical violations, the keyboard reaches every control,
 * the Tempus badges fit their shifts, and screenshots are kept as test artifacts.
 */
import path from 'node:path';
import { HttpSession } from '@familyhub/demo';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './support/page-checks';
import { shiftThisWeek, thisMonday } from './support/shifts';
import { ARTIFACTS, signIn, startStack, type Stack } from './support/stack';

const parent = { name: 'Maria Lindberg', familyName: 'Familjen Lindberg', email: 'maria@example.se', password: 'ett-långt-lösenord' };
const viewports = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };

/** Tabs through the page and returns the visible controls that never got the focus. */
async function unreachableControls(page: Page): Promise<string[]> {
  const count = await page.evaluate(() => {
    const selector = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), summary';
    const controls = [...document.querySelectorAll<HTMLElement>(selector)].filter((el) => el.getClientRects().length > 0 && el.tabIndex >= 0);
    controls.forEach((el, i) => (el.dataset.control = String(i)));
    return controls.length;
  });
  const reached = new Set<string>();
  await page.locator('body').focus();
  for (let i = 0; i < count + 5; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.control);
    if (id !== undefined) reached.add(id);
  }
  return page.evaluate(
    (seen) =>
      [...document.querySelectorAll<HTMLElement>('[data-control]')]
        .filter((el) => !seen.includes(el.dataset.control!))
        .map((el) => `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim() || el.getAttribute('aria-label')}"`),
    [...reached],
  );
}

/** The badge pieces (Tempus tag, name, cancelled mark) that stick out of their event block. */
async function clippedBadges(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid=event] .badge > *')]
      .filter((el) => el.getClientRects().length > 0)
      .filter((el) => {
        const block = el.closest<HTMLElement>('[data-testid=event]')!;
        const rightBorder = block.offsetWidth - block.clientWidth - block.clientLeft;
        return el.getBoundingClientRect().right > block.getBoundingClientRect().right - rightBorder + 0.5;
      })
      .map((el) => `"${el.textContent}" in "${el.closest('[data-testid=event]')!.textContent}"`),
  );
}

describe('accessibility of the main pages', { concurrent: false }, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    const worker = stack.sim.users.create({ email: 'maria.lindberg@region.example.se', name: 'Maria Lindberg' });
    stack.sim.shifts.add(worker.id, shiftThisWeek(0, 'Dag', '07:00', '15:30'));
    stack.sim.shifts.add(worker.id, shiftThisWeek(2, 'Natt', '21:30', '07:15'));
    stack.sim.shifts.add(worker.id, shiftThisWeek(3, 'Kväll', '14:30', '22:00', { status: 'cancelled' }));
    stack.sim.shifts.add(worker.id, shiftThisWeek(5, 'Helg', '08:00', '20:00'));
    const session = new HttpSession(stack.apiUrl);
    await session.signUpOrLogIn(parent);
    await session.connectTempus(worker);
    const status = await session.json<{ accounts: { id: string }[] }>('/api/tempus/status');
    await session.json('/api/tempus/sync?wait=true', { method: 'POST', body: { accountId: status.accounts[0]!.id } });
  });

  afterAll(() => stack?.close());

  for (const [size, viewport] of Object.entries(viewports)) {
    it(`has no serious violations on the sign-in page (${size})`, async () => {
      const { context, page } = await stack.newPage(viewport);
      try {
        await page.goto('/signin');
        expect(await seriousViolations(page)).toEqual([]);
        expect(await unreachableControls(page)).toEqual([]);
        await page.screenshot({ path: path.join(ARTIFACTS, `signin-${size}.png`) });
      } finally {
        await context.close();
      }
    });

    it(`has no serious violations and unclipped badges on the calendar and Tempus settings (${size})`, async () => {
      const { context, page } = await stack.newPage(viewport);
      try {
        await signIn(page, parent.email, parent.password);
        // The view a phone reads the week's shifts in (the day list), and the desktop week.
        await page.goto(`/calendar?view=${size === 'phone' ? 'days' : 'week'}&date=${thisMonday()}`);
        await page.locator('[data-testid=event][data-source=tempus]').first().waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        expect(await unreachableControls(page)).toEqual([]);
        expect(await clippedBadges(page)).toEqual([]);
        await page.screenshot({ path: path.join(ARTIFACTS, `calendar-${size}.png`) });

        await page.goto('/calendar?view=month');
        expect(await seriousViolations(page)).toEqual([]);
        await page.screenshot({ path: path.join(ARTIFACTS, `calendar-month-${size}.png`), fullPage: true });

        await page.goto('/settings/tempus');
        await page.getByTestId('tempus-account').waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        expect(await unreachableControls(page)).toEqual([]);
        await page.screenshot({ path: path.join(ARTIFACTS, `settings-${size}.png`), fullPage: true });
      } finally {
        await context.close();
      }
    });
  }

  it('pages through weeks with the arrow keys', async () => {
    const { context, page } = await stack.newPage();
    try {
      await signIn(page, parent.email, parent.password);
      const title = () => page.getByRole('heading', { level: 1 }).textContent();
      const thisWeek = await title();
      await page.keyboard.press('ArrowRight');
      await expect.poll(title).not.toBe(thisWeek);
      await page.keyboard.press('ArrowLeft');
      await expect.poll(title).toBe(thisWeek);
    } finally {
      await context.close();
    }
  });
});

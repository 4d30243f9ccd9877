/**
 * A parent connects Tempus in a real browser and the family lives with the result: badges
 * in the week view, read-only shifts, "Synka nu" and its one answer, a live calendar refresh
 * with a toast, a member's read-only view, an expired grant and a disconnect.
 */
import path from 'node:path';
import { SESSION_COOKIE } from '@familyhub/shared';
import type { SimUser } from '@familyhub/tempus-sim';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftThisWeek } from './support/shifts';
import { ARTIFACTS, open, sessionCookie, signIn, startStack, type Stack } from './support/stack';

const parent = { name: 'Anna Svensson', familyName: 'Familjen Svensson', email: 'anna@example.se', password: 'korrekt-häst-batteri' };
const child = { name: 'Elsa Svensson', email: 'elsa@example.se', password: 'elsas-hemliga-ord' };

describe('Tempus in the browser', { concurrent: false }, () => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let worker: SimUser;

  const tempusEvents = () => page.locator('[data-testid=event][data-source=tempus]');

  beforeAll(async () => {
    stack = await startStack();
    worker = stack.sim.users.create({ email: 'anna.svensson@region.example.se', name: 'Anna Svensson' });
    stack.sim.shifts.add(worker.id, shiftThisWeek(1, 'Dag', '07:00', '15:30'));
    stack.sim.shifts.add(worker.id, shiftThisWeek(2, 'Natt', '21:30', '07:15'));
    stack.sim.shifts.add(worker.id, shiftThisWeek(4, 'Kväll', '14:30', '22:00', { status: 'cancelled' }));
    ({ context, page } = await stack.newPage());
  });

  afterAll(() => stack?.close());

  it('signs up a new family', async () => {
    await open(page, '/signup');
    await page.getByLabel('Ditt namn').fill(parent.name);
    await page.getByLabel('Familjens namn').fill(parent.familyName);
    await page.getByLabel('E-postadress').fill(parent.email);
    await page.getByLabel('Lösenord').fill(parent.password);
    await page.getByRole('button', { name: 'Skapa konto' }).click();
    await page.waitForURL('**/calendar**');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/^Vecka \d+/);
  });

  it('connects Tempus through the simulator’s consent page', async () => {
    await page.goto('/settings/tempus');
    await page.getByRole('button', { name: 'Anslut Tempus' }).click();
    await page.waitForURL(`${stack.sim.url}/oauth/authorize**`);
    await page.getByLabel('E-postadress').fill(worker.email);
    await page.getByLabel('Lösenord').fill(worker.password);
    await page.getByRole('button', { name: 'Godkänn' }).click();
    await page.waitForURL('**/settings/tempus?connected=*');
    await expect(page.getByTestId('connect-notice').textContent()).resolves.toContain('Tempus är anslutet');
    // The initial sync runs in the background; the page refreshes when it ends.
    await page.getByText('Pass i kalendern').waitFor();
    await expect.poll(async () => (await page.getByTestId('tempus-account').textContent()) ?? '', { timeout: 20_000 }).toMatch(/Senast lyckad\s*idag/);
    await expect(page.getByTestId('account-state').textContent()).resolves.toBe('Aktiv');
  });

  it('shows the shifts with Tempus badges in the week view', async () => {
    await page.goto('/calendar');
    // Dag, both halves of the overnight Natt, and the cancelled Kväll.
    await expect.poll(() => tempusEvents().count()).toBe(4);
    const natt = tempusEvents().filter({ hasText: 'Natt' });
    await expect(natt.count()).resolves.toBe(2);
    await expect(natt.first().textContent()).resolves.toMatch(/21:30 →/);
    await expect(natt.last().textContent()).resolves.toMatch(/→ 07:15/);
    const dag = tempusEvents().filter({ hasText: 'Dag' });
    await expect(dag.locator('.badge').innerText()).resolves.toMatch(/^Tempus\s+Anna Svensson$/);
    await expect(dag.getAttribute('title')).resolves.toContain('Ändras i Tempus, inte här.');
    const cancelled = tempusEvents().filter({ hasText: 'Kväll' });
    await expect(cancelled.getAttribute('class')).resolves.toContain('cancelled');
    await expect(cancelled.evaluate((el) => getComputedStyle(el.querySelector('.title')!).textDecorationLine)).resolves.toBe('line-through');
    await page.screenshot({ path: path.join(ARTIFACTS, 'calendar-week.png') });
  });

  it('refuses to edit a Tempus shift', async () => {
    await tempusEvents().filter({ hasText: 'Dag' }).click();
    const sheet = page.getByRole('dialog');
    await expect(sheet.getByTestId('tempus-readonly').textContent()).resolves.toContain('kommer från Tempus och kan inte ändras här');
    await expect(sheet.getByRole('button').count()).resolves.toBe(0);
    await expect(sheet.locator('input, textarea').count()).resolves.toBe(0);

    // Even a hand-made edit is refused by the API and explained.
    const eventId = new URL(page.url()).searchParams.get('event')!;
    const answer = await page.evaluate(async (id) => {
      const form = new FormData();
      for (const [k, v] of Object.entries({ id, title: 'Ledig', startDay: '2030-01-01', startTime: '08:00', endDay: '2030-01-01', endTime: '09:00' })) form.set(k, v);
      const response = await fetch('/calendar?/update', { method: 'POST', body: form, headers: { 'x-sveltekit-action': 'true' } });
      return response.text();
    }, eventId);
    expect(answer).toContain('"status":409');
    expect(answer).toContain('Pass från Tempus kan inte ändras här');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('syncs now with progress and one message naming the Tempus account holder', async () => {
    stack.sim.shifts.add(worker.id, shiftThisWeek(3, 'Kväll', '14:30', '22:00'));
    await page.goto('/settings/tempus');
    // A slow Tempus makes the progress visible.
    stack.sim.faults.latency(1_500, '/api/v1/schedules');
    await page.getByRole('button', { name: 'Synka nu' }).click();
    await page.getByRole('button', { name: 'Synkar…' }).waitFor();
    await expect(page.getByRole('button', { name: 'Synkar…' }).isDisabled()).resolves.toBe(true);
    stack.sim.faults.latency(0);
    await page.getByText(`Tempus (${worker.name}): 1 nytt pass.`).waitFor();
    await page.getByRole('button', { name: 'Synka nu' }).waitFor();
    // The answer next to the button is the only message: the event stream's toast for the
    // same sync is not shown in the browser that asked for it.
    await page.waitForTimeout(1_000);
    await expect(page.getByTestId('toast').count()).resolves.toBe(0);
  });

  it('keeps "Synka nu" working while the automatic sync is paused', async () => {
    await page.goto('/settings/tempus');
    await page.getByRole('switch', { name: 'Synka automatiskt' }).click();
    await page.getByText('Den automatiska synken är pausad.').waitFor();
    await expect(page.getByRole('button', { name: 'Synka nu' }).isDisabled()).resolves.toBe(false);
    await page.getByRole('button', { name: 'Synka nu' }).click();
    await page.getByText(`Tempus (${worker.name}): inga ändringar.`).waitFor();
    await page.getByRole('switch', { name: 'Synka automatiskt' }).click();
    await expect.poll(() => page.getByText('Den automatiska synken är pausad.').count()).toBe(0);
  });

  it('refreshes the calendar without a reload when a sync ends', async () => {
    await page.goto('/calendar');
    await expect.poll(() => tempusEvents().count()).toBe(5);
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));
    stack.sim.shifts.add(worker.id, shiftThisWeek(0, 'Dag', '07:00', '15:30'));

    // A sync started elsewhere (here: straight at the API with this browser's session).
    const cookie = `${SESSION_COOKIE}=${await sessionCookie(context)}`;
    const status = (await (await fetch(`${stack.apiUrl}/api/tempus/status`, { headers: { cookie } })).json()) as { accounts: { id: string }[] };
    const sync = await fetch(`${stack.apiUrl}/api/tempus/sync?wait=true`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ accountId: status.accounts[0]!.id }),
    });
    expect(sync.status).toBe(200);

    await page.getByTestId('toast').filter({ hasText: '1 nytt pass' }).first().waitFor();
    await expect.poll(() => tempusEvents().count()).toBe(6);
    await expect(page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).resolves.toBe(true);
  });

  it('lets a member see the shifts and the sync status but change nothing', async () => {
    // Client-side navigation from a hydrated page, so nothing resets the form being filled in.
    await page.getByRole('link', { name: 'Familjen', exact: true }).click();
    await page.getByRole('heading', { name: 'Lägg till en familjemedlem' }).waitFor();
    await page.getByLabel('Namn').fill(child.name);
    await page.getByLabel('E-postadress').fill(child.email);
    await page.getByLabel('Lösenord').fill(child.password);
    await page.getByLabel('Roll').selectOption('member');
    await page.getByRole('button', { name: 'Lägg till' }).click();
    await page.getByText(`${child.name} är nu med i familjen.`).waitFor();

    const member = await stack.newPage();
    try {
      await signIn(member.page, child.email, child.password);
      await expect.poll(() => member.page.locator('[data-testid=event][data-source=tempus]').count()).toBe(6);
      await member.page.goto('/settings/tempus');
      await member.page.getByTestId('member-readonly').waitFor();
      await expect(member.page.getByTestId('tempus-account').textContent()).resolves.toContain('Anna Svensson');
      for (const name of ['Synka nu', 'Synka automatiskt', 'Anslut Tempus', 'Anslut ännu ett Tempus-konto']) {
        await expect(member.page.getByRole('button', { name }).count(), name).resolves.toBe(0);
      }
      await expect(member.page.getByRole('link', { name: 'Koppla från…' }).count()).resolves.toBe(0);
      const answer = await member.page.evaluate(async () => {
        const form = new FormData();
        form.set('accountId', '00000000-0000-4000-8000-000000000000');
        const response = await fetch('/settings/tempus?/sync', { method: 'POST', body: form, headers: { 'x-sveltekit-action': 'true' } });
        return response.text();
      });
      expect(answer).toContain('Bara föräldrar kan göra det här.');
    } finally {
      await member.context.close();
    }
  });

  it('asks for a reconnect when Tempus no longer accepts the grant', async () => {
    stack.sim.grants.revokeUser(worker.id);
    await page.goto('/settings/tempus');
    await page.getByRole('button', { name: 'Synka nu' }).click();
    await page.getByRole('alert').filter({ hasText: `Tempus-synken misslyckades (${worker.name})` }).waitFor();
    await expect.poll(() => page.getByTestId('account-state').textContent()).toBe('Behöver anslutas igen');
    await expect(page.getByTestId('account-error').textContent()).resolves.toContain('Anslutningen har gått ut — anslut igen.');
    await expect(page.getByRole('button', { name: 'Anslut igen' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Synka nu' }).isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'settings-reauth.png'), fullPage: true });
  });

  it('disconnects after a confirmation and the shifts are gone', async () => {
    await page.getByRole('link', { name: 'Koppla från…' }).click();
    await page.getByTestId('confirm-disconnect').waitFor();
    await page.getByRole('button', { name: 'Ja, koppla från' }).click();
    await page.waitForURL('**/settings/tempus?disconnected=1');
    await expect(page.getByTestId('tempus-account').count()).resolves.toBe(0);
    await page.goto('/calendar');
    await page.getByTestId('week-view').waitFor();
    await expect(tempusEvents().count()).resolves.toBe(0);
  });
});

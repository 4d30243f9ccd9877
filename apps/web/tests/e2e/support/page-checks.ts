/**
 * What the browser tests check on a rendered page, measured in the page itself: axe-core's
 * serious and critical violations, horizontal overflow, event titles that are clipped or
 * have a word broken across lines, Tempus badges sticking out of their event, and the
 * person colour of each event.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** How far the page is wider than the window, in CSS pixels (0 when nothing sticks out). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth));
}

/**
 * Every visible event title that is not fully legible: cut by its box (wider or taller than
 * what shows), outside its event, or with a word broken across two lines.
 */
export function illegibleTitles(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const events = [...document.querySelectorAll<HTMLElement>('[data-testid=event]')].filter((el) => el.getClientRects().length > 0);
    for (const event of events) {
      const title = event.querySelector<HTMLElement>('.title');
      if (!title || title.getClientRects().length === 0) continue;
      const name = `"${title.textContent}" (${event.getBoundingClientRect().width.toFixed(0)} px wide)`;
      const box = event.getBoundingClientRect();
      // Every box between the title and the event, the event included, may clip it.
      for (let el: HTMLElement | null = title; el && el !== event.parentElement; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (style.display === 'inline') continue;
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`${name}: wider than its ${el.className || el.tagName} box`);
        if (el === event && style.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1) {
          const rect = title.getBoundingClientRect();
          if (rect.bottom > box.bottom + 0.5) problems.push(`${name}: below the bottom of its event`);
        }
      }
      const rect = title.getBoundingClientRect();
      if (rect.left < box.left - 0.5 || rect.right > box.right + 0.5) problems.push(`${name}: sticks out of its event`);
      // A word on two lines has client rects on two lines.
      const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const match of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (tops.size > 1) problems.push(`${name}: the word "${match[0]}" is broken across lines`);
        }
      }
    }
    return problems;
  });
}

/** The Tempus badges, and their pieces, that are not wholly inside their event. */
export function badgesOutsideTheirEvent(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-testid=event] .badge, [data-testid=event] .badge > *')]
      .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).display !== 'none')
      .filter((el) => {
        const event = el.closest<HTMLElement>('[data-testid=event]')!.getBoundingClientRect();
        const rect = el.getBoundingClientRect();
        return rect.left < event.left - 0.5 || rect.right > event.right + 0.5 || rect.top < event.top - 0.5 || rect.bottom > event.bottom + 0.5;
      })
      .map((el) => `"${el.textContent}" in "${el.closest('[data-testid=event]')!.textContent}"`),
  );
}

/** The person colour (`--person`) of every visible event or marker, by the owner's user id. */
export function coloursByOwner(page: Page, selector = '[data-owner]'): Promise<Record<string, string[]>> {
  return page.evaluate((sel) => {
    const byOwner: Record<string, string[]> = {};
    for (const el of document.querySelectorAll<HTMLElement>(sel)) {
      if (el.getClientRects().length === 0) continue;
      const colour = getComputedStyle(el).getPropertyValue('--person').trim();
      (byOwner[el.dataset.owner!] ??= []).push(colour);
    }
    return byOwner;
  }, selector);
}

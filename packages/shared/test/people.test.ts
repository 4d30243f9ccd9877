import { describe, expect, it } from 'vitest';
import { initialsOf, MEMBER_COLORS, MEMBER_PALETTE, nextMemberColor, shortNames } from '../src/index.js';

/** WCAG 2.x relative luminance and contrast ratio of two `#rrggbb` colours. */
function luminance(hex: string): number {
  const [r, g, b] = hex
    .slice(1)
    .match(/../g)!
    .map((h) => parseInt(h, 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

/** The web app's text colours (apps/web/src/app.css --text and --muted) and its white. */
const TEXT = '#17202b';
const MUTED = '#525d6b';
const WHITE = '#ffffff';
/** The darker stripe behind a cancelled shift (apps/web/src/app.css --cancelled). */
const CANCELLED_STRIPE = '#efecf3';

describe('member colours', () => {
  it.each(MEMBER_COLORS)('keeps WCAG AA contrast for every text drawn on or next to %s', (color) => {
    const { solid, tint } = MEMBER_PALETTE[color];
    expect(contrast(WHITE, solid), 'white initials on the solid colour').toBeGreaterThanOrEqual(4.5);
    expect(contrast(TEXT, tint), 'event text on the tint').toBeGreaterThanOrEqual(4.5);
    expect(contrast(MUTED, tint), 'muted text on the tint').toBeGreaterThanOrEqual(4.5);
    expect(contrast(solid, tint), 'the solid colour as text on the tint').toBeGreaterThanOrEqual(4.5);
    expect(contrast(solid, CANCELLED_STRIPE), 'the name on a cancelled shift').toBeGreaterThanOrEqual(4.5);
    expect(contrast(solid, WHITE), 'a marker on the white page').toBeGreaterThanOrEqual(3);
  });

  it('gives the members of one family different colours until the palette runs out', () => {
    const taken: string[] = [];
    for (let i = 0; i < MEMBER_COLORS.length; i++) taken.push(nextMemberColor(taken));
    expect(new Set(taken).size).toBe(MEMBER_COLORS.length);
    expect(taken[0]).toBe('blue');
    expect(taken[1]).toBe('orange');
    // Then the least used, the earliest on a tie.
    expect(nextMemberColor([...taken, 'blue'])).toBe('orange');
    expect(nextMemberColor(['blue', 'no-such-colour'])).toBe('orange');
  });

  it('picks the colour a parent freed by changing someone else', () => {
    expect(nextMemberColor(['orange', 'orange'])).toBe('blue');
    expect(nextMemberColor(['blue', 'green'])).toBe('orange');
  });

  it('reads initials from the first and the last name', () => {
    expect(initialsOf('Karin Persson')).toBe('KP');
    expect(initialsOf('  elsa ')).toBe('E');
    expect(initialsOf('Anna-Karin von Essen')).toBe('AE');
    expect(initialsOf('Åsa Öberg')).toBe('ÅÖ');
    expect(initialsOf('')).toBe('?');
  });
});

describe('short names', () => {
  it('are first names, with as much of the surname as tells namesakes apart', () => {
    const members = [
      { id: '1', name: 'Karin Persson' },
      { id: '2', name: 'Karin Andersson' },
      { id: '3', name: 'Anna Berg' },
      { id: '4', name: 'Anna Bengtsson' },
      { id: '5', name: 'Olle' },
    ];
    expect([...shortNames(members).values()]).toEqual(['Karin P', 'Karin A', 'Anna Ber', 'Anna Ben', 'Olle']);
  });
});

/**
 * How family members are told apart at a glance: a colour from one accessible palette and
 * initials. The API stores a palette key per member and the web app draws it, so both read
 * the palette from here. Every colour keeps WCAG AA contrast (4.5:1) for white text on the
 * solid colour, for the app's text on the tint and for the solid colour on the tint.
 */
import { z } from 'zod';

/** In the order new members get them: neighbours differ in hue and for red-green colour blindness. */
export const MEMBER_COLORS = ['blue', 'orange', 'green', 'pink', 'teal', 'purple', 'brown', 'red'] as const;
export const memberColor = z.enum(MEMBER_COLORS);
export type MemberColor = z.infer<typeof memberColor>;

export interface MemberColorSwatch {
  /** The colour's Swedish name, for the colour picker. */
  label: string;
  /** Markers, borders and the background of white text. */
  solid: string;
  /** The background of an event block, under the app's text colour. */
  tint: string;
}

export const MEMBER_PALETTE: Record<MemberColor, MemberColorSwatch> = {
  blue: { label: 'Blå', solid: '#1d4ed8', tint: '#dbe7fe' },
  orange: { label: 'Orange', solid: '#b5400a', tint: '#ffeddb' },
  green: { label: 'Grön', solid: '#157a3c', tint: '#dcf5e4' },
  pink: { label: 'Rosa', solid: '#be185d', tint: '#fce4ef' },
  teal: { label: 'Turkos', solid: '#0f6e68', tint: '#d5f3ef' },
  purple: { label: 'Lila', solid: '#7331c2', tint: '#efe6fc' },
  brown: { label: 'Brun', solid: '#8a4210', tint: '#f7ead9' },
  red: { label: 'Röd', solid: '#b91c1c', tint: '#fde3e3' },
};

/**
 * The colour a new member of a family gets: the first one nobody in the family has, or
 * once all are taken, the one fewest members have (the earlier one on a tie).
 */
export function nextMemberColor(taken: readonly string[]): MemberColor {
  const uses = new Map<MemberColor, number>(MEMBER_COLORS.map((color) => [color, 0]));
  for (const color of taken) {
    const parsed = memberColor.safeParse(color);
    if (parsed.success) uses.set(parsed.data, uses.get(parsed.data)! + 1);
  }
  return MEMBER_COLORS.reduce((best, color) => (uses.get(color)! < uses.get(best)! ? color : best));
}

/** "Karin Persson" → "KP", "Elsa" → "E", "Anna-Karin von Essen" → "AE". */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return '?';
  const last = words.length > 1 ? words[words.length - 1]! : '';
  return `${[...first][0] ?? ''}${[...last][0] ?? ''}`.toLocaleUpperCase('sv-SE');
}

/** "Karin Persson" → "Karin". */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

const surname = (name: string) => name.trim().split(/\s+/).slice(1).join(' ');

/** "Karin P": the first name and the fewest letters of the surname that no namesake shares. */
function shortName(name: string, namesakes: readonly string[]): string {
  const first = firstName(name);
  if (namesakes.length === 0) return first;
  const last = surname(name);
  if (!last) return first;
  for (let letters = 1; letters <= last.length; letters++) {
    const prefix = last.slice(0, letters).toLocaleLowerCase('sv-SE');
    if (!namesakes.some((other) => surname(other).toLocaleLowerCase('sv-SE').startsWith(prefix))) return `${first} ${last.slice(0, letters)}`;
  }
  return name.trim();
}

/**
 * Each member's short name by id: the first name, with as much of the surname as the family
 * needs to tell people apart. Two parents called Karin become "Karin P" and "Karin A"; a name
 * shared even then keeps more of the surname. The calendar and the notifications both say it.
 */
export function shortNames(members: readonly { id: string; name: string }[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const member of members) {
    const first = firstName(member.name).toLocaleLowerCase('sv-SE');
    const namesakes = members.filter((m) => m.id !== member.id && firstName(m.name).toLocaleLowerCase('sv-SE') === first).map((m) => m.name);
    names.set(member.id, shortName(member.name, namesakes));
  }
  return names;
}

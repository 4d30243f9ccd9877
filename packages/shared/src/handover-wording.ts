/**
 * The Swedish sentences about a handover, shared by the web app's day lines and the API's
 * notifications so both say the same thing: "Karin jobbar till 17:00 — Anna är ledig".
 */
import type { Handover, HandoverConflict } from './pickups.js';
import { wallTimeAt } from './wall-time.js';

const ZONE = 'Europe/Stockholm';

/** "Anna", "Anna och Erik", "Anna, Erik och Bo". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} och ${names[names.length - 1]}`;
}

/** Stockholm's wall clock at an RFC 3339 instant, `HH:MM`. */
export function clockAt(instant: string): string {
  const w = wallTimeAt(new Date(instant), ZONE);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

export type HandoverKindName = 'dropOff' | 'pickUp';

const verb: Record<HandoverKindName, string> = { dropOff: 'lämna', pickUp: 'hämta' };

/** What keeps the parent busy: "jobbar till 17:00" for a shift, "är upptagen från 16:40 (Tandläkare)" for another event. */
function busyPhrase(conflict: HandoverConflict, at: string): string {
  const shift = conflict.source !== 'manual';
  const began = Date.parse(conflict.startDate) <= Date.parse(at);
  const when = began ? `till ${clockAt(conflict.endDate)}` : `från ${clockAt(conflict.startDate)}`;
  return shift ? `jobbar ${when}` : `är upptagen ${when} (${conflict.title})`;
}

/** Who else could do it: "Anna är ledig", "Anna och Erik är lediga", "ingen annan är ledig". */
function freePhrase(free: readonly string[]): string {
  if (free.length === 0) return 'ingen annan är ledig';
  return `${joinNames(free)} ${free.length === 1 ? 'är ledig' : 'är lediga'}`;
}

/**
 * The conflict of a handover in one sentence, or null when it has none. `nameOf` gives a
 * member's first name by user id.
 */
export function conflictSentence(h: Handover, kind: HandoverKindName, nameOf: (userId: string) => string): string | null {
  const others = h.freeParents.filter((id) => id !== h.byUserId).map(nameOf);
  if (h.byUserId === null) return `Ingen är satt att ${verb[kind]} ${h.time} — ${freePhrase(others)}`;
  const first = h.conflicts[0];
  if (!first) return null;
  return `${nameOf(h.byUserId)} ${busyPhrase(first, h.at)} — ${freePhrase(others)}`;
}

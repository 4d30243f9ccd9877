/**
 * What a day shows about each child's handovers: "Lämnar: Anna 08:00 · Hämtar: Karin 16:30",
 * a conflict in one sentence ("Karin jobbar till 17:00 — Anna är ledig") and whom a one-tap
 * swap would give the handover to. Pure, from the API's pickup days and the members' short
 * names, the calendar's own: two parents called Karin are "Karin P" and "Karin A" here too.
 */
import { conflictSentence, hasConflict, type Handover, type HandoverKindName, type PickupDay } from '@familyhub/shared';
import type { Person } from '$lib/people/people';

export interface HandoverLine {
  kind: HandoverKindName;
  /** "Lämnar" / "Hämtar". */
  label: string;
  /** Who does it: a short name, or "ingen vald". */
  who: string;
  time: string;
  /** The conflict in one sentence, or null when there is none. */
  conflict: string | null;
  /** A free parent who could take it over with one tap, or null. */
  swapTo: { userId: string; name: string } | null;
}

export interface ChildDayLine {
  date: string;
  childId: string;
  childName: string;
  /** No care that day (ledig dag, studiedag, a weekday without care). */
  noCare: boolean;
  /** The day differs from the routine by a day change. */
  changed: boolean;
  note: string | null;
  handovers: HandoverLine[];
}

const labels: Record<HandoverKindName, string> = { dropOff: 'Lämnar', pickUp: 'Hämtar' };

export function handoverLine(h: Handover, kind: HandoverKindName, nameOf: (userId: string) => string): HandoverLine {
  const conflict = hasConflict(h) ? conflictSentence(h, kind, nameOf) : null;
  const free = h.freeParents.find((id) => id !== h.byUserId);
  return {
    kind,
    label: labels[kind],
    who: h.byUserId ? nameOf(h.byUserId) : 'ingen vald',
    time: h.time,
    conflict,
    swapTo: conflict && free ? { userId: free, name: nameOf(free) } : null,
  };
}

/** The lines of one date, a child at a time, in the order the API lists the children. */
export function dayLines(days: readonly PickupDay[], date: string, people: ReadonlyMap<string, Pick<Person, 'short'>>): ChildDayLine[] {
  const nameOf = (id: string) => people.get(id)?.short ?? 'Någon';
  return days
    .filter((d) => d.date === date)
    .map((d) => ({
      date: d.date,
      childId: d.childId,
      childName: d.childName,
      noCare: d.dropOff === null && d.pickUp === null,
      changed: d.change !== null,
      note: d.change?.note ?? null,
      handovers: [
        ...(d.dropOff ? [handoverLine(d.dropOff, 'dropOff', nameOf)] : []),
        ...(d.pickUp ? [handoverLine(d.pickUp, 'pickUp', nameOf)] : []),
      ],
    }));
}

/** "Lämnar: Anna 08:00 · Hämtar: Karin 16:30". */
export function handoverText(line: ChildDayLine): string {
  if (line.handovers.length === 0) return line.note ?? 'Ledig från förskolan';
  return line.handovers.map((h) => `${h.label}: ${h.who} ${h.time}`).join(' · ');
}

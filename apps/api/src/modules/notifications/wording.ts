/** The Swedish words of notifications: titles and bodies short enough for a phone's lock screen. */
import { clockAt, conflictSentence, type HandoverKindName } from '@familyhub/shared';
import type { SyncedEventVersion } from '../calendar/synced-changes.js';
import type { NewNotification } from './repository/notifications.js';
import type { CurrentHandover, HandoverNews, ShiftChange, ShiftChangeKind } from './news.js';

const ZONE = 'Europe/Stockholm';
const MAX_LINES = 4;
/**
 * The changed events a notification points at, the earliest first: enough for any week, and
 * a sync that changes thousands of shifts still gives a notification small enough to store
 * and to relay to the other instances' streams.
 */
export const MAX_EVENT_IDS = 50;
const dayFormat = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, weekday: 'short', day: 'numeric', month: 'long' });
const isoDay = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** "tis 17 mars". */
export function dayLabel(instant: Date): string {
  return dayFormat.format(instant).replace('.', '');
}

/** "Annas", "Lars" (a name ending in s takes no extra s), "Karin P:s" (after an initial, a colon). */
export function possessive(name: string): string {
  if (/\s\p{Lu}\p{L}?$/u.test(name)) return `${name}:s`;
  return /[sxz]$/i.test(name) ? name : `${name}s`;
}

const span = (v: SyncedEventVersion) => `${clockAt(v.startAt.toISOString())}–${clockAt(v.endAt.toISOString())}`;
const when = (v: SyncedEventVersion) => `${dayLabel(v.startAt)} ${span(v)}`;

const label: Record<ShiftChangeKind, string> = { created: 'Nytt', moved: 'Flyttat', cancelled: 'Inställt', reinstated: 'Återinsatt', deleted: 'Borttaget' };

function changeLine(c: ShiftChange): string {
  if (c.kind === 'moved') {
    const sameDay = dayLabel(c.before!.startAt) === dayLabel(c.after!.startAt);
    return `${label.moved}: ${when(c.before!)} → ${sameDay ? span(c.after!) : when(c.after!)}`;
  }
  return `${label[c.kind]}: ${when((c.after ?? c.before)!)}`;
}

/** One notification for all of a sync's changed shifts; `ownerName` is the owner's short name ("Karin", "Karin P"). */
export function shiftChangedNotification(ownerName: string, changes: ShiftChange[]): NewNotification {
  const lines = changes.slice(0, MAX_LINES).map(changeLine);
  if (changes.length > MAX_LINES) lines.push(`och ${changes.length - MAX_LINES} till`);
  const first = (changes[0]!.after ?? changes[0]!.before)!;
  return {
    kind: 'shift_changed',
    title: `${possessive(ownerName)} schema har ändrats`,
    body: lines.join('\n'),
    date: isoDay.format(first.startAt),
    eventIds: changes.flatMap((c) => (c.eventId ? [c.eventId] : [])).slice(0, MAX_EVENT_IDS),
    childId: null,
  };
}

const handoverWord: Record<CurrentHandover['handover'], { noun: string; kind: HandoverKindName; verb: string }> = {
  drop_off: { noun: 'lämning', kind: 'dropOff', verb: 'lämna' },
  pick_up: { noun: 'hämtning', kind: 'pickUp', verb: 'hämta' },
};

/** A handover that gained or lost a conflict. */
export function handoverNotification({ item, kind }: HandoverNews, nameOf: (userId: string) => string): NewNotification {
  const word = handoverWord[item.handover];
  const day = dayLabel(new Date(item.state.at));
  const h = item.state;
  const conflict = kind === 'pickup_conflict';
  return {
    kind,
    title: conflict ? `Krock: ${word.noun} av ${item.childName} ${day}` : `Löst: ${word.noun} av ${item.childName} ${day}`,
    body: conflict
      ? `${conflictSentence(h, word.kind, nameOf) ?? ''}.`
      : `${nameOf(h.byUserId!)} kan ${word.verb} ${item.childName} ${h.time} igen.`,
    date: item.date,
    eventIds: h.conflicts.map((c) => c.eventId),
    childId: item.childId,
  };
}

/**
 * The family's members as the calendar draws them: a colour from the shared palette, the
 * initials, and a short name that still tells two people apart. Two parents called Karin
 * become "Karin P" and "Karin A"; a name shared even then keeps more of the surname.
 */
import { initialsOf, MEMBER_PALETTE, memberColor, type CalendarEvent, type Member, type MemberColor } from '@familyhub/shared';

export interface Person {
  id: string;
  name: string;
  /** The first name, with as much of the surname as the family needs to tell people apart. */
  short: string;
  initials: string;
  color: MemberColor;
  solid: string;
  tint: string;
}

const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;
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

export function personFrom(member: Pick<Member, 'id' | 'name' | 'color' | 'initials'>, namesakes: readonly string[] = []): Person {
  const color = memberColor.catch('blue').parse(member.color);
  return { id: member.id, name: member.name, short: shortName(member.name, namesakes), initials: member.initials, color, ...MEMBER_PALETTE[color] };
}

/** Every member of the family by id, with short names that differ where first names collide. */
export function peopleOf(members: readonly Pick<Member, 'id' | 'name' | 'color' | 'initials'>[]): Map<string, Person> {
  const people = new Map<string, Person>();
  for (const member of members) {
    const first = firstName(member.name).toLocaleLowerCase('sv-SE');
    const namesakes = members.filter((m) => m.id !== member.id && firstName(m.name).toLocaleLowerCase('sv-SE') === first).map((m) => m.name);
    people.set(member.id, personFrom(member, namesakes));
  }
  return people;
}

/** The person an event belongs to: the family member, or (someone just added) what the event says. */
export function ownerOf(event: Pick<CalendarEvent, 'ownerUserId' | 'ownerName' | 'ownerColor'>, people: ReadonlyMap<string, Person>): Person {
  return (
    people.get(event.ownerUserId) ??
    personFrom({ id: event.ownerUserId, name: event.ownerName, color: event.ownerColor, initials: initialsOf(event.ownerName) })
  );
}

/** The CSS custom properties that colour an element by its person. */
export function personStyle(person: Pick<Person, 'solid' | 'tint'>): string {
  return `--person: ${person.solid}; --person-tint: ${person.tint}`;
}

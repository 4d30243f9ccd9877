/**
 * The family's members as the calendar draws them: a colour from the shared palette, the
 * initials, and a short name that still tells two people apart. Two parents called Karin
 * become "Karin P" and "Karin A"; a name shared even then keeps more of the surname.
 */
import { firstName, initialsOf, MEMBER_PALETTE, memberColor, shortNames, type CalendarEvent, type Member, type MemberColor } from '@familyhub/shared';

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

export function personFrom(member: Pick<Member, 'id' | 'name' | 'color' | 'initials'>, short = firstName(member.name)): Person {
  const color = memberColor.catch('blue').parse(member.color);
  return { id: member.id, name: member.name, short, initials: member.initials, color, ...MEMBER_PALETTE[color] };
}

/** Every member of the family by id, with short names that differ where first names collide. */
export function peopleOf(members: readonly Pick<Member, 'id' | 'name' | 'color' | 'initials'>[]): Map<string, Person> {
  const shorts = shortNames(members);
  return new Map(members.map((member) => [member.id, personFrom(member, shorts.get(member.id))]));
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

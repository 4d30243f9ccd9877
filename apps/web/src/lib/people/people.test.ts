import { describe, expect, it } from 'vitest';
import { ownerOf, peopleOf } from './people';

const member = (id: string, name: string, color = 'blue') => ({ id, name, color: color as 'blue', initials: name.slice(0, 1) });

describe('people of the family', () => {
  it('shows first names, and enough of the surname where first names collide', () => {
    const people = peopleOf([
      member('1', 'Karin Persson'),
      member('2', 'Karin Andersson', 'orange'),
      member('3', 'Elsa Persson', 'green'),
      member('4', 'Anna Berg'),
      member('5', 'Anna Bengtsson'),
      member('6', 'Olle'),
      member('7', 'olle Ek'),
    ]);
    expect([...people.values()].map((p) => p.short)).toEqual(['Karin P', 'Karin A', 'Elsa', 'Anna Ber', 'Anna Ben', 'Olle', 'olle E']);
  });

  it('falls back to the full name when even the surnames are the same', () => {
    const people = peopleOf([member('1', 'Karin Persson'), member('2', 'Karin Persson')]);
    expect(people.get('1')!.short).toBe('Karin Persson');
  });

  it('colours each person from the palette, and an unknown colour as the first one', () => {
    const people = peopleOf([member('1', 'Karin', 'orange'), member('2', 'Bo', 'chartreuse')]);
    expect(people.get('1')).toMatchObject({ color: 'orange', solid: '#b5400a' });
    expect(people.get('2')).toMatchObject({ color: 'blue', solid: '#1d4ed8' });
  });

  it('describes the owner of an event by the family, or by the event for someone not listed yet', () => {
    const people = peopleOf([member('1', 'Karin Persson', 'green')]);
    expect(ownerOf({ ownerUserId: '1', ownerName: 'x', ownerColor: 'red' }, people)).toMatchObject({ short: 'Karin', color: 'green' });
    expect(ownerOf({ ownerUserId: '9', ownerName: 'Nils Holm', ownerColor: 'red' }, people)).toMatchObject({ short: 'Nils', initials: 'NH', color: 'red' });
  });
});

import { describe, expect, it } from 'vitest';
import { shiftTitle, tempusBadge } from './badge';

describe('Tempus badge', () => {
  it('badges Tempus shifts, not manual events', () => {
    expect(tempusBadge({ source: 'tempus', ownerName: 'Anna', status: 'cancelled' })).toMatchObject({ label: 'Tempus', owner: 'Anna', cancelled: true });
    expect(tempusBadge({ source: 'manual', ownerName: 'Anna', status: 'scheduled' })).toBeNull();
    expect(shiftTitle({ source: 'tempus', title: 'Arbete: Natt' })).toBe('Natt');
    expect(shiftTitle({ source: 'manual', title: 'Arbete: Natt' })).toBe('Arbete: Natt');
  });
});

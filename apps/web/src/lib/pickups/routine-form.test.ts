import { describe, expect, it } from 'vitest';
import { readClock, readRoutineForm, routineRows } from './routine-form';

const ANNA = '11111111-1111-4111-8111-111111111111';

function form(entries: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(entries)) data.set(k, v);
  return data;
}

describe('the care routine form', () => {
  it('reads the ticked weekdays into a routine, "Ingen" as nobody', () => {
    const result = readRoutineForm(
      form({ careName: ' Solrosen ', 'care-1': 'on', 'dropOffAt-1': '8', 'pickUpAt-1': '16.30', 'dropOffBy-1': ANNA, 'pickUpBy-1': '', 'dropOffAt-2': '09:00', 'pickUpAt-2': '15:00' }),
    );
    expect(result).toEqual({ ok: true, body: { careName: 'Solrosen', days: [{ weekday: 1, dropOffAt: '08:00', pickUpAt: '16:30', dropOffBy: ANNA, pickUpBy: null }] } });
  });

  it('names the weekday whose pick-up comes before the drop-off, and keeps what was typed', () => {
    const result = readRoutineForm(form({ careName: 'Solrosen', 'care-3': 'on', 'dropOffAt-3': '16:00', 'pickUpAt-3': '08:00' }));
    expect(result).toMatchObject({ ok: false, error: 'Hämtningen måste komma efter lämningen på onsdag.', careName: 'Solrosen' });
    expect(!result.ok && result.rows[2]).toMatchObject({ care: true, dropOffAt: '16:00', pickUpAt: '08:00' });
  });

  it('reads times as Swedes type them, 24-hour', () => {
    expect(['8', '800', '0800', '8:00', '8.00', ' 16:30 ', '1630'].map(readClock)).toEqual(['08:00', '08:00', '08:00', '08:00', '08:00', '16:30', '16:30']);
    expect(['24:00', '8:60', '4 PM', '', 'åtta'].map(readClock)).toEqual([null, null, null, null, null]);
  });

  it('offers Monday to Friday for a child without a routine, and only the routine’s days otherwise', () => {
    expect(routineRows(null).map((r) => r.care)).toEqual([true, true, true, true, true, false, false]);
    const rows = routineRows({ childId: ANNA, careName: 'Solrosen', days: [{ weekday: 6, dropOffAt: '09:00', pickUpAt: '13:00', dropOffBy: ANNA, pickUpBy: null }] });
    expect(rows.map((r) => r.care)).toEqual([false, false, false, false, false, true, false]);
    expect(rows[5]).toMatchObject({ dropOffBy: ANNA, pickUpBy: '' });
  });
});

import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { isoFromPgInstant } from '../src/db/instant-text.js';
import { calendarEvents, families, users } from '../src/db/schema.js';
import { listEvents } from '../src/modules/calendar/repository.js';

describe('instants read as text', () => {
  it('turns PostgreSQL UTC text into the same ISO 8601 text as Date, to the millisecond', () => {
    for (const text of ['2026-11-24 06:00:00+00', '2026-11-24 06:00:00.5+00', '2026-11-24 06:00:00.123456+00', '2026-03-29 00:59:59.999999+00']) {
      expect(isoFromPgInstant(text)).toBe(new Date(text).toISOString());
    }
    expect(isoFromPgInstant('2026-11-24 06:00:00.12+00')).toBe('2026-11-24T06:00:00.120Z');
  });

  it('reads text from a session in another time zone as the same instant', () => {
    expect(isoFromPgInstant('2026-11-24 07:00:00+01')).toBe('2026-11-24T06:00:00.000Z');
    expect(isoFromPgInstant('2026-03-29 03:30:00.25+05:30')).toBe('2026-03-28T22:00:00.250Z');
  });

  it('lists calendar events at their exact instants on embedded PGlite, whatever the session time zone', async () => {
    const database = openDatabase({ pgliteDir: 'memory://' });
    try {
      await database.migrate();
      const { db } = database;
      const [family] = await db.insert(families).values({ name: 'Familjen Tid' }).returning();
      const [user] = await db
        .insert(users)
        .values({ familyId: family!.id, email: 'tid@example.se', name: 'Tove', role: 'parent', passwordHash: 'x' })
        .returning();
      await db.insert(calendarEvents).values({
        familyId: family!.id,
        ownerUserId: user!.id,
        title: 'Natt över sommartiden',
        startAt: new Date('2026-03-28T21:00:00.250Z'),
        endAt: new Date('2026-03-29T05:00:00Z'),
        source: 'manual',
        editable: true,
      });
      const range = [new Date('2026-03-01T00:00:00Z'), new Date('2026-04-01T00:00:00Z')] as const;
      const expected = { startAt: '2026-03-28T21:00:00.250Z', endAt: '2026-03-29T05:00:00.000Z', ownerName: 'Tove' };
      expect(await listEvents(db, family!.id, ...range, { limit: 10 })).toMatchObject([expected]);
      await db.execute(sql`set timezone = 'Europe/Stockholm'`);
      expect(await listEvents(db, family!.id, ...range, { limit: 10 })).toMatchObject([expected]);
    } finally {
      await database.close();
    }
  });
});

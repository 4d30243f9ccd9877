/**
 * The calendar's door for reading when members are busy: the family's timed, scheduled
 * events in a range, lean (epoch milliseconds, no owner names, no notes), for the pickups'
 * conflict rule. All-day and cancelled events never keep anyone busy, so they are left out
 * here already.
 */
import { sql } from 'drizzle-orm';
import type { EventSource } from '@familyhub/shared';
import { rowsOf, type DbOrTx } from '../../db/client.js';
import { calendarEvents as e } from '../../db/schema.js';

export interface BusyTime {
  id: string;
  ownerUserId: string;
  title: string;
  source: EventSource;
  startMs: number;
  endMs: number;
}

export async function readBusyTimes(db: DbOrTx, familyId: string, from: Date, to: Date): Promise<BusyTime[]> {
  const result = await db.execute(sql`
    select ${e.id} as "id", ${e.ownerUserId} as "ownerUserId", ${e.title} as "title", ${e.source} as "source",
           (extract(epoch from ${e.startAt}) * 1000)::float8 as "startMs", (extract(epoch from ${e.endAt}) * 1000)::float8 as "endMs"
    from ${e}
    where ${e.familyId} = ${familyId} and ${e.startAt} < ${to.toISOString()} and ${e.endAt} > ${from.toISOString()}
      and not ${e.allDay} and ${e.status} = 'scheduled'`);
  return rowsOf<BusyTime>(result);
}

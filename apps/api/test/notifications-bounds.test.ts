/**
 * Notifications are worked out behind every sync; a burst of syncs in many families at once
 * (a pacer's pass, a subscription job) must not take the whole connection pool: at most
 * EVALUATIONS_AT_ONCE families are worked out at a time, and every family is still told.
 */
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications } from '../src/db/schema.js';
import { createNotificationsService, EVALUATIONS_AT_ONCE } from '../src/modules/notifications/service.js';
import { createContext } from './support/context.js';

const ctx = await createContext();

describe('notifications after a burst of syncs', () => {
  it(`work out at most ${EVALUATIONS_AT_ONCE} families at a time and tell every family once`, async () => {
    const families = await Promise.all(Array.from({ length: 10 }, (_, i) => ctx.newParent(`Förälder ${i}`)));
    let running = 0;
    let mostAtOnce = 0;
    const service = createNotificationsService({
      db: ctx.app.db,
      // The handovers of the coming week, read once per evaluation: slow enough here that evaluations overlap.
      pickups: {
        days: async () => {
          running++;
          mostAtOnce = Math.max(mostAtOnce, running);
          await new Promise((resolve) => setTimeout(resolve, 50));
          running--;
          return [];
        },
      },
      members: async () => [],
      publish: () => undefined,
      push: null,
      endpointHosts: [],
      log: ctx.app.log,
      clock: () => new Date(),
    });
    const tomorrow = new Date(Date.now() + 86_400_000);
    for (const { family, user } of families) {
      service.afterSync({
        familyId: family.id,
        ownerUserId: user.id,
        source: { kind: 'tempus', id: family.id },
        changes: [
          {
            eventId: null,
            externalId: 'shf_1',
            action: 'created',
            before: null,
            after: { title: 'Arbete: Dag', startAt: tomorrow, endAt: new Date(tomorrow.getTime() + 8 * 3_600_000), status: 'scheduled', allDay: false },
          },
        ],
      });
    }
    await service.idle();
    expect(mostAtOnce).toBe(EVALUATIONS_AT_ONCE);
    const told = await ctx.app.db
      .select({ familyId: notifications.familyId, kind: notifications.kind })
      .from(notifications)
      .where(inArray(notifications.familyId, families.map((f) => f.family.id)));
    expect(told.map((n) => n.familyId).sort()).toEqual(families.map((f) => f.family.id).sort());
    expect(new Set(told.map((n) => n.kind))).toEqual(new Set(['shift_changed']));
  });
});

/** The calendar module: builds its service and registers its routes. */
import fp from 'fastify-plugin';
import { calendarRoutes } from './routes.js';
import { createCalendarService } from './service.js';

export interface CalendarModuleOptions {
  eventsPerFamily: number;
  eventsPerMemberPerHour: number;
}

export default fp<CalendarModuleOptions>(
  async (app, opts) => {
    const service = createCalendarService({
      db: app.db,
      eventsPerFamily: opts.eventsPerFamily,
      createLimit: app.limit({ name: 'event-create', points: opts.eventsPerMemberPerHour, windowSeconds: 60 * 60 }),
    });
    await app.register(calendarRoutes, { service });
  },
  { name: 'calendar', dependencies: ['database', 'auth', 'limits'] },
);

/** The pickups module: builds its service over the accounts' members and the calendar's busy times, and registers its routes. */
import fp from 'fastify-plugin';
import { listMembers } from '../accounts/repository.js';
import { readBusyTimes } from '../calendar/busy-times.js';
import { pickupsRoutes } from './routes.js';
import { createPickupsService, type PickupsService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The module's service, for the notifications module (handovers after a sync) and tests. */
    pickups: { service: PickupsService };
  }
}

export interface PickupsModuleOptions {
  clock?: () => Date;
}

export default fp<PickupsModuleOptions>(
  async (app, opts) => {
    const service = createPickupsService({ db: app.db, members: listMembers, busyTimes: readBusyTimes, clock: opts.clock ?? (() => new Date()) });
    app.decorate('pickups', { service });
    await app.register(pickupsRoutes, { service });
  },
  { name: 'pickups', dependencies: ['database', 'auth'] },
);

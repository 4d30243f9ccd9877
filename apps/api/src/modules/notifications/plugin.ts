/**
 * The notifications module: builds the push sender (when VAPID keys are configured), the
 * service over the pickups' handovers and the event streams, registers the routes and the
 * nightly pruning, and exposes `afterSync`, which app.ts hands to the syncing modules.
 */
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { listMembers } from '../accounts/repository.js';
import { createPushSender } from './push-sender.js';
import { notificationsRoutes } from './routes.js';
import { createNotificationsService, type NotificationsService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The module's service: `afterSync` for the syncing modules, `idle` for tests. */
    notifications: { service: NotificationsService };
  }
}

export interface NotificationsModuleOptions {
  clock?: () => Date;
  /** How long one push request may take (tests shorten it). */
  pushTimeoutMs?: number;
}

export default fp<NotificationsModuleOptions & { config: Config }>(
  async (app, { config, ...opts }) => {
    const vapid = config.push.vapid;
    const service = createNotificationsService({
      db: app.db,
      pickups: app.pickups.service,
      members: listMembers,
      publish: (audience, event, data) => app.eventStreams.publish(audience, event, data),
      push: vapid ? { send: createPushSender(vapid, { ...(opts.pushTimeoutMs && { timeoutMs: opts.pushTimeoutMs }) }), publicKey: vapid.publicKey } : null,
      endpointHosts: config.push.endpointHosts,
      log: app.log.child({ module: 'notifications' }),
      clock: opts.clock ?? (() => new Date()),
    });
    app.decorate('notifications', { service });
    await app.register(notificationsRoutes, { service });

    app.scheduler.add('notifications-history', '50 3 * * *', async () => service.prune());
    // Closing waits for the notifications of syncs that have ended.
    app.addHook('onClose', async () => service.idle());
  },
  { name: 'notifications', dependencies: ['database', 'auth', 'event-streams', 'scheduler', 'pickups'] },
);

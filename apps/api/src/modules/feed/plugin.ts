/**
 * The feed module: members' private calendar addresses and the calendar behind them. Like
 * the subscriptions module, it needs the encryption key (config `calendarSync.enabled`).
 */
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { createTokenCipher } from '../../lib/token-cipher.js';
import { eventsFingerprint, listEvents } from '../calendar/repository.js';
import { feedRoutes } from './routes.js';
import { createFeedService } from './service.js';

export interface FeedModuleOptions {
  clock?: () => Date;
}

export default fp<FeedModuleOptions & { config: Config }>(
  async (app, { config, ...opts }) => {
    if (!config.calendarSync.enabled) return;
    const service = createFeedService({
      db: app.db,
      cipher: createTokenCipher(config.tempus.encryptionKeys),
      events: { list: listEvents, fingerprint: eventsFingerprint },
      clock: opts.clock ?? (() => new Date()),
      publicApiUrl: config.calendarSync.publicApiUrl,
    });
    await app.register(feedRoutes, { service });
  },
  { name: 'feed', dependencies: ['database', 'auth'] },
);

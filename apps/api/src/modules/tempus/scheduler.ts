/**
 * Background syncing, behind a small named-job interface. `server.ts` starts it; tests
 * start it only when they ask. Jobs call the service, never SQL:
 * - `tempus-sync` on TEMPUS_SYNC_CRON: syncs every due account (claimed with SKIP LOCKED,
 *   so several API instances share the work) and retries owed revocations;
 * - `tempus-retry` every minute: retries accounts whose last sync failed, with the
 *   growing backoff the service set on them;
 * - `tempus-history` daily at 03:30: prunes sync history past its retention.
 */
import { createTask, type ScheduledTask } from 'node-cron';
import type { FastifyBaseLogger } from 'fastify';
import type { TempusService } from './service.js';

export interface TempusScheduler {
  start(): void;
  stop(): Promise<void>;
  /** Runs one pass of the main job now (what a cron tick does). */
  tick(): Promise<void>;
}

export function cronIntervalMs(expression: string): number {
  const task = createTask(expression, () => undefined);
  const [a, b] = task.getNextRuns(2);
  void task.destroy();
  return a && b ? b.getTime() - a.getTime() : 6 * 3_600_000;
}

export function createTempusScheduler({
  service,
  cron,
  log,
}: {
  service: TempusService;
  cron: string;
  log: FastifyBaseLogger;
}): TempusScheduler {
  let tasks: ScheduledTask[] = [];

  async function run(name: string, job: () => Promise<unknown>) {
    const started = Date.now();
    try {
      const result = await job();
      log.info({ job: name, result, ms: Date.now() - started }, 'scheduled job finished');
    } catch (err) {
      log.error({ err, job: name }, 'scheduled job failed');
    }
  }

  const tick = () =>
    run('tempus-sync', async () => {
      const synced = await service.runDueSyncs();
      await service.processPendingRevocations();
      return { synced };
    });

  return {
    tick,
    start() {
      tasks = [
        // Instances started together would tick together; a small random delay spreads them.
        createTask(cron, tick, { name: 'tempus-sync', noOverlap: true, maxRandomDelay: Math.min(30_000, cronIntervalMs(cron) / 10) }),
        createTask('* * * * *', () => run('tempus-retry', async () => ({ retried: await service.runDueSyncs({ onlyRetries: true }) })), {
          name: 'tempus-retry',
          noOverlap: true,
        }),
        createTask('30 3 * * *', () => run('tempus-history', async () => ({ removed: await service.pruneSyncHistory() })), {
          name: 'tempus-history',
          noOverlap: true,
        }),
      ];
      for (const task of tasks) void task.start();
      log.info({ cron }, 'Tempus scheduler started');
    },
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
      tasks = [];
      await service.drain();
      log.info('Tempus scheduler stopped');
    },
  };
}

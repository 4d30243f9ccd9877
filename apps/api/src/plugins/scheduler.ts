/**
 * Background jobs behind a small named-job interface: modules add jobs (a name, a cron
 * schedule, a function that calls their service), the scheduler runs them with node-cron
 * when the app was built to (`server.ts` does; tests run a job by name when they ask) and
 * stops them when the app closes. A job never overlaps itself; its outcome is logged.
 */
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import { createTask, type ScheduledTask } from 'node-cron';

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: Scheduler;
  }
}

export interface JobOptions {
  /** Start each tick up to this many ms late, so instances started together do not tick together. */
  maxRandomDelayMs?: number;
}

export interface Scheduler {
  add(name: string, cron: string, job: () => Promise<unknown>, options?: JobOptions): void;
  /** Runs the named job now, as a tick would. */
  run(name: string): Promise<void>;
}

/** The time between two ticks of a cron expression (its first two runs from now). */
export function cronIntervalMs(expression: string): number {
  const task = createTask(expression, () => undefined);
  const [a, b] = task.getNextRuns(2);
  void task.destroy();
  return a && b ? b.getTime() - a.getTime() : 6 * 3_600_000;
}

function createScheduler(log: FastifyBaseLogger) {
  const jobs = new Map<string, { cron: string; run: () => Promise<void>; options: JobOptions }>();
  let tasks: ScheduledTask[] = [];

  function add(name: string, cron: string, job: () => Promise<unknown>, options: JobOptions = {}) {
    if (jobs.has(name)) throw new Error(`A scheduled job named ${name} exists already`);
    const run = async () => {
      const started = Date.now();
      try {
        const result = await job();
        log.info({ job: name, result, ms: Date.now() - started }, 'scheduled job finished');
      } catch (err) {
        log.error({ err, job: name }, 'scheduled job failed');
      }
    };
    jobs.set(name, { cron, run, options });
  }

  async function run(name: string) {
    const job = jobs.get(name);
    if (!job) throw new Error(`No scheduled job named ${name}`);
    await job.run();
  }

  function start() {
    tasks = [...jobs].map(([name, job]) =>
      createTask(job.cron, job.run, { name, noOverlap: true, ...(job.options.maxRandomDelayMs && { maxRandomDelay: job.options.maxRandomDelayMs }) }),
    );
    for (const task of tasks) void task.start();
    log.info({ jobs: [...jobs.keys()] }, 'scheduler started');
  }

  async function stop() {
    await Promise.all(tasks.map((t) => t.destroy()));
    tasks = [];
  }

  return { add, run, start, stop };
}

export default fp<{ start: boolean }>(
  async (app, opts) => {
    const scheduler = createScheduler(app.log.child({ module: 'scheduler' }));
    app.decorate('scheduler', { add: scheduler.add, run: scheduler.run });
    if (opts.start) app.addHook('onReady', async () => scheduler.start());
    app.addHook('onClose', async () => scheduler.stop());
  },
  { name: 'scheduler' },
);

/**
 * Background jobs behind a small named-job interface: modules add jobs (a name, a cron
 * schedule, a function that calls their service) and loops (a pass that says how long to
 * wait before the next), the scheduler runs them when the app was built to (`server.ts`
 * does; tests run a job or one pass of a loop by name when they ask) and stops them when
 * the app closes. A job never overlaps itself; its outcome is logged.
 */
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import { createTask, type ScheduledTask } from 'node-cron';
import { sleep } from '../lib/sleep.js';

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
  /** Runs `pass` again and again, waiting as long as each pass returns (ms) in between. */
  addLoop(name: string, pass: () => Promise<number>): void;
  /** Runs the named job, or one pass of the named loop, now. */
  run(name: string): Promise<void>;
}

/** After a loop's pass fails, it is tried again after this. */
const LOOP_RETRY_MS = 5_000;

/** The time between two ticks of a cron expression (its first two runs from now). */
export function cronIntervalMs(expression: string): number {
  const task = createTask(expression, () => undefined);
  const [a, b] = task.getNextRuns(2);
  void task.destroy();
  return a && b ? b.getTime() - a.getTime() : 6 * 3_600_000;
}

function createScheduler(log: FastifyBaseLogger) {
  const jobs = new Map<string, { cron: string; run: () => Promise<void>; options: JobOptions }>();
  const loops = new Map<string, () => Promise<number>>();
  let tasks: ScheduledTask[] = [];
  const stopping = new AbortController();

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

  function addLoop(name: string, pass: () => Promise<number>) {
    if (loops.has(name) || jobs.has(name)) throw new Error(`A scheduled job named ${name} exists already`);
    loops.set(name, pass);
  }

  async function run(name: string) {
    const loop = loops.get(name);
    if (loop) {
      await loop();
      return;
    }
    const job = jobs.get(name);
    if (!job) throw new Error(`No scheduled job named ${name}`);
    await job.run();
  }

  async function keepLooping(name: string, pass: () => Promise<number>) {
    while (!stopping.signal.aborted) {
      let waitMs = LOOP_RETRY_MS;
      try {
        waitMs = await pass();
      } catch (err) {
        if (!stopping.signal.aborted) log.error({ err, job: name }, 'scheduled loop pass failed');
      }
      await sleep(waitMs, stopping.signal).catch(() => undefined);
    }
  }

  function start() {
    tasks = [...jobs].map(([name, job]) =>
      createTask(job.cron, job.run, { name, noOverlap: true, ...(job.options.maxRandomDelayMs && { maxRandomDelay: job.options.maxRandomDelayMs }) }),
    );
    for (const task of tasks) void task.start();
    for (const [name, pass] of loops) void keepLooping(name, pass);
    log.info({ jobs: [...jobs.keys()], loops: [...loops.keys()] }, 'scheduler started');
  }

  /** Stops the jobs and the loops' waiting; a pass in progress ends when its module calls its work off. */
  async function stop() {
    stopping.abort();
    await Promise.all(tasks.map((t) => t.destroy()));
    tasks = [];
  }

  return { add, addLoop, run, start, stop };
}

export default fp<{ start: boolean }>(
  async (app, opts) => {
    const scheduler = createScheduler(app.log.child({ module: 'scheduler' }));
    app.decorate('scheduler', { add: scheduler.add, addLoop: scheduler.addLoop, run: scheduler.run });
    if (opts.start) app.addHook('onReady', async () => scheduler.start());
    app.addHook('onClose', async () => scheduler.stop());
  },
  { name: 'scheduler' },
);

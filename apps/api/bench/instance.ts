/**
 * One API process under benchmark, started by the bench with `fork` (so its memory and CPU
 * are its own). It builds the real app with `buildApp` from its environment, then:
 * - `BENCH_MODE=sync`: on "go", runs one scheduler pass (`runDueSyncs()`, what a cron tick
 *   runs), sampling its RSS, and reports what it synced;
 * - `BENCH_MODE=serve`: listens on a free port until told to stop;
 * - `BENCH_MODE=pace`: the same, with the scheduler running (the pacer syncs due accounts
 *   in the background, as in production).
 */
import { Writable } from 'node:stream';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export type ParentMessage = { type: 'go' } | { type: 'stop' };

export interface RssSample {
  ms: number;
  synced: number;
  rss: number;
}

export type ChildMessage =
  | { type: 'ready'; rss: number }
  | { type: 'listening'; port: number }
  | {
      type: 'done';
      wallMs: number;
      synced: number;
      succeeded: number;
      failed: number;
      errors: Record<string, number>;
      accountIds: string[];
      samples: RssSample[];
      readyRss: number;
      peakRss: number;
      maxRssKb: number;
    }
  | { type: 'error'; message: string };

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function nextMessage(): Promise<ParentMessage> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as ParentMessage)));
}

/** What this process's own syncs logged as they ended (relayed syncs of other instances log nothing here). */
interface SyncOutcomes {
  accountIds: string[];
  succeeded: number;
  failed: number;
  errors: Record<string, number>;
}

function syncOutcomeLog(outcomes: SyncOutcomes) {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) {
        if (!line.includes('Tempus sync')) continue;
        const entry = JSON.parse(line) as { msg: string; accountId?: string; code?: string };
        if (!entry.accountId || !/^Tempus sync (succeeded|failed)/.test(entry.msg)) continue;
        outcomes.accountIds.push(entry.accountId);
        if (entry.msg === 'Tempus sync succeeded') outcomes.succeeded++;
        else {
          outcomes.failed++;
          const code = entry.code ?? 'internal_error';
          outcomes.errors[code] = (outcomes.errors[code] ?? 0) + 1;
        }
      }
      done();
    },
  });
}

async function main() {
  const outcomes: SyncOutcomes = { accountIds: [], succeeded: 0, failed: 0, errors: {} };
  const mode = process.env.BENCH_MODE ?? 'sync';
  const app = await buildApp(loadConfig(process.env), { logStream: syncOutcomeLog(outcomes), logLevel: 'info', startScheduler: mode === 'pace' });
  await app.ready();

  if (mode === 'serve' || mode === 'pace') {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    await send({ type: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
    await nextMessage();
    await app.close();
    return;
  }

  const service = app.tempus?.service;
  if (!service) throw new Error('the tempus module is disabled');
  const { accountIds } = outcomes;

  const readyRss = process.memoryUsage().rss;
  await send({ type: 'ready', rss: readyRss });
  await nextMessage();

  const started = performance.now();
  const samples: RssSample[] = [];
  let peakRss = readyRss;
  const sample = () => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    samples.push({ ms: Math.round(performance.now() - started), synced: accountIds.length, rss });
  };
  const sampler = setInterval(sample, 250);
  await service.runDueSyncs();
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  sample();

  await send({
    type: 'done',
    wallMs,
    synced: accountIds.length,
    succeeded: outcomes.succeeded,
    failed: outcomes.failed,
    errors: outcomes.errors,
    accountIds,
    samples,
    readyRss,
    peakRss,
    maxRssKb: process.resourceUsage().maxRSS,
  });
  await app.close();
}

main().then(
  () => process.exit(0),
  async (err: unknown) => {
    await send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  },
);

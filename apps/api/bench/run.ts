/**
 * `pnpm bench`: the performance benchmarks of the API's Tempus integration, calendar,
 * calendar subscriptions, calendar feed and pickups.
 * Each runs the real API code against real PostgreSQL and the Tempus simulator over HTTP,
 * prints its figures against their floors and targets, and writes
 * `bench/results/<name>.json`. See bench/README.md.
 *
 *   pnpm bench                       all benchmarks, full size (~45 min)
 *   pnpm bench --only calendar-read  one (repeatable, or comma-separated)
 *   pnpm bench --smoke               tiny sizes, results to a temp folder (CI)
 *   pnpm bench --keep                keep the benchmark databases for inspection
 *
 * PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres — a role that may create databases.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runApplyThroughput } from './benchmarks/apply-throughput.js';
import { runCalendarRead } from './benchmarks/calendar-read.js';
import { runFeedOut } from './benchmarks/feed-out.js';
import { runFleetBenchmarks } from './benchmarks/fleet.js';
import { runFreshness } from './benchmarks/freshness.js';
import { runMultiInstance } from './benchmarks/multi-instance.js';
import { runPickupsRead } from './benchmarks/pickups-read.js';
import { runFreshnessQuota } from './benchmarks/quota.js';
import { runRequestsPerSync } from './benchmarks/requests-per-sync.js';
import { runSubscriptionApply } from './benchmarks/subscription-apply.js';
import { adminUrl, serverVersion } from './lib/database.js';
import { environment, markdownTable, textTable, writeResult, type BenchResult, type RunContext } from './lib/report.js';

const BENCHMARKS = [
  'fleet-sync',
  'quiet-incremental',
  'quiet-sync-cost',
  'requests-per-sync',
  'apply-throughput',
  'calendar-read',
  'multi-instance',
  'freshness-rate',
  'interactive-under-load',
  'near-term-priority',
  'freshness-quota',
  'subscription-apply',
  'feed-out',
  'pickups-read',
] as const;
type Name = (typeof BENCHMARKS)[number];

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    smoke: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log(`usage: pnpm bench [--only <name>]... [--smoke] [--keep] [--out <dir>]\nbenchmarks: ${BENCHMARKS.join(', ')}`);
  process.exit(0);
}

const selected = new Set<Name>();
for (const item of (values.only ?? []).flatMap((o) => o.split(','))) {
  if (!BENCHMARKS.includes(item as Name)) {
    console.error(`unknown benchmark "${item}"; choose from ${BENCHMARKS.join(', ')}`);
    process.exit(2);
  }
  selected.add(item as Name);
}
if (selected.size === 0) for (const b of BENCHMARKS) selected.add(b);

const here = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = values.out ?? (values.smoke ? path.join(os.tmpdir(), 'familyhub-bench-smoke') : path.join(here, 'results'));
const started = performance.now();
const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);

let pgVersion: string;
try {
  pgVersion = await serverVersion();
} catch (err) {
  const where = new URL(adminUrl());
  console.error(
    `Cannot reach PostgreSQL at ${where.host} (${(err as Error).message}).\n` +
      'Point BENCH_DATABASE_URL (or DATABASE_URL) at a server where the role may create databases.',
  );
  process.exit(2);
}

const ctx: RunContext = {
  smoke: values.smoke,
  keep: values.keep,
  resultsDir,
  environment: environment(pgVersion),
  command: `pnpm bench${values.smoke ? ' --smoke' : ''}${values.only ? ` --only ${[...selected].join(',')}` : ''}`,
  log,
};

log(`Family Hub benchmarks (${values.smoke ? 'smoke' : 'full'} size): ${[...selected].join(', ')}`);
log(`PostgreSQL ${pgVersion} at ${new URL(adminUrl()).host}; ${ctx.environment.cpus as string}; Node ${process.version}`);

const all: BenchResult[] = [];
const failures: string[] = [];

async function stage(names: Name[], run: () => Promise<BenchResult[]>) {
  const wanted = names.filter((n) => selected.has(n));
  if (wanted.length === 0) return;
  log(`▶ ${wanted.join(' + ')}`);
  const stageStarted = performance.now();
  try {
    for (const result of await run()) {
      const file = writeResult(ctx, result, performance.now() - stageStarted);
      all.push(result);
      console.log(`\n${textTable(result.figures)}\n`);
      for (const note of result.notes ?? []) console.log(`${note}\n`);
      log(`wrote ${path.relative(process.cwd(), file)}`);
    }
  } catch (err) {
    failures.push(`${wanted.join(' + ')}: ${(err as Error).stack ?? String(err)}`);
    log(`✗ ${wanted.join(' + ')} failed: ${(err as Error).message}`);
  }
}

await stage(['requests-per-sync'], async () => [await runRequestsPerSync(ctx)]);
await stage(['apply-throughput'], async () => [await runApplyThroughput(ctx)]);
await stage(['calendar-read'], async () => [await runCalendarRead(ctx)]);
await stage(['fleet-sync', 'quiet-incremental', 'quiet-sync-cost'], () =>
  runFleetBenchmarks(ctx, { fleet: selected.has('fleet-sync'), quiet: selected.has('quiet-incremental') || selected.has('quiet-sync-cost') }),
);
await stage(['multi-instance'], async () => [await runMultiInstance(ctx)]);
await stage(['freshness-rate', 'interactive-under-load', 'near-term-priority'], () =>
  runFreshness(ctx, {
    rate: selected.has('freshness-rate') || selected.has('interactive-under-load'),
    near: selected.has('near-term-priority'),
  }),
);
await stage(['freshness-quota'], async () => [await runFreshnessQuota(ctx)]);
await stage(['subscription-apply'], async () => [await runSubscriptionApply(ctx)]);
await stage(['feed-out'], async () => [await runFeedOut(ctx)]);
await stage(['pickups-read'], async () => [await runPickupsRead(ctx)]);

const figures = all.flatMap((r) => r.figures);
console.log(`\n=== Summary (${ctx.command}, ${((performance.now() - started) / 60_000).toFixed(1)} min) ===\n`);
console.log(textTable(figures));
console.log(`\nMarkdown:\n\n${markdownTable(figures)}\n`);
const missed = figures.filter((f) => !f.pass).length;
console.log(`${figures.length - missed} PASS, ${missed} MISS${failures.length ? `, ${failures.length} benchmark(s) failed to run` : ''}`);
for (const failure of failures) console.error(`\n${failure}`);
// Benchmarks measure and report; a MISS is a finding, not a crash. Only a failure to run is an error.
process.exit(failures.length > 0 ? 1 : 0);

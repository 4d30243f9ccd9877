/**
 * What a benchmark reports: figures, each a measurement next to its floor and target with
 * PASS or MISS, printed as a table and written to `bench/results/<name>.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Figure {
  benchmark: string;
  figure: string;
  measured: string;
  floor: string;
  /** measured ÷ floor (or floor ÷ measured for throughput), when the target is a ratio. */
  ratio: number | null;
  target: string;
  pass: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  figures: Figure[];
  /** Everything measured, for whoever wants more than the table. */
  details: Record<string, unknown>;
  /** Text to print under the table (e.g. the EXPLAIN output). */
  notes?: string[];
}

export interface RunContext {
  smoke: boolean;
  keep: boolean;
  resultsDir: string;
  environment: Record<string, unknown>;
  command: string;
  log(message: string): void;
}

export function writeResult(ctx: RunContext, result: BenchResult, wallMs: number) {
  mkdirSync(ctx.resultsDir, { recursive: true });
  const file = path.join(ctx.resultsDir, `${result.name}.json`);
  const body = {
    name: result.name,
    title: result.title,
    size: ctx.smoke ? 'smoke' : 'full',
    command: ctx.command,
    finishedAt: new Date().toISOString(),
    benchmarkWallSeconds: round(wallMs / 1000, 1),
    environment: ctx.environment,
    figures: result.figures,
    details: result.details,
    ...(result.notes && { notes: result.notes }),
  };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

export function environment(pgVersion: string) {
  return {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown'}`,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    postgres: pgVersion,
  };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export const fmt = {
  s: (ms: number) => `${(ms / 1000).toFixed(1)} s`,
  ms: (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`,
  mb: (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`,
  n: (n: number) => n.toLocaleString('en-US'),
  rate: (perSecond: number, unit: string) => `${perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : perSecond.toFixed(1)} ${unit}/s`,
  x: (ratio: number) => `${ratio.toFixed(2)}×`,
};

const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');

export function markdownTable(figures: Figure[]): string {
  const header = '| benchmark | figure | measured | floor | ratio | target | result |\n| --- | --- | --- | --- | --- | --- | --- |';
  const rows = figures.map(
    (f) => `| ${f.benchmark} | ${f.figure} | ${f.measured} | ${f.floor} | ${f.ratio === null ? '—' : fmt.x(f.ratio)} | ${f.target} | ${verdict(f.pass)} |`,
  );
  return [header, ...rows].join('\n');
}

export function textTable(figures: Figure[]): string {
  const head = ['benchmark', 'figure', 'measured', 'floor', 'ratio', 'target', 'result'];
  const rows = figures.map((f) => [f.benchmark, f.figure, f.measured, f.floor, f.ratio === null ? '—' : fmt.x(f.ratio), f.target, verdict(f.pass)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

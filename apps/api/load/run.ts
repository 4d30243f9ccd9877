/**
 * The load test and memory soak: 200 families on the calendar and settings pages while the
 * scheduler syncs all their accounts, for 10 minutes by default.
 *
 *   cd apps/api && node --expose-gc --conditions=development --import tsx load/run.ts        # 200 families, 600 s, 20 connections
 *   cd apps/api && node --expose-gc --conditions=development --import tsx load/run.ts --families 50 --duration 60 --connections 10
 *
 * It creates its own database on the PostgreSQL server LOAD_DATABASE_URL points at
 * (default postgres://postgres@127.0.0.1:5432/postgres), migrates it, drops it after, prints
 * the report and exits 1 when a promise is broken (any error, 5xx, non-2xx, failed sync, or
 * a heap that keeps growing).
 */
import { parseArgs } from 'node:util';
import { createScratchDatabase } from '@familyhub/demo';
import { openDatabase } from '../src/db/client.js';
import { runLoad, summary, violations } from './scenario.js';

const { values } = parseArgs({
  options: {
    families: { type: 'string', default: '200' },
    duration: { type: 'string', default: '600' },
    connections: { type: 'string', default: '20' },
    'max-heap-growth': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});

const server = process.env.LOAD_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = await createScratchDatabase(server, { prefix: 'familyhub_load' });
const database = openDatabase({ url: scratch.url, poolSize: 10 });
let exitCode = 0;
try {
  await database.migrate();
  const report = await runLoad({
    database,
    families: Number(values.families),
    durationSeconds: Number(values.duration),
    connections: Number(values.connections),
    progress: (line) => console.error(`[load] ${line}`),
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  console.log(summary(report));
  const broken = violations(report, { maxHeapGrowthMB: Number(values['max-heap-growth']) });
  for (const b of broken) console.log(`BROKEN: ${b}`);
  if (broken.length > 0) exitCode = 1;
  else console.log('OK: every promise held');
} finally {
  await database.close();
  await scratch.drop();
}
process.exit(exitCode);

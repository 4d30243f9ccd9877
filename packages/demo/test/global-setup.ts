/** The demo serves the built web app: build the product once if it has not been built yet. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../src/processes.js';

export default function setup() {
  if (existsSync(path.join(repoRoot, 'apps/web/build/index.js'))) return;
  const result = spawnSync('pnpm', ['build'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`building the product for the demo tests failed:\n${result.stdout}${result.stderr}`);
}

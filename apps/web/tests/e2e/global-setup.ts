/**
 * Builds the product once for the browser tests: `pnpm build` at the root (the workspace
 * packages the web app bundles, the API and the simulator for the production smoke test,
 * then the web app, which the tests run as `node build/index.js`).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export default function setup() {
  const result = spawnSync('pnpm', ['build'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`building the product for the end-to-end tests failed:\n${result.stdout}${result.stderr}`);
}

/** Builds the web app once for the browser tests, which run it as `node build/index.js`. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webRoot = fileURLToPath(new URL('../../', import.meta.url));

export default function setup() {
  const result = spawnSync(process.execPath, [path.join(webRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'], {
    cwd: webRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('building the web app for the end-to-end tests failed');
}

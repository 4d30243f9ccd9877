/**
 * The API as a real process (`src/server.ts` run with tsx) on a test's database and
 * simulator, on a free port: for what only a separate process shows (its own memory,
 * signals). Every process started is killed when the test file ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { testEnv, type TestContext } from '../../support/context.js';
import { sleep } from './faults.js';

const apiDir = fileURLToPath(new URL('../../..', import.meta.url));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  output(): string;
}

/** Starts the server on `databaseUrl`; resolves once it answers /readyz. */
export async function startServerProcess(ctx: TestContext, databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/server.ts'], {
    cwd: apiDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...testEnv(ctx.sim, {
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        // The jobs stay out of the way: only the syncs a test asks for run.
        TEMPUS_SYNC_CRON: '0 0 1 1 *',
        TEMPUS_SYNC_MIN_INTERVAL_S: '86400',
        ...env,
      }),
    },
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += String(chunk)));
  child.stderr!.on('data', (chunk: Buffer) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`the API process exited: ${output}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return { url, child, exited, output: () => output };
  }
  throw new Error(`the API process did not become ready: ${output}`);
}

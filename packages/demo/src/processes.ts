/**
 * Starting the API and the built web app as child processes, waiting until they answer,
 * and stopping them cleanly. Shared by `pnpm demo` and the web app's end-to-end tests.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process printed, for a failure message. */
  output(): string;
  /** From now on, print what the process prints (the demo, once its banner is out). */
  echo(): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** An URL that answers 2xx/3xx once the process is ready. */
  readyUrl: string;
  /** Print the process's output as it comes (the demo) instead of only keeping it (tests). */
  echo?: boolean;
  /** `false`: the process gets only PATH, HOME and `env`, nothing else of this process's environment. */
  inheritEnv?: boolean;
  timeoutMs?: number;
}

const STOP_GRACE_MS = 10_000;

export async function startNodeProcess(options: StartOptions): Promise<RunningProcess> {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { ...(options.inheritEnv === false ? { PATH: process.env.PATH, HOME: process.env.HOME } : process.env), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let echo = options.echo ?? false;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    lines.push(text);
    if (lines.length > 500) lines.shift();
    if (echo) process.stdout.write(text.replace(/^(?=.)/gm, `[${options.name}] `));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = once(child, 'exit');

  const running: RunningProcess = {
    name: options.name,
    child,
    output: () => lines.join(''),
    echo: () => void (echo = true),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };

  try {
    await waitForHttp(options.readyUrl, options.timeoutMs ?? 60_000, () => child.exitCode !== null);
  } catch (err) {
    await running.stop();
    throw new Error(`${options.name} did not start: ${(err as Error).message}\n${running.output()}`);
  }
  return running;
}

export async function waitForHttp(url: string, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error('the process exited');
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2_000) });
      if (response.status < 400) return;
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready after ${timeoutMs} ms (${last})`);
}

/** A port that is free right now on localhost. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, 'localhost');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

export interface ApiProcessOptions {
  port: number;
  webOrigin: string;
  tempus: { url: string; clientId: string; clientSecret: string };
  /** A PostgreSQL URL; otherwise embedded PGlite in `pgliteDir`. */
  databaseUrl?: string;
  pgliteDir?: string;
  env?: Record<string, string>;
  echo?: boolean;
}

/**
 * The API from its TypeScript sources (`tsx src/server.ts` in apps/api, workspace packages
 * by their `development` export condition), in development unless `env` says otherwise.
 */
export function startApi(options: ApiProcessOptions): Promise<RunningProcess> {
  const origin = `http://localhost:${options.port}`;
  return startNodeProcess({
    name: 'api',
    args: ['--conditions=development', '--import', 'tsx', 'src/server.ts'],
    cwd: path.join(repoRoot, 'apps/api'),
    env: {
      NODE_ENV: 'development',
      PORT: String(options.port),
      HOST: 'localhost',
      WEB_ORIGIN: options.webOrigin,
      TEMPUS_AUTH_URL: options.tempus.url,
      TEMPUS_API_URL: options.tempus.url,
      TEMPUS_CLIENT_ID: options.tempus.clientId,
      TEMPUS_CLIENT_SECRET: options.tempus.clientSecret,
      TEMPUS_OAUTH_REDIRECT_URI: `${origin}/api/tempus/callback`,
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { DATABASE_URL: '' }),
      ...(options.pgliteDir && { PGLITE_DIR: options.pgliteDir }),
      ...options.env,
    },
    readyUrl: `${origin}/readyz`,
    echo: options.echo,
  });
}

/**
 * Builds the product (`pnpm build` at the root: the workspace packages, the API and the
 * simulator, then the web app in `apps/web/build`), quietly: its output (Rollup's notes on
 * dependencies included) is shown only when the build fails.
 */
export function buildProduct(): void {
  const result = spawnSync('pnpm', ['build'], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`building the product failed:\n${result.stdout}${result.stderr}`);
}

export interface WebProcessOptions {
  port: number;
  apiUrl: string;
  echo?: boolean;
}

/** The built web app (`apps/web/build`, from `pnpm --filter @familyhub/web build`). */
export function startWeb(options: WebProcessOptions): Promise<RunningProcess> {
  const origin = `http://localhost:${options.port}`;
  return startNodeProcess({
    name: 'web',
    args: ['build/index.js'],
    cwd: path.join(repoRoot, 'apps/web'),
    env: {
      PORT: String(options.port),
      HOST: 'localhost',
      ORIGIN: origin,
      API_URL: options.apiUrl,
      // Open event streams would otherwise hold a stop for adapter-node's default 30 s.
      SHUTDOWN_TIMEOUT: '2',
    },
    readyUrl: `${origin}/signin`,
    echo: options.echo,
  });
}

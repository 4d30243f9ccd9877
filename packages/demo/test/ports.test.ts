/**
 * `pnpm start` (this package's src/main.ts, as a real process) on the ports PORT, WEB_PORT
 * and TEMPUS_SIM_PORT name, and a clear refusal, before anything starts, when one is taken.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpSession } from '../src/http-session.js';
import { demoPorts, PortError } from '../src/ports.js';
import { freePort } from '../src/processes.js';

const demoDir = fileURLToPath(new URL('..', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'familyhub-demo-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the demo as `pnpm start` does, with its own embedded database folder. */
function runDemo(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'src/main.ts'], {
    cwd: demoDir,
    env: { ...process.env, NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  return { child, exited, output: () => output };
}

interface PickupDay {
  date: string;
  childName: string;
  dropOff: { byUserId: string | null } | null;
  pickUp: { byUserId: string | null } | null;
}

async function occupy(port: number): Promise<Server> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return server;
}

async function threePorts() {
  const ports = { PORT: await freePort(), WEB_PORT: await freePort(), TEMPUS_SIM_PORT: await freePort() };
  return Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) as Record<'PORT' | 'WEB_PORT' | 'TEMPUS_SIM_PORT', string>;
}

describe('the demo’s ports', () => {
  it('defaults to 3000, 5173 and 4010 and takes PORT, WEB_PORT and TEMPUS_SIM_PORT', () => {
    expect(demoPorts({})).toEqual({ api: 3000, web: 5173, sim: 4010 });
    expect(demoPorts({ PORT: '3100', WEB_PORT: '5200', TEMPUS_SIM_PORT: '4100' })).toEqual({ api: 3100, web: 5200, sim: 4100 });
  });

  it.each([
    [{ PORT: 'tre' }, 'PORT must be a port number from 1 to 65535, not "tre"'],
    [{ WEB_PORT: '70000' }, 'WEB_PORT must be a port number from 1 to 65535, not "70000"'],
    [{ TEMPUS_SIM_PORT: '3000' }, 'TEMPUS_SIM_PORT=3000 is also given to another of PORT, WEB_PORT and TEMPUS_SIM_PORT'],
  ])('refuses %o with a line naming the variable', (env, message) => {
    expect(() => demoPorts(env)).toThrow(new PortError(message));
  });

  it.each([
    ['PORT', 'the API'],
    ['WEB_PORT', 'the web app'],
    ['TEMPUS_SIM_PORT', 'the Tempus simulator'],
  ] as const)('says which port is taken when %s’s port is in use, and starts nothing', async (variable, what) => {
    const ports = await threePorts();
    await occupy(Number(ports[variable]));
    const demo = runDemo({ ...ports, PGLITE_DIR: await tempDir() });
    expect(await demo.exited).toBe(1);
    expect(demo.output()).toContain(
      `The demo did not start: Port ${ports[variable]} (${what}) is already in use by another program; free it or choose another port with ${variable}=…`,
    );
    expect(demo.output()).not.toContain('Tempus simulator:');
  });

  it('runs the whole product on the ports from the environment, its family with a child whose weekdays have handovers', { timeout: 120_000 }, async () => {
    const ports = await threePorts();
    const demo = runDemo({ ...ports, PGLITE_DIR: await tempDir() });
    const deadline = Date.now() + 100_000;
    while (!demo.output().includes('Press Ctrl-C to stop.')) {
      if (demo.child.exitCode !== null) throw new Error(`the demo exited:\n${demo.output()}`);
      if (Date.now() > deadline) throw new Error(`the demo did not start:\n${demo.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(demo.output()).toContain(`Familjehubben is running: http://localhost:${ports.WEB_PORT}`);
    expect(demo.output()).toContain(`API http://localhost:${ports.PORT} · Tempus simulator http://127.0.0.1:${ports.TEMPUS_SIM_PORT}`);
    expect((await fetch(`http://localhost:${ports.PORT}/readyz`)).status).toBe(200);
    expect((await fetch(`http://localhost:${ports.WEB_PORT}/signin`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.TEMPUS_SIM_PORT}/_sim/users`)).status).toBe(200);

    const password = /Sign in with password (\S+) as/.exec(demo.output())?.[1] ?? '';
    const parent = new HttpSession(`http://localhost:${ports.PORT}`);
    const login = await parent.request('/api/auth/login', { method: 'POST', body: { email: 'demo@familjehubben.se', password } });
    expect(login.status).toBe(200);
    const { members } = await parent.json<{ members: { id: string; email: string }[] }>('/api/me');
    const idOf = (email: string) => members.find((m) => m.email === email)?.id;
    const from = new Date();
    const to = new Date(from.getTime() + 6 * 86_400_000);
    const day = (d: Date) => d.toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    const { days } = await parent.json<{ days: PickupDay[] }>(`/api/pickups?from=${day(from)}&to=${day(to)}`);
    const olle = days.filter((d) => d.childName === 'Olle');
    expect(olle.map((d) => d.date)).toHaveLength(7);
    for (const d of olle) {
      const weekday = new Date(`${d.date}T12:00:00Z`).getUTCDay();
      if (weekday === 0 || weekday === 6) {
        expect([d.date, d.dropOff, d.pickUp]).toEqual([d.date, null, null]);
      } else {
        expect([d.date, d.dropOff?.byUserId, d.pickUp?.byUserId]).toEqual([d.date, idOf('demo@familjehubben.se'), idOf('partner@familjehubben.se')]);
      }
    }

    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
  });
});

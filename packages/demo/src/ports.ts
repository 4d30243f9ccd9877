/**
 * The demo's three ports, from the environment (so a second copy, or another program on
 * the defaults, is a variable away), and a check before anything starts that says which
 * port is taken and which variable moves it.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';

export interface DemoPorts {
  api: number;
  web: number;
  sim: number;
}

const PORTS = [
  { key: 'api', variable: 'PORT', fallback: 3000, what: 'the API' },
  { key: 'web', variable: 'WEB_PORT', fallback: 5173, what: 'the web app' },
  { key: 'sim', variable: 'TEMPUS_SIM_PORT', fallback: 4010, what: 'the Tempus simulator' },
] as const;

export class PortError extends Error {
  override name = 'PortError';
}

export function demoPorts(env: Record<string, string | undefined> = process.env): DemoPorts {
  const ports = {} as DemoPorts;
  for (const { key, variable, fallback } of PORTS) {
    const raw = env[variable]?.trim() || String(fallback);
    const port = Number(raw);
    if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new PortError(`${variable} must be a port number from 1 to 65535, not "${raw}"`);
    ports[key] = port;
  }
  const taken = new Set<number>();
  for (const { key, variable } of PORTS) {
    if (taken.has(ports[key])) throw new PortError(`${variable}=${ports[key]} is also given to another of PORT, WEB_PORT and TEMPUS_SIM_PORT`);
    taken.add(ports[key]);
  }
  return ports;
}

/** Fails, naming every taken port, its server and its variable, unless all three are free on this machine. */
export async function assertPortsFree(ports: DemoPorts): Promise<void> {
  const problems: string[] = [];
  for (const { key, variable, what } of PORTS) {
    if (!(await isFree(ports[key]))) {
      problems.push(`Port ${ports[key]} (${what}) is already in use by another program; free it or choose another port with ${variable}=…`);
    }
  }
  if (problems.length > 0) throw new PortError(problems.join('\n'));
}

/** The servers listen on `localhost` and 127.0.0.1; a port is free only if both can be bound. */
async function isFree(port: number): Promise<boolean> {
  for (const host of ['127.0.0.1', 'localhost']) {
    const server = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, host, () => resolve(true));
    });
    if (!listening) return false;
    server.close();
    await once(server, 'close');
  }
  return true;
}

/**
 * `pnpm demo`: the whole product on one machine with nothing else installed. Starts the
 * Tempus simulator (in this process) with Swedish demo staff, the API with embedded
 * PostgreSQL under ./data and its scheduler, and the built web app; seeds a demo family
 * over the API and connects the first parent's Tempus through the real OAuth flow.
 * Ports come from PORT, WEB_PORT and TEMPUS_SIM_PORT (3000, 5173, 4010), the embedded
 * database's folder from PGLITE_DIR (./data/pglite). Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startTempusSim, type TempusSim } from '@familyhub/tempus-sim';
import { HttpSession } from './http-session.js';
import { assertPortsFree, demoPorts, PortError } from './ports.js';
import { repoRoot, startApi, startWeb, type RunningProcess } from './processes.js';

const DAY_MS = 86_400_000;
/** The simulator's seed: the same demo staff (and Tempus user ids) on every run. */
const SIM_SEED = 2026;
const DEMO_PASSWORD = 'familjehubben-demo';

const children: RunningProcess[] = [];
let sim: TempusSim | undefined;
let stopping = false;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('\nStopping the demo…');
    await Promise.allSettled(children.map((child) => child.stop()));
    await sim?.close();
  }
  process.exit(code);
}

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function main() {
  const ports = demoPorts();
  await assertPortsFree(ports);
  const apiUrl = `http://localhost:${ports.api}`;
  const webUrl = `http://localhost:${ports.web}`;
  const pgliteDir = process.env.PGLITE_DIR || path.join(repoRoot, 'data/pglite');
  const client = { clientId: 'familyhub-dev', clientSecret: randomBytes(24).toString('base64url') };
  sim = await startTempusSim({
    port: ports.sim,
    control: true,
    clients: [{ ...client, redirectUris: [`${apiUrl}/api/tempus/callback`] }],
  });
  const now = sim.clock.now().getTime();
  const staff = sim.seed({ users: 3, seed: SIM_SEED, from: new Date(now - 30 * DAY_MS), to: new Date(now + 60 * DAY_MS) });
  const [first, second] = staff;
  if (!first || !second) throw new Error('the simulator seeded too few users');
  console.log(`Tempus simulator: ${sim.url}`);

  const [api, web] = await Promise.all([
    startApi({
      port: ports.api,
      webOrigin: webUrl,
      tempus: { url: sim.url, ...client },
      pgliteDir,
      env: { TEMPUS_SYNC_CRON: '*/5 * * * *', LOG_LEVEL: 'warn' },
      echo: true,
    }),
    startWeb({ port: ports.web, apiUrl, echo: true }),
  ]);
  children.push(api, web);

  const familyName = 'Familjen Demo';
  const parent = { email: 'demo@familjehubben.se', password: DEMO_PASSWORD, name: first.name, familyName };
  const partner = { email: 'partner@familjehubben.se', password: DEMO_PASSWORD, name: second.name };
  const child = { email: 'barn@familjehubben.se', password: DEMO_PASSWORD, name: 'Elsa' };

  const parentSession = new HttpSession(apiUrl);
  await parentSession.signUpOrLogIn(parent);
  const me = await parentSession.json<{ members: { email: string }[] }>('/api/me');
  for (const [member, role] of [[partner, 'parent'], [child, 'member']] as const) {
    if (!me.members.some((m) => m.email === member.email)) {
      await parentSession.json('/api/family/members', { method: 'POST', body: { ...member, role } });
    }
  }
  // The simulator forgets its grants when it stops, so every run connects (again); the API
  // then updates the family's existing account instead of adding one.
  await parentSession.connectTempus(first);

  console.log(`
Familjehubben is running: ${webUrl}

Sign in as
  parent:        ${parent.email} / ${DEMO_PASSWORD}  (${parent.name}, Tempus connected)
  second parent: ${partner.email} / ${DEMO_PASSWORD}  (${partner.name})
  child:         ${child.email} / ${DEMO_PASSWORD}  (member, read-only settings)

On the Tempus consent page the second parent can use
  ${second.email} / ${second.password}

The API is at ${apiUrl}, the Tempus simulator at ${sim.url}. Data lives in ${pgliteDir}.
Press Ctrl-C to stop.`);
}

main().catch(async (err: unknown) => {
  if (err instanceof PortError) console.error(`The demo did not start: ${err.message}`);
  else console.error(err instanceof Error ? err.message : err);
  await stop(1);
});

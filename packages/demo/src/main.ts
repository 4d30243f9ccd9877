/**
 * `pnpm demo`: the whole product on one machine with nothing else installed. Starts the
 * Tempus simulator (in this process) with Swedish demo staff, the API with embedded
 * PostgreSQL under ./data and its scheduler, and the built web app; seeds a demo family
 * over the API and connects the first parent's Tempus through the real OAuth flow.
 * Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startTempusSim, type TempusSim } from '@familyhub/tempus-sim';
import { HttpSession } from './http-session.js';
import { repoRoot, startApi, startWeb, type RunningProcess } from './processes.js';

const SIM_PORT = 4010;
const API_PORT = 3000;
const WEB_PORT = 5173;
const API_URL = `http://localhost:${API_PORT}`;
const WEB_URL = `http://localhost:${WEB_PORT}`;
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
  const client = { clientId: 'familyhub-dev', clientSecret: randomBytes(24).toString('base64url') };
  sim = await startTempusSim({
    port: SIM_PORT,
    control: true,
    clients: [{ ...client, redirectUris: [`${API_URL}/api/tempus/callback`] }],
  });
  const now = sim.clock.now().getTime();
  const staff = sim.seed({ users: 3, seed: SIM_SEED, from: new Date(now - 30 * DAY_MS), to: new Date(now + 60 * DAY_MS) });
  const [first, second] = staff;
  if (!first || !second) throw new Error('the simulator seeded too few users');
  console.log(`Tempus simulator: ${sim.url}`);

  const [api, web] = await Promise.all([
    startApi({
      port: API_PORT,
      webOrigin: WEB_URL,
      tempus: { url: sim.url, ...client },
      pgliteDir: path.join(repoRoot, 'data/pglite'),
      env: { TEMPUS_SYNC_CRON: '*/5 * * * *', LOG_LEVEL: 'warn' },
      echo: true,
    }),
    startWeb({ port: WEB_PORT, apiUrl: API_URL, echo: true }),
  ]);
  children.push(api, web);

  const familyName = 'Familjen Demo';
  const parent = { email: 'demo@familjehubben.se', password: DEMO_PASSWORD, name: first.name, familyName };
  const partner = { email: 'partner@familjehubben.se', password: DEMO_PASSWORD, name: second.name };
  const child = { email: 'barn@familjehubben.se', password: DEMO_PASSWORD, name: 'Elsa' };

  const parentSession = new HttpSession(API_URL);
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
Familjehubben is running: ${WEB_URL}

Sign in as
  parent:        ${parent.email} / ${DEMO_PASSWORD}  (${parent.name}, Tempus connected)
  second parent: ${partner.email} / ${DEMO_PASSWORD}  (${partner.name})
  child:         ${child.email} / ${DEMO_PASSWORD}  (member, read-only settings)

On the Tempus consent page the second parent can use
  ${second.email} / ${second.password}

The API is at ${API_URL}, the Tempus simulator at ${sim.url}. Data lives in ./data.
Press Ctrl-C to stop.`);
}

main().catch(async (err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  await stop(1);
});

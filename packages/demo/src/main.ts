/**
 * `pnpm demo`: the whole product on one machine with nothing else installed. Builds it,
 * starts the Tempus simulator (in this process) with Swedish demo staff, the API with
 * embedded PostgreSQL under ./data and its scheduler, and the built web app; seeds a demo
 * family over the API and connects both parents' Tempus through the real OAuth flow. Then
 * it prints a short banner and, from there on, what the API and the web app log.
 * Ports come from PORT, WEB_PORT and TEMPUS_SIM_PORT (3000, 5173, 4010), the embedded
 * database's folder from PGLITE_DIR (./data/pglite). Ctrl-C stops everything, cleanly.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startTempusSim, type TempusSim } from '@familyhub/tempus-sim';
import { HttpSession } from './http-session.js';
import { assertPortsFree, demoPorts, PortError } from './ports.js';
import { buildProduct, repoRoot, startApi, startWeb, type RunningProcess } from './processes.js';

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
    console.log('\nStopping…');
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
  console.log('Building…');
  buildProduct();
  console.log('Starting the Tempus simulator, the API and the web app…');
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

  const [api, web] = await Promise.all([
    startApi({
      port: ports.api,
      webOrigin: webUrl,
      tempus: { url: sim.url, ...client },
      pgliteDir,
      // Each start of the demo signs its family up (or in) again from this machine.
      env: { TEMPUS_SYNC_CRON: '*/5 * * * *', LOG_LEVEL: 'warn', SIGNUPS_PER_VISITOR_PER_HOUR: '1000' },
    }),
    startWeb({ port: ports.web, apiUrl }),
  ]);
  children.push(api, web);

  const familyName = 'Familjen Demo';
  const parent = { email: 'demo@familjehubben.se', password: DEMO_PASSWORD, name: first.name, familyName };
  const partner = { email: 'partner@familjehubben.se', password: DEMO_PASSWORD, name: second.name };
  const child = { email: 'barn@familjehubben.se', password: DEMO_PASSWORD, name: 'Elsa' };

  const parentSession = new HttpSession(apiUrl);
  await parentSession.signUpOrLogIn(parent);
  const partnerSession = new HttpSession(apiUrl);
  const me = await parentSession.json<{ members: { email: string }[] }>('/api/me');
  for (const [member, role] of [[partner, 'parent'], [child, 'member']] as const) {
    if (!me.members.some((m) => m.email === member.email)) {
      await parentSession.json('/api/family/members', { method: 'POST', body: { ...member, role } });
    }
  }
  await partnerSession.signUpOrLogIn({ ...partner, familyName });
  // Both parents work shifts, as in most families. The simulator forgets its grants when it
  // stops, so every run connects (again); the API then updates the existing accounts.
  await parentSession.connectTempus(first);
  await partnerSession.connectTempus(second);
  await enterCareRoutine(parentSession, { dropOffBy: parent.email, pickUpBy: partner.email });

  const pad = (text: string) => text.padEnd(26);
  console.log(`
Familjehubben is running: ${webUrl}  (or http://127.0.0.1:${ports.web})

Sign in with password ${DEMO_PASSWORD} as
  ${pad(parent.email)}${parent.name}, parent, Tempus connected
  ${pad(partner.email)}${partner.name}, parent, Tempus connected
  ${pad(child.email)}${child.name}, child
and ${DEMO_CHILD.name} (no sign-in) goes to ${DEMO_CHILD.careName} on weekdays, ${DEMO_CHILD.dropOffAt}–${DEMO_CHILD.pickUpAt}.

API ${apiUrl} · Tempus simulator ${sim.url} · data in ${pgliteDir}
Press Ctrl-C to stop.
`);
  for (const running of children) running.echo();
}

/** The family's youngest, who goes to förskolan: no sign-in, an ordinary week entered once. */
const DEMO_CHILD = { name: 'Olle', careName: 'Förskolan Solrosen', dropOffAt: '07:45', pickUpAt: '16:30' };

/**
 * Adds the youngest child and their care routine unless an earlier run did, so that every
 * day of the calendar shows who drops off and who picks up, and the shifts' conflicts.
 */
async function enterCareRoutine(session: HttpSession, by: { dropOffBy: string; pickUpBy: string }) {
  const { children: kids } = await session.json<{ children: { name: string }[] }>('/api/family/children');
  if (kids.some((kid) => kid.name === DEMO_CHILD.name)) return;
  const { members } = await session.json<{ members: { id: string; email: string }[] }>('/api/me');
  const idOf = (email: string) => members.find((m) => m.email === email)?.id ?? null;
  const { child } = await session.json<{ child: { id: string } }>('/api/family/children', {
    method: 'POST',
    body: { name: DEMO_CHILD.name },
  });
  const days = [1, 2, 3, 4, 5].map((weekday) => ({
    weekday,
    dropOffAt: DEMO_CHILD.dropOffAt,
    pickUpAt: DEMO_CHILD.pickUpAt,
    dropOffBy: idOf(by.dropOffBy),
    pickUpBy: idOf(by.pickUpBy),
  }));
  await session.json(`/api/family/children/${child.id}/routine`, { method: 'PUT', body: { careName: DEMO_CHILD.careName, days } });
}

main().catch(async (err: unknown) => {
  if (err instanceof PortError) console.error(`The demo did not start: ${err.message}`);
  else console.error(err instanceof Error ? err.message : err);
  await stop(1);
});

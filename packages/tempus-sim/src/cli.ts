// Command-line entry (`pnpm --filter @familyhub/tempus-sim start`): runs the simulator
// for local development and demos with control mode on and seeded demo users.
import { startTempusSim } from './index.js';

const DAY_MS = 24 * 3600 * 1000;
const DEMO_USERS = 3;
const DEMO_SEED = 2026;

function portFromEnv(): number {
  const raw = process.env.TEMPUS_SIM_PORT ?? '4010';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`TEMPUS_SIM_PORT is not a port: ${raw}`);
  return port;
}

const client = {
  clientId: process.env.TEMPUS_CLIENT_ID ?? 'familyhub-dev',
  // The API's development default, so `pnpm --filter @familyhub/api start` works against this with no setup.
  clientSecret: process.env.TEMPUS_CLIENT_SECRET ?? 'familyhub-dev-secret',
  redirectUris: [process.env.TEMPUS_OAUTH_REDIRECT_URI ?? 'http://localhost:3000/api/tempus/callback'],
};

const sim = await startTempusSim({
  port: portFromEnv(),
  host: process.env.TEMPUS_SIM_HOST ?? '127.0.0.1',
  clients: [client],
  control: true,
});

const now = sim.clock.now().getTime();
const users = sim.seed({
  users: DEMO_USERS,
  seed: DEMO_SEED,
  from: new Date(now - 30 * DAY_MS),
  to: new Date(now + 60 * DAY_MS),
});

console.log(`Tempus simulator listening on ${sim.url}`);
console.log(`  TEMPUS_AUTH_URL=${sim.url}`);
console.log(`  TEMPUS_API_URL=${sim.url}`);
console.log(`  TEMPUS_CLIENT_ID=${client.clientId}`);
console.log(`  TEMPUS_CLIENT_SECRET=${client.clientSecret}`);
console.log(`  TEMPUS_OAUTH_REDIRECT_URI=${client.redirectUris[0]}`);
console.log('Demo users (email / password):');
for (const user of users) console.log(`  ${user.email} / ${user.password}  (${user.name}, ${user.employer})`);
console.log(`Control API: ${sim.url}/_sim/*`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`Received ${signal}, stopping Tempus simulator`);
  // Closing the server empties the event loop, so the process then exits on its own.
  await sim.close();
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

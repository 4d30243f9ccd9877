/**
 * A real API process for the kill test, run with tsx: builds the app against the test's
 * database and runs one operator sync of ACCOUNT_ID through HTTP (inject), printing
 * progress lines the parent reads. The parent kills it with SIGKILL at a random moment.
 *
 * Env: FH_CONFIG_ENV (JSON of the environment for loadConfig), FH_DATABASE_URL, ACCOUNT_ID,
 * OPERATOR_TOKEN.
 */
import { buildApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { openDatabase } from '../../../src/db/client.js';

const env = JSON.parse(process.env.FH_CONFIG_ENV ?? '{}') as Record<string, string>;
const database = openDatabase({ url: process.env.FH_DATABASE_URL!, poolSize: 4 });
const app = await buildApp(loadConfig(env), { database, logLevel: 'silent', tempus: { retry: { retries: 1, minTimeout: 5, maxTimeout: 20 } } });
await app.ready();
process.stdout.write('ready\n');

const res = await app.inject({
  method: 'POST',
  url: '/api/tempus/sync?wait=true',
  headers: { authorization: `Bearer ${process.env.OPERATOR_TOKEN}` },
  payload: { accountId: process.env.ACCOUNT_ID },
});
process.stdout.write(`result ${res.statusCode} ${res.body}\n`);
await app.close();
await database.close();
process.exit(0);

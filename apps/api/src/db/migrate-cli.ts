/** `pnpm db:migrate`: applies pending migrations to the configured database and exits. */
import { loadConfig } from '../config.js';
import { loadDotEnv } from '../lib/dotenv.js';
import { openDatabase } from './client.js';

loadDotEnv();
const config = loadConfig();
const database = openDatabase(config.database);
await database.migrate();
await database.close();
console.log(`Migrations applied (${database.kind}).`);

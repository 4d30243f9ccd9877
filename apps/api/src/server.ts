/**
 * The API process: the only entry that listens. It loads and validates configuration,
 * builds the app (which migrates the database), starts the Tempus scheduler and shuts
 * down cleanly on SIGTERM/SIGINT.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './lib/dotenv.js';

loadDotEnv();

let config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const app = await buildApp(config, { startScheduler: true });

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen({ port: config.http.port, host: config.http.host });
} catch (err) {
  app.log.error({ err }, 'could not start listening');
  process.exit(1);
}

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

/** Closing calls running syncs off; whatever still hangs after this, the process ends anyway. */
const SHUTDOWN_LIMIT_MS = 9_000;

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // A second signal while closing means now.
    if (closing) process.exit(1);
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
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

/** Opens the database for the app's lifetime (or adopts one handed in by tests) and closes it. */
import fp from 'fastify-plugin';
import { openDatabase, type Database, type Db } from '../db/client.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    database: Database;
  }
}

export interface DatabasePluginOptions {
  url?: string | undefined;
  pgliteDir: string;
  /** An already open database; the caller keeps ownership and closes it. */
  database?: Database | undefined;
  migrate: boolean;
}

export default fp<DatabasePluginOptions>(
  async (app, opts) => {
    const database = opts.database ?? openDatabase({ url: opts.url, pgliteDir: opts.pgliteDir });
    if (opts.migrate) await database.migrate();
    app.decorate('database', database);
    app.decorate('db', database.db);
    if (!opts.database) app.addHook('onClose', () => database.close());
  },
  { name: 'database' },
);

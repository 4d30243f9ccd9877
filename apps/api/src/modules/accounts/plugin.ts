/**
 * The accounts module: families, users and sessions. Builds its service, installs the
 * session guards every other module's routes use (the auth plugin, with this service as
 * its session lookup) and registers its routes.
 */
import fp from 'fastify-plugin';
import auth from '../../plugins/auth.js';
import { accountsRoutes } from './routes.js';
import { createAccountsService } from './service.js';

export interface AccountsModuleOptions {
  sessionSecret: string;
  sessionTtlMs: number;
  adminToken: string | undefined;
}

export default fp<AccountsModuleOptions>(
  async (app, opts) => {
    const service = createAccountsService({ db: app.db, sessionTtlMs: opts.sessionTtlMs });
    await app.register(auth, { sessionSecret: opts.sessionSecret, adminToken: opts.adminToken, sessions: service });
    await app.register(accountsRoutes, { service });
  },
  { name: 'accounts', dependencies: ['database'] },
);

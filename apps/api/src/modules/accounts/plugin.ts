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
  signupsPerVisitorPerHour: number;
}

/** Failed sign-ins of one account from one visitor, and of one visitor over all accounts (a household shares an address). */
const FAILED_LOGINS_OF_ACCOUNT_FROM_VISITOR = { points: 10, windowSeconds: 15 * 60 };
const FAILED_LOGINS_OF_VISITOR = { points: 100, windowSeconds: 60 * 60 };

export default fp<AccountsModuleOptions>(
  async (app, opts) => {
    const service = createAccountsService({
      db: app.db,
      sessionTtlMs: opts.sessionTtlMs,
      limits: {
        failedLoginsOfAccountFromVisitor: app.limit({ name: 'login-account-visitor', ...FAILED_LOGINS_OF_ACCOUNT_FROM_VISITOR }),
        failedLoginsOfVisitor: app.limit({ name: 'login-visitor', ...FAILED_LOGINS_OF_VISITOR }),
        signupsOfVisitor: app.limit({ name: 'signup-visitor', points: opts.signupsPerVisitorPerHour, windowSeconds: 60 * 60 }),
      },
    });
    await app.register(auth, { sessionSecret: opts.sessionSecret, adminToken: opts.adminToken, sessions: service });
    await app.register(accountsRoutes, { service });
  },
  { name: 'accounts', dependencies: ['database', 'limits'] },
);

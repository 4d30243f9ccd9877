/**
 * Who is calling: the session cookie (a family member) or the operator bearer token.
 * Routes opt in with the guards `app.requireMember`, `app.requireParent`,
 * `app.requireOperator` and `app.requireMemberOrOperator`; none of them is applied globally. Sessions are looked up
 * through the `sessions` dependency (the accounts module's service).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SESSION_COOKIE, type User as AuthUser } from '@familyhub/shared';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    requireMember: (request: FastifyRequest) => Promise<void>;
    requireParent: (request: FastifyRequest) => Promise<void>;
    requireMemberOrOperator: (request: FastifyRequest) => Promise<void>;
    requireOperator: (request: FastifyRequest) => Promise<void>;
    setSessionCookie: (request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date) => void;
    clearSessionCookie: (reply: FastifyReply) => void;
    sessionToken: (request: FastifyRequest) => string | undefined;
    /** Whether the request's session still stands (checked again, not the user cached on the request). */
    sessionActive: (request: FastifyRequest) => Promise<boolean>;
    /** Calls `listener` when the request's session is ended (logout) in this process; returns the function that stops listening. */
    onSessionEnded: (request: FastifyRequest, listener: () => void) => () => void;
  }
  interface FastifyRequest {
    user: AuthUser | null;
    operator: boolean;
  }
}

export interface AuthPluginOptions {
  sessionSecret: string;
  adminToken: string | undefined;
  sessions: {
    userForSession(token: string): Promise<AuthUser | undefined>;
    onSessionEnded(token: string, listener: () => void): () => void;
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export default fp<AuthPluginOptions>(
  async (app, opts) => {
    await app.register(cookie, { secret: opts.sessionSecret });

    app.decorateRequest('user', null);
    app.decorateRequest('operator', false);

    const adminDigest = opts.adminToken ? digest(opts.adminToken) : undefined;

    app.decorate('sessionToken', (request: FastifyRequest) => {
      const raw = request.cookies[SESSION_COOKIE];
      if (!raw) return undefined;
      const unsigned = request.unsignCookie(raw);
      return unsigned.valid && unsigned.value ? unsigned.value : undefined;
    });

    app.decorate('sessionActive', async (request: FastifyRequest) => {
      const token = app.sessionToken(request);
      return token !== undefined && (await opts.sessions.userForSession(token)) !== undefined;
    });
    app.decorate('onSessionEnded', (request: FastifyRequest, listener: () => void) => {
      const token = app.sessionToken(request);
      return token ? opts.sessions.onSessionEnded(token, listener) : () => undefined;
    });

    async function resolveUser(request: FastifyRequest) {
      if (request.user) return request.user;
      const token = app.sessionToken(request);
      if (token) request.user = (await opts.sessions.userForSession(token)) ?? null;
      return request.user;
    }

    function resolveOperator(request: FastifyRequest) {
      const header = request.headers.authorization;
      if (!adminDigest || !header?.startsWith('Bearer ')) return false;
      request.operator = timingSafeEqual(digest(header.slice(7)), adminDigest);
      if (!request.operator) throw new UnauthorizedError('Invalid operator token.', 'invalid_token');
      return true;
    }

    app.decorate('requireMember', async (request: FastifyRequest) => {
      if (!(await resolveUser(request))) throw new UnauthorizedError();
    });
    app.decorate('requireParent', async (request: FastifyRequest) => {
      const user = await resolveUser(request);
      if (!user) throw new UnauthorizedError();
      if (user.role !== 'parent') throw new ForbiddenError('Only a parent may do this.', 'parent_only');
    });
    app.decorate('requireOperator', async (request: FastifyRequest) => {
      if (!resolveOperator(request)) throw new UnauthorizedError('Operators only: send the operator token.', 'operator_only');
    });
    app.decorate('requireMemberOrOperator', async (request: FastifyRequest) => {
      if (resolveOperator(request)) return;
      if (!(await resolveUser(request))) throw new UnauthorizedError();
    });

    app.decorate('setSessionCookie', (request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: Date) => {
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        signed: true,
        expires: expiresAt,
      });
    });
    app.decorate('clearSessionCookie', (reply: FastifyReply) => {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    });
  },
  { name: 'auth' },
);

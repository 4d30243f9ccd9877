/**
 * Sign-up, login, sessions and family members. Sessions are random tokens whose SHA-256
 * is stored; the raw token lives only in the browser's HttpOnly cookie.
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { initialsOf, nextMemberColor, type AddMemberBody, type MemberColor, type SignupBody } from '@familyhub/shared';
import type { Db } from '../../db/client.js';
import { BadRequestError, ConflictError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../../lib/errors.js';
import { decoyHash, hashPassword, isCommonPassword, verifyPassword } from '../../lib/passwords.js';
import type { Limit } from '../../plugins/limits.js';
import * as repo from './repository.js';
import type { AuthUser } from './types.js';

/** A member as the family sees it: with their colour and initials. */
function toMember(row: { id: string; email: string; name: string; role: AuthUser['role']; color: string }) {
  return { ...row, color: row.color as MemberColor, initials: initialsOf(row.name) };
}

/**
 * Sign-in attempts are counted per visitor (IP address), so a stranger's failures never
 * lock the account's owner out: failures for one account from one visitor, and failures
 * from one visitor across accounts. A sign-in is counted before the password is checked
 * (so a burst of parallel guesses cannot pass together) and given back when it succeeds.
 */
export interface AccountsLimits {
  failedLoginsOfAccountFromVisitor: Limit;
  failedLoginsOfVisitor: Limit;
  signupsOfVisitor: Limit;
}

export interface AccountsServiceDeps {
  db: Db;
  sessionTtlMs: number;
  limits: AccountsLimits;
  clock?: () => Date;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function refuseCommon(password: string) {
  if (isCommonPassword(password)) {
    throw new BadRequestError('This password is one of the most common ones and is guessed first. Choose another.', 'password_too_common');
  }
}

/**
 * Signed-in users looked up in the last few seconds, so a page that fires several API
 * calls costs one session query, not one per call. Logout evicts at once in this process;
 * another instance may honour a revoked session for at most SESSION_CACHE_MS.
 */
const SESSION_CACHE_MS = 5_000;
const SESSION_CACHE_MAX = 10_000;

export function createAccountsService({ db, sessionTtlMs, limits, clock = () => new Date() }: AccountsServiceDeps) {
  const recentSessions = new Map<string, { user: AuthUser; until: number }>();
  /** Tells what hangs on a session in this process (an event stream) that it has ended. */
  const endedSessions = new EventEmitter<{ ended: [string] }>();
  endedSessions.setMaxListeners(0);

  async function startSession(userId: string) {
    const token = randomBytes(32).toString('base64url');
    const now = clock();
    const expiresAt = new Date(now.getTime() + sessionTtlMs);
    // Sign-ins are rare enough, and the delete is indexed: expired sessions go here.
    await repo.deleteExpiredSessions(db, now);
    await repo.insertSession(db, { id: hashToken(token), userId, expiresAt });
    return { token, expiresAt };
  }

  async function familyOf(user: AuthUser) {
    const family = await repo.findFamily(db, user.familyId);
    if (!family) throw new NotFoundError('Family not found.');
    return family;
  }

  return {
    /**
     * Without e-mail verification a taken address cannot be hidden (the sign-up cannot
     * succeed), so finding out which addresses exist is slowed instead: every attempt
     * counts against the visitor's sign-up limit, and both outcomes cost one password hash.
     */
    async signup(input: SignupBody & { email: string }, visitor: string) {
      const limit = await limits.signupsOfVisitor.take(visitor);
      if (!limit.allowed) {
        throw new TooManyRequestsError('Too many sign-ups from here. Try again later.', limit.retryAfterSeconds, 'too_many_signups');
      }
      refuseCommon(input.password);
      const passwordHash = await hashPassword(input.password);
      const result = await db.transaction(async (tx) => {
        const family = await repo.insertFamily(tx, input.familyName);
        const user = await repo.insertUser(tx, {
          familyId: family.id,
          email: input.email,
          name: input.name,
          role: 'parent',
          color: nextMemberColor([]),
          passwordHash,
        });
        if (!user) throw new ConflictError('email_taken', 'No account could be created with this e-mail address. If it is yours, sign in.');
        return { user, family };
      });
      return { ...result, session: await startSession(result.user.id) };
    },

    async login(email: string, password: string, visitor: string) {
      const pair = `${email}\n${visitor}`;
      const verdicts = await Promise.all([limits.failedLoginsOfAccountFromVisitor.take(pair), limits.failedLoginsOfVisitor.take(visitor)]);
      const refused = verdicts.find((v) => !v.allowed);
      if (refused && !refused.allowed) {
        throw new TooManyRequestsError('Too many failed sign-in attempts from here. Try again later.', refused.retryAfterSeconds, 'too_many_login_attempts');
      }
      const found = await repo.findUserWithHashByEmail(db, email);
      const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash));
      if (!found || !ok) throw new UnauthorizedError('Wrong email or password.', 'invalid_credentials');
      await Promise.all([limits.failedLoginsOfAccountFromVisitor.reset(pair), limits.failedLoginsOfVisitor.refund(visitor)]);
      const { passwordHash: _hash, ...user } = found;
      return { user, family: await familyOf(user), session: await startSession(user.id) };
    },

    async logout(token: string | undefined) {
      if (!token) return;
      const id = hashToken(token);
      recentSessions.delete(id);
      await repo.deleteSession(db, id);
      endedSessions.emit('ended', id);
    },

    /** Calls `listener` when the session of `token` is ended in this process; returns the function that stops listening. */
    onSessionEnded(token: string, listener: () => void): () => void {
      const id = hashToken(token);
      const onEnded = (ended: string) => {
        if (ended === id) listener();
      };
      endedSessions.on('ended', onEnded);
      return () => endedSessions.off('ended', onEnded);
    },

    async userForSession(token: string): Promise<AuthUser | undefined> {
      const id = hashToken(token);
      const now = clock().getTime();
      const hit = recentSessions.get(id);
      if (hit && hit.until > now) return hit.user;
      recentSessions.delete(id);
      const found = await repo.findSessionUser(db, id, clock());
      if (!found) return undefined;
      const { expiresAt, ...user } = found;
      if (recentSessions.size >= SESSION_CACHE_MAX) recentSessions.delete(recentSessions.keys().next().value!);
      recentSessions.set(id, { user, until: Math.min(now + SESSION_CACHE_MS, expiresAt.getTime()) });
      return user;
    },

    async me(user: AuthUser) {
      const [family, members] = await Promise.all([familyOf(user), repo.listMembers(db, user.familyId)]);
      return { user, family, members: members.map(toMember) };
    },

    async addMember(parent: AuthUser, input: AddMemberBody & { email: string }) {
      refuseCommon(input.password);
      const passwordHash = await hashPassword(input.password);
      const user = await db.transaction(async (tx) =>
        repo.insertUser(tx, {
          familyId: parent.familyId,
          email: input.email,
          name: input.name,
          role: input.role,
          color: nextMemberColor(await repo.lockFamilyColors(tx, parent.familyId)),
          passwordHash,
        }),
      );
      if (!user) throw new ConflictError('email_taken', 'An account with that email already exists.');
      return user;
    },

    /** A parent changes a member's colour; another family's member is not found. */
    async updateMember(parent: AuthUser, userId: string, change: { color: MemberColor }) {
      const member = await repo.updateMemberColor(db, parent.familyId, userId, change.color);
      if (!member) throw new NotFoundError('Family member not found.');
      return toMember(member);
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

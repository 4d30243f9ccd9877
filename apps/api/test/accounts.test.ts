import { describe, expect, it } from 'vitest';
import { nextMemberColor, type MemberColor } from '@familyhub/shared';
import { sessions } from '../src/db/schema.js';
import * as repo from '../src/modules/accounts/repository.js';
import { Client, createContext, uniqueEmail, WEB_ORIGIN } from './support/context.js';

const ctx = await createContext();

describe('sign-up, login and logout', () => {
  it('signs up a parent of a new family and starts a session', async () => {
    const client = ctx.client();
    const email = uniqueEmail();
    const res = await client.post('/api/auth/signup', { email, password: 'ett-langt-losenord', name: 'Karin', familyName: 'Lind' });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email, name: 'Karin', role: 'parent' });
    expect(res.body.family.name).toBe('Lind');
    expect(res.body.user).not.toHaveProperty('passwordHash');
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.members).toHaveLength(1);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie that is not Secure over plain http', async () => {
    const client = ctx.client();
    const res = await client.post('/api/auth/signup', {
      email: uniqueEmail(),
      password: 'ett-langt-losenord',
      name: 'Karin',
      familyName: 'Lind',
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^fh_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
  });

  it('marks the session cookie Secure when served over https behind the production proxy', async () => {
    const production = await ctx.buildAnotherApp({
      env: {
        NODE_ENV: 'production',
        SESSION_SECRET: 'a-production-session-secret-of-enough-length',
        TEMPUS_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
        TEMPUS_CLIENT_SECRET: 'a-production-like-client-secret',
      },
    });
    const res = await production.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { email: uniqueEmail(), password: 'ett-langt-losenord', name: 'K', familyName: 'L' },
    });
    expect(res.statusCode).toBe(201);
    expect(String(res.headers['set-cookie'])).toContain('Secure');
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const email = uniqueEmail();
    const first = await ctx.client().post('/api/auth/signup', { email, password: 'ett-langt-losenord', name: 'A', familyName: 'B' });
    expect(first.status).toBe(201);
    const again = await ctx.client().post('/api/auth/signup', { email: email.toUpperCase(), password: 'ett-langt-losenord', name: 'A', familyName: 'B' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'email_taken', message: expect.any(String) });
  });

  it('refuses a too short password with a 400 that names the field', async () => {
    const res = await ctx.client().post('/api/auth/signup', { email: uniqueEmail(), password: 'kort', name: 'A', familyName: 'B' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_error');
    expect(res.body.message).toContain('password');
  });

  it('refuses a password from the list of the most common ones, at sign-up and for a new member', async () => {
    const signup = await ctx.client().post('/api/auth/signup', { email: uniqueEmail(), password: 'Password123', name: 'Anna', familyName: 'Familjen Vanlig' });
    expect(signup.status).toBe(400);
    expect(signup.body).toEqual({ error: 'password_too_common', message: expect.any(String) });
    const { client } = await ctx.newParent();
    const member = await client.post('/api/family/members', { email: uniqueEmail(), password: 'qwertyuiop', name: 'Elsa', role: 'member' });
    expect(member.status).toBe(400);
    expect(member.body.error).toBe('password_too_common');
  });

  it('logs in with the right password and answers 401 to a wrong one or an unknown email', async () => {
    const email = uniqueEmail();
    await ctx.client().post('/api/auth/signup', { email, password: 'ett-langt-losenord', name: 'A', familyName: 'B' });
    const ok = await ctx.client().post('/api/auth/login', { email: email.toUpperCase(), password: 'ett-langt-losenord' });
    expect(ok.status).toBe(200);
    expect(ok.body.user.email).toBe(email);
    const wrong = await ctx.client().post('/api/auth/login', { email, password: 'fel-losenord-helt' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_credentials');
    const unknown = await ctx.client().post('/api/auth/login', { email: uniqueEmail(), password: 'ett-langt-losenord' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe(wrong.body.message);
  });

  it('ends the session on logout so the old cookie no longer works', async () => {
    const { client } = await ctx.newParent();
    const cookie = client.cookie!;
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    const replay = new Client(ctx.app);
    replay.cookie = cookie;
    expect((await replay.get('/api/me')).status).toBe(401);
  });

  it('refuses an expired session', async () => {
    const { client } = await ctx.newParent();
    await ctx.database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) });
    const res = await client.get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
  });

  it('refuses a forged or tampered session cookie', async () => {
    const forged = ctx.client();
    forged.cookie = 'fh_session=not-a-real-session.c2lnbmF0dXJl';
    expect((await forged.get('/api/me')).status).toBe(401);
    const { client } = await ctx.newParent();
    const tampered = ctx.client();
    tampered.cookie = client.cookie!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await tampered.get('/api/me')).status).toBe(401);
  });

  it('stores only a hash of the session token', async () => {
    const { client } = await ctx.newParent();
    const token = decodeURIComponent(client.cookie!.split('=')[1]!).split('.')[0]!;
    const rows = await ctx.database.db.select().from(sessions);
    expect(rows.some((r) => r.id === token)).toBe(false);
  });
});

describe('family members', () => {
  it('lets a parent add a member who then signs in and sees the family', async () => {
    const parent = await ctx.newParent();
    const member = await ctx.newMember(parent.client, 'member', 'Elsa');
    const me = await member.client.get('/api/me');
    expect(me.body.user.role).toBe('member');
    expect(me.body.family.id).toBe(parent.family.id);
    expect(me.body.members.map((m: { name: string }) => m.name).sort()).toEqual(['Anna Svensson', 'Elsa']);
  });

  it('refuses a member adding members with 403', async () => {
    const parent = await ctx.newParent();
    const member = await ctx.newMember(parent.client);
    const res = await member.client.post('/api/family/members', { email: uniqueEmail(), password: 'ett-langt-losenord', name: 'X', role: 'parent' });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('parent_only');
  });

  it('refuses anonymous calls with 401', async () => {
    expect((await ctx.client().get('/api/me')).status).toBe(401);
    expect((await ctx.client().post('/api/family/members', { email: uniqueEmail(), password: 'ett-langt-losenord', name: 'X', role: 'member' })).status).toBe(401);
  });
});

describe('cross-site request forgery', () => {
  it('refuses a state-changing request from another origin with 403 csrf', async () => {
    const { client } = await ctx.newParent();
    const res = await client.post('/api/calendar/events', { title: 'x', startDate: '2026-12-01T10:00:00Z', endDate: '2026-12-01T11:00:00Z' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'csrf', message: expect.any(String) });
  });

  it('refuses Sec-Fetch-Site: cross-site even without an Origin header', async () => {
    const { client } = await ctx.newParent();
    const res = await client.post('/api/auth/logout', {}, { 'sec-fetch-site': 'cross-site' });
    expect(res.status).toBe(403);
  });

  it('lets the web app origin and header-less server calls through', async () => {
    const { client } = await ctx.newParent();
    const fromWeb = await client.post('/api/calendar/events', { title: 'Tandläkare', startDate: '2026-12-01T10:00:00Z', endDate: '2026-12-01T11:00:00Z' }, { origin: WEB_ORIGIN });
    expect(fromWeb.status).toBe(201);
    const fromServer = await client.post('/api/calendar/events', { title: 'Simning', startDate: '2026-12-02T10:00:00Z', endDate: '2026-12-02T11:00:00Z' });
    expect(fromServer.status).toBe(201);
  });
});

describe('member colours', () => {
  const colours = async (client: Client) =>
    ((await client.get('/api/me')).body.members as { name: string; color: string; initials: string }[]).map((m) => `${m.name} ${m.color} ${m.initials}`);

  it('gives each member of a family a colour of their own, and initials', async () => {
    const parent = await ctx.newParent('Karin Persson');
    await ctx.newMember(parent.client, 'parent', 'Karin Andersson');
    await ctx.newMember(parent.client, 'member', 'Elsa');
    expect(await colours(parent.client)).toEqual(['Karin Persson blue KP', 'Karin Andersson orange KA', 'Elsa green E']);
  });

  it('starts every family at the first colour, whatever other families have', async () => {
    const other = await ctx.newParent('Bo');
    await ctx.newMember(other.client);
    const parent = await ctx.newParent('Lisa Berg');
    expect(await colours(parent.client)).toEqual(['Lisa Berg blue LB']);
  });

  // PGlite runs one transaction at a time anyway; only PostgreSQL can show the race.
  it.runIf(process.env.TEST_DATABASE_URL)('makes a second member added at the same moment wait for the first one’s colour', async () => {
    const parent = await ctx.newParent();
    const familyId = parent.family.id as string;
    const db = ctx.database.db;
    const steps: string[] = [];
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    let firstHasRead!: () => void;
    const firstRead = new Promise<void>((resolve) => (firstHasRead = resolve));
    const member = (name: string, color: MemberColor) => ({ familyId, email: uniqueEmail(), name, role: 'member' as const, color, passwordHash: 'x' });

    const first = db.transaction(async (tx) => {
      const taken = await repo.lockFamilyColors(tx, familyId);
      firstHasRead();
      await repo.insertUser(tx, member('Ali', nextMemberColor(taken)));
      await firstMayCommit;
      steps.push('first commits');
    });
    await firstRead;
    const second = db.transaction(async (tx) => {
      const taken = await repo.lockFamilyColors(tx, familyId);
      steps.push(`second reads ${taken.sort().join(',')}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    commitFirst();
    await Promise.all([first, second]);
    expect(steps).toEqual(['first commits', 'second reads blue,orange']);
  });

  it('lets a parent change a member’s colour, and a new member gets the colour that freed', async () => {
    const parent = await ctx.newParent('Karin Persson');
    const partner = await ctx.newMember(parent.client, 'parent', 'Karin Andersson');
    const res = await parent.client.patch(`/api/family/members/${partner.user.id}`, { color: 'teal' });
    expect(res.status).toBe(200);
    expect(res.body.member).toEqual({ id: partner.user.id, email: partner.user.email, name: 'Karin Andersson', role: 'parent', color: 'teal', initials: 'KA' });
    await ctx.newMember(parent.client, 'member', 'Elsa');
    expect(await colours(partner.client)).toEqual(['Karin Persson blue KP', 'Karin Andersson teal KA', 'Elsa orange E']);
  });

  it('refuses a colour outside the palette with 400 naming the field, and changes nothing', async () => {
    const parent = await ctx.newParent();
    for (const color of ['#ff0000', 'Blue', '', null, 3]) {
      const res = await parent.client.patch(`/api/family/members/${parent.user.id}`, { color });
      expect(res.status, String(color)).toBe(400);
      expect(res.body).toEqual({ error: 'validation_error', message: expect.stringContaining('color') });
    }
    expect(await colours(parent.client)).toEqual(['Anna Svensson blue AS']);
  });

  it("answers 404 to another family's member, 403 to a member and 401 to anonymous callers", async () => {
    const parent = await ctx.newParent();
    const child = await ctx.newMember(parent.client);
    const other = await ctx.newParent('Bo');
    const foreign = await other.client.patch(`/api/family/members/${child.user.id}`, { color: 'red' });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('not_found');
    const byChild = await child.client.patch(`/api/family/members/${child.user.id}`, { color: 'red' });
    expect(byChild.status).toBe(403);
    expect(byChild.body.error).toBe('parent_only');
    expect((await ctx.client().patch(`/api/family/members/${child.user.id}`, { color: 'red' })).status).toBe(401);
    expect(await colours(parent.client)).toEqual(['Anna Svensson blue AS', 'Elsa orange E']);
  });
});

/**
 * Sign-in and sign-up limits: failures are counted per account and visitor and per visitor,
 * in PostgreSQL so every instance shares them; a stranger cannot lock an owner out, a
 * success is not counted, a forged X-Forwarded-For from outside is not believed, and
 * sign-ups are throttled per visitor without telling more than they must.
 */
import { describe, expect, it } from 'vitest';
import { rateLimits } from '../../src/db/schema.js';
import { Client, createContext, uniqueEmail } from '../support/context.js';
import { expectErrorShape } from './support/faults.js';

const ctx = await createContext();
const PASSWORD = 'ett-langt-losenord';
const WRONG = 'fel-losenord-helt';

/** A caller at `address` (the API sees it as the socket's peer). */
const visitor = (address: string) => new Client(ctx.app, {}, address);
/** A caller through the web app's server: loopback, naming the browser's address. */
const throughWebApp = (address: string) => new Client(ctx.app, { 'x-forwarded-for': address });

async function newAccount() {
  const email = uniqueEmail('owner');
  const res = await visitor('192.0.2.200').post('/api/auth/signup', { email, password: PASSWORD, name: 'Ägare', familyName: 'Familjen Ägare' });
  expect(res.status).toBe(201);
  return email;
}

let nextAddress = 1;
/** A fresh documentation-range address, so tests do not share visitor counts. */
const freshAddress = () => `198.51.100.${nextAddress++}`;

async function failLogins(client: Client, email: string, times: number) {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await client.post('/api/auth/login', { email, password: WRONG })).status);
  return statuses;
}

describe('failed sign-ins', () => {
  it("locks out only the stranger who failed, never the account's owner elsewhere", async () => {
    const email = await newAccount();
    const stranger = visitor(freshAddress());
    expect(await failLogins(stranger, email, 10)).toEqual(Array(10).fill(401));

    const limited = await stranger.post('/api/auth/login', { email, password: PASSWORD });
    expect(limited.status).toBe(429);
    expectErrorShape(limited);
    expect(limited.body.error).toBe('too_many_login_attempts');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    const owner = await visitor(freshAddress()).post('/api/auth/login', { email, password: PASSWORD });
    expect(owner.status).toBe(200);
  });

  it('tells visitors behind the web app apart by the address it forwards', async () => {
    const email = await newAccount();
    const stranger = throughWebApp(freshAddress());
    expect(await failLogins(stranger, email, 11)).toEqual([...Array(10).fill(401), 429]);
    expect((await throughWebApp(freshAddress()).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('does not believe an X-Forwarded-For sent from outside', async () => {
    const email = await newAccount();
    const address = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const forged = new Client(ctx.app, { 'x-forwarded-for': `203.0.113.${i + 1}` }, address);
      statuses.push((await forged.post('/api/auth/login', { email, password: WRONG })).status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
  });

  it('does not count successful sign-ins, and a success clears the failures before it', async () => {
    const email = await newAccount();
    const owner = visitor(freshAddress());
    for (let i = 0; i < 15; i++) expect((await owner.post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
    expect(await failLogins(owner, email, 9)).toEqual(Array(9).fill(401));
    expect((await owner.post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
    expect(await failLogins(owner, email, 9)).toEqual(Array(9).fill(401));
    expect((await owner.post('/api/auth/login', { email, password: PASSWORD })).status).toBe(200);
  });

  it('stops a visitor who tries many accounts', async () => {
    const sprayer = visitor(freshAddress());
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) statuses.push((await sprayer.post('/api/auth/login', { email: uniqueEmail('guess'), password: WRONG })).status);
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
    expect(statuses[100]).toBe(429);
  });

  it('counts a burst of parallel guesses, not only guesses one after another', async () => {
    const email = await newAccount();
    const stranger = visitor(freshAddress());
    const statuses = await Promise.all(Array.from({ length: 20 }, () => stranger.post('/api/auth/login', { email, password: WRONG })));
    expect(statuses.filter((r) => r.status === 401)).toHaveLength(10);
    expect(statuses.filter((r) => r.status === 429)).toHaveLength(10);
  });

  it('shares the count between instances of the API', async () => {
    const email = await newAccount();
    const other = await ctx.buildAnotherApp();
    const address = freshAddress();
    expect(await failLogins(visitor(address), email, 5)).toEqual(Array(5).fill(401));
    expect(await failLogins(new Client(other, {}, address), email, 5)).toEqual(Array(5).fill(401));
    expect((await visitor(address).post('/api/auth/login', { email, password: PASSWORD })).status).toBe(429);
  });

  it('stores digests as keys, never the e-mail address or the visitor address', async () => {
    const email = await newAccount();
    const address = freshAddress();
    await failLogins(visitor(address), email, 1);
    const keys = (await ctx.database.db.select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key).join('\n');
    expect(keys).not.toContain(email);
    expect(keys).not.toContain(address);
  });

  it('prunes counts an hour past their window, hourly, and keeps the live ones', async () => {
    const now = Date.now();
    await ctx.database.db.insert(rateLimits).values([
      { key: 'test:stale', points: 3, expire: new Date(now - 2 * 3_600_000) },
      { key: 'test:live', points: 3, expire: new Date(now + 600_000) },
    ]);
    await ctx.app.scheduler.run('limits-prune');
    const keys = (await ctx.database.db.select({ key: rateLimits.key }).from(rateLimits)).map((r) => r.key);
    expect(keys).toContain('test:live');
    expect(keys).not.toContain('test:stale');
  });
});

describe('sign-ups', () => {
  it('are limited per visitor, with a clear 429, and another visitor can still sign up', async () => {
    const app = await ctx.buildAnotherApp({ env: { SIGNUPS_PER_VISITOR_PER_HOUR: '3' } });
    const address = freshAddress();
    const signUp = (from: string) =>
      new Client(app, {}, from).post('/api/auth/signup', { email: uniqueEmail('new'), password: PASSWORD, name: 'Ny', familyName: 'Familjen Ny' });
    for (let i = 0; i < 3; i++) expect((await signUp(address)).status).toBe(201);
    const limited = await signUp(address);
    expect(limited.status).toBe(429);
    expectErrorShape(limited);
    expect(limited.body.error).toBe('too_many_signups');
    expect((await signUp(freshAddress())).status).toBe(201);
  });

  it('count an attempt on a taken address too, and answer it without naming the address', async () => {
    const app = await ctx.buildAnotherApp({ env: { SIGNUPS_PER_VISITOR_PER_HOUR: '2' } });
    const email = await newAccount();
    const prober = new Client(app, {}, freshAddress());
    const probe = () => prober.post('/api/auth/signup', { email, password: PASSWORD, name: 'Ny', familyName: 'Familjen Ny' });
    const taken = await probe();
    expect(taken.status).toBe(409);
    expect(taken.text).not.toContain(email);
    expect(taken.body.message).not.toMatch(/already exists/i);
    expect((await probe()).status).toBe(409);
    expect((await probe()).status).toBe(429);
  });
});

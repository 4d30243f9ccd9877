import { describe, expect, it } from 'vitest';
import { addMemberResponse, createEventBody, eventsQuery, SESSION_COOKIE, signupBody } from '../src/index.js';

describe('shared API schemas', () => {
  it('normalises emails to trimmed lower case', () => {
    const parsed = signupBody.parse({ email: 'Anna@Example.SE', password: 'ett-langt-losenord', name: ' Anna ', familyName: 'S' });
    expect(parsed.email).toBe('anna@example.se');
    expect(parsed.name).toBe('Anna');
  });

  it('requires explicit offsets on event times', () => {
    expect(createEventBody.safeParse({ title: 'x', startDate: '2026-12-01T10:00:00', endDate: '2026-12-01T11:00:00Z' }).success).toBe(false);
    expect(createEventBody.safeParse({ title: 'x', startDate: '2026-12-01T10:00:00+01:00', endDate: '2026-12-01T11:00:00Z' }).success).toBe(true);
  });

  it('refuses an event that ends before it starts, naming endDate', () => {
    const result = createEventBody.safeParse({ title: 'x', startDate: '2026-12-01T12:00:00Z', endDate: '2026-12-01T11:00:00Z' });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual(['endDate']);
  });

  it('limits calendar queries to a forward range of at most 400 days', () => {
    expect(eventsQuery.safeParse({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }).success).toBe(true);
    expect(eventsQuery.safeParse({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).success).toBe(false);
    expect(eventsQuery.safeParse({ from: '2026-01-01T00:00:00Z', to: '2027-03-01T00:00:00Z' }).success).toBe(false);
  });

  it('keeps the session cookie named fh_session, so signed-in browsers stay signed in', () => {
    expect(SESSION_COOKIE).toBe('fh_session');
  });

  it('answers an added member with the user fields only, never a stored secret', () => {
    const user = { id: '00000000-0000-4000-8000-000000000001', email: 'elsa@example.se', name: 'Elsa', role: 'member', familyId: '00000000-0000-4000-8000-000000000002' };
    expect(addMemberResponse.parse({ user: { ...user, passwordHash: 'scrypt$secret' } })).toEqual({ user });
    expect(addMemberResponse.safeParse({ user: { ...user, role: 'admin' } }).success).toBe(false);
  });
});

import { z } from 'zod';
import { memberColor } from './people.js';

/** The HttpOnly cookie that carries a signed-in session, set by the API and forwarded by the web app. */
export const SESSION_COOKIE = 'fh_session';

export const role = z.enum(['parent', 'member']);
export type Role = z.infer<typeof role>;

export const email = z.email().max(254).transform((value) => value.trim().toLowerCase());
export const password = z.string().min(10, 'must be at least 10 characters').max(200);
export const personName = z.string().trim().min(1).max(100);

export const user = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role,
  familyId: z.uuid(),
});
export type User = z.infer<typeof user>;

export const family = z.object({
  id: z.uuid(),
  name: z.string(),
});
export type Family = z.infer<typeof family>;

export const member = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role,
  /** A key of MEMBER_PALETTE: the member's colour in the calendar. */
  color: memberColor,
  /** "KP" for Karin Persson: what a block too narrow for a name shows. */
  initials: z.string(),
});
export type Member = z.infer<typeof member>;

export const signupBody = z.object({
  email,
  password,
  name: personName,
  familyName: z.string().trim().min(1).max(100),
});
export type SignupBody = z.input<typeof signupBody>;

export const loginBody = z.object({
  email,
  password: z.string().min(1).max(200),
});
export type LoginBody = z.input<typeof loginBody>;

export const addMemberBody = z.object({
  email,
  password,
  name: personName,
  role,
});
export type AddMemberBody = z.input<typeof addMemberBody>;

export const addMemberResponse = z.object({ user });
export type AddMemberResponse = z.infer<typeof addMemberResponse>;

export const sessionResponse = z.object({ user, family });
export type SessionResponse = z.infer<typeof sessionResponse>;

export const meResponse = z.object({ user, family, members: z.array(member) });
export type MeResponse = z.infer<typeof meResponse>;

/** A parent changes a member's colour on the family page. */
export const updateMemberBody = z.object({ color: memberColor });
export type UpdateMemberBody = z.input<typeof updateMemberBody>;

export const memberResponse = z.object({ member });
export type MemberResponse = z.infer<typeof memberResponse>;

import type { MemberColor, Role, User } from '@familyhub/shared';

export type { MemberColor, Role };
/** The signed-in user as the rest of the API sees it. */
export type AuthUser = User;

import type { LayoutServerLoad } from './$types';

export const load = (async ({ locals }) => ({
  user: locals.user,
  family: locals.family,
  members: locals.members,
})) satisfies LayoutServerLoad;

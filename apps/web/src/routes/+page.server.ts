import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

export const load = (() => {
  redirect(303, '/calendar');
}) satisfies PageServerLoad;

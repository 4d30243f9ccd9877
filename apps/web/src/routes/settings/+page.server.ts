import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The settings start on the Tempus page. */
export const load = (() => redirect(307, '/settings/tempus')) satisfies PageServerLoad;

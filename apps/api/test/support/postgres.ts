/** The per-file test databases on the real PostgreSQL server: clones of the migrated template. */
import { createScratchDatabase } from '@familyhub/demo';

export { adminQuery, databaseUrl } from '@familyhub/demo';

/** A fresh database cloned from the migrated template; the returned function drops it. */
export async function cloneTemplate(base: string, template: string) {
  const clone = await createScratchDatabase(base, { prefix: 'familyhub_test', template });
  return { url: clone.url, drop: clone.drop };
}

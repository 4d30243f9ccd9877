/** Every row of every table as JSON text, for tests that prove a secret is stored nowhere in plain text. */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';

export async function everyTableAsText(database: Database): Promise<string> {
  const tables = await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`);
  let text = '';
  for (const { tablename } of (tables as unknown as { rows: { tablename: string }[] }).rows) {
    const rows = await database.db.execute(sql.raw(`select row_to_json(t)::text as j from "${tablename}" t`));
    text += (rows as unknown as { rows: { j: string }[] }).rows.map((r) => r.j).join('\n');
  }
  return text;
}

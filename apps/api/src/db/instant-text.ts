/**
 * Reading `timestamptz` columns straight into the API's ISO 8601 UTC text.
 *
 * Drizzle's drivers hand timestamps over as PostgreSQL's text; a `Date` column parses that
 * text into a Date, which the API then formats again. On the calendar's list of events that
 * round trip was the largest single cost of the request, so these columns go from text to
 * text instead.
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

// PostgreSQL's ISO DateStyle in a UTC session: 2026-11-24 06:00:00[.123456]+00
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/** PostgreSQL's text of a `timestamptz` as `2026-11-24T06:00:00.000Z` (milliseconds, truncated like `Date`). */
export function isoFromPgInstant(text: string): string {
  const utc = UTC_TEXT.exec(text);
  if (!utc) return new Date(text).toISOString();
  return `${utc[1]}T${utc[2]}.${(utc[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
}

/** Selects a `timestamptz` column as ISO 8601 UTC text. */
export function instantText(column: AnyColumn): SQL<string> {
  return sql<string>`${column}`.mapWith(isoFromPgInstant);
}

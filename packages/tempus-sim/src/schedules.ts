// GET /api/v1/schedules: query validation and position-based paging over one user's
// shifts in (updated_at, id) order. Because a changed shift gets a new updated_at it moves
// behind every position already handed out, so a change during paging shows up on a
// later page instead of being skipped.
import type { CursorCodec } from './cursor.js';
import { queryFingerprint } from './cursor.js';
import type { HttpResult } from './http.js';
import { errorJson } from './http.js';
import type { SchedulesPage } from './malformed-shifts.js';
import type { ShiftRecord, Store } from './store.js';
import { TOMBSTONE_RETENTION_MS, searchShiftKey, toPublicShift } from './store.js';
import { parseRfc3339 } from './zoned-time.js';

const MAX_WINDOW_MS = 400 * 24 * 3600 * 1000;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 500;

interface SchedulesQuery {
  fromMs: number | null;
  toMs: number | null;
  updatedSinceMs: number | null;
  limit: number;
  cursor: string | null;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; result: HttpResult };

const invalidRequest = (description: string): { ok: false; result: HttpResult } => ({
  ok: false,
  result: errorJson(400, 'invalid_request', description),
});

/** An unencoded '+' in a query string arrives as a space; accept it rather than reject the offset. */
function parseTimeParam(query: URLSearchParams, name: string): Parsed<number | null> {
  const raw = query.get(name);
  if (raw === null) return { ok: true, value: null };
  const ms = parseRfc3339(raw.replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (ms === null) return invalidRequest(`${name} must be an RFC 3339 timestamp with offset`);
  return { ok: true, value: ms };
}

export function parseSchedulesQuery(query: URLSearchParams): Parsed<SchedulesQuery> {
  const from = parseTimeParam(query, 'from');
  if (!from.ok) return from;
  const to = parseTimeParam(query, 'to');
  if (!to.ok) return to;
  const updatedSince = parseTimeParam(query, 'updated_since');
  if (!updatedSince.ok) return updatedSince;
  if (from.value !== null && to.value !== null) {
    if (to.value <= from.value) return invalidRequest('to must be after from');
    if (to.value - from.value > MAX_WINDOW_MS) return invalidRequest('The from/to window is at most 400 days');
  }
  const rawLimit = query.get('limit');
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== null) {
    limit = /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : 0;
    if (limit < 1 || limit > MAX_LIMIT) return invalidRequest(`limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return {
    ok: true,
    value: { fromMs: from.value, toMs: to.value, updatedSinceMs: updatedSince.value, limit, cursor: query.get('cursor') },
  };
}

function render(rec: ShiftRecord): Record<string, unknown> {
  const { userId: _owner, ...wire } = toPublicShift(rec);
  // A tombstone guarantees only its id, updated_at and deleted flag.
  return rec.deleted ? { id: wire.id, updated_at: wire.updated_at, deleted: true } : wire;
}

export function listSchedules(
  deps: { store: Store; cursors: CursorCodec },
  scope: { userId: string; clientId: string },
  q: SchedulesQuery,
  nowMs: number,
): Parsed<SchedulesPage> {
  const fingerprint = queryFingerprint([scope.userId, scope.clientId, q.fromMs, q.toMs, q.updatedSinceMs, q.limit]);
  const shifts = deps.store.shiftIndex(scope.userId);

  let start = q.updatedSinceMs === null ? 0 : searchShiftKey(shifts, q.updatedSinceMs, '', true);
  if (q.cursor !== null) {
    const position = deps.cursors.decode(q.cursor, fingerprint, nowMs);
    if (!position) {
      return {
        ok: false,
        result: errorJson(400, 'invalid_cursor', 'Cursor expired or parameters changed; restart from the first page'),
      };
    }
    start = Math.max(start, searchShiftKey(shifts, position.updatedMs, position.id, false));
  }

  const oldestTombstone = nowMs - TOMBSTONE_RETENTION_MS;
  const matches = (rec: ShiftRecord): boolean => {
    if (rec.deleted) return q.updatedSinceMs !== null && rec.updatedMs >= oldestTombstone;
    return (q.fromMs === null || rec.endMs > q.fromMs) && (q.toMs === null || rec.startMs < q.toMs);
  };

  const page: ShiftRecord[] = [];
  let hasMore = false;
  for (let i = start; i < shifts.length; i += 1) {
    const rec = shifts[i] as ShiftRecord;
    if (!matches(rec)) continue;
    if (page.length === q.limit) {
      hasMore = true;
      break;
    }
    page.push(rec);
  }

  const last = page[page.length - 1];
  return {
    ok: true,
    value: {
      data: page.map(render),
      next_cursor:
        hasMore && last ? deps.cursors.encode(fingerprint, { updatedMs: last.updatedMs, id: last.id }, nowMs) : null,
      server_time: new Date(nowMs).toISOString(),
    },
  };
}

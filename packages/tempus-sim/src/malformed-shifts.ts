// Broken schedules payloads a client must survive: each kind damages one page the way a
// buggy upstream or an intermediary might, so clients prove they validate, not trust.
// `unknown_fields` is the one valid payload among them: the contract lets Tempus add
// fields at any time and requires clients to ignore them.
import type { HttpResult } from './http.js';
import { json } from './http.js';
import type { MalformedKind } from './types.js';

export interface SchedulesPage {
  data: Record<string, unknown>[];
  next_cursor: string | null;
  server_time: string;
}

const MALFORMED_KINDS: readonly MalformedKind[] = [
  'wrong_types',
  'missing_field',
  'end_before_start',
  'huge_shift_type',
  'duplicate_ids',
  'html_body',
  'huge_page',
  'unknown_fields',
];

const HUGE_PAGE_SIZE = 5_000;

export function isMalformedKind(kind: unknown): kind is MalformedKind {
  return MALFORMED_KINDS.includes(kind as MalformedKind);
}

function sampleShift(id: string): Record<string, unknown> {
  return {
    id,
    shift_type: 'Dag',
    start_time: '2026-03-02T07:00:00+01:00',
    end_time: '2026-03-02T15:30:00+01:00',
    status: 'scheduled',
    location: 'Akademiska sjukhuset, avd 30',
    note: null,
    updated_at: '2026-03-01T10:00:00.000Z',
    deleted: false,
  };
}

/** Damages the first shift of the page, adding a sample one when the page is empty. */
function damageFirst(page: SchedulesPage, damage: (shift: Record<string, unknown>) => void): HttpResult {
  const data = page.data.length > 0 ? page.data.map((s) => ({ ...s })) : [sampleShift('shf_malformed')];
  damage(data[0] as Record<string, unknown>);
  return json(200, { ...page, data });
}

export function malformSchedulesPage(kind: MalformedKind, page: SchedulesPage): HttpResult {
  switch (kind) {
    case 'wrong_types':
      return damageFirst(page, (s) => {
        s.id = 12345;
        s.start_time = 1774767600;
        s.status = true;
        s.deleted = 'no';
      });
    case 'missing_field':
      return damageFirst(page, (s) => {
        delete s.start_time;
      });
    case 'end_before_start':
      return damageFirst(page, (s) => {
        [s.start_time, s.end_time] = [s.end_time, s.start_time];
      });
    case 'huge_shift_type':
      return damageFirst(page, (s) => {
        s.shift_type = 'Natt'.padEnd(10_000, 'x');
      });
    case 'duplicate_ids': {
      const data = page.data.length > 0 ? page.data : [sampleShift('shf_duplicate')];
      const first = data[0] as Record<string, unknown>;
      return json(200, { ...page, data: [...data, { ...first, shift_type: `${String(first.shift_type)} (kopia)` }] });
    }
    case 'html_body':
      return {
        status: 200,
        contentType: 'text/html',
        body: '<!DOCTYPE html><html><head><title>Tempus</title></head><body><h1>Underhåll pågår</h1></body></html>',
      };
    case 'unknown_fields':
      // Real shifts only: an invented one would be a valid shift the client must import.
      return json(200, {
        ...page,
        data: page.data.map((shift) => ({
          ...shift,
          department_code: 'AVD30',
          break_minutes: 30,
          tags: ['ob-tillägg'],
          approval: { approved_by: 'Chef', approved_at: '2026-03-01T09:00:00Z' },
        })),
        total_count: page.data.length,
      });
    case 'huge_page': {
      const data = Array.from({ length: HUGE_PAGE_SIZE }, (_, i) => sampleShift(`shf_huge_${String(i).padStart(5, '0')}`));
      return json(200, { ...page, data });
    }
  }
}

import { afterEach, describe, expect, it } from 'vitest';
import { apiGet, connect, postForm, schedules, startTestSim } from './helpers.js';

const { sim, user } = await startTestSim();
const { access_token: token } = await connect(sim);
sim.shifts.add(user.id, { shift_type: 'Dag', start_time: '2026-03-02T07:00:00+01:00', end_time: '2026-03-02T15:30:00+01:00' });
sim.shifts.add(user.id, { shift_type: 'Kväll', start_time: '2026-03-03T14:30:00+01:00', end_time: '2026-03-03T22:00:00+01:00' });

afterEach(() => sim.faults.clear());

const getSchedules = (): Promise<Response> => apiGet(sim, '/api/v1/schedules', token);

describe('failed responses', () => {
  it('fails the next N requests with a 503 HTML body and Retry-After, then recovers', async () => {
    sim.faults.fail({
      status: 503,
      body: '<html><body>Service Unavailable</body></html>',
      headers: { 'Retry-After': '30' },
      count: 2,
    });
    for (let i = 0; i < 2; i += 1) {
      const res = await getSchedules();
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await res.text()).toContain('Service Unavailable');
    }
    expect((await getSchedules()).status).toBe(200);
  });

  it('fails with 502 without Retry-After', async () => {
    sim.faults.fail({ status: 502, body: '<html>Bad Gateway</html>' });
    const res = await getSchedules();
    expect(res.status).toBe(502);
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('only fails requests under the path filter', async () => {
    sim.faults.fail({ status: 503, path: '/oauth/token', count: 1 });
    expect((await getSchedules()).status).toBe(200);
    const res = await postForm(sim, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' });
    expect(res.status).toBe(503);
  });

  it('answers a 503 given no body as the contract says: Retry-After and a JSON error body', async () => {
    sim.faults.fail({ status: 503 });
    const res = await getSchedules();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ error: 'service_unavailable', error_description: expect.any(String) });
  });

  it('answers a 429 given no body as the contract says: Retry-After in seconds, rate_limited, Remaining 0', async () => {
    sim.faults.fail({ status: 429, path: '/api/v1/schedules' });
    const res = await getSchedules();
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    expect(await res.json()).toEqual({ error: 'rate_limited', error_description: expect.any(String) });
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('answers a 504 given no body without Retry-After', async () => {
    sim.faults.fail({ status: 504 });
    const res = await getSchedules();
    expect(res.status).toBe(504);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toEqual({ error: 'gateway_timeout', error_description: expect.any(String) });
  });

  it('answers a 401 given no body with invalid_token and WWW-Authenticate, as an expired token would', async () => {
    sim.faults.fail({ status: 401, path: '/api/v1/schedules' });
    const res = await getSchedules();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('sends a 503 with a body exactly as given, without adding Retry-After', async () => {
    sim.faults.fail({ status: 503, body: '<html><body>Service Unavailable</body></html>' });
    const res = await getSchedules();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.text()).toBe('<html><body>Service Unavailable</body></html>');
  });

  it('simulates a 429 storm with the given headers and content type', async () => {
    sim.faults.fail({
      status: 429,
      body: '{"error":"rate_limited"}',
      headers: { 'Retry-After': '5' },
      path: '/api/v1/schedules',
      count: 3,
    });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await getSchedules()).status);
    expect(statuses).toEqual([429, 429, 429, 200]);
  });

  it('fails a fraction of matching requests until cleared', async () => {
    sim.faults.fail({ status: 504, fraction: 0.5, path: '/api/v1/schedules' });
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await getSchedules()).status);
    expect(statuses.filter((s) => s === 504)).toHaveLength(3);
    sim.faults.clear();
    expect((await getSchedules()).status).toBe(200);
  });

  it('uses a given content type', async () => {
    sim.faults.fail({ status: 500, body: 'oops', contentType: 'text/plain' });
    const res = await getSchedules();
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toBe('oops');
  });
});

describe('latency', () => {
  it('delays requests under its path and no others', async () => {
    sim.faults.latency(500, '/api/v1/schedules');
    const started = performance.now();
    expect((await getSchedules()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(490);
    const profileStarted = performance.now();
    await apiGet(sim, '/api/v1/user/profile', token);
    expect(performance.now() - profileStarted).toBeLessThan(400);
  });
});

describe('malformed shift payloads', () => {
  const firstShift = async (): Promise<Record<string, unknown>> => {
    const { body } = await schedules(sim, token);
    return body.data[0] as unknown as Record<string, unknown>;
  };

  it('wrong_types: sends fields with the wrong JSON types', async () => {
    sim.faults.malformedShifts('wrong_types');
    const shift = await firstShift();
    expect(typeof shift.id).toBe('number');
    expect(typeof shift.start_time).toBe('number');
  });

  it('missing_field: leaves out start_time', async () => {
    sim.faults.malformedShifts('missing_field');
    expect(await firstShift()).not.toHaveProperty('start_time');
  });

  it('end_before_start: sends end_time before start_time', async () => {
    sim.faults.malformedShifts('end_before_start');
    const shift = await firstShift();
    expect(Date.parse(String(shift.end_time))).toBeLessThan(Date.parse(String(shift.start_time)));
  });

  it('huge_shift_type: sends a 10,000-character shift_type', async () => {
    sim.faults.malformedShifts('huge_shift_type');
    expect(String((await firstShift()).shift_type)).toHaveLength(10_000);
  });

  it('duplicate_ids: repeats an id within one page', async () => {
    sim.faults.malformedShifts('duplicate_ids');
    const { body } = await schedules(sim, token);
    const ids = body.data.map((s) => s.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
  });

  it('html_body: answers 200 with HTML instead of JSON', async () => {
    sim.faults.malformedShifts('html_body');
    const res = await getSchedules();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
  });

  it('huge_page: sends far more shifts than the page limit', async () => {
    sim.faults.malformedShifts('huge_page');
    const { body } = await schedules(sim, token, { limit: '10' });
    expect(body.data.length).toBeGreaterThan(500);
  });

  it('unknown_fields: adds fields the contract does not define to every shift and the page, leaving the rest intact', async () => {
    const plain = await schedules(sim, token);
    sim.faults.malformedShifts('unknown_fields');
    const res = await getSchedules();
    expect(res.status).toBe(200);
    const extended = (await res.json()) as { data: Record<string, unknown>[]; total_count?: unknown };
    expect(extended.total_count).toBe(plain.body.data.length);
    expect(extended.data).toHaveLength(plain.body.data.length);
    extended.data.forEach((shift, i) => {
      expect(shift).toMatchObject({
        ...plain.body.data[i],
        department_code: expect.any(String),
        break_minutes: expect.any(Number),
      });
    });
  });

  it('applies to the next N responses only', async () => {
    sim.faults.malformedShifts('missing_field', 2);
    expect(await firstShift()).not.toHaveProperty('start_time');
    expect(await firstShift()).not.toHaveProperty('start_time');
    expect(await firstShift()).toHaveProperty('start_time');
  });
});

describe('versioning', () => {
  it('adds Deprecation and Sunset headers to /api/v1 responses until cleared', async () => {
    const sunset = new Date('2026-12-31T00:00:00Z');
    sim.faults.deprecate(sunset);
    const res = await getSchedules();
    expect(res.status).toBe(200);
    expect(res.headers.get('deprecation')).toBe('true');
    expect(res.headers.get('sunset')).toBe('Thu, 31 Dec 2026 00:00:00 GMT');
    sim.faults.deprecate(null);
    expect((await getSchedules()).headers.get('deprecation')).toBeNull();
  });

  it('answers 410 Gone with a JSON error body for a removed version', async () => {
    sim.faults.removeVersion(true);
    const gone = await getSchedules();
    expect(gone.status).toBe(410);
    expect(await gone.json()).toEqual({ error: 'gone', error_description: expect.any(String) });
    expect((await apiGet(sim, '/api/v1/user/profile', token)).status).toBe(410);
    sim.faults.removeVersion(false);
    expect((await getSchedules()).status).toBe(200);
  });

  it('answers 410 Gone on every /api/v1 path once removed, unknown and unauthenticated ones included', async () => {
    sim.faults.removeVersion(true);
    const responses = [
      await apiGet(sim, '/api/v1/schedules'),
      await apiGet(sim, '/api/v1/schedules', 'made-up'),
      await apiGet(sim, '/api/v1/nothing-here', token),
      await apiGet(sim, '/api/v1/nothing-here'),
      await fetch(new URL('/api/v1/schedules', sim.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      }),
    ];
    expect(responses.map((res) => res.status)).toEqual([410, 410, 410, 410, 410]);
    expect((await apiGet(sim, '/api/v2/schedules', token)).status).toBe(404);
  });

  it('adds Deprecation and Sunset to every /api/v1 response, unknown and unauthenticated paths included', async () => {
    sim.faults.deprecate(new Date('2026-12-31T00:00:00Z'));
    const responses = [
      await apiGet(sim, '/api/v1/schedules'),
      await apiGet(sim, '/api/v1/user/profile', 'made-up'),
      await apiGet(sim, '/api/v1/nothing-here', token),
      await apiGet(sim, '/api/v1/nothing-here'),
    ];
    expect(responses.map((res) => res.status)).toEqual([401, 401, 404, 404]);
    for (const res of responses) {
      expect(res.headers.get('deprecation')).toBe('true');
      expect(res.headers.get('sunset')).toBe('Thu, 31 Dec 2026 00:00:00 GMT');
    }
    expect((await apiGet(sim, '/api/v2/schedules', token)).headers.get('deprecation')).toBeNull();
  });
});

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
    expect(await res.json()).toEqual({ error: 'simulated_503' });
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

  it('answers 410 Gone for a removed version', async () => {
    sim.faults.removeVersion(true);
    expect((await getSchedules()).status).toBe(410);
    expect((await apiGet(sim, '/api/v1/user/profile', token)).status).toBe(410);
    sim.faults.removeVersion(false);
    expect((await getSchedules()).status).toBe(200);
  });
});

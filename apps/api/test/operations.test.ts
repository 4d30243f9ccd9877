import { describe, expect, it } from 'vitest';
import { createContext, OPERATOR_TOKEN } from './support/context.js';

const ctx = await createContext();

describe('operations endpoints', () => {
  it('answers /healthz and /readyz while the database answers', async () => {
    expect((await ctx.client().get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await ctx.client().get('/readyz')).status).toBe(200);
  });

  it('serves Prometheus metrics including the Tempus sync series', async () => {
    const res = await ctx.client().get('/metrics');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/plain');
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toContain('familyhub_tempus_accounts{state="active"}');
    expect(res.text).toContain('familyhub_http_request_duration_seconds');
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await ctx.client().get('/docs');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/api/auth/signup', '/api/calendar/events', '/api/tempus/sync', '/api/tempus/status']),
    );
    expect(res.body.paths['/api/auth/signup'].post.requestBody).toBeDefined();
  });

  it('answers unknown routes and malformed JSON with the error shape, never a stack trace', async () => {
    const unknown = await ctx.client().get('/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: expect.any(String) });
    const malformed = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body)).toEqual({ error: 'bad_request', message: expect.any(String) });
    expect(malformed.body).not.toContain('at ');
  });

  it('puts a request id and security headers on every response', async () => {
    const res = await ctx.client().get('/healthz');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('answers CORS preflights only for the web origin', async () => {
    const allowed = await ctx.app.inject({ method: 'OPTIONS', url: '/api/me', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const other = await ctx.app.inject({ method: 'OPTIONS', url: '/api/me', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers 503 on /readyz when the database stops answering', async () => {
    const another = await ctx.buildAnotherApp();
    const database = another.database;
    const original = database.ping;
    database.ping = async () => {
      throw new Error('connection terminated');
    };
    try {
      const res = await another.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(JSON.parse(res.body).error).toBe('database_unavailable');
    } finally {
      database.ping = original;
    }
  });
});

describe('metrics and the OpenAPI description outside development', () => {
  it('answer only the operator token by default in production, and everyone when METRICS_AND_DOCS_PUBLIC=true', async () => {
    const production = await ctx.buildAnotherApp({ env: { NODE_ENV: 'production' } });
    for (const url of ['/metrics', '/docs']) {
      const anonymous = await production.inject({ method: 'GET', url });
      expect(anonymous.statusCode, url).toBe(401);
      expect(JSON.parse(anonymous.body)).toEqual({ error: 'operator_only', message: expect.any(String) });
      const operator = await production.inject({ method: 'GET', url, headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
      expect(operator.statusCode, url).toBe(200);
    }
    const open = await ctx.buildAnotherApp({ env: { NODE_ENV: 'production', METRICS_AND_DOCS_PUBLIC: 'true' } });
    expect((await open.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    expect((await production.inject({ method: 'GET', url: '/healthz' })).statusCode, 'health stays open').toBe(200);
  });
});

describe('feature flag', () => {
  it('removes every Tempus route with TEMPUS_ENABLED=false', async () => {
    const off = await ctx.buildAnotherApp({ env: { TEMPUS_ENABLED: 'false' } });
    for (const [method, url] of [
      ['GET', '/api/tempus/status'],
      ['POST', '/api/tempus/connect'],
      ['POST', '/api/tempus/sync'],
      ['GET', '/api/tempus/callback?code=x&state=y'],
    ] as const) {
      const res = await off.inject({ method, url });
      expect(res.statusCode, url).toBe(404);
    }
    expect(off.tempus).toBeNull();
  });
});

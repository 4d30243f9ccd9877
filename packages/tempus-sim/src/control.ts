// The /_sim/* HTTP control API (only in control mode). Each endpoint mirrors one
// in-process function of TempusSim, so tests in other processes (e.g. the web app's
// end-to-end tests) can arrange state the same way in-process tests do.
import { SimInputError } from './errors.js';
import type { HttpResult, RequestContext, Route } from './http.js';
import { json, readBody } from './http.js';
import type { FaultSpec, MalformedKind, SimShiftInput, SimUser, TempusSim } from './types.js';
import { parseRfc3339 } from './zoned-time.js';

type JsonObject = Record<string, unknown>;

async function readJson(ctx: RequestContext): Promise<JsonObject> {
  const text = await readBody(ctx.req);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SimInputError('Body must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SimInputError('Body must be a JSON object');
  }
  return value as JsonObject;
}

function optionalNumber(body: JsonObject, field: string): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SimInputError(`${field} must be a number`);
  return value;
}

function requireString(body: JsonObject, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new SimInputError(`${field} is required`);
  return value;
}

function requireDate(text: string, field: string): Date {
  const ms = parseRfc3339(text);
  if (ms === null) throw new SimInputError(`${field} must be an RFC 3339 timestamp`);
  return new Date(ms);
}

const noContent: HttpResult = { status: 204 };

export function controlRoutes(sim: TempusSim): Route[] {
  const route = (method: string, pattern: string, handler: (ctx: RequestContext, body: JsonObject) => HttpResult): Route => ({
    method,
    pattern,
    handler: async (ctx) => handler(ctx, method === 'GET' ? {} : await readJson(ctx)),
  });
  const param = (ctx: RequestContext, name: string): string => ctx.params[name] as string;

  return [
    route('GET', '/_sim/users', () => json(200, sim.users.list())),
    route('POST', '/_sim/users', (_ctx, body) =>
      json(201, sim.users.create(body as Partial<SimUser> & { email: string; name: string })),
    ),
    route('GET', '/_sim/users/:id/shifts', (ctx) =>
      json(200, sim.shifts.list(param(ctx, 'id'), { includeDeleted: ctx.query.get('includeDeleted') === 'true' })),
    ),
    route('POST', '/_sim/seed', (_ctx, body) =>
      json(
        201,
        sim.seed({
          users: optionalNumber(body, 'users') ?? 1,
          seed: optionalNumber(body, 'seed') ?? 1,
          from: requireDate(requireString(body, 'from'), 'from'),
          to: requireDate(requireString(body, 'to'), 'to'),
          shiftsPerUser: optionalNumber(body, 'shiftsPerUser'),
        }),
      ),
    ),
    route('POST', '/_sim/clients', (_ctx, body) => {
      const redirectUris = body.redirectUris;
      if (!Array.isArray(redirectUris) || !redirectUris.every((u) => typeof u === 'string')) {
        throw new SimInputError('redirectUris must be an array of strings');
      }
      sim.addClient({
        clientId: requireString(body, 'clientId'),
        clientSecret: requireString(body, 'clientSecret'),
        redirectUris,
      });
      return noContent;
    }),
    route('POST', '/_sim/shifts', (_ctx, body) => {
      const input: JsonObject = { ...body };
      delete input.userId;
      return json(201, sim.shifts.add(requireString(body, 'userId'), input as unknown as SimShiftInput));
    }),
    route('PATCH', '/_sim/shifts/:id', (ctx, body) =>
      json(200, sim.shifts.update(param(ctx, 'id'), body as Partial<SimShiftInput>)),
    ),
    route('POST', '/_sim/shifts/:id/cancel', (ctx) => json(200, sim.shifts.cancel(param(ctx, 'id')))),
    route('DELETE', '/_sim/shifts/:id', (ctx) => {
      sim.shifts.delete(param(ctx, 'id'));
      return noContent;
    }),
    route('POST', '/_sim/faults', (_ctx, body) => {
      sim.faults.fail(body as unknown as FaultSpec);
      return noContent;
    }),
    route('POST', '/_sim/faults/latency', (_ctx, body) => {
      const path = body.path;
      if (path !== undefined && typeof path !== 'string') throw new SimInputError('path must be a string');
      sim.faults.latency(optionalNumber(body, 'ms') ?? 0, path);
      return noContent;
    }),
    route('POST', '/_sim/faults/malformed', (_ctx, body) => {
      sim.faults.malformedShifts(requireString(body, 'kind') as MalformedKind, optionalNumber(body, 'count'));
      return noContent;
    }),
    route('POST', '/_sim/faults/deprecate', (_ctx, body) => {
      const sunset = body.sunset;
      if (sunset !== null && typeof sunset !== 'string') throw new SimInputError('sunset must be a timestamp or null');
      sim.faults.deprecate(sunset === null ? null : requireDate(sunset, 'sunset'));
      return noContent;
    }),
    route('POST', '/_sim/faults/remove-version', (_ctx, body) => {
      if (typeof body.removed !== 'boolean') throw new SimInputError('removed must be a boolean');
      sim.faults.removeVersion(body.removed);
      return noContent;
    }),
    route('DELETE', '/_sim/faults', () => {
      sim.faults.clear();
      return noContent;
    }),
    route('POST', '/_sim/grants/revoke', (_ctx, body) => {
      sim.grants.revokeUser(requireString(body, 'userId'));
      return noContent;
    }),
    route('POST', '/_sim/token-lifetimes', (_ctx, body) => {
      sim.setTokenLifetimes({
        accessTokenTtlSeconds: optionalNumber(body, 'accessTokenTtlSeconds'),
        refreshTokenTtlDays: optionalNumber(body, 'refreshTokenTtlDays'),
        refreshGraceSeconds: optionalNumber(body, 'refreshGraceSeconds'),
      });
      return noContent;
    }),
    route('GET', '/_sim/clock', () => json(200, { now: sim.clock.now().toISOString() })),
    route('POST', '/_sim/clock', (_ctx, body) => {
      if (typeof body.set === 'string') sim.clock.set(requireDate(body.set, 'set'));
      else if (body.set !== undefined) throw new SimInputError('set must be a timestamp');
      const advanceMs = optionalNumber(body, 'advanceMs');
      if (advanceMs !== undefined) sim.clock.advance(advanceMs);
      return json(200, { now: sim.clock.now().toISOString() });
    }),
    route('POST', '/_sim/auto-decision', (_ctx, body) => {
      const decision = body.decision;
      if (decision !== 'approve' && decision !== 'deny') throw new SimInputError('decision must be approve or deny');
      sim.setAutoDecision(decision);
      return noContent;
    }),
    route('GET', '/_sim/requests', () => json(200, sim.requests)),
    route('GET', '/_sim/counters', () => json(200, sim.counters)),
    route('POST', '/_sim/reset-counters', () => {
      sim.resetCounters();
      return noContent;
    }),
  ];
}

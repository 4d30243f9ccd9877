// Public types of the simulator's programmatic API. Other packages code against these
// shapes, so fields are only ever added here, never changed.

export interface SimClientConfig {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface SimOptions {
  /** 0 = random free port (default 0). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  clients?: SimClientConfig[];
  /** Expose the /_sim/* HTTP control endpoints (default false). */
  control?: boolean;
  /** GET /oauth/authorize approves at once without a page (default false). */
  autoApprove?: boolean;
  /** Defaults 10 requests/s sustained, burst 20, 5000 requests/hour. */
  rateLimit?: { ratePerSecond?: number; burst?: number; hourly?: number };
  /** Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Initial simulated time; default real now. The sim clock then advances in real time. */
  startTime?: Date;
}

export interface SimUser {
  id: string;
  email: string;
  name: string;
  timezone: string;
  employer: string;
  password: string;
}

export interface SimShiftInput {
  id?: string;
  shift_type: string;
  start_time: string;
  end_time: string;
  status?: 'scheduled' | 'cancelled';
  location?: string | null;
  note?: string | null;
}

export interface SimShift {
  id: string;
  userId: string;
  shift_type: string;
  start_time: string;
  end_time: string;
  status: 'scheduled' | 'cancelled';
  location: string | null;
  note: string | null;
  updated_at: string;
  deleted: boolean;
}

export interface FaultSpec {
  status: number;
  /**
   * Without a body the fault answers as the contract says for its status (JSON error body,
   * Retry-After on 429 and 503); with one it is sent as given, like a proxy's response.
   */
  body?: string;
  headers?: Record<string, string>;
  contentType?: string;
  /** Path prefix filter, e.g. '/api/v1/schedules'. */
  path?: string;
  /** Fail the next N matching requests (default 1). */
  count?: number;
  /** Or: fail this fraction of matching requests until cleared. */
  fraction?: number;
}

export type MalformedKind =
  | 'wrong_types'
  | 'missing_field'
  | 'end_before_start'
  | 'huge_shift_type'
  | 'duplicate_ids'
  | 'html_body'
  | 'huge_page'
  | 'unknown_fields';

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  time: string;
  status: number;
  clientId: string | null;
  grantId: string | null;
}

export interface SimCounters {
  requests: number;
  rateLimited: number;
  refreshReuseDetected: number;
  /** Refresh requests that presented a refresh token already rotated (within its grace or not). */
  rotatedRefreshTokenUses: number;
  revocations: number;
  refreshes: number;
  codesExchanged: number;
}

export interface SeedOptions {
  users: number;
  seed: number;
  from: Date;
  to: Date;
  shiftsPerUser?: number;
}

export interface TempusSim {
  /** Base URL for both TEMPUS_AUTH_URL and TEMPUS_API_URL, e.g. http://127.0.0.1:43123. */
  url: string;
  close(): Promise<void>;
  clock: { now(): Date; set(t: Date): void; advance(ms: number): void };
  addClient(c: SimClientConfig): void;
  users: {
    create(u: Partial<SimUser> & { email: string; name: string }): SimUser;
    get(idOrEmail: string): SimUser | undefined;
    list(): SimUser[];
  };
  shifts: {
    /** updated_at = clock now. */
    add(userId: string, s: SimShiftInput): SimShift;
    /** Bumps updated_at; a move is an update of the times. */
    update(shiftId: string, patch: Partial<SimShiftInput>): SimShift;
    cancel(shiftId: string): SimShift;
    /** Leaves a tombstone for 30 days. */
    delete(shiftId: string): void;
    list(userId: string, opts?: { includeDeleted?: boolean }): SimShift[];
  };
  /** Deterministic realistic data. */
  seed(opts: SeedOptions): SimUser[];
  faults: {
    fail(spec: FaultSpec): void;
    latency(ms: number, path?: string): void;
    /** Applies to the next N successful schedules responses. */
    malformedShifts(kind: MalformedKind, count?: number): void;
    /** Deprecation: true + Sunset on /api/v1/*; null clears. */
    deprecate(sunset: Date | null): void;
    /** 410 Gone on /api/v1/*. */
    removeVersion(removed: boolean): void;
    clear(): void;
  };
  grants: { revokeUser(userId: string): void };
  setTokenLifetimes(o: { accessTokenTtlSeconds?: number; refreshTokenTtlDays?: number; refreshGraceSeconds?: number }): void;
  setAutoDecision(d: 'approve' | 'deny'): void;
  /** Live array, newest last. */
  requests: RequestLogEntry[];
  counters: SimCounters;
  /** Clears counters and the request log. */
  resetCounters(): void;
}

/**
 * What a database error means for the caller, read through wrapped errors (Drizzle wraps
 * the driver's): "the database is not answering" (refused or dropped connections, a server
 * shutting down, pool timeouts), so callers can answer 503 or record a sync as failed for
 * that reason rather than as a bug; and PostgreSQL's "data exception" (a value it cannot
 * store), which only a client's value can cause.
 */
const DATABASE_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001', '08003']);
const DATABASE_DOWN_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i;
/** PostgreSQL's class 22: a NUL character in text, a value out of range, an invalid date. */
const DATA_EXCEPTION_CODE = /^22[0-9A-Z]{3}$/;
const MAX_CAUSE_DEPTH = 5;

/** True when the error, or one of the errors it was caused by, satisfies `test`. */
function anyCause(error: unknown, test: (code: unknown, message: unknown) => boolean): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < MAX_CAUSE_DEPTH; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (test(code, message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

export function isDatabaseDown(error: unknown): boolean {
  return anyCause(
    error,
    (code, message) =>
      (typeof code === 'string' && DATABASE_DOWN_CODES.has(code)) || (typeof message === 'string' && DATABASE_DOWN_MESSAGE.test(message)),
  );
}

export function isDataException(error: unknown): boolean {
  return anyCause(error, (code) => typeof code === 'string' && DATA_EXCEPTION_CODE.test(code));
}

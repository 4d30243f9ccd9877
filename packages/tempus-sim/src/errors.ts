// Errors raised by the simulator's in-process API. The control endpoints map them to
// 400 and 404 so HTTP callers get the same validation as in-process callers.

export class SimInputError extends Error {
  override readonly name = 'SimInputError';
}

export class SimNotFoundError extends Error {
  override readonly name = 'SimNotFoundError';
}

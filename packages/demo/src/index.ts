/** Helpers to run the whole product locally: used by `pnpm demo`, the tests and the benchmarks. */
export * from './http-session.js';
export * from './postgres.js';
export * from './processes.js';

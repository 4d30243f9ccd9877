/** Helpers to run the whole product locally: used by `pnpm demo` and the web app's browser tests. */
export * from './http-session.js';
export * from './processes.js';

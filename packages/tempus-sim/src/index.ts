// Public entry point of @familyhub/tempus-sim: the simulator and its seed generator.
export { startTempusSim } from './server.js';
export { generateShifts, generateUsers } from './seed.js';
export type { GenerateShiftsOptions, GenerateUsersOptions } from './seed.js';
export type * from './types.js';

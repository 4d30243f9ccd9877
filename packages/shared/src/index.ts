/**
 * Request and response shapes of the Family Hub HTTP API, shared by the API (route
 * schemas, OpenAPI) and the web app (types), so the two can never drift apart.
 */
export * from './accounts.js';
export * from './calendar.js';
export * from './errors.js';
export * from './people.js';
export * from './tempus.js';
export * from './subscriptions.js';
export * from './children.js';
export * from './pickups.js';
export * from './notifications.js';
export * from './handover-wording.js';

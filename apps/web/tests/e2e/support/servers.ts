/**
 * How each built server starts, relative to a folder scripts/deploy.sh filled: the
 * production smoke test runs exactly these, and the compose test holds the images to them.
 */
export const SERVER_SCRIPTS = {
  api: 'apps/api/dist/server.js',
  web: 'apps/web/build/index.js',
  'tempus-sim': 'packages/tempus-sim/dist/cli.js',
} as const;

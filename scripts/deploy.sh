#!/usr/bin/env bash
# Copies built servers, each with its production dependencies only (`pnpm deploy --prod`,
# offline from the pnpm store), into TARGET in the repository's layout, so each starts
# with plain node and nothing of the workspace's development tools:
#   api         node apps/api/dist/server.js       (migrations from drizzle/ beside it)
#   web         node apps/web/build/index.js
#   tempus-sim  node packages/tempus-sim/dist/cli.js
# Run `pnpm install` and `pnpm build` first. Used by the Dockerfiles and by the production
# smoke test (apps/web/tests/e2e/production.test.ts), so both run the same artefacts.
# Usage: scripts/deploy.sh TARGET [api|web|tempus-sim]...   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:?usage: scripts/deploy.sh TARGET [api|web|tempus-sim]...}"
shift
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(api web tempus-sim)

# The deploy injects the workspace packages it copies (for this command only), so it installs
# from the workspace's lockfile and the store alone; the older `--legacy` deploy resolves
# versions again and needs registry metadata that a fresh `pnpm install` does not cache.
deploy() {
  pnpm --filter "$1" deploy --config.inject-workspace-packages=true --prod --offline "$target/$2" >/dev/null
}

for part in "${parts[@]}"; do
  case "$part" in
    api)
      deploy @familyhub/api apps/api
      cp -R drizzle "$target/drizzle"
      ;;
    web) deploy @familyhub/web apps/web ;;
    tempus-sim) deploy @familyhub/tempus-sim packages/tempus-sim ;;
    *) echo "unknown part: $part (api, web or tempus-sim)" >&2; exit 1 ;;
  esac
done

#!/usr/bin/env bash
# The Dockerfile's steps without Docker: build, then assemble the runtime stage in a temporary
# directory (package files, production dependencies only, dist/ and schema/), start it as the image
# would (NODE_ENV=production, demo mode asked for with DEMO=true) and answer a query. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
runtime="$(mktemp -d)"
trap 'rm -rf "$runtime"' EXIT
cp package.json package-lock.json "$runtime/"
cp -r dist schema "$runtime/"
(cd "$runtime" && npm ci --omit=dev --no-audit --no-fund --prefer-offline > /dev/null)
PORT="${SMOKE_PORT:-4100}"
export PORT NODE_ENV=production DEMO=true SIM_FIREWORKS_PORT=4111 SIM_RUNAI_PORT=4112 SIM_GITPOD_PORT=4113
(cd "$runtime" && exec node dist/src/main.js) > /tmp/fleetgraph-smoke.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$runtime"' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1; then break; fi
  sleep 0.2
done
answer=$(curl -fsS "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' \
  -d '{"query":"{ clusters(first: 1) { totalCount nodes { name } } }"}')
echo "smoke: $answer"
echo "$answer" | grep -q '"totalCount":4' || { echo "smoke: unexpected answer"; cat /tmp/fleetgraph-smoke.log; exit 1; }
kill -TERM $pid
wait $pid && echo "smoke: gateway stopped cleanly"

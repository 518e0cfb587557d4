#!/usr/bin/env bash
# The Dockerfile's steps without Docker: build, start the compiled gateway (demo mode, embedded
# simulators on their own ports) and answer a query. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
PORT="${SMOKE_PORT:-4100}"
export PORT NODE_ENV=production SIM_FIREWORKS_PORT=4111 SIM_RUNAI_PORT=4112 SIM_GITPOD_PORT=4113 INTROSPECTION=false
node dist/src/main.js > /tmp/fleetgraph-smoke.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1; then break; fi
  sleep 0.2
done
answer=$(curl -fsS "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' \
  -d '{"query":"{ clusters(first: 1) { totalCount nodes { name } } }"}')
echo "smoke: $answer"
echo "$answer" | grep -q '"totalCount":4' || { echo "smoke: unexpected answer"; cat /tmp/fleetgraph-smoke.log; exit 1; }
kill -TERM $pid
wait $pid && echo "smoke: gateway stopped cleanly"

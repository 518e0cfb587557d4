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
# A subgraph secret, so production also serves /subgraph (checked below).
SUBGRAPH_SECRET="smoke-subgraph-secret-$$-$RANDOM"
export PORT NODE_ENV=production DEMO=true SIM_FIREWORKS_PORT=$((PORT + 11)) SIM_RUNAI_PORT=$((PORT + 12)) SIM_GITPOD_PORT=$((PORT + 13)) SUBGRAPH_SECRET
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
entity=$(curl -fsS "http://127.0.0.1:$PORT/subgraph" -H 'content-type: application/json' \
  -H "x-fleetgraph-subgraph-secret: $SUBGRAPH_SECRET" \
  -d '{"query":"{ _entities(representations: [{ __typename: \"Cluster\", name: \"us-east-1-prod\" }]) { ... on Cluster { name } } }"}')
echo "smoke: $entity"
echo "$entity" | grep -q 'clusters/us-east-1-prod' || { echo "smoke: unexpected subgraph answer"; cat /tmp/fleetgraph-smoke.log; exit 1; }
# The scrape shows the query's one vendor call.
metrics=$(curl -fsS "http://127.0.0.1:$PORT/metrics")
grep -q '^fleetgraph_upstream_requests_total{vendor="fireworks",operation="ListClusters",outcome="2xx"} 1$' <<< "$metrics" \
  || { echo "smoke: /metrics does not show the ListClusters call"; exit 1; }
echo "smoke: /metrics shows the ListClusters call"
kill -TERM $pid
wait $pid && echo "smoke: gateway stopped cleanly"

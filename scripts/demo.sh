#!/usr/bin/env bash
# The README's demo: a real sync end to end against local Redis, NATS JetStream and the bundled
# Kalshi simulator. Installs what is missing, starts servers that do not answer, runs a full
# sync, moves markets through their lifecycle, runs an incremental sync, and shows the seed's
# Redis queries and the published events.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/services.sh start

ENV=${DEMO_ENV:-demo-$(date +%s)}
MARKETS=${DEMO_MARKETS:-5000}
simlog=$(mktemp)
node dist/sim/main.js --port 0 --captures --markets "$MARKETS" --seed 7 >"$simlog" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q '"url"' "$simlog" && break; sleep 0.1; done
URL=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$simlog" | head -n 1)
[ -n "$URL" ] || { echo "demo: the simulator did not start:"; cat "$simlog"; exit 1; }
ADMIN=${URL%/trade-api/v2}

export KALSHI_API_URL=$URL KALSHI_READ_RATE=200 LOG_LEVEL=warn
if curl -fsS -o /dev/null "http://127.0.0.1:9091/-/ready" 2>/dev/null; then export PUSHGATEWAY_URL=http://127.0.0.1:9091; fi
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Kalshi simulator at $URL ($MARKETS generated markets + the real captures); ENV $ENV"
say "secmaster sync $ENV --mode full"
node dist/cli/main.js sync "$ENV" --mode full

say "A connector (src/examples/connector.ts) warms its cache and follows 5 active sports markets"
connlog=$(mktemp)
node dist/examples/connector.js "$ENV" --category Sports --max 5 --seconds 20 >"$connlog" 2>&1 &
conn=$!
trap 'kill $sim $conn 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q 'cache ready' "$connlog" && break; sleep 0.1; done
cat "$connlog"

say "Markets move through their lifecycle (open, pause, close, determine, settle, new listings)"
curl -fsS -X POST "$ADMIN/_sim/step?n=400&seed=11" | head -c 600; echo ' ...'
# Settle one of the connector's markets, so it has something to unsubscribe from.
followed=$(sed -n 's/.*SUBSCRIBE \([^ ]*\) (active).*/\1/p' "$connlog" | head -n 1)
if [ -n "$followed" ]; then
  curl -fsS -X POST "$ADMIN/_sim/markets/$followed/determine?result=yes" >/dev/null || true
  curl -fsS -X POST "$ADMIN/_sim/markets/$followed/settle" >/dev/null || true
fi
sleep 1.1

say "secmaster sync $ENV --mode incremental"
node dist/cli/main.js sync "$ENV" --mode incremental

T=$(redis-cli --raw ZRANGE "$ENV:secmaster:markets:expiring" 0 0)
say "HGET $ENV:secmaster:markets $T"
redis-cli --raw HGET "$ENV:secmaster:markets" "$T" | cut -c1-400; echo '...'
say "SMEMBERS $ENV:secmaster:markets:by_category:sports (first 5 of $(redis-cli SCARD "$ENV:secmaster:markets:by_category:sports"))"
redis-cli --raw SMEMBERS "$ENV:secmaster:markets:by_category:sports" | sed -n 1,5p
NOW=$(date +%s)
say "ZRANGEBYSCORE $ENV:secmaster:markets:expiring 0 $((NOW + 86400)) (first 5 of $(redis-cli ZCOUNT "$ENV:secmaster:markets:expiring" 0 $((NOW + 86400))))"
redis-cli --raw ZRANGEBYSCORE "$ENV:secmaster:markets:expiring" 0 $((NOW + 86400)) LIMIT 0 5
say "GET $ENV:secmaster:last_sync"
redis-cli --raw GET "$ENV:secmaster:last_sync"
say "What the connector saw of the incremental sync"
sleep 1
kill -INT $conn 2>/dev/null || true
wait $conn 2>/dev/null || true
sed -n '6,$p' "$connlog"
say "The last events on $ENV.secmaster.changes (market bodies left out)"
node scripts/show-events.mjs "$ENV" 8
say "Done. Try: node dist/cli/main.js --help   (the simulator stops with this script)"

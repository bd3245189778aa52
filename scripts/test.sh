#!/usr/bin/env bash
# Install everything the test suite needs and run the whole suite: one command, on a fresh machine.
#   bash scripts/test.sh [pytest args...]
# It creates .venv, installs ownerscope with its test extras, installs Debian's chromium (browser tests)
# and docker-compose (compose file validation) when missing, builds and starts a real Neo4j 5.26 server
# from Maven Central (tools/neo4j), runs pytest against it and the embedded store, and stops Neo4j.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV=${OWNERSCOPE_VENV:-$ROOT/.venv}
PY=${PYTHON:-python3}
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

say() { printf '\n==> %s\n' "$*" >&2; }

apt_install() {  # apt_install PACKAGE... (only what is missing)
  say "installing Debian packages: $*"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# the PDF report's embedded Unicode fonts: DejaVu Sans (Latin, Cyrillic, Arabic...) and a CJK fallback
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || missing+=(fonts-droid-fallback)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV"
  "$PY" -m venv "$VENV"
fi
say "installing ownerscope[test] into $VENV"
"$VENV/bin/pip" install -q --upgrade pip >/dev/null
"$VENV/bin/pip" install -q -e ".[test]"

PORT=${OWNERSCOPE_TEST_NEO4J_PORT:-17687}
export OWNERSCOPE_NEO4J_PORT=$PORT
export OWNERSCOPE_NEO4J_PASSWORD=${OWNERSCOPE_TEST_NEO4J_PASSWORD:-ownerscope-test}
export OWNERSCOPE_TEST_NEO4J_PASSWORD=$OWNERSCOPE_NEO4J_PASSWORD
say "starting Neo4j (tools/neo4j/neo4j-test-server) on port $PORT"
started_here=0
if ! tools/neo4j/neo4j-test-server status --port "$PORT" >/dev/null 2>&1; then started_here=1; fi
URL=$(tools/neo4j/neo4j-test-server start --port "$PORT" --fresh)
export OWNERSCOPE_TEST_NEO4J_URL=$URL
cleanup() { [ "$started_here" = 1 ] && tools/neo4j/neo4j-test-server stop --port "$PORT" >/dev/null 2>&1 || true; }
trap cleanup EXIT
say "Neo4j is up at $URL"

say "running the test suite"
set +e
"$VENV/bin/python" -m pytest -p no:cacheprovider --timeout 600 "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then
  echo "error: pytest collected no tests" >&2
fi
exit "$rc"

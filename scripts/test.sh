#!/usr/bin/env bash
# make test: unit tests (swift test) then integration tests (pytest: the real responder behind a
# real nginx, Apache mod_proxy_fcgi and Apache mod_fcgid, on a real SQLite file).
# Runs unattended (CI=true, no stdin). Exits non-zero if either suite fails.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

scripts/install-deps.sh

echo "== swift format lint --strict (.swift-format)"
swift format lint --strict --recursive Sources Tests Package.swift

echo "== swift build --build-tests"
swift build --build-tests

echo "== unit tests (swift test)"
unit=0
swift test --skip-build || unit=$?

echo "== integration tests (pytest Tests/integration)"
bin_dir=$(swift build --show-bin-path)
integration=0
SCIMSYNC_BIN_DIR="$bin_dir" python3 -m pytest -q Tests/integration || integration=$?

echo
echo "unit tests:        $([ $unit -eq 0 ] && echo passed || echo "FAILED (exit $unit)")"
echo "integration tests: $([ $integration -eq 0 ] && echo passed || echo "FAILED (exit $integration)")"
[ $unit -eq 0 ] && [ $integration -eq 0 ]

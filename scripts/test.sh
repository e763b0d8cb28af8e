#!/usr/bin/env bash
# make test: unit tests (swift test), a short run of every fuzz target (scripts/fuzz.sh, FUZZ_SECONDS
# each, default 15), then integration tests (pytest: the real responder behind a real nginx, Apache
# mod_proxy_fcgi and Apache mod_fcgid, on a real SQLite file).
# Runs unattended (CI=true, no stdin). Exits non-zero if any of them fails.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

scripts/install-deps.sh

echo "== swift format lint --strict (.swift-format)"
swift format lint --strict --recursive Sources Tests Package.swift Fuzz/Package.swift Fuzz/Sources

echo "== swift build --build-tests"
swift build --build-tests

echo "== unit tests (swift test)"
unit=0
swift test --skip-build || unit=$?

echo "== fuzz targets (scripts/fuzz.sh all ${FUZZ_SECONDS:-15})"
fuzz=0
scripts/fuzz.sh all "${FUZZ_SECONDS:-15}" || fuzz=$?

echo "== integration tests (pytest Tests/integration)"
bin_dir=$(swift build --show-bin-path)
integration=0
SCIMSYNC_BIN_DIR="$bin_dir" python3 -m pytest -q Tests/integration || integration=$?

echo
echo "unit tests:        $([ $unit -eq 0 ] && echo passed || echo "FAILED (exit $unit)")"
echo "fuzz targets:      $([ $fuzz -eq 0 ] && echo passed || echo "FAILED (exit $fuzz)")"
echo "integration tests: $([ $integration -eq 0 ] && echo passed || echo "FAILED (exit $integration)")"
[ $unit -eq 0 ] && [ $fuzz -eq 0 ] && [ $integration -eq 0 ]

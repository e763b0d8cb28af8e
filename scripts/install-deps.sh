#!/usr/bin/env bash
# Installs the Debian packages ScimSync needs to build, run and test, only when one is missing.
set -euo pipefail
packages=(libpcre2-dev libfcgi-dev libfcgi-bin libsqlite3-dev sqlite3 nginx apache2 libapache2-mod-fcgid wrk curl spawn-fcgi jq e2fsprogs strace
  chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts the packaged daemons on install; ScimSync runs its own private instances.
for svc in nginx apache2; do
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
  service "$svc" stop >/dev/null 2>&1 || true
done
# The fuzz targets (scripts/fuzz.sh) link libFuzzer and AddressSanitizer from the Swift toolchain's
# own clang runtime, with the toolchain's lld; no Debian package matches its compiler.
toolchain_bin="$(dirname "$(readlink -f "$(command -v swiftc)")")"
for runtime in fuzzer asan; do
  compgen -G "$toolchain_bin/../lib/clang/*/lib/linux/libclang_rt.$runtime-$(uname -m).a" >/dev/null || {
    echo "The Swift toolchain in $toolchain_bin has no libclang_rt.$runtime; scripts/fuzz.sh needs a toolchain from swift.org." >&2
    exit 1
  }
done
[ -x "$toolchain_bin/ld.lld" ] || { echo "The Swift toolchain in $toolchain_bin has no ld.lld; scripts/fuzz.sh links with it." >&2; exit 1; }
python3 -c 'import pytest, requests, scim2_tester, jsonschema, prometheus_client, crowd, lxml, selenium' 2>/dev/null ||
  pip install -q pytest requests 'scim2-tester[httpx2]==0.5.2' jsonschema 'prometheus-client==0.26.0' 'crowd==3.1.0' 'lxml==6.1.3' 'selenium==4.40.0'

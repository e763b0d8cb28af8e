#!/usr/bin/env bash
# The responder's instructions per request, counted by valgrind's callgrind: the same count for
# the same binary and requests whatever else the machine does, so two builds compare to the
# instruction where wrk's req/s moves by a third from hour to hour. User space only (the kernel's
# accept, read and write are not counted), one worker thread, no web server: FastCGI requests
# come straight over the Unix socket from bench/fcgi_client.py, one connection each, as nginx
# sends them.
#
#   bench/instructions.sh BIN_DIR [BIN_DIR ...]     BIN_DIR holds scimsync and scimsync-fcgi
#
# For each build: a fresh database of INSTR_USERS users (created through POST /Users by a plain
# responder of that build), then under callgrind INSTR_WARMUP requests of each kind, the counters
# zeroed, INSTR_REQUESTS requests, the count divided by them. Kinds: INSTR_KINDS [get filter post]
# (GET /Users/{id}, a userName eq filter, POST /Users, each created alone: its commit is not
# shared) and, when asked for, bulk (POST /Bulk with 100 creates each: the count is per create),
# walk and cursor (pages of 100 users read in order by startIndex or by cursor, as an import does).
# INSTR_KEEP=1 keeps the callgrind files (callgrind_annotate reads them) in the
# directory the script prints.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=$PWD/bench
USERS=${INSTR_USERS:-2000}
WARMUP=${INSTR_WARMUP:-100}
REQUESTS=${INSTR_REQUESTS:-500}
KINDS=${INSTR_KINDS:-get filter post}

die() { echo "instructions: $*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: bench/instructions.sh BIN_DIR [BIN_DIR ...]"
command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
command -v callgrind_control >/dev/null || die "callgrind_control is missing (Debian's valgrind has it)"

WORK=$(mktemp -d /tmp/scimsync-instructions.XXXXXX)
trap '[ "${INSTR_KEEP:-0}" = 1 ] || rm -rf "$WORK"; kill $(jobs -p) 2>/dev/null || true' EXIT

wait_for_socket() {
  for _ in $(seq 200); do [ -S "$1" ] && return 0; sleep 0.1; done
  die "no socket at $1 (log: $2)"
}

# Sets TOKEN; the database at $1 with USERS users listed in $2.
prepare() {
  local bin=$1 db=$2 users=$3 socket=$4
  "$bin/scimsync" --database "$db" init >/dev/null
  "$bin/scimsync" --database "$db" directory create bench >/dev/null
  TOKEN=$("$bin/scimsync" --database "$db" app create bench --provider generic --directory bench --json \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  "$bin/scimsync" --database "$db" app set-rate-limit bench --per-second 100000 --burst 1000000 >/dev/null
  "$bin/scimsync-fcgi" --socket "$socket" --socket-mode 0600 --database "$db" --workers 1 --threads 1 \
    >"$WORK/seed.log" 2>&1 &
  local pid=$!
  wait_for_socket "$socket" "$WORK/seed.log"
  python3 "$BENCH_DIR/fcgi_client.py" --socket "$socket" --token "$TOKEN" --kind post --count "$USERS" --out "$users"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
}

printf '| build | %s |\n|---|%s\n' "$(echo "$KINDS" | sed 's/ / | /g')" "$(for _ in $KINDS; do printf -- '---:|'; done)"
for bin in "$@"; do
  [ -x "$bin/scimsync-fcgi" ] && [ -x "$bin/scimsync" ] || die "$bin has no scimsync and scimsync-fcgi"
  name=$(basename "$bin")
  dir=$WORK/$name
  mkdir -p "$dir"
  db=$dir/scimsync.sqlite
  socket=$dir/fcgi.sock
  prepare "$bin" "$db" "$dir/users.tsv" "$socket"
  # valgrind 3.19 cannot read the DWARF of Swift 6.3 binaries: a copy without it keeps the symbols.
  objcopy --strip-debug "$bin/scimsync-fcgi" "$dir/scimsync-fcgi"
  row="| $name |"
  for kind in $KINDS; do
    rm -f "$socket"
    valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.$kind" "$dir/scimsync-fcgi" --socket "$socket" \
      --socket-mode 0600 --database "$db" --workers 1 --threads 1 >"$dir/$kind.log" 2>&1 &
    pid=$!
    wait_for_socket "$socket" "$dir/$kind.log"
    client() { python3 "$BENCH_DIR/fcgi_client.py" --socket "$socket" --token "$TOKEN" --kind "$kind" --count "$1" \
      --users "$dir/users.tsv" --out "$dir/created-$kind-$1.tsv" --prefix "$kind$1-"; }
    client "$WARMUP"
    callgrind_control -z "$pid" >/dev/null 2>&1
    client "$REQUESTS"
    callgrind_control -d "$pid" >/dev/null 2>&1
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
    dump=$(ls -t "$dir/callgrind.$kind".* | head -1)
    total=$(awk '/^(summary|totals):/ {print $2; exit}' "$dump")
    row="$row $((total / REQUESTS)) |"
  done
  echo "$row"
done
[ "${INSTR_KEEP:-0}" = 1 ] && echo "callgrind files: $WORK/*/callgrind.*" || true

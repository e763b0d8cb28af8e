#!/usr/bin/env bash
# The libFuzzer targets of Fuzz/ (built with -sanitize=fuzzer,address):
#   scripts/fuzz.sh TARGET SECONDS          fuzz one target (json filter patch query config rules crowd) for SECONDS
#   scripts/fuzz.sh all SECONDS             fuzz every target, one after the other, SECONDS each
#   scripts/fuzz.sh replay TARGET FILE...   run a target once on each file or directory (a crash, a corpus)
# The working corpus grows in .build-fuzz/corpus/TARGET (seeded from Fuzz/Corpus/TARGET, with the
# tokens of Fuzz/Dictionaries/TARGET.dict if there is one); crash inputs land in
# .build-fuzz/artifacts/TARGET/, the full log in .build-fuzz/logs/TARGET.log.
# Exits non-zero if any target crashes, leaks, times out on an input or runs out of memory.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(json filter patch query config rules crowd)
scratch=.build-fuzz

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# Inputs longer than the entry points accept teach nothing: a filter is refused past 4096
# characters; documents and bodies get room for a few apps or operations.
max_len() {
    case "$1" in
    filter) echo 4200 ;;
    query) echo 6000 ;;
    json | config) echo 16384 ;;
    patch | rules | crowd) echo 8192 ;;
    esac
}

is_target() {
    local t
    for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done
    return 1
}

build() {
    echo "== building the fuzz targets (Fuzz/, -sanitize=fuzzer,address, release)" >&2
    swift build --package-path Fuzz --scratch-path "$scratch" -c release \
        -Xswiftc -sanitize=fuzzer,address >&2
    bin_dir=$(swift build --package-path Fuzz --scratch-path "$scratch" -c release --show-bin-path)
}

# Leaks are findings, but those Fuzz/lsan.supp names (outside ScimSync). Swift's own backtracer
# would run inside ASan's signal handling and report itself; libFuzzer's handler prints the stack
# and writes the input.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$PWD/Fuzz/lsan.supp:print_suppressions=0}"
export SWIFT_BACKTRACE=enable=no

run_target() {
    local target=$1 seconds=$2
    local corpus=$scratch/corpus/$target artifacts=$scratch/artifacts/$target log=$scratch/logs/$target.log
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    local status=0
    # The database of the filter and query targets lives in TMPDIR; a crash leaves it behind.
    local tmp dict=()
    tmp=$(mktemp -d)
    [ ! -f "Fuzz/Dictionaries/$target.dict" ] || dict=(-dict="Fuzz/Dictionaries/$target.dict")
    TMPDIR=$tmp "$bin_dir/fuzz-$target" "$corpus" "Fuzz/Corpus/$target" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len="$(max_len "$target")" \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    rm -rf "$tmp"
    summarize "$target" "$seconds" "$log" "$status"
    return "$status"
}

# One line per target from libFuzzer's last status line and final stats.
summarize() {
    local target=$1 seconds=$2 log=$3 status=$4
    local execs rate cov corp crashes
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -1 | cut -d' ' -f2)
    crashes=$(grep -c 'Test unit written to' "$log" || true)
    printf 'fuzz %-7s %4ss  execs %-9s exec/s %-6s cov %-6s corpus %-12s crashes %s  %s\n' \
        "$target" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${corp:-?}" "$crashes" \
        "$([ "$status" -eq 0 ] && echo ok || echo "FAILED (exit $status)")"
    if [ "$status" -ne 0 ]; then
        grep -E '^input \(|ERROR: libFuzzer|ERROR: AddressSanitizer|Fatal error|SUMMARY|Test unit written' "$log" | head -20 | sed 's/^/    /'
        echo "    full log: $log"
    fi
}

replay() {
    local target=$1
    shift
    is_target "$target" || usage
    build
    local tmp status=0
    tmp=$(mktemp -d)
    TMPDIR=$tmp "$bin_dir/fuzz-$target" -runs=0 "$@" || status=$?
    rm -rf "$tmp"
    return "$status"
}

[ $# -ge 2 ] || usage
if [ "$1" = replay ]; then
    shift
    replay "$@"
    exit
fi
[[ $2 =~ ^[0-9]+$ ]] || usage
if [ "$1" = all ]; then
    selected=("${targets[@]}")
else
    is_target "$1" || usage
    selected=("$1")
fi
build
failed=0
for target in "${selected[@]}"; do
    run_target "$target" "$2" || failed=1
done
exit "$failed"

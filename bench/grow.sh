# A million users (issue 12, goals 4 and 7), sourced by bench/run.sh: after the per-worker-count
# scenarios, a directory of its own ("million") is built through POST /Bulk in steps (10,000 →
# 100,000 → 1,000,000 users by default, each step timed), and at every step the read scenarios
# run again against the same responder: GET, both eq filters, random count=100 pages, concurrent
# sequential startIndex walks and cursor walks (bench/lua/walk_*.lua), one whole walk as Okta's
# import makes it (bench/walk_users.py), and the responder's VmRSS and VmHWM after each. At the
# largest size, bench/rss_probe.py then sends the requests whose answers grow with the data (pages
# of 1,000, a large group's members) and reads the responder's memory around them.
#
# The rate at a size is compared with a reference measured beside it, in the same rounds: a
# directory of the first step's size in a database of its own, served by a second responder of
# the same build and worker count behind the same nginx (its own port). The steps are minutes
# apart, and this host's speed drifts by a fifth over minutes, so a ratio to the first step's
# rate measured the host as much as the directory; the first step's rates stay in the table.
#
#   BENCH_GROW_TO            users of the largest step; 0 skips the phase [1000000; quick: 20000]
#   BENCH_GROW_STEPS         the sizes measured, ascending [BENCH_USERS, 100000 if below
#                            BENCH_GROW_TO, BENCH_GROW_TO]
#   BENCH_GROW_SCENARIOS     measured at every step ["get_user filter_username filter_external_id
#                            list_users walk_index walk_cursor"]
#   BENCH_GROW_BULK          POST operations per /Bulk request while growing [1000]
#   BENCH_GROW_CONCURRENCY   /Bulk requests in flight while growing [2]
#   BENCH_GROW_WORKERS       responder workers of the phase [the first of BENCH_WORKERS]
#   BENCH_RSS_GROUP_MEMBERS  members of rss_probe.py's large group [200000; quick: 5000]

if [[ $QUICK == 1 ]]; then
  : "${BENCH_GROW_TO:=20000}" "${BENCH_RSS_GROUP_MEMBERS:=5000}"
fi
GROW_TO=${BENCH_GROW_TO:-1000000}
GROW_SCENARIOS=${BENCH_GROW_SCENARIOS:-"get_user filter_username filter_external_id list_users walk_index walk_cursor"}
GROW_BULK=${BENCH_GROW_BULK:-1000}
GROW_CONCURRENCY=${BENCH_GROW_CONCURRENCY:-2}
GROW_APP=million
# The wrk scripts read their ids from a random sample of this many users (a million ids in each
# wrk thread's Lua state cost seconds per run); a random sample reaches all over the tables.
GROW_SAMPLE=100000
# Extra arguments of bench/render.py, set when the phase ran.
RENDER_EXTRA=()
# The database whose keys the cursor walks start from: the grown one, or the reference's.
GROW_DB=""
# The reference directory (see above): its size, database, token, users and responder.
REF_USERS=0
REF_DB=""
REF_TOKEN=""
REF_USERS_FILE=""
REF_PID=""

grow_steps() {
  if [[ -n ${BENCH_GROW_STEPS:-} ]]; then echo "$BENCH_GROW_STEPS"; return; fi
  local steps=$USERS
  ((USERS < 100000 && 100000 < GROW_TO)) && steps+=" 100000"
  ((GROW_TO > USERS)) && steps+=" $GROW_TO"
  echo "$steps"
}

users_label() {  # N -> "1,000,000 users"
  echo "$(echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') users"
}

# The responder's resident memory, "VMRSS_KB VMHWM_KB" (/proc/PID/status).
responder_memory() {
  awk '/^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } END { print rss + 0, hwm + 0 }' "/proc/$REAL_PID/status"
}

rss_sample() {  # scenario users
  local rss hwm
  read -r rss hwm < <(responder_memory)
  printf '{"kind":"rss","scenario":"%s","users":%d,"round":%d,"rss_kb":%d,"hwm_kb":%d}\n' \
    "$1" "$2" "$ROUND" "$rss" "$hwm" >>"$GROW_LOG"
}

# Creates the phase's app and its directory in DATABASE, served at URL, its rate limit at its
# highest; prints its token.
grow_app_token() {  # database url
  local out
  "$BIN/scimsync" --database "$1" directory create "$GROW_APP" >>"$RUN/admin.log" 2>&1 \
    && out=$("$BIN/scimsync" --database "$1" app create "$GROW_APP" --provider generic --directory "$GROW_APP" \
      --base-url "$2" --json 2>>"$RUN/admin.log") \
    && "$BIN/scimsync" --database "$1" app set-rate-limit "$GROW_APP" --per-second 100000 --burst 1000000 \
      >>"$RUN/admin.log" 2>&1 \
    || { cat "$RUN/admin.log" >&2; die "the admin tool could not create the '$GROW_APP' app in $1"; }
  printf '%s' "$out" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

grow_setup_app() {
  TOKEN=$(grow_app_token "$DB" "$URL") || exit 1
  BASE_PATH=/scim/$GROW_APP/v2
  GROW_ALL=$RUN/million-users.tsv
  : >"$GROW_ALL"
  USERS_FILE=$RUN/million-sample.tsv
  GROW_DB=$DB
}

# The reference: an app of the same name in a database of its own, with N users created through
# /Bulk, and its responder (WORKERS workers) on the socket nginx's reference port passes to.
grow_setup_reference() {  # N
  REF_USERS=$1
  REF_DB=$RUN/reference/scimsync.sqlite
  REF_USERS_FILE=$RUN/reference-users.tsv
  mkdir -p "$RUN/reference"
  "$BIN/scimsync" --database "$REF_DB" init >>"$RUN/admin.log" 2>&1 \
    || { cat "$RUN/admin.log" >&2; die "the admin tool could not create the reference database"; }
  REF_TOKEN=$(grow_app_token "$REF_DB" "$REF_URL") || exit 1
  launch_responder "$RUN/reference.sock" "$REF_DB" "$WORKERS" "$RUN/reference-fcgi.log" \
    || die "the reference responder did not start (log above)"
  REF_PID=$LAUNCHED_PID
  log "reference beside every step: $(users_label "$REF_USERS") in a database of their own, $WORKERS workers, on $REF_URL"
  run_child python3 "$BENCH_DIR/seed_users.py" --port "$REF_PORT" --base-path "$BASE_PATH" --token "$REF_TOKEN" \
    --count "$REF_USERS" --start 1 --prefix m --bulk "$GROW_BULK" --concurrency "$GROW_CONCURRENCY" \
    --out "$RUN/reference-all.tsv" || die "seeding the reference through /Bulk failed"
  shuf -n "$GROW_SAMPLE" "$RUN/reference-all.tsv" >"$REF_USERS_FILE"
}

# Runs "$@" against the reference instead of the grown directory.
on_reference() {
  local saved=("$URL" "$TOKEN" "$USERS_FILE" "$SEEDED" "$REAL_PID" "$GROW_DB")
  URL=$REF_URL TOKEN=$REF_TOKEN USERS_FILE=$REF_USERS_FILE SEEDED=$REF_USERS REAL_PID=$REF_PID GROW_DB=$REF_DB
  "$@"
  URL=${saved[0]} TOKEN=${saved[1]} USERS_FILE=${saved[2]} SEEDED=${saved[3]} REAL_PID=${saved[4]} GROW_DB=${saved[5]}
}

# Grows the directory to N users through /Bulk, timed, with the responder's memory around it.
grow_users() {  # N
  local want=$1 have part began rss1 hwm1 rss2 hwm2 seconds
  have=$(wc -l <"$GROW_ALL")
  SEEDED=$have
  ((have >= want)) && return 0
  part=$RUN/million-$have-$want.tsv
  read -r rss1 hwm1 < <(responder_memory)
  log "growing '$GROW_APP' to $(users_label "$want") through /Bulk ($GROW_BULK creates per request, $GROW_CONCURRENCY in flight)"
  began=$(date +%s.%N)
  run_child python3 "$BENCH_DIR/seed_users.py" --port "$PORT" --base-path "$BASE_PATH" --token "$TOKEN" \
    --count $((want - have)) --start $((have + 1)) --prefix m --bulk "$GROW_BULK" \
    --concurrency "$GROW_CONCURRENCY" --out "$part" || die "growing through /Bulk failed"
  seconds=$(python3 -c "import sys; print(round($(date +%s.%N) - $began, 2))")
  read -r rss2 hwm2 < <(responder_memory)
  cat "$part" >>"$GROW_ALL"
  rm -f "$part"
  SEEDED=$want
  printf '{"kind":"grow","from":%d,"to":%d,"seconds":%s,"bulk":%d,"concurrency":%d,"rss_before_kb":%d,"hwm_before_kb":%d,"rss_after_kb":%d,"hwm_after_kb":%d}\n' \
    "$have" "$want" "$seconds" "$GROW_BULK" "$GROW_CONCURRENCY" "$rss1" "$hwm1" "$rss2" "$hwm2" >>"$GROW_LOG"
  log "grew to $(users_label "$want") in ${seconds}s ($(python3 -c "print(round(($want - $have) / $seconds))") users/s); responder RSS $((rss1 / 1024)) → $((rss2 / 1024)) MB"
  shuf -n "$GROW_SAMPLE" "$GROW_ALL" >"$USERS_FILE"
}

# The first startIndex of each of the wrk walkers (the formula of bench/lua/walk_index.lua).
walk_starts() {
  local walkers=$CONNECTIONS pages=$(((SEEDED + 99) / 100)) g
  for ((g = 0; g < walkers - walkers % THREADS; g++)); do echo $((g * pages / walkers * 100 + 1)); done
}

# Every grow_SCENARIO takes the directory's size and the key its rows are filed under (SCENARIO@KEY):
# the size itself, or refSTEP for the reference measured beside the step.
grow_label() {  # users key
  if [[ $2 == ref* ]]; then echo "$(users_label "$1"), reference beside $(users_label "${2#ref}")"; else users_label "$1"; fi
}

grow_get_user() {  # users key
  probe 200 GET "$BASE_PATH/Users/$(first_user 1)" || die "GET /Users/{id} probe failed"
  measure "get_user@$2" "GET /Users/{id} · $(grow_label "$1" "$2")" "$BASE_PATH/Users" get_user.lua
}

grow_filter_username() { grow_filter "$1" "$2" filter_username userName 2; }
grow_filter_external_id() { grow_filter "$1" "$2" filter_external_id externalId 3; }
grow_filter() {  # users key name attribute field
  local filter
  filter=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote("%s eq \"%s\"" % (sys.argv[1], sys.argv[2]), safe=""))' \
    "$4" "$(first_user "$5")")
  probe 200 GET "$BASE_PATH/Users?filter=$filter" || die "filter probe failed"
  grep -Eq '"totalResults" *: *1[,}]' "$RUN/probe.body" || die "filter $4 eq probe did not find exactly one user"
  BENCH_FILTER_ATTRIBUTE=$4 measure "$3@$2" "GET /Users?filter=$4 eq … · $(grow_label "$1" "$2")" "$BASE_PATH/Users" filter_users.lua
}

grow_list_users() {  # users key
  probe 200 GET "$BASE_PATH/Users?startIndex=1&count=100" || die "list probe failed"
  # A deep OFFSET page of a million users takes about a second under this load.
  WRK_TIMEOUT=30s BENCH_PAGE_SIZE=100 BENCH_USER_COUNT=$1 \
    measure "list_users@$2" "GET /Users?startIndex=<random>&count=100 · $(grow_label "$1" "$2")" "$BASE_PATH/Users" list_users.lua
}

# Before each run, the page before every walker's start is asked for once, so that the walk
# continues from a known key from its first page on, as an import that got there would.
grow_walk_index() {  # users key
  local start
  for start in $(walk_starts); do
    ((start > 1)) || continue
    probe 200 GET "$BASE_PATH/Users?startIndex=$((start - 100))&count=100" || die "walk priming failed"
  done
  WARMUP=0 BENCH_PAGE_SIZE=100 BENCH_USER_COUNT=$1 BENCH_WALKERS=$CONNECTIONS BENCH_THREADS=$THREADS \
    measure "walk_index@$2" "sequential startIndex walks, count=100 · $(grow_label "$1" "$2")" "$BASE_PATH/Users" walk_index.lua
}

# Cursor walks start where a walk would have reached each walker's start: after the key of the
# user just before it (cursors are opaque to clients; the benchmark reads the keys it needs).
grow_walk_cursor() {  # users key
  local cursors
  cursors=$(python3 - "$GROW_DB" "$GROW_APP" $(walk_starts) <<'EOF'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
app = db.execute("SELECT id FROM app WHERE name_key = ?", (sys.argv[2],)).fetchone()[0]
out = []
for start in map(int, sys.argv[3:]):
    if start == 1:
        out.append("-")
        continue
    (key,) = db.execute("SELECT pk FROM scim_user WHERE app_id = ? ORDER BY pk LIMIT 1 OFFSET ?", (app, start - 2)).fetchone()
    out.append("k%d" % key)
print(" ".join(out))
EOF
) || die "cannot read the cursor walks' starting keys"
  probe 200 GET "$BASE_PATH/Users?count=100&cursor=" || die "cursor probe failed"
  WARMUP=0 BENCH_PAGE_SIZE=100 BENCH_WALK_CURSORS=$cursors BENCH_WALKERS=$CONNECTIONS BENCH_THREADS=$THREADS \
    measure "walk_cursor@$2" "cursor walks, count=100 · $(grow_label "$1" "$2")" "$BASE_PATH/Users" walk_cursor.lua
}

# One walk of the whole list on one connection, as Okta's import makes it.
grow_walk_once() {  # users
  local out
  log "one sequential walk of $(users_label "$1") (bench/walk_users.py)"
  out=$(python3 "$BENCH_DIR/walk_users.py" --port "$PORT" --base-path "$BASE_PATH" --token "$TOKEN" 9>&-) \
    || die "walk_users.py failed"
  printf '{"kind":"walk","users":%d,"result":%s}\n' "$1" "$out" >>"$GROW_LOG"
  log "walk: $out"
}

grow_phase() {
  ((GROW_TO > 0 && REAL_OK)) || return 0
  local step first scenario saved=("$TOKEN" "$BASE_PATH" "$USERS_FILE" "$SEEDED")
  GROW_LOG=$RUN/grow.jsonl
  : >"$GROW_LOG"
  WORKERS=${BENCH_GROW_WORKERS:-${WORKER_COUNTS%% *}}
  grow_setup_app
  start_real "$WORKERS" || { real_unavailable_check; return 0; }
  log "a million users: steps $(grow_steps), scenarios: $GROW_SCENARIOS"
  first=$(grow_steps)
  first=${first%% *}
  grow_setup_reference "$first"
  for step in $(grow_steps); do
    ROUND=1
    grow_users "$step"
    for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
      for scenario in $GROW_SCENARIOS; do
        declare -F "grow_$scenario" >/dev/null || die "unknown grow scenario '$scenario'"
        "grow_$scenario" "$step" "$step"
        rss_sample "$scenario" "$step"
        ((step == first)) || on_reference "grow_$scenario" "$REF_USERS" "ref$step"
      done
    done
    ROUND=1
    grow_walk_once "$step"
  done
  log "memory of single requests (bench/rss_probe.py)"
  run_child python3 "$BENCH_DIR/rss_probe.py" --port "$PORT" --base-path "$BASE_PATH" --token "$TOKEN" \
    --pid "$REAL_PID" --users "$GROW_ALL" --members "${BENCH_RSS_GROUP_MEMBERS:-200000}" --out "$GROW_LOG" \
    || die "rss_probe.py failed"
  stop_responders
  stop_pid "$REF_PID" 10; forget_pid "$REF_PID"; REF_PID=""
  grow_targets
  RENDER_EXTRA=(--grow "$GROW_LOG")
  mkdir -p "$RESULTS_DIR"
  cp "$GROW_LOG" "$RESULTS_DIR/latest-grow.jsonl"
  TOKEN=${saved[0]} BASE_PATH=${saved[1]} USERS_FILE=${saved[2]} SEEDED=${saved[3]}
}

# Goal 7: each read at the largest size at 0.9× or more of the reference's rate beside it; goal 4:
# count=100 pages at 2,000 a second with 100,000 users, cursor walks at least as fast as index walks.
grow_targets() {
  local steps first last scenario
  steps=$(grow_steps)
  first=${steps%% *}
  last=${steps##* }
  [[ $first == "$last" ]] && return 0
  for scenario in $GROW_SCENARIOS; do
    TARGETS+=("$scenario, $(users_label "$last") / $(users_label "$first") beside it|$scenario@$last|$scenario@ref$last|rps|>=|0.90")
  done
  if [[ " $steps " == *" 100000 "* && " $GROW_SCENARIOS " == *" list_users "* ]]; then
    TARGETS+=("random count=100 pages/s, 100,000 users|list_users@100000||rps|>=|2000")
  fi
  if [[ " $GROW_SCENARIOS " == *" walk_index "* && " $GROW_SCENARIOS " == *" walk_cursor "* ]]; then
    TARGETS+=("cursor walk / startIndex walk, $(users_label "$last")|walk_cursor@$last|walk_index@$last|rps|>=|1.00")
  fi
}

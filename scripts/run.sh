#!/usr/bin/env bash
# make run: builds ScimSync (release), starts the responder and a private nginx on
# 127.0.0.1:$PORT (default 8080) in front of it, with a demo app, and stays in the foreground
# until Ctrl-C / SIGTERM, then stops both.
#
# Files (under the repository, kept between runs):
#   var/scimsync.sqlite   the database (mode 0600, as are its -wal/-shm files)
#   var/demo-token        the demo app's bearer token (mode 0600; the database holds only its hash)
#   var/admin-password    the password of the console's first admin, "admin" (mode 0600)
#   var/run/              socket (mode 0660, group of nginx's workers), generated nginx.conf (from
#                         deploy/nginx/scimsync.conf), pid, logs
# Environment: PORT (default 8080); SCIMSYNC_BIN_DIR to use prebuilt binaries instead of building.
set -euo pipefail
shopt -u patsub_replacement 2>/dev/null || true
cd "$(dirname "$0")/.."
REPO=$PWD
PORT=${PORT:-8080}
APP=demo
DIRECTORY=demo

die() { echo "run: $*" >&2; exit 1; }

case "$PORT" in '' | *[!0-9]*) die "PORT must be a number, got '$PORT'" ;; esac

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
busy_message() {
  echo "run: port $PORT on 127.0.0.1 is already in use (another 'make run', nginx or Apache?)." >&2
  echo "run: stop it, or choose another port: PORT=8081 make run" >&2
  exit 1
}
port_busy && busy_message

scripts/install-deps.sh

if [ -n "${SCIMSYNC_BIN_DIR:-}" ]; then
  BIN=$SCIMSYNC_BIN_DIR   # prebuilt binaries: skip the build
else
  echo "== swift build -c release"
  swift build -c release
  BIN=$(swift build -c release --show-bin-path)
fi
CLI=$BIN/scimsync
RESPONDER=$BIN/scimsync-fcgi

VAR=$REPO/var
RUN=$VAR/run
DB=$VAR/scimsync.sqlite
TOKEN_FILE=$VAR/demo-token
ADMIN=admin
ADMIN_PASSWORD_FILE=$VAR/admin-password
SOCKET=$RUN/scimsync.sock
mkdir -p "$RUN"
export SCIMSYNC_DATABASE=$DB
export SCIMSYNC_PUBLIC_URL=http://127.0.0.1:$PORT
BASE_URL=$SCIMSYNC_PUBLIC_URL/scim/$APP/v2

json_field() { # json_field FIELD < json  -> prints the field of a JSON object
  python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}
save_secret() { # save_secret FILE SECRET
  [ -n "$2" ] || die "no secret in the admin tool's output"
  # Mode 0600 from its first byte: umask 077 at creation, and noclobber (O_EXCL) so that a stale
  # file of another mode is never reused.
  rm -f "$1.tmp"
  (umask 077 && set -o noclobber && printf '%s\n' "$2" > "$1.tmp")
  mv -f "$1.tmp" "$1"
}
save_token() { save_secret "$TOKEN_FILE" "$1"; }
rotate_token() {
  echo "run: issuing a new token for app '$APP' (the previous one stops working)"
  save_token "$("$CLI" token rotate "$APP" --grace-minutes 0 --json | json_field token)"
}

"$CLI" init
if "$CLI" app show "$APP" >/dev/null 2>&1; then
  if [ -s "$TOKEN_FILE" ]; then
    echo "run: app '$APP' exists; its token is in var/demo-token"
  else
    echo "run: app '$APP' exists but var/demo-token is missing"
    rotate_token
  fi
else
  has_directory=$("$CLI" directory list --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("directories", [])
print(any((x.get("name") if isinstance(x, dict) else x) == sys.argv[1] for x in items))' "$DIRECTORY")
  [ "$has_directory" = True ] || "$CLI" directory create "$DIRECTORY"
  save_token "$("$CLI" app create "$APP" --provider generic --directory "$DIRECTORY" --base-url "$SCIMSYNC_PUBLIC_URL" --json | json_field token)"
fi
# The demo app keeps the URL it is served at (this run's PORT), so that its responses and
# `scimsync app show demo` name it, from any shell; unchanged URLs are not written again.
"$CLI" app set-base-url "$APP" "$SCIMSYNC_PUBLIC_URL" >/dev/null
TOKEN=$(tr -d '[:space:]' < "$TOKEN_FILE")
# A demo Crowd client on the demo directory (docs/CROWD-API.md); its password is kept in
# var/demo-crowd-password (0600), a new one issued when the file is missing.
CROWD_CLIENT=demo-crowd
CROWD_FILE=$VAR/demo-crowd-password
if ! "$CLI" client show "$CROWD_CLIENT" >/dev/null 2>&1; then
  save_secret "$CROWD_FILE" "$("$CLI" client create "$CROWD_CLIENT" --directory "$DIRECTORY" --json | json_field password)"
elif [ ! -s "$CROWD_FILE" ]; then
  save_secret "$CROWD_FILE" "$("$CLI" client rotate-password "$CROWD_CLIENT" --json | json_field password)"
fi

# The web console's first admin; its password is kept in var/admin-password (the database holds
# only its scrypt hash).
if ! "$CLI" admin list --json | python3 -c 'import json, sys; sys.exit(0 if any(a["name"] == sys.argv[1] for a in json.load(sys.stdin)) else 1)' "$ADMIN"; then
  save_secret "$ADMIN_PASSWORD_FILE" "$("$CLI" admin create "$ADMIN" --json | json_field password)"
elif [ ! -s "$ADMIN_PASSWORD_FILE" ]; then
  echo "run: admin '$ADMIN' exists but var/admin-password is missing: giving it a new password"
  save_secret "$ADMIN_PASSWORD_FILE" "$("$CLI" admin reset-password "$ADMIN" --json | json_field password)"
fi
ADMIN_PASSWORD=$(tr -d '[:space:]' < "$ADMIN_PASSWORD_FILE")

# --- processes -----------------------------------------------------------------------------
RESPONDER_PID=""
NGINX_PID=""
cleanup() {
  trap - EXIT INT TERM
  echo
  echo "run: stopping"
  [ -n "$NGINX_PID" ] && kill -TERM "$NGINX_PID" 2>/dev/null || true
  [ -n "$RESPONDER_PID" ] && kill -TERM "$RESPONDER_PID" 2>/dev/null || true
  for pid in $NGINX_PID $RESPONDER_PID; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_busy && busy_message

# The socket is 0660, in the group of nginx's workers: they connect, other local users cannot.
# Run as root, nginx's workers are www-data (when it can reach var/run/) or else root; otherwise
# they are this user.
if [ "$(id -u)" -eq 0 ]; then
  WORKER_USER=root
  if id www-data >/dev/null 2>&1 && runuser -u www-data -- test -x "$RUN" 2>/dev/null; then WORKER_USER=www-data; fi
  WORKER_GROUP=$(id -gn "$WORKER_USER")
  user_line="user $WORKER_USER $WORKER_GROUP;"
else
  WORKER_GROUP=$(id -gn)
  user_line=""
fi
"$RESPONDER" --socket "$SOCKET" --socket-mode 0660 --socket-group "$WORKER_GROUP" --database "$DB" 2>>"$RUN/responder.log" &
RESPONDER_PID=$!
for _ in $(seq 300); do
  [ -S "$SOCKET" ] && break
  kill -0 "$RESPONDER_PID" 2>/dev/null || { tail -n 20 "$RUN/responder.log" >&2; die "the responder exited"; }
  sleep 0.1
done
[ -S "$SOCKET" ] || die "the responder did not create $SOCKET (see var/run/responder.log)"

# nginx: the site file from deploy/, with only the port, the socket path and the access log's
# path substituted.
site=$(<deploy/nginx/scimsync.conf)
site=${site//127.0.0.1:8080/127.0.0.1:$PORT}
site=${site//unix:\/run\/scimsync\/scimsync.sock/unix:$SOCKET}
site=${site//\/var\/log\/nginx\/scimsync-access.log/$RUN/nginx-access.log}
printf '%s\n' "$site" > "$RUN/scimsync-site.conf"
mkdir -p "$RUN/nginx-temp"
cat > "$RUN/nginx.conf" <<EOF
# generated by scripts/run.sh
$user_line
# As Debian's /etc/nginx/nginx.conf deploys it (one worker per core), and as make bench measures.
worker_processes auto;
daemon off;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log;
events { worker_connections 1024; }
http {
    client_body_temp_path $RUN/nginx-temp/client_body;
    fastcgi_temp_path $RUN/nginx-temp/fastcgi;
    proxy_temp_path $RUN/nginx-temp/proxy;
    uwsgi_temp_path $RUN/nginx-temp/uwsgi;
    scgi_temp_path $RUN/nginx-temp/scgi;
    include $RUN/scimsync-site.conf;
}
EOF
nginx -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" &
NGINX_PID=$!

status=""
for _ in $(seq 100); do
  status=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $TOKEN" "$BASE_URL/Users?count=1" || true)
  case "$status" in 2??|4??) break ;; esac
  if ! kill -0 "$NGINX_PID" 2>/dev/null; then
    tail -n 5 "$RUN/nginx-error.log" >&2
    if grep -q "Address already in use" "$RUN/nginx-error.log" 2>/dev/null; then busy_message; fi
    die "nginx exited (see var/run/nginx-error.log)"
  fi
  sleep 0.1
done
if [ "$status" = 401 ]; then
  echo "run: the token in var/demo-token is no longer valid"
  rotate_token
  TOKEN=$(tr -d '[:space:]' < "$TOKEN_FILE")
  status=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer $TOKEN" "$BASE_URL/Users?count=1" || true)
fi
[ "$status" = 200 ] || die "GET $BASE_URL/Users answered $status (see var/run/*.log)"

cat <<EOF

ScimSync is running (responder pid $RESPONDER_PID, nginx pid $NGINX_PID); logs in var/run/.
SCIM base URL: $BASE_URL
Bearer token: $TOKEN
Try it:
curl -H "Authorization: Bearer $TOKEN" $BASE_URL/Users
Crowd server URL: $SCIMSYNC_PUBLIC_URL/crowd (application $CROWD_CLIENT, password in var/demo-crowd-password)
Admin console: $SCIMSYNC_PUBLIC_URL/admin/
Sign in as: $ADMIN
Password: $ADMIN_PASSWORD
Press Ctrl-C to stop.
EOF

# Stay in the foreground until a signal, or until one of the two exits.
set +e
wait -n "$RESPONDER_PID" "$NGINX_PID"
code=$?
if ! kill -0 "$RESPONDER_PID" 2>/dev/null; then echo "run: the responder exited ($code); see var/run/responder.log" >&2; fi
if ! kill -0 "$NGINX_PID" 2>/dev/null; then echo "run: nginx exited ($code); see var/run/nginx-error.log" >&2; fi
exit 1

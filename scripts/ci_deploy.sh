#!/usr/bin/env bash
# The deploy stage of CI: the built wheel installed as docs/deploy.md says, DEBUG off, on
# real services of this machine, and what only shows with more than one server checked
# (scripts/check_deploy.py). docs/deploy.md ("The deploy stage") tells the same steps for
# an operator to repeat by hand.
#
#   PostgreSQL primary on 127.0.0.1:5432 (database gnlc_deploy) and a streaming replica
#   made with pg_basebackup, on $REPLICA_PORT, in a scratch folder;
#   Redis on 127.0.0.1:6379 (database 7), started if it is down;
#   two gunicorn instances ($APP_A, $APP_B) behind nginx ($PROXY), Debian's nginx
#   installed if missing.
#
# Everything it starts is stopped, and the scratch folder (the replica's data with it)
# removed, whether the checks pass or fail. Ports can be moved with the variables below.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PROXY=${GNLC_DEPLOY_PROXY_PORT:-8480}
APP_A=${GNLC_DEPLOY_APP_A_PORT:-8481}
APP_B=${GNLC_DEPLOY_APP_B_PORT:-8482}
PRIMARY_PORT=${GNLC_DEPLOY_PRIMARY_PORT:-5432}
PRIMARY_CLUSTER=${GNLC_DEPLOY_PRIMARY_CLUSTER:-main}
REPLICA_PORT=${GNLC_DEPLOY_REPLICA_PORT:-5433}
DB=${GNLC_DEPLOY_DATABASE:-gnlc_deploy}
REDIS_DB=${GNLC_DEPLOY_REDIS_DB:-7}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
PG_VERSION=$(ls /etc/postgresql | sort -V | tail -1)
PG_BIN=/usr/lib/postgresql/$PG_VERSION/bin
STARTED=$(date +%s)

step() { printf -- '--> [%3d s] %s\n' "$(($(date +%s) - STARTED))" "$*"; }
as_postgres() { runuser -u postgres -- "$@"; }

WORK=$(mktemp -d /tmp/gnlc-deploy.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/pg" "$WORK/nginx" "$WORK/app"
chown postgres: "$WORK/pg"

cleanup() {
  status=$?
  set +e
  for name in a b; do
    [ -f "$WORK/gunicorn-$name.pid" ] && kill "$(cat "$WORK/gunicorn-$name.pid")" 2>/dev/null
  done
  [ -f "$WORK/nginx/nginx.pid" ] && kill -QUIT "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null
  if [ -f "$WORK/pg/replica/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg/replica" -m immediate -w stop >/dev/null
  fi
  # The primary, if a check stopped it and failed before starting it again.
  if ! pg_isready -q -h 127.0.0.1 -p $PRIMARY_PORT; then
    pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PRIMARY_CLUSTER" start
  fi
  psql -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
  [ -n "${REDIS_STARTED:-}" ] && redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1
  if [ $status -ne 0 ]; then
    echo "Deploy stage failed. The last lines of each log:" >&2
    for log in "$WORK"/app/*.log "$WORK"/nginx/error.log "$WORK"/pg/replica.log; do
      [ -f "$log" ] && { echo "== $log" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  echo "Deploy stage: servers stopped ($(($(date +%s) - STARTED)) s)"
  sleep 1  # the servers' last writes, before their folder goes
  rm -rf "$WORK"
  echo "Deploy stage: cleaned up ($(($(date +%s) - STARTED)) s)"
}
trap cleanup EXIT
# Stopped from outside (a CI timeout, Ctrl-C): exit, so that the cleanup above runs.
trap 'exit 143' TERM INT

step "nginx (Debian's package)"
if ! command -v nginx >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Installed to be run by this stage with its own configuration, never as a service.
  apt-get install -y -qq --no-install-recommends nginx-light >/dev/null 2>&1 \
    || apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
nginx -v

step "PostgreSQL primary on 127.0.0.1:$PRIMARY_PORT, allowing replication from 127.0.0.1"
if ! pg_isready -q -h 127.0.0.1 -p $PRIMARY_PORT; then
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PRIMARY_CLUSTER" start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p $PRIMARY_PORT && break; sleep 1; done
fi
HBA=$(psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atc "SHOW hba_file")
if ! grep -qE '^host\s+replication\s+all\s+127\.0\.0\.1/32' "$HBA"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$HBA"
  psql -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -c "SELECT pg_reload_conf()" >/dev/null
fi
psql -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -c "CREATE DATABASE $DB"

step "Streaming replica on 127.0.0.1:$REPLICA_PORT (pg_basebackup)"
as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/pg/replica" \
  --write-recovery-conf --wal-method=stream --checkpoint=fast
# Debian keeps the primary's configuration in /etc: the replica gets its own, minimal.
as_postgres sh -c "printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' \
  > '$WORK/pg/replica/pg_hba.conf' && : > '$WORK/pg/replica/postgresql.conf'"
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/pg/replica" -l "$WORK/pg/replica.log" -w start -o \
  "-p $REPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg -c hot_standby=on"
psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -Atc "SELECT 'in recovery: ' || pg_is_in_recovery()"

step "Redis on 127.0.0.1:6379"
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save '' --appendonly no
  REDIS_STARTED=1
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 -n "$REDIS_DB" flushdb >/dev/null

step "The wheel, installed into a new virtual environment as docs/deploy.md says"
WHEEL=$(ls -t dist/gnlc-*.whl 2>/dev/null | head -1 || true)
if [ -z "$WHEEL" ]; then
  "$PYTHON" -m build --outdir dist . >/dev/null
  WHEEL=$(ls -t dist/gnlc-*.whl | head -1)
fi
"$PYTHON" -m venv "$WORK/venv"
# --no-compile: the stage's processes compile what they import; byte-compiling all of
# SciPy and scikit-learn ahead would take longer than the checks.
"$WORK/venv/bin/pip" install --quiet --no-compile --disable-pip-version-check "$ROOT/$WHEEL"
echo "installed $WHEEL"

# The environment of docs/deploy.md, plain HTTP: nginx here terminates no TLS.
env_file="$WORK/app/env"
cat >"$env_file" <<EOF
DEBUG=false
SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
ALLOWED_HOSTS=127.0.0.1,localhost
DATABASE_URL=postgres://postgres@127.0.0.1:$PRIMARY_PORT/$DB
DATABASE_REPLICA_URLS=postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB
REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
GNLC_DATA_DIR=$WORK/app/data
GNLC_PROXY_COUNT=1
GNLC_RATE_LIMIT_SEARCH=8/600
SECURE_SSL_REDIRECT=false
SESSION_COOKIE_SECURE=false
CSRF_COOKIE_SECURE=false
EOF
set -a
# shellcheck disable=SC1090
. "$env_file"
set +a
unset DJANGO_SETTINGS_MODULE EMAIL_HOST GNLC_LOCALE_DIR STATIC_ROOT
GNLC="$WORK/venv/bin/gnlc"

step "gnlc migrate, import-members, collectstatic (from $WORK/app, not the checkout)"
cd "$WORK/app"
"$GNLC" migrate --no-input -v0
"$GNLC" import-members --if-empty 2>/dev/null | tail -1
"$GNLC" collectstatic --no-input -v0

step "Two gunicorn instances on :$APP_A and :$APP_B, nginx on :$PROXY"
for name in a b; do
  port=$APP_A
  [ $name = b ] && port=$APP_B
  "$WORK/venv/bin/gunicorn" gnlc.wsgi --bind "127.0.0.1:$port" --workers 2 \
    --no-control-socket --pid "$WORK/gunicorn-$name.pid" \
    >"$WORK/app/gunicorn-$name.log" 2>&1 &
done
sed -e "s|@WORK@|$WORK/nginx|g" -e "s|@PROXY@|$PROXY|g" -e "s|@APP_A@|$APP_A|g" \
  -e "s|@APP_B@|$APP_B|g" "$ROOT/scripts/deploy/nginx.conf" >"$WORK/nginx/nginx.conf"
mkdir -p "$WORK/nginx/tmp"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"
cd "$ROOT"

step "Checks (scripts/check_deploy.py)"
"$PYTHON" scripts/check_deploy.py \
  --gnlc "$GNLC" --workdir "$WORK/app" --proxy "http://127.0.0.1:$PROXY" \
  --app "http://127.0.0.1:$APP_A" --app "http://127.0.0.1:$APP_B" \
  --primary-port "$PRIMARY_PORT" --replica-port "$REPLICA_PORT" \
  --replica-dir "$WORK/pg/replica" --pg-bin "$PG_BIN" --search-limit 8 \
  ${CI:+--stop-primary "$PG_VERSION/$PRIMARY_CLUSTER"} \
  ${GNLC_DEPLOY_STOP_PRIMARY:+--stop-primary "$PG_VERSION/$PRIMARY_CLUSTER"}

echo "Deploy stage passed in $(($(date +%s) - STARTED)) s"

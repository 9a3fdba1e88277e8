# Helpers shared by the bench scripts: start a server on a free port with a temporary data directory, log the
# CLI in against it, and stop it again. Sourced, not run.
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"
AMLITE="$ROOT/amlite"
"$AMLITE" --version >/dev/null            # builds the jars if needed
export AMLITE_NO_BUILD=1                 # and never again mid-run: an edit to the sources must not rebuild under a bench
JAVA="$(cat "$ROOT/.amlite-build/java")"
SERVER_JAR="$ROOT/server/target/amlite-server.jar"
WORK="$(mktemp -d /tmp/amlite-bench.XXXXXX)"
export AMLITE_CONFIG_DIR="$WORK/config"
SERVER_PID=""

# A port nothing listens on and that this run has not handed out yet (the kernel can give the same free port twice
# in a row, and a server told --port P --inference-port P refuses to start).
free_port() {
  local port
  while :; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    grep -qx "$port" "$WORK/ports.given" 2>/dev/null || break
  done
  echo "$port" >> "$WORK/ports.given"
  echo "$port"
}

# start_server NAME [server flags...]: starts the server jar, waits for /readyz, sets PORT and URL.
start_server() {
  local name="$1"; shift
  SERVER_NAME="$name"
  PORT="$(free_port)"
  URL="https://localhost:$PORT"
  [[ " $* " == *" --http "* ]] && URL="http://127.0.0.1:$PORT"
  mkdir -p "$WORK/$name"
  echo -n 'bench-Passw0rd!' > "$WORK/admin-password"
  "$AMLITE" server start --data-dir "$WORK/$name" --port "$PORT" --admin-password-file "$WORK/admin-password" \
    --throttling 1000000:1000000,1000000:1000000 "$@" >"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -ksf "$URL/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$name.log" >&2; return 1; }
    sleep 0.1
  done
  echo "server did not become ready" >&2; return 1
}

# start_jar LOG JAR [server flags...]: starts a server jar (this build's or another's, e.g. for a before/after
# comparison) on a free port with those flags, waits for /readyz, sets PORT, URL and SERVER_PID.
start_jar() {
  local log="$1" jar="$2"; shift 2
  PORT="$(free_port)"
  URL="https://localhost:$PORT"
  "$JAVA" -jar "$jar" --port "$PORT" "$@" >"$WORK/$log.log" 2>&1 &
  SERVER_PID=$!
  until curl -ksf "$URL/readyz" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/$log.log" >&2; return 1; }
    sleep 0.1
  done
}

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

login() {
  local ca=()
  [[ "$URL" == https://* ]] && ca=(--ca-file "$WORK/$SERVER_NAME/tls/server.crt")
  "$AMLITE" login --server "$URL" "${ca[@]}" --username admin --password 'bench-Passw0rd!' -o none
  SUBSCRIPTION="$("$AMLITE" account show --query id -o tsv)"
  TOKEN="$("$AMLITE" account get-access-token --query accessToken -o tsv)"
}

# The resource group rg and the ML workspace mlw in it, which most benches work in.
make_workspace() {
  "$AMLITE" group create -n rg -l japaneast -o none
  "$AMLITE" ml workspace create -n mlw -g rg -o none
}

cleanup() { stop_server; [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"; }
trap cleanup EXIT

PG_BIN=/usr/lib/postgresql/15/bin
# start_postgres [DATABASE...]: a PostgreSQL 15 of this run on a free port (PGPORT), trusting local connections as
# postgres, with DATABASEs made; PG_SETTINGS adds server settings ("-c max_connections=100"). Stopped at exit.
start_postgres() {
  PGDATA="$WORK/pgdata"; PGPORT="$(free_port)"
  mkdir -p "$PGDATA" && chown postgres "$PGDATA" "$WORK"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PGDATA" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -o "-p $PGPORT -k $PGDATA ${PG_SETTINGS:-}" -l "$WORK/pg.log" \
    -w start >/dev/null
  trap 'stop_server; runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1; cleanup' EXIT
  local database
  for database in "$@"; do
    runuser -u postgres -- "$PG_BIN/createdb" -h localhost -p "$PGPORT" "$database"
  done
}

#!/usr/bin/env bash
# Issue 6: command job submit -> running on a local node, and MLflow log-batch of 1,000 metrics (p50/p95 latency,
# ingest rate) on H2 and PostgreSQL beside plain JDBC batch inserts of the same rows into the same database.
# Usage: bench/jobs.sh [JOBS] [ROUNDS] [CLIENTS]   needs curl and (for the PostgreSQL half) Debian's postgresql-15
source "$(dirname "$0")/common.sh"
JOBS="${1:-30}"
ROUNDS="${2:-200}"
CLIENTS="${3:-4}"
DRIVE="$BENCH_DIR/tracking/drive.py"

setup_workspace() {
  make_workspace
  "$AMLITE" configure --defaults group=rg workspace=mlw
  WS="/subscriptions/$SUBSCRIPTION/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw"
  TRACKING="$("$AMLITE" ml workspace show -n mlw --query mlflow_tracking_uri -o tsv)"
  CA="$WORK/$SERVER_NAME/tls/server.crt"
}

bench_store() {
  local name="$1"; shift
  start_server "$name" "$@"
  login
  setup_workspace
  if [[ "$name" == h2 ]]; then
    "$AMLITE" ml environment create -n bench-env -v 1 --image python:3.11 -o none
    "$AMLITE" ml compute create -n warm --type amlcompute --size Standard_DS1_v2 --min-instances 1 --max-instances 1 -o none
    "$AMLITE" ml compute create -n cold --type amlcompute --size Standard_DS1_v2 --min-instances 0 --max-instances 1 \
      --idle-time-before-scale-down 0 -o none
    ENV_ID="$WS/environments/bench-env/versions/1"
    echo "== job submit -> Running, $JOBS jobs each ('true'), node already up (warm) and node started for the job (cold)"
    echo "warm: $(python3 "$DRIVE" jobs "$URL" "$TOKEN" "$CA" "$WS" warm "$ENV_ID" "$JOBS")"
    echo "cold: $(python3 "$DRIVE" jobs "$URL" "$TOKEN" "$CA" "$WS" cold "$ENV_ID" "$JOBS")"
    echo "reference: starting the same command directly: $(python3 - <<'PY'
import statistics, subprocess, time
t = []
for _ in range(30):
    s = time.perf_counter(); subprocess.run(["bash", "-c", "true"]); t.append((time.perf_counter() - s) * 1000)
print("median %.2f ms" % statistics.median(t))
PY
)"
  fi
  echo "== $name: log-batch of 1,000 metrics, 1 client x $ROUNDS and $CLIENTS clients x $ROUNDS"
  echo "amlite 1 client:  $(python3 "$DRIVE" logbatch "$TRACKING" "$TOKEN" "$CA" "$ROUNDS" 1)"
  echo "amlite $CLIENTS clients: $(python3 "$DRIVE" logbatch "$TRACKING" "$TOKEN" "$CA" "$ROUNDS" "$CLIENTS")"
  stop_server
}

reference() {
  local url="$1" user="$2"
  "$JAVA" -cp "$SERVER_JAR" "$BENCH_DIR/tracking/BatchInsert.java" "$url" "$user" "$ROUNDS"
}

bench_store h2
echo "JDBC reference (H2 file, batch + commit + CHECKPOINT): $(reference "jdbc:h2:file:$WORK/ref-h2/db" "")"

if [[ -x "$PG_BIN/postgres" ]]; then
  start_postgres amlite reference
  bench_store pg --db-url "jdbc:postgresql://localhost:$PGPORT/amlite" --db-user postgres
  echo "JDBC reference (PostgreSQL, batch + commit): $(reference "jdbc:postgresql://localhost:$PGPORT/reference" postgres)"
else
  echo "PostgreSQL 15 not installed ($PG_BIN/postgres): PostgreSQL half skipped"
fi

#!/usr/bin/env bash
# Issue 7: validate and move a workspace holding MODELS x 10 model versions, ENVS x 10 environment versions, JOBS
# jobs with 10 metrics each and DATASTORES datastores, on H2 and PostgreSQL, at the scales given (fractions of the
# issue's workspace: 10,000 model versions, 1,000 environment versions, 10,000 jobs, 100 datastores), ROUNDS moves
# each way per scale (the median is what counts). Rows are clones of rows the server wrote itself (bench/move/Seed.java,
# server stopped); datastores go through the REST API. Beside each scale, the reference: the one UPDATE a move needs,
# alone, on as many rows in the same database (bench/move/UpdateFloor.java).
# Usage: bench/moves.sh [SCALES] [ROUNDS]   e.g. bench/moves.sh "0.25 0.5 1" 3
#        STORES="h2" limits the stores; needs curl and (for PostgreSQL) Debian's postgresql-15
source "$(dirname "$0")/common.sh"
SCALES="${1:-0.25 0.5 1}"
ROUNDS="${2:-3}"
STORES="${STORES:-h2 pg}"
DRIVE="$BENCH_DIR/move/drive.py"

# prepare NAME SCALE [server flags...]: a server whose workspace 'mlw' in group 'rg' holds the scaled contents,
# and an empty group 'rg2' in a second subscription to move it to.
prepare() {
  local name="$1" scale="$2"; shift 2
  start_server "$name" "$@"
  login
  make_workspace
  "$AMLITE" configure --defaults group=rg workspace=mlw
  WS="/subscriptions/$SUBSCRIPTION/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw"
  TARGET_SUB="$("$AMLITE" account create --display-name target --query subscriptionId -o tsv)"
  "$AMLITE" group create -n rg2 -l japaneast --subscription "$TARGET_SUB" -o none
  mkdir -p "$WORK/model" "$WORK/src" && echo 0.5 > "$WORK/model/w.txt" && echo 'print(1)' > "$WORK/src/m.py"
  "$AMLITE" ml model create -n tplmodel -v 1 --path "$WORK/model" -o none
  "$AMLITE" ml environment create -n tplenv -v 1 --image python:3.11 -o none
  "$AMLITE" ml compute create -n cpu --type amlcompute --size Standard_DS1_v2 --max-instances 1 -o none
  printf 'command: python m.py\ncode: ./src\nenvironment: azureml:tplenv:1\ncompute: azureml:cpu\n' > "$WORK/job.yml"
  (cd "$WORK" && "$AMLITE" ml job create -f job.yml -n tpljob --stream -o none >/dev/null)
  "$AMLITE" ml compute delete -n cpu --yes -o none
  local account key count
  account="$("$AMLITE" ml workspace show -n mlw --query storage_account -o tsv)"; account="${account##*/}"
  key="$("$AMLITE" storage account keys list -n "$account" --query '[0].value' -o tsv)"
  count="$(python3 -c "print(round(100 * $scale))")"
  python3 "$DRIVE" datastores "$URL" "$TOKEN" "$WORK/$name/tls/server.crt" "$WS" "$account" "$key" "$count"
  stop_server
  local models envs jobs
  models="$(python3 -c "print(round(1000 * $scale))")"; envs="$(python3 -c "print(round(100 * $scale))")"
  jobs="$(python3 -c "print(round(10000 * $scale))")"
  "$JAVA" -cp "$SERVER_JAR" "$BENCH_DIR/move/Seed.java" "$JDBC_URL" "$JDBC_USER" "$WS" "$models" 10 "$envs" 10 "$jobs" 10 >&2
  start_server "$name" "$@"
  login
}

run_store() {
  local store="$1"; shift
  for scale in $SCALES; do
    if [[ "$store" == pg ]]; then
      runuser -u postgres -- "$PG_BIN/dropdb" --if-exists -h localhost -p "$PGPORT" amlite
      runuser -u postgres -- "$PG_BIN/createdb" -h localhost -p "$PGPORT" amlite
    fi
    local name="$store-$scale"
    [[ "$store" == h2 ]] && JDBC_URL="jdbc:h2:file:$WORK/$name/db/amlite" JDBC_USER=""
    prepare "$name" "$scale" "$@"
    local ca="$WORK/$name/tls/server.crt"
    local here="/subscriptions/$SUBSCRIPTION/resourceGroups/rg" there="/subscriptions/$TARGET_SUB/resourceGroups/rg2"
    for round in $(seq 1 "$ROUNDS"); do
      echo "$store scale $scale round $round there: $(python3 "$DRIVE" move "$URL" "$TOKEN" "$ca" "$here" mlw "$there")"
      echo "$store scale $scale round $round back:  $(python3 "$DRIVE" move "$URL" "$TOKEN" "$ca" "$there" mlw "$here")"
    done
    echo "$store scale $scale: $("$AMLITE" ml model list --query 'length(@)' -o tsv) models listed after the moves"
    stop_server
    local moved
    moved="$(grep -o '[0-9]* row(s)' "$WORK/$name.log" | tail -1 | cut -d' ' -f1)"
    grep -o 'removed, in .*' "$WORK/$name.log" | sed "s/^/$store scale $scale: server: the transaction /"
    echo "$store scale $scale: $moved rows per move; the same UPDATE alone in the same database (reference): $(
      "$JAVA" -cp "$SERVER_JAR" "$BENCH_DIR/move/UpdateFloor.java" "$JDBC_URL" "$JDBC_USER" "$moved" $((ROUNDS * 2 + 1)))"
  done
}

for store in $STORES; do
  if [[ "$store" == h2 ]]; then
    run_store h2
  elif [[ -x "$PG_BIN/postgres" ]]; then
    start_postgres
    JDBC_URL="jdbc:postgresql://localhost:$PGPORT/amlite" JDBC_USER=postgres
    run_store pg --db-url "$JDBC_URL" --db-user postgres
  else
    echo "PostgreSQL 15 not installed ($PG_BIN/postgres): PostgreSQL half skipped"
  fi
done

#!/usr/bin/env bash
# Backup and restore of the metadata (OP-3) beside PostgreSQL's own tools on the same database: a server on
# PostgreSQL 15 is filled with resource groups by wrk (PUT, 32 connections, SECONDS), then, taking turns RUNS times,
# 'amlite server backup' (the CLI end to end: login token, HTTPS, one snapshot, gzip, the CLI's check of the file)
# against 'pg_dump -Fc' of the same database, and 'amlite server restore' into a new database against 'pg_restore'
# into a new database. Also an 'amlite server restore' of the same file into a new embedded H2 store.
# Usage: bench/backup.sh [SECONDS] [RUNS]    needs wrk, curl and Debian's postgresql-15
source "$(dirname "$0")/common.sh"
SECONDS_OF_PUTS="${1:-20}"
RUNS="${2:-3}"
[[ -x "$PG_BIN/postgres" ]] || { echo "needs Debian's postgresql-15 ($PG_BIN)"; exit 1; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
psql_() { runuser -u postgres -- "$PG_BIN/psql" -h localhost -p "$PGPORT" -At "$@"; }

PG_SETTINGS="-c max_connections=100" start_postgres amlite
start_server pg --db-url "jdbc:postgresql://localhost:$PGPORT/amlite" --db-user postgres
login
export TOKEN GROUPS_PATH="/subscriptions/$SUBSCRIPTION/resourcegroups"
RUN=fill wrk -t2 -c32 -d"${SECONDS_OF_PUTS}s" -s "$BENCH_DIR/put.lua" "$URL" | grep '^RESULT'
ROWS="$(psql_ -d amlite -c 'SELECT COUNT(*) FROM resources')"
echo "store: $ROWS resource rows, $(psql_ -d amlite -c "SELECT pg_size_pretty(pg_database_size('amlite'))") on disk"
KEY="$WORK/pg/secrets/master.key"
chmod 755 "$WORK"

declare -a ours_b theirs_b ours_r theirs_r h2_r
for run in $(seq 1 "$RUNS"); do
  t=$(date +%s%N); "$AMLITE" server backup --file "$WORK/ours.gz" -o none; ours_b+=($(ms "$t"))
  t=$(date +%s%N); runuser -u postgres -- "$PG_BIN/pg_dump" -h localhost -p "$PGPORT" -Fc -f "$WORK/theirs.dump" amlite
  theirs_b+=($(ms "$t"))
  psql_ -d postgres -c "CREATE DATABASE ours$run" >/dev/null
  psql_ -d postgres -c "CREATE DATABASE theirs$run" >/dev/null
  t=$(date +%s%N)
  "$AMLITE" server restore --file "$WORK/ours.gz" --data-dir "$WORK/restored-$run" --master-key-file "$KEY" \
    --db-url "jdbc:postgresql://localhost:$PGPORT/ours$run" --db-user postgres >/dev/null
  ours_r+=($(ms "$t"))
  t=$(date +%s%N); runuser -u postgres -- "$PG_BIN/pg_restore" -h localhost -p "$PGPORT" -d "theirs$run" "$WORK/theirs.dump"
  theirs_r+=($(ms "$t"))
  t=$(date +%s%N)
  "$AMLITE" server restore --file "$WORK/ours.gz" --data-dir "$WORK/h2-$run" --master-key-file "$KEY" >/dev/null
  h2_r+=($(ms "$t"))
  for db in "ours$run" "theirs$run"; do
    got="$(psql_ -d "$db" -c 'SELECT COUNT(*) FROM resources')"
    [[ "$got" == "$ROWS" ]] || { echo "$db has $got resource rows, not $ROWS"; exit 1; }
  done
  echo "run $run: backup amlite ${ours_b[-1]} ms, pg_dump ${theirs_b[-1]} ms; restore amlite ${ours_r[-1]} ms," \
    "pg_restore ${theirs_r[-1]} ms; restore amlite into H2 ${h2_r[-1]} ms"
done
ob=$(printf '%s\n' "${ours_b[@]}" | median); tb=$(printf '%s\n' "${theirs_b[@]}" | median)
or=$(printf '%s\n' "${ours_r[@]}" | median); tr=$(printf '%s\n' "${theirs_r[@]}" | median)
hr=$(printf '%s\n' "${h2_r[@]}" | median)
echo "== medians of $RUNS runs, $ROWS resource rows"
echo "backup:  amlite $ob ms ($(stat -c %s "$WORK/ours.gz") bytes), pg_dump -Fc $tb ms ($(stat -c %s "$WORK/theirs.dump") bytes)," \
  "ratio $(python3 -c "print(round($ob/$tb, 2))")"
echo "restore: amlite $or ms, pg_restore $tr ms, ratio $(python3 -c "print(round($or/$tr, 2))"); amlite into H2 $hr ms"

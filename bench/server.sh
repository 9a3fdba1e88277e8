#!/usr/bin/env bash
# Server: start to ready, and throughput/latency of GET and PUT of resource groups at 32 concurrent clients
# over HTTPS (wrk, keep-alive connections), on the embedded H2 store and on PostgreSQL 15. Throttling is set out
# of the way; every request is still authenticated (JWT) and authorised (RBAC) as in production.
# Usage: bench/server.sh [SECONDS] [ROUNDS]    needs wrk, curl and (for the PostgreSQL half) Debian's postgresql-15
source "$(dirname "$0")/common.sh"
SECONDS_PER_RUN="${1:-15}"
ROUNDS="${2:-3}"
CONNECTIONS=32

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== start to ready (first start creates the certificate, the schema and the admin; restart reuses them)"
for kind in first restart; do
  times=()
  for i in $(seq 1 5); do
    dir="$WORK/start-$i"; [[ "$kind" == first ]] && rm -rf "$dir"
    port="$(free_port)"; echo -n 'bench-Passw0rd!' > "$WORK/admin-password"
    begin=$(date +%s%N)
    "$AMLITE" server start --data-dir "$dir" --port "$port" --admin-password-file "$WORK/admin-password" >"$WORK/start.log" 2>&1 &
    pid=$!
    until curl -ksf "https://localhost:$port/readyz" >/dev/null 2>&1; do sleep 0.01; done
    times+=($(( ($(date +%s%N) - begin) / 1000000 )))
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
  echo "$kind start to ready (ms): ${times[*]}  median $(printf '%s\n' "${times[@]}" | median)"
done

run_wrk() { # run_wrk LABEL SCRIPT URL
  local label="$1" script="$2" url="$3"
  # The first round runs on a cold JIT; it is reported apart, the medians are of the rounds after it.
  RUN="${label}0" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$BENCH_DIR/$script" "$url" | grep '^RESULT' \
    | sed "s/^RESULT/$label-cold round=0/" | tee -a "$WORK/results.txt"
  for round in $(seq 1 "$ROUNDS"); do
    RUN="$label$round" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s "$BENCH_DIR/$script" "$url" | grep '^RESULT' \
      | sed "s/^RESULT/$label round=$round/" | tee -a "$WORK/results.txt"
  done
}

bench_store() { # bench_store LABEL [server flags...]
  local label="$1"; shift
  start_server "$label" "$@"
  login
  export TOKEN GROUPS_PATH="/subscriptions/$SUBSCRIPTION/resourcegroups"
  "$AMLITE" group create --name rg-read --location japaneast -o none
  run_wrk "$label-GET" get.lua "$URL$GROUPS_PATH/rg-read?api-version=2022-09-01"
  run_wrk "$label-PUT" put.lua "$URL"
  stop_server
}

: > "$WORK/results.txt"
bench_store h2
if [[ -x "$PG_BIN/postgres" ]]; then
  PG_SETTINGS="-c max_connections=100" start_postgres amlite
  bench_store pg --db-url "jdbc:postgresql://localhost:$PGPORT/amlite" --db-user postgres
else
  echo "PostgreSQL 15 not installed ($PG_BIN/postgres): PostgreSQL half skipped"
fi

echo "== medians over $ROUNDS rounds of ${SECONDS_PER_RUN}s after a cold round, $CONNECTIONS connections"
python3 - "$WORK/results.txt" <<'PY'
import re, statistics, sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    label, rest = line.split(" ", 1)
    kv = dict(re.findall(r"(\w+)=(\d+)", rest))
    rows[label].append({k: int(v) for k, v in kv.items()})
aims = {"GET": 2500, "PUT": 1000}
for label, runs in rows.items():
    rps = statistics.median(r["requests"] / (r["duration_us"] / 1e6) for r in runs)
    p50 = statistics.median(r["p50_us"] for r in runs) / 1000
    p99 = statistics.median(r["p99_us"] for r in runs) / 1000
    errors = sum(r["non2xx"] + r["socket_errors"] for r in runs)
    aim = aims["GET" if "GET" in label else "PUT"]
    print(f"{label:<12} {rps:8.0f} req/s (x{rps/aim:4.2f} of the aim {aim})  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {errors}")
PY

#!/usr/bin/env bash
# Job submit -> Running on a warm node (a cluster keeping one node), answered by this checkout's server and by BEFORE
# (another build's server jar, e.g. the commit before a change, copied aside), taking turns, each on its own data
# directory (and database): what a change to the job's start path costs. JOBS jobs ('true') a round.
# Usage: [STORE=pg] bench/job-start.sh BEFORE.jar [JOBS] [ROUNDS]   (defaults 30 jobs, 3 rounds; STORE=pg: both on
# a PostgreSQL 15 started here, one database each, else on their embedded H2)
source "$(dirname "$0")/common.sh"
BEFORE="$1"
JOBS="${2:-30}"
ROUNDS="${3:-3}"
DRIVE="$BENCH_DIR/tracking/drive.py"
echo -n 'bench-Passw0rd!' > "$WORK/admin-password"
[[ "${STORE:-h2}" == pg ]] && start_postgres before after

# round SIDE JAR: starts JAR on SIDE's data directory (set up on its first round), prints the drive's JSON.
round() {
  local side="$1" jar="$2" db=()
  [[ "${STORE:-h2}" == pg ]] && db=(--db-url "jdbc:postgresql://localhost:$PGPORT/$side" --db-user postgres)
  SERVER_NAME="$side"
  start_jar "$side" "$jar" --data-dir "$WORK/$side" --inference-port off --admin-password-file "$WORK/admin-password" \
    --throttling 1000000:1000000,1000000:1000000 "${db[@]}" || exit 1
  login
  WS="/subscriptions/$SUBSCRIPTION/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw"
  if [[ ! -f "$WORK/$side.ready" ]]; then
    make_workspace
    "$AMLITE" ml environment create -n bench-env -v 1 --image python:3.11 -w mlw -g rg -o none
    "$AMLITE" ml compute create -n warm --type amlcompute --size Standard_DS1_v2 --min-instances 1 --max-instances 1 \
      -w mlw -g rg -o none
    touch "$WORK/$side.ready"
  fi
  python3 "$DRIVE" jobs "$URL" "$TOKEN" "$WORK/$side/tls/server.crt" "$WS" warm "$WS/environments/bench-env/versions/1" \
    "$JOBS"
  stop_server
}
before=(); after=()
for _ in $(seq 1 "$ROUNDS"); do
  before+=("$(round before "$BEFORE")")
  after+=("$(round after "$SERVER_JAR")")
done
python3 - "$JOBS" "$(printf '%s\n' "${before[@]}")" "$(printf '%s\n' "${after[@]}")" <<'PY'
import json, statistics, sys
jobs = sys.argv[1]
sides = {name: [json.loads(line) for line in text.splitlines() if line.strip()]
         for name, text in (("before", sys.argv[2]), ("after", sys.argv[3]))}
for name, rounds in sides.items():
    client = [r["submit_to_running_ms"]["median"] for r in rounds]
    server = [r["server_notstarted_to_running_ms"]["median"] for r in rounds]
    print(f"{name}: submit -> Running, median of {jobs} jobs a round (ms): client {[round(c, 1) for c in client]}, "
          f"server {[round(s, 1) for s in server]}")
b = statistics.median(r["submit_to_running_ms"]["median"] for r in sides["before"])
a = statistics.median(r["submit_to_running_ms"]["median"] for r in sides["after"])
print(f"median of rounds, client: before {b:.1f} ms, after {a:.1f} ms, after / before {a / b:.2f}")
PY

#!/usr/bin/env bash
# Job list latency: GET .../jobs of a workspace with JOBS finished jobs, each with an MLflow run holding a metric and
# a param (as `amlite ml job list` reads it), answered by this checkout's server and by BEFORE (another build's
# server jar, e.g. the commit before a change, copied aside), alternating on the same data directory.
# Usage: [STORE=pg] [QUERY='$top=5'] bench/job-list.sh BEFORE.jar [JOBS] [ROUNDS] [GETS]   (defaults 300 jobs, 4
# rounds of 20 GETs each; STORE=pg: both servers on a PostgreSQL 15 started here, else on the embedded H2; QUERY is
# added to the list's URL, as `job list --max-results 5` adds $top=5: either server may answer all jobs or that many)
source "$(dirname "$0")/common.sh"
BEFORE="$1"
JOBS="${2:-300}"
ROUNDS="${3:-4}"
GETS="${4:-20}"

DB=()
if [[ "${STORE:-h2}" == pg ]]; then
  start_postgres amlite
  DB=(--db-url "jdbc:postgresql://localhost:$PGPORT/amlite" --db-user postgres)
fi
start_server data "${DB[@]}"
login
make_workspace
"$AMLITE" ml environment create -n bench-env -v 1 --image python:3.11 -w mlw -g rg -o none
"$AMLITE" ml compute create -n cpu --type amlcompute --size Standard_DS1_v2 --max-instances 2 -w mlw -g rg -o none
WS="/subscriptions/$SUBSCRIPTION/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw"
TRACKING="$("$AMLITE" ml workspace show -n mlw -g rg --query mlflow_tracking_uri -o tsv)"
body="{\"properties\":{\"jobType\":\"Command\",\"command\":\"true\",\"environmentId\":\"$WS/environments/bench-env/versions/1\",\"computeId\":\"$WS/computes/cpu\"}}"
for i in $(seq 1 "$JOBS"); do
  code=$(curl -ks -o "$WORK/put.json" -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "$body" "$URL$WS/jobs/j$i?api-version=2024-04-01")
  [[ "$code" == 201 ]] || { echo "job $i answered $code: $(cat "$WORK/put.json")" >&2; exit 1; }
done
echo "submitted $JOBS jobs; waiting for them to finish" >&2
for _ in $(seq 1 600); do
  left=$(curl -ks -H "Authorization: Bearer $TOKEN" "$URL$WS/jobs?api-version=2024-04-01" | python3 -c '
import json, sys
print(sum(1 for j in json.load(sys.stdin)["value"] if j["properties"]["status"] not in ("Completed", "Failed", "Canceled")))')
  [[ "$left" == 0 ]] && break
  sleep 1
done
for i in $(seq 1 "$JOBS"); do
  curl -ksf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    "$TRACKING/api/2.0/mlflow/runs/log-batch" \
    -d "{\"run_id\":\"j$i\",\"metrics\":[{\"key\":\"loss\",\"value\":0.$i,\"timestamp\":1,\"step\":0}],\"params\":[{\"key\":\"lr\",\"value\":\"0.1\"}]}"
done
stop_server

# round SIDE JAR: starts JAR on the data directory, warms it with 10 GETs, prints GETS timings in ms.
round() {
  start_jar "$1" "$2" --data-dir "$WORK/data" --inference-port off "${DB[@]}" \
    --throttling 1000000:1000000,1000000:1000000 || exit 1
  local list="$URL$WS/jobs?api-version=2024-04-01${QUERY:+&$QUERY}"
  for _ in $(seq 1 10); do curl -ks -o /dev/null -H "Authorization: Bearer $TOKEN" "$list"; done
  for _ in $(seq 1 "$GETS"); do
    curl -ks -o "$WORK/list.json" -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$list"
  done
  python3 -c 'import json, re, sys; d = json.load(open(sys.argv[1])); n = len(d["value"]); m = sum(1 for j in d["value"] if j["properties"].get("mlflow", {}).get("metrics")); top = re.search(r"\$top=(\d+)", sys.argv[3]); sys.exit(0 if (n == int(sys.argv[2]) or top and n == int(top.group(1))) and m == n else "list has %d jobs, %d with metrics" % (n, m))' "$WORK/list.json" "$JOBS" "${QUERY:-}" >&2
  stop_server
}
median() { sort -n | awk '{v[NR]=$1} END {printf "%.1f", 1000 * (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
before=(); after=()
for _ in $(seq 1 "$ROUNDS"); do
  before+=("$(round before "$BEFORE" | median)")
  after+=("$(round after "$SERVER_JAR" | median)")
done
python3 - "$JOBS" "$GETS" "${before[*]}" "${after[*]}" "${QUERY:-}" <<'PY'
import statistics, sys
jobs, gets = sys.argv[1], sys.argv[2]
before = [float(v) for v in sys.argv[3].split()]
after = [float(v) for v in sys.argv[4].split()]
print(f"job list of {jobs} jobs{' (' + sys.argv[5] + ')' if sys.argv[5] else ''}, median of {gets} GETs a round (ms): "
      f"before {before}, after {after}")
print(f"median of rounds: before {statistics.median(before):.1f} ms, after {statistics.median(after):.1f} ms, "
      f"after / before {statistics.median(after) / statistics.median(before):.2f}")
PY

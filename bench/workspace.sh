#!/usr/bin/env bash
# Workspace create latency (issue 3): each PUT creates the workspace and its storage account, key vault and
# Application Insights component. Azure documents minutes for this; we measure milliseconds.
# Usage: bench/workspace.sh [count]   (default 60; the first 10 are warm-up and not counted)
source "$(dirname "$0")/common.sh"
COUNT="${1:-60}"
start_server ws
login
curl -ksf -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  "$URL/subscriptions/$SUBSCRIPTION/resourceGroups/bench?api-version=2022-09-01" -d '{"location":"japaneast"}' >/dev/null
times="$WORK/times.txt"
for i in $(seq 1 "$COUNT"); do
  t="$(curl -ks -o "$WORK/last.json" -w '%{http_code} %{time_total}' -X PUT -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d '{}' \
    "$URL/subscriptions/$SUBSCRIPTION/resourceGroups/bench/providers/Microsoft.MachineLearningServices/workspaces/bench-ws-$i?api-version=2024-04-01")"
  [[ "${t%% *}" == 201 ]] || { echo "create $i answered ${t%% *}: $(cat "$WORK/last.json")" >&2; exit 1; }
  [[ "$i" -gt 10 ]] && echo "${t#* }" >> "$times"
done
python3 - "$times" <<'PY'
import statistics, sys
values = sorted(float(line) * 1000 for line in open(sys.argv[1]))
p99 = values[min(len(values) - 1, int(round(0.99 * (len(values) - 1))))]
print(f"workspace create (with storage, key vault, insights): n={len(values)} median={statistics.median(values):.1f} ms "
      f"p99={p99:.1f} ms min={values[0]:.1f} ms max={values[-1]:.1f} ms")
PY

#!/usr/bin/env bash
# CLI wall time, warm: `amlite group show` and `amlite ml workspace show` against a local server beside the Azure
# CLI's `az group show --help` (Debian's azure-cli; a Python CLI start-up that never touches the network). Needs
# hyperfine and az. BEFORE=DIR adds the same commands through the launcher of another checkout (its jars built),
# for a before/after comparison in the same run.
# Usage: [BEFORE=DIR] bench/cli.sh [RUNS]   -> prints hyperfine's table and the medians/ratio
source "$(dirname "$0")/common.sh"
RUNS="${1:-30}"
start_server cli
login
"$AMLITE" group create --name rg-bench --location japaneast -o none
"$AMLITE" ml workspace create --name ws-bench -g rg-bench -o none
commands=()
for launcher in ${BEFORE:+"$BEFORE/amlite"} "$AMLITE"; do
  # One run first, so that each launcher has made its class archive before hyperfine's warm-up.
  "$launcher" group show -n rg-bench -o none
  sleep 8
  commands+=("$launcher group show -n rg-bench -o none"
    "$launcher group show -n rg-bench --query properties.provisioningState -o tsv"
    "$launcher ml workspace show -n ws-bench -g rg-bench -o none")
done
hyperfine --warmup 5 --runs "$RUNS" --export-json "$WORK/cli.json" -N "${commands[@]}" "az group show --help"
python3 - "$WORK/cli.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
ref = results[-1]["median"]
for r in results:
    print(f"{r['command']:<100} median {r['median']*1000:7.1f} ms  ratio to az {r['median']/ref:5.2f}")
PY

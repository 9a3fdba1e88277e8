#!/usr/bin/env bash
# CLI wall time, warm: `amlite group show` against a local server beside the Azure CLI's `az group show --help`
# (Debian's azure-cli; a Python CLI start-up that never touches the network). Needs hyperfine and az.
# Usage: bench/cli.sh [RUNS]   -> prints hyperfine's table and the medians/ratio
source "$(dirname "$0")/common.sh"
RUNS="${1:-30}"
start_server cli
login
"$AMLITE" group create --name rg-bench --location japaneast -o none
hyperfine --warmup 5 --runs "$RUNS" --export-json "$WORK/cli.json" -N \
  "$AMLITE group show -n rg-bench -o none" \
  "$AMLITE group show -n rg-bench --query properties.provisioningState -o tsv" \
  "az group show --help"
python3 - "$WORK/cli.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
ref = results[-1]["median"]
for r in results:
    print(f"{r['command']:<75} median {r['median']*1000:7.1f} ms  ratio to az {r['median']/ref:5.2f}")
PY

#!/usr/bin/env bash
# What a request on a new HTTPS connection costs, the first request of every CLI command: curl of /healthz (a new
# connection each time) and `amlite group show`, against BEFORE (another build's server jar, e.g. the commit before
# a change) and this build's server, both running at once, through this build's CLI. Needs hyperfine.
# Usage: bench/first-request.sh BEFORE.jar [RUNS]   (default 30 runs each)
source "$(dirname "$0")/common.sh"
BEFORE="$1"
RUNS="${2:-30}"
echo -n 'bench-Passw0rd!' > "$WORK/admin-password"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; cleanup' EXIT
declare -A URLS
for side in before after; do
  jar="$SERVER_JAR"; [[ "$side" == before ]] && jar="$BEFORE"
  start_jar "$side" "$jar" --data-dir "$WORK/$side" --admin-password-file "$WORK/admin-password" \
    --inference-port off --throttling 1000000:1000000,1000000:1000000
  PIDS+=("$SERVER_PID"); SERVER_PID=""
  URLS[$side]="$URL"
  AMLITE_CONFIG_DIR="$WORK/config-$side" "$AMLITE" login --server "$URL" --ca-file "$WORK/$side/tls/server.crt" \
    --username admin --password 'bench-Passw0rd!' -o none
  AMLITE_CONFIG_DIR="$WORK/config-$side" "$AMLITE" group create -n rg-bench -l japaneast -o none
done
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$WORK/first.json" \
  -n "curl /healthz, before" "curl -ks -o /dev/null ${URLS[before]}/healthz" \
  -n "curl /healthz, after" "curl -ks -o /dev/null ${URLS[after]}/healthz" \
  -n "group show, before" "env AMLITE_CONFIG_DIR=$WORK/config-before $AMLITE group show -n rg-bench -o none" \
  -n "group show, after" "env AMLITE_CONFIG_DIR=$WORK/config-after $AMLITE group show -n rg-bench -o none" >&2
python3 - "$WORK/first.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
for what in ("curl /healthz", "group show"):
    b, a = r[what + ", before"], r[what + ", after"]
    print(f"{what:<14} before {b:7.1f} ms  after {a:7.1f} ms  after / before {a / b:.2f}")
PY

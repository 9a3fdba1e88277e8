#!/usr/bin/env bash
# Restart to ready of two server jars side by side: each jar gets its own class archive and data directory (made
# and archived by two starts first), then N restarts of each, alternating, each timed from launch to the first 200
# from /readyz (polled every 10 ms). For comparing a change with the jar before it (copy the old jar aside first).
# Usage: bench/start-ab.sh BEFORE.jar AFTER.jar [N]   (default N 7)
set -euo pipefail
BEFORE="$1"; AFTER="$2"; N="${3:-7}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/amlite" --version >/dev/null   # finds the JDK (and builds the jars if needed)
JAVA="$(cat "$ROOT/.amlite-build/java")"
WORK="$(mktemp -d /tmp/amlite-start-ab.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
echo -n 'bench-Passw0rd!' > "$WORK/pw"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
one() { # jar label: prints the milliseconds to ready
  local port inference begin pid
  port=$(free_port); inference=$(free_port)
  begin=$(date +%s%N)
  "$JAVA" -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="$WORK/$2.jsa" -XX:MaxGCPauseMillis=10 -jar "$1" \
    --data-dir "$WORK/$2-data" --port "$port" --inference-port "$inference" --admin-password-file "$WORK/pw" \
    > "$WORK/$2.log" 2>&1 &
  pid=$!
  until curl -ksf "https://localhost:$port/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/$2.log" >&2; exit 1; }
    sleep 0.01
  done
  echo $(( ($(date +%s%N) - begin) / 1000000 ))
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
for side in before after; do
  jar=$BEFORE; [[ $side == after ]] && jar=$AFTER
  one "$jar" "$side" >/dev/null; one "$jar" "$side" >/dev/null
done
before=(); after=()
for _ in $(seq 1 "$N"); do before+=("$(one "$BEFORE" before)"); after+=("$(one "$AFTER" after)"); done
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
echo "before ($BEFORE): ${before[*]}  median $(median "${before[@]}") ms"
echo "after  ($AFTER): ${after[*]}  median $(median "${after[@]}") ms"

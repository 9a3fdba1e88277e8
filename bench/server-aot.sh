#!/usr/bin/env bash
# Server restart to ready with the launcher's dynamic class archive beside a JEP 483 AOT cache (JDK 25+): each
# warmed on its own data directory, the AOT cache recorded by one server life in record mode and made after it;
# then 7 restarts of each, alternating, timed from launch to the first 200 from /readyz. Prints ms per restart.
# Usage: bench/server-aot.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
"$ROOT/amlite" --version >/dev/null   # finds the JDK, builds the jars if needed
JAVA="$(cat "$ROOT/.amlite-build/java")"
JAR="$ROOT/server/target/amlite-server.jar"
W="$(mktemp -d /tmp/amlite-server-aot.XXXXXX)"; trap 'rm -rf "$W"' EXIT; echo -n 'bench-Passw0rd!' > $W/pw
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
one() { # label flags...
  local label=$1; shift
  local port inference begin pid
  port=$(free_port); inference=$(free_port)
  begin=$(date +%s%N)
  "$JAVA" "$@" -XX:MaxGCPauseMillis=10 -jar "$JAR" --data-dir "$W/$label-data" --port "$port" \
    --inference-port "$inference" --admin-password-file "$W/pw" > "$W/$label.log" 2>&1 &
  pid=$!
  until curl -ksf "https://localhost:$port/readyz" >/dev/null 2>&1; do kill -0 "$pid" 2>/dev/null || { tail "$W/$label.log" >&2; exit 1; }; sleep 0.01; done
  echo -n "$(( ($(date +%s%N) - begin) / 1000000 )) "
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
CDS=(-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$W/s.jsa)
one cds "${CDS[@]}" >/dev/null; one cds "${CDS[@]}" > /dev/null
t0=$(date +%s%N); one aot -XX:AOTMode=record -XX:AOTConfiguration=$W/s.aotconf; echo " (record run) "
$JAVA -XX:AOTMode=create -XX:AOTConfiguration=$W/s.aotconf -XX:AOTCache=$W/s.aot -XX:MaxGCPauseMillis=10 -jar $JAR > $W/create.log 2>&1; echo "create took $(( ($(date +%s%N) - t0) / 1000000 )) ms incl record; size $(du -h $W/s.aot | cut -f1)"
one aot -XX:AOTCache=$W/s.aot >/dev/null
for i in 1 2 3 4 5 6 7; do echo -n "cds "; one cds "${CDS[@]}"; echo -n " aot "; one aot -XX:AOTCache=$W/s.aot; echo; done

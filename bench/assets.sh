#!/usr/bin/env bash
# Upload and download throughput of a model folder (issue 4): one large file plus many small ones, through the
# CLI against amlite's own blob store, side by side with `cp -r` of the same files on the same disk (the physical
# limit here). Then registration of many model versions (explicit versions, one PUT each over 8 keep-alive
# connections with wrk), with the store's size before and after (server stopped, so H2 has compacted).
# Usage: bench/assets.sh [large MiB] [small files] [versions]   (defaults 768 2560 10000: a 1 GiB folder)
source "$(dirname "$0")/common.sh"
LARGE_MIB="${1:-768}"
SMALL="${2:-2560}"
VERSIONS="${3:-10000}"
start_server assets
login
"$AMLITE" group create -n bench -l japaneast -o none
"$AMLITE" ml workspace create -n bench-ws -g bench -o none
src="$WORK/model"
mkdir -p "$src/small"
head -c "$((LARGE_MIB * 1024 * 1024))" /dev/urandom > "$src/large.bin"
for i in $(seq 1 "$SMALL"); do head -c 102400 /dev/urandom > "$src/small/f$i.bin"; done
bytes="$(du -sb "$src" | cut -f1)"
sync
t0=$(date +%s.%N); cp -r "$src" "$WORK/copy"; sync; t1=$(date +%s.%N)
"$AMLITE" ml model create -w bench-ws -g bench -n big -v 1 --path "$src" -o none 2>"$WORK/upload.log"; sync; t2=$(date +%s.%N)
"$AMLITE" ml model download -w bench-ws -g bench -n big -v 1 --download-path "$WORK/down" -o none 2>"$WORK/download.log"; sync; t3=$(date +%s.%N)
cmp "$src/large.bin" "$WORK/down/big/model/large.bin"
python3 - "$bytes" "$t0" "$t1" "$t2" "$t3" "$SMALL" <<'PY'
import sys
b, t0, t1, t2, t3, small = int(sys.argv[1]), *map(float, sys.argv[2:6]), sys.argv[6]
mb = b / 1e6
cp, up, down = t1 - t0, t2 - t1, t3 - t2
print(f"folder: {b / 2**30:.2f} GiB (1 large file + {small} x 100 KiB)")
print(f"cp -r:              {cp:6.2f} s  {mb / cp:7.1f} MB/s")
print(f"amlite model create:{up:6.2f} s  {mb / up:7.1f} MB/s  ({up / cp:.2f}x cp, incl. CLI start and registration)")
print(f"amlite model download:{down:4.2f} s  {mb / down:7.1f} MB/s  ({down / cp:.2f}x cp)")
PY
size_before="$(du -sb "$WORK/assets" --exclude=blobs | cut -f1)"
uri="azureml://datastores/workspaceblobstore/paths/LocalUpload/$(ls "$WORK/assets/blobs/"*/azureml-blobstore-*/LocalUpload/)/model/"
base="$URL/subscriptions/$SUBSCRIPTION/resourceGroups/bench/providers/Microsoft.MachineLearningServices/workspaces/bench-ws/models/many/versions"
t4=$(date +%s.%N)
# wrk runs for its whole -d however early its thread stops, so the script ends it once the last version answers.
TOKEN="$TOKEN" TOTAL="$VERSIONS" VERSIONS_PATH="${base#$URL}" MODEL_URI="$uri" wrk -t1 -c8 -d3600s \
  -s "$BENCH_DIR/versions.lua" "$URL" >"$WORK/wrk.out" 2>&1 &
WRK_PID=$!
until [[ "$(curl -ks -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  "$base/$VERSIONS?api-version=2024-04-01")" == 200 ]]; do
  kill -0 "$WRK_PID" 2>/dev/null || { cat "$WORK/wrk.out" >&2; exit 1; }
  sleep 0.1
done
t5=$(date +%s.%N)
kill "$WRK_PID"; wait "$WRK_PID" 2>/dev/null || true
size_running="$(du -sb "$WORK/assets" --exclude=blobs | cut -f1)"
listed="$(curl -ksf -H "Authorization: Bearer $TOKEN" "$base?api-version=2024-04-01&\$top=100000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["value"]))')"
# H2 rewrites B-tree pages on every commit and compacts in the background when the server is idle: sample the
# size until it stops shrinking (at most 5 minutes).
idle=0; size_idle="$size_running"
while (( idle < ${IDLE_MAX:-300} )); do
  sleep 10; idle=$((idle + 10))
  size_now="$(du -sb "$WORK/assets" --exclude=blobs | cut -f1)"
  (( size_now >= size_idle && size_now < size_running )) && break
  size_idle="$size_now"
done
stop_server
size_stopped="$(du -sb "$WORK/assets" --exclude=blobs | cut -f1)"
python3 - "$VERSIONS" "$t4" "$t5" "$size_before" "$size_running" "$size_idle" "$idle" "$size_stopped" "$listed" <<'PY'
import sys
n, t4, t5 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
before, running, idle_size, idle, stopped, listed = (int(a) for a in sys.argv[4:10])
print(f"register {n} model versions (wrk, 8 connections): {t5 - t4:.1f} s, {n / (t5 - t4):.0f}/s; listed afterwards: {listed}")
print(f"store (H2 + secrets, without blobs): {before / 2**20:.1f} MiB before, {running / 2**20:.1f} MiB right after "
      f"(uncompacted), {idle_size / 2**20:.1f} MiB after {idle} s idle, {stopped / 2**20:.1f} MiB after a clean stop "
      f"({(min(idle_size, stopped) - before) / n:.0f} bytes per version)")
PY

#!/usr/bin/env bash
# Assets on the Azure Blob backend (issue 4): the same model folder (one large file plus many small ones)
# uploaded and downloaded by Azure's official JavaScript blob client straight to Azurite, and by
# `amlite ml model create/download` against a workspace whose storage account points at that Azurite. Both sides
# move eight files at a time; the difference is what amlite adds (CLI start, control-plane calls, MD5 checks,
# its own HTTP client).
# Usage: bench/assets-azurite.sh [large MiB] [small files]   (defaults 768 2560: a 1 GiB folder)
source "$(dirname "$0")/common.sh"
LARGE_MIB="${1:-768}"
SMALL="${2:-2560}"
AZURITE="$ROOT/it/compat/node_modules/.bin/azurite-blob"
[[ -x "$AZURITE" ]] || npm --prefix "$ROOT/it/compat" ci --no-audit --no-fund >/dev/null
[[ -d "$BENCH_DIR/azurite/node_modules/@azure/storage-blob" ]] \
  || npm --prefix "$BENCH_DIR/azurite" ci --no-audit --no-fund >/dev/null
AZ_PORT="$(free_port)"
"$AZURITE" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$WORK/azurite" --skipApiVersionCheck \
  --disableTelemetry --silent >"$WORK/azurite.log" 2>&1 &
AZ_PID=$!
trap 'kill "$AZ_PID" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$AZ_PORT/" && break; sleep 0.1; done
KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
CONN="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$AZ_PORT/devstoreaccount1;"
echo -n "$CONN" > "$WORK/azurite.conn"

start_server assets
login
"$AMLITE" group create -n bench -l japaneast -o none
account="$("$AMLITE" storage account create -n benchaz -g bench --blob-connection-string-file "$WORK/azurite.conn" --query id -o tsv)"
"$AMLITE" ml workspace create -n bench-ws -g bench --storage-account "$account" -o none

src="$WORK/model"
mkdir -p "$src/small"
head -c "$((LARGE_MIB * 1024 * 1024))" /dev/urandom > "$src/large.bin"
for i in $(seq 1 "$SMALL"); do head -c 102400 /dev/urandom > "$src/small/f$i.bin"; done
bytes="$(du -sb "$src" | cut -f1)"
sync
now() { date +%s.%N; }
t0=$(now); node "$BENCH_DIR/azurite/transfer.mjs" upload "$CONN" direct model "$src"; t1=$(now)
node "$BENCH_DIR/azurite/transfer.mjs" download "$CONN" direct model "$WORK/direct-down"; sync; t2=$(now)
"$AMLITE" ml model create -w bench-ws -g bench -n big -v 1 --path "$src" -o none 2>"$WORK/upload.log"; t3=$(now)
"$AMLITE" ml model download -w bench-ws -g bench -n big -v 1 --download-path "$WORK/down" -o none 2>"$WORK/download.log"; sync; t4=$(now)
cmp "$src/large.bin" "$WORK/direct-down/large.bin"
cmp "$src/large.bin" "$WORK/down/big/model/large.bin"
python3 - "$bytes" "$t0" "$t1" "$t2" "$t3" "$t4" "$SMALL" <<'PY'
import sys
b, t0, t1, t2, t3, t4, small = int(sys.argv[1]), *map(float, sys.argv[2:7]), sys.argv[7]
mb = b / 1e6
du, dd, au, ad = t1 - t0, t2 - t1, t3 - t2, t4 - t3
print(f"folder: {b / 2**30:.2f} GiB (1 large file + {small} x 100 KiB), Azurite on loopback (HTTP)")
print(f"official JS client -> Azurite, upload:   {du:6.2f} s {mb / du:7.1f} MB/s")
print(f"amlite model create -> Azurite:          {au:6.2f} s {mb / au:7.1f} MB/s ({au / du:.2f}x the direct upload)")
print(f"official JS client <- Azurite, download: {dd:6.2f} s {mb / dd:7.1f} MB/s")
print(f"amlite model download <- Azurite:        {ad:6.2f} s {mb / ad:7.1f} MB/s ({ad / dd:.2f}x the direct download)")
PY

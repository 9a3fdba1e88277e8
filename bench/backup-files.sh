#!/usr/bin/env bash
# A backup with its files: `amlite server backup --with-files` (the store and the blobs, through the server, into a
# zip) beside the manual way it replaces, `amlite server backup` then `tar -cf` of DATA/blobs, taking turns, with a
# model of SIZE_MIB MiB of random bytes registered first. Then `amlite server restore` of the zip into a new data
# directory, once.
# Usage: bench/backup-files.sh [SIZE_MIB] [ROUNDS]   (defaults 512 MiB, 3 rounds)
source "$(dirname "$0")/common.sh"
SIZE="${1:-512}"
ROUNDS="${2:-3}"
start_server data
login
make_workspace
mkdir -p "$WORK/model"
head -c "$((SIZE * 1024 * 1024))" /dev/urandom > "$WORK/model/weights.bin"
"$AMLITE" ml model create -n big -v 1 --path "$WORK/model" -w mlw -g rg -o none 2>/dev/null
now() { date +%s.%N; }
zip=(); manual=()
for _ in $(seq 1 "$ROUNDS"); do
  rm -f "$WORK/whole.zip" "$WORK/store.gz" "$WORK/blobs.tar"; sync
  t0=$(now); "$AMLITE" server backup --file "$WORK/whole.zip" --with-files -o none; t1=$(now)
  zip+=("$(echo "$t1 - $t0" | bc)")
  rm -f "$WORK/whole.zip"; sync
  t0=$(now); "$AMLITE" server backup --file "$WORK/store.gz" -o none; tar -cf "$WORK/blobs.tar" -C "$WORK/data" blobs; t1=$(now)
  manual+=("$(echo "$t1 - $t0" | bc)")
done
"$AMLITE" server backup --file "$WORK/whole.zip" --with-files -o none
ls -l "$WORK/whole.zip" "$WORK/blobs.tar" "$WORK/store.gz" >&2
t0=$(now)
"$ROOT/amlite" server restore --file "$WORK/whole.zip" --data-dir "$WORK/restored" \
  --master-key-file "$WORK/data/secrets/master.key" >&2
t1=$(now)
cmp "$WORK/model/weights.bin" "$(find "$WORK/restored/blobs" -name weights.bin -not -path '*/.md5/*')" && echo "restored model file is identical" >&2
python3 - "$SIZE" "${zip[*]}" "${manual[*]}" "$(echo "$t1 - $t0" | bc)" <<'PY'
import statistics, sys
size, zips, manual, restore = sys.argv[1], [float(v) for v in sys.argv[2].split()], [float(v) for v in sys.argv[3].split()], float(sys.argv[4])
print(f"{size} MiB model: backup --with-files {zips} s, backup + tar {manual} s")
z, m = statistics.median(zips), statistics.median(manual)
print(f"medians: --with-files {z:.2f} s, backup + tar {m:.2f} s, ratio {z / m:.2f}; restore of the zip {restore:.2f} s")
PY

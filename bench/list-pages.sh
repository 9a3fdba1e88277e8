#!/usr/bin/env bash
# Reading a long list whole: COUNT environment versions listed through every page (the default --list-page-size
# 1000, following each nextLink as a client does) against the same list in one page (--list-page-size above
# COUNT), the two servers taking turns on one data directory. Each round: 5 warm-up reads, then READS timed reads.
# With BEFORE=JAR, a third server (another build's jar, e.g. before a change) reads it through pages too.
# Usage: [BEFORE=JAR] bench/list-pages.sh [COUNT] [ROUNDS] [READS]   (defaults 10000, 3, 10; needs wrk)
source "$(dirname "$0")/common.sh"
COUNT="${1:-10000}"
ROUNDS="${2:-3}"
READS="${3:-10}"

start_server data
login
make_workspace
WS="/subscriptions/$SUBSCRIPTION/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlw"
base="$URL$WS/environments/many/versions"
# wrk runs for its whole -d however early its thread stops, so the script ends it once the last version answers.
TOKEN="$TOKEN" TOTAL="$COUNT" VERSIONS_PATH="$WS/environments/many/versions" \
  BODY='{"properties":{"image":"python:3.11-slim"}}' wrk -t1 -c8 -d3600s -s "$BENCH_DIR/versions.lua" "$URL" \
  >"$WORK/wrk.out" 2>&1 &
WRK_PID=$!
until [[ "$(curl -ks -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  "$base/$COUNT?api-version=2024-04-01")" == 200 ]]; do
  kill -0 "$WRK_PID" 2>/dev/null || { cat "$WORK/wrk.out" >&2; exit 1; }
  sleep 0.2
done
kill "$WRK_PID"; wait "$WRK_PID" 2>/dev/null || true
stop_server

# round PAGE_SIZE [JAR]: starts the server (this build's, or JAR) with that page size on the data directory and
# prints READS whole-list read times in ms (python3 follows the nextLinks on one kept-alive connection and checks every version came once).
round() {
  start_jar round "${2:-$SERVER_JAR}" --data-dir "$WORK/data" --inference-port off --list-page-size "$1" \
    --throttling 1000000:1000000,1000000:1000000 || exit 1
  python3 - "$PORT" "$WS/environments/many/versions?api-version=2024-04-01" "$TOKEN" "$COUNT" "$READS" <<'PY'
import http.client, json, ssl, statistics, sys, time, urllib.parse
port, path, token, count, reads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
context = ssl._create_unverified_context()
connection = http.client.HTTPSConnection("localhost", int(port), context=context)
def read_all():
    names, pages, next_path = [], 0, path
    while next_path:
        connection.request("GET", next_path, headers={"Authorization": "Bearer " + token})
        body = json.loads(connection.getresponse().read())
        names += [item["name"] for item in body["value"]]
        pages += 1
        link = body.get("nextLink")
        next_path = None if not link else link[link.index("/subscriptions/"):]
    if len(names) != count or len(set(names)) != count:
        sys.exit(f"read {len(names)} versions ({len(set(names))} distinct), expected {count}")
    return pages
for _ in range(5):
    read_all()
times = []
for _ in range(reads):
    start = time.perf_counter()
    pages = read_all()
    times.append((time.perf_counter() - start) * 1000)
print(f"{statistics.median(times):.1f} {pages}")
PY
  stop_server
}
paged=(); whole=(); before=()
for _ in $(seq 1 "$ROUNDS"); do
  paged+=("$(round 1000)")
  whole+=("$(round $((COUNT + 1)))")
  [[ -n "${BEFORE:-}" ]] && before+=("$(round 1000 "$BEFORE")")
done
python3 - "$COUNT" "${paged[*]}" "${whole[*]}" "${before[*]:-}" <<'PY'
import statistics, sys
count = sys.argv[1]
before = [float(v) for v in sys.argv[4].split()[0::2]]
if before:
    print(f"BEFORE's jar, pages of 1000 (ms): {before}, median {statistics.median(before):.1f}")
paged = [float(v) for v in sys.argv[2].split()[0::2]]
pages = sys.argv[2].split()[1]
whole = [float(v) for v in sys.argv[3].split()[0::2]]
print(f"{count} environment versions read whole, median of each round's reads (ms): "
      f"{pages} pages of 1000 {paged}, one page {whole}")
print(f"median of rounds: paged {statistics.median(paged):.1f} ms, one page {statistics.median(whole):.1f} ms, "
      f"paged / one page {statistics.median(paged) / statistics.median(whole):.2f}")
PY

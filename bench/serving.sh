#!/usr/bin/env bash
# Online endpoints (issue 5), side by side in one run on this machine:
#  1. router overhead: wrk at 64 connections against (a) a trivial backend (a Java deployment instance) directly,
#     (b) amlite's router in front of it with key auth, a 90/10 split and 10 % mirroring, (c) nginx with
#     split_clients + mirror for the same split in front of the same instances;
#  2. mirror isolation: a shadow answering in 300 ms, mirror at 50 % vs off, amlite and nginx;
#  3. split accuracy over 100,000 requests;  4. back-pressure: 429 and 408 latency, and the timed-out work
#     cancelled in the instance;  5. Python serving: the example's scikit-learn score.py behind amlite with N
#     instances vs gunicorn + Flask with N workers;  6. deployment create -> first successful score;
#  7. router overhead below saturation: part 1's three targets at 64 connections, each connection pausing
#     DELAY_MS (default 20) after every answer (wrk's delay(), bench/serving/paced.lua): p99 added by each proxy
#     at a fixed offered load rather than at the machine's limit, and the deployments' own latency histograms (the
#     upstream exchanges as the router timed them) (not in the default PARTS). JITTER_MS: each pause drawn from
#     DELAY_MS +- JITTER_MS, so that the connections do not fire in lockstep (bench/serving/paced.lua). Each run
#     prints the p99.9 and the maximum too, and the CPU per request of the proxy and of the instances.
#     WARM_SECONDS (default 10): the paced warm-up of the router before the rounds (its JIT is still compiling after 10 s),
#     in WARM_RUNS wrk runs (default 3; 1 was the method before 2026-12-06), each with new connections.
#     AGAIN: (b) run twice in each round, the second at once after the first (new connections, no idle spell before).
#  8. a Java model that computes (bench/serving/Mlp.java): the instances on the JVM's default JIT vs C1 only
#     (JDK_JAVA_OPTIONS in the deployment), pinned through the router, and their resident memory (not in the default
#     PARTS; the server then runs with a 1 GB/s endpoint bandwidth quota, as its requests are 650 bytes).
# Plain HTTP on loopback for amlite and nginx alike (no TLS on either side), so both proxy the same bytes.
# Usage: bench/serving.sh [SECONDS per wrk run] [N instances/workers]   (defaults 10 2)
# Environment: PARTS (default "1 2 3 4 5 6"), ROUNDS (rounds of parts 1, 2 and 5; default 3), CONCURRENT,
# MIRROR_CAPACITY; PRIO (part 7 only: a nice value such as -10, or "rt" for SCHED_FIFO 10, given to every thread
# of amlite's server and of nginx's workers before the runs — to see whether the added tail is CPU scheduling);
# WRK_THREADS (wrk's threads in the measured runs, default 2); PIN (part 7: wrk on CPU 0, the rest on CPU 1);
# FLOOR (part 7: also each proxy's plainest hop, amlite pinned to one deployment and nginx's bare proxy_pass);
# PERF_SCHED (a folder: `perf sched record` of 5 s inside each round-1 run, for `perf sched timehist`);
# CAPTURE (part 7: a folder; a tcpdump of the loopback inside each run, split per request by bench/serving/hops.py
# into the proxy's own time and the instance's, from the kernel's packet timestamps; needs Debian's tcpdump);
# SLICE_US (part 7: an EEVDF slice for amlite's event loops and nginx's workers, bench/serving/slice.py);
# (g) in parts 1 and 7: nginx with the same split and mirror to the instances' Unix domain sockets, the transport
# amlite's router uses (run when the server log names the sockets);
# SCORING_IO (the server's --scoring-io: io_uring, epoll or nio; default the server's own choice);
# INSTANCE_TCP (the deployments set AMLITE_LOCAL_SOCKET to 0: the router reaches the instances over loopback TCP,
# as nginx (c) and the reference (f) do; (g) is then not run);
# LOOP (parts 1 and 7: also (f) bench/serving/LoopRouter.java, a reference event-loop router on Netty with the same
# key check, split and mirror, in front of the same instances; LOOP_THREADS its event loops, default 2).
source "$(dirname "$0")/common.sh"
SECONDS_PER_RUN="${1:-10}"
N="${2:-2}"
PY=/usr/bin/python3
command -v nginx >/dev/null && command -v gunicorn >/dev/null && $PY -c 'import flask, sklearn' \
  || { echo "needs Debian's nginx, gunicorn, python3-flask, python3-sklearn" >&2; exit 1; }

part() { [[ " ${PARTS:-1 2 3 4 5 6} " == *" $1 "* ]]; }
start_server serving --http --python "$PY" --mirror-capacity "${MIRROR_CAPACITY:-64}" --inference-port "$(free_port)" \
  ${SCORING_IO:+--scoring-io "$SCORING_IO"} $(part 8 && echo "--endpoint-bandwidth 1000000000")
grep -o 'Scoring traffic on .* event loops' "$WORK/serving.log" || true
login
"$AMLITE" group create -n bench -l japaneast -o none
"$AMLITE" ml workspace create -n bench-ws -g bench -o none
"$AMLITE" configure --defaults group=bench workspace=bench-ws

# The trivial backend: a Java ScoringScript that answers a constant (after DELAY_MS when set).
# scoring_jar CLASS FOLDER JAR: compiles bench/serving/CLASS.java into FOLDER/code/JAR, its manifest naming bench.CLASS.
scoring_jar() {
  mkdir -p "$WORK/$2/classes" "$WORK/$2/code"
  "$(dirname "$JAVA")/javac" -cp "$SERVER_JAR" -d "$WORK/$2/classes" "$BENCH_DIR/serving/$1.java"
  printf 'Amlite-Scoring-Class: bench.%s\n' "$1" > "$WORK/$2/manifest.txt"
  "$(dirname "$JAVA")/jar" cfm "$WORK/$2/code/$3" "$WORK/$2/manifest.txt" -C "$WORK/$2/classes" .
}
mkdir -p "$WORK/java/model/model"
echo x > "$WORK/java/model/model/none.txt"
scoring_jar Constant java constant.jar
printf 'name: bench\nauth_mode: key\n' > "$WORK/endpoint.yml"
"$AMLITE" ml online-endpoint create -f "$WORK/endpoint.yml" -o none
java_deployment() { # name variable value [code folder] [jar] [instances]: one environment variable set
  cat > "$WORK/$1.yml" <<YAML
name: $1
endpoint_name: bench
model:
  path: $WORK/java/model/model
code_configuration:
  code: ${4:-$WORK/java/code}
  scoring_script: ${5:-constant.jar}
instance_type: Standard_DS2_v2
instance_count: ${6:-1}
environment_variables:
  $2: "$3"
${INSTANCE_TCP:+  AMLITE_LOCAL_SOCKET: "0"}
request_settings:
  max_concurrent_requests_per_instance: 256
YAML
  "$AMLITE" ml online-deployment create -f "$WORK/$1.yml" -o none
}
java_deployment blue DELAY_MS 0
java_deployment green DELAY_MS 0
java_deployment shadow DELAY_MS 0
java_deployment slow DELAY_MS 300
port_of() { grep -o "Instance $1-0 ready on port [0-9]*" "$WORK/serving.log" | tail -1 | awk '{print $NF}'; }
BLUE=$(port_of blue); GREEN=$(port_of green); SHADOW=$(port_of shadow); SLOW=$(port_of slow)
# The Unix domain sockets the instances also listen on (the router's way in), so that nginx can be measured on the
# same transport: (g) in parts 1 and 7.
socket_of() { { grep -o "Instance $1-0 ready on port [0-9]* (pid [0-9]*), local socket [^ ]*" "$WORK/serving.log" || true; } \
  | tail -1 | awk '{print $NF}'; }   # empty when the instances announced no socket
BLUE_SOCK=$(socket_of blue); GREEN_SOCK=$(socket_of green)
KEY=$("$AMLITE" ml online-endpoint get-credentials -n bench --query primaryKey -o tsv)
SCORE=$("$AMLITE" ml online-endpoint show -n bench --query scoring_uri -o tsv)   # the inference port
"$AMLITE" ml online-endpoint update -n bench --traffic "blue=90 green=10" -o none

NGINX_PORT=$(free_port)
NGINX_PLAIN_PORT=$(free_port)
NGINX_LOCAL_PORT=$(free_port)
# nginx's split and mirror, one server block: split_server LISTEN_PORT SUFFIX, where the upstreams blueSUFFIX,
# greenSUFFIX and shadowSUFFIX are defined (TCP with no suffix; the instances' Unix sockets as "_local", (g)).
split_server() {
  cat <<SERVER
  split_clients "\${request_id}" \$live$2 { 90% blue$2; * green$2; }
  server {
    listen 127.0.0.1:$1;
    keepalive_requests 1000000;
    location = /score {
      if (\$http_authorization != "Bearer $KEY") { return 401; }
      mirror /mirror;
      mirror_request_body on;$( [[ -n "${CAPTURE:-}" ]] && printf '\n      %s\n      %s' \
        'proxy_set_header x-request-id $request_id;' 'add_header x-request-id $request_id always;')
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://\$live$2;
    }
    location = /mirror {
      internal;
      if (\$mirrored = "") { return 204; }
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://shadow$2/score;
    }
  }
SERVER
}
nginx_conf() { # mirror_deployment (shadow or slow) mirror_percent
  local shadow_port shadow_sock
  shadow_port=$(port_of "$1"); shadow_sock=$(socket_of "$1")
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
$( (( EUID == 0 )) && echo "user root;" )  # (g)'s workers must open the instances' sockets, which only their user may
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  upstream blue { server 127.0.0.1:$BLUE; keepalive 128; }
  upstream green { server 127.0.0.1:$GREEN; keepalive 128; }
  upstream shadow { server 127.0.0.1:$shadow_port; keepalive 128; }
  split_clients "\${request_id}x" \$mirrored { $( (( $2 > 0 )) && echo "$2% on;") * ""; }
$(split_server "$NGINX_PORT" "")
$( [[ -n "$BLUE_SOCK" ]] && cat <<LOCAL
  upstream blue_local { server unix:$BLUE_SOCK; keepalive 128; }
  upstream green_local { server unix:$GREEN_SOCK; keepalive 128; }
  upstream shadow_local { server unix:$shadow_sock; keepalive 128; }
$(split_server "$NGINX_LOCAL_PORT" _local)
LOCAL
)
  server { # the floor: one plain proxy hop to blue, no split, no mirror (part 7's (e))
    listen 127.0.0.1:$NGINX_PLAIN_PORT;
    keepalive_requests 1000000;
    location = /score {
      if (\$http_authorization != "Bearer $KEY") { return 401; }
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://blue;
    }
  }
}
CONF
}
nginx_start() { nginx_conf "$1" "$2"; nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log"; sleep 0.5; }
# The processes of the deployments' instances (children of the server and theirs).
instance_pids() { local c; for c in $(pgrep -P "${1:-$SERVER_PID}"); do echo -n "$c "; instance_pids "$c"; done; }
nginx_workers() { pgrep -f "nginx: worker process" | tr '\n' ' '; }
nginx_stop() { [[ -f "$WORK/nginx/nginx.pid" ]] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null; sleep 0.5; }
trap 'nginx_stop; loop_stop; cleanup' EXIT

LOOP_PID=""
loop_start() { # shadow_port: the reference event-loop router on LOOP_PORT, mirroring 10 % to the shadow
  [[ -n "${LOOP:-}" ]] || return 0
  if [[ -z "${LOOP_CP:-}" ]]; then
    mvn -q -f "$BENCH_DIR/serving/looprouter/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/loop.cp" >&2
    LOOP_CP="$(cat "$WORK/loop.cp")"
    mkdir -p "$WORK/loop"
    "$(dirname "$JAVA")/javac" -cp "$LOOP_CP" -d "$WORK/loop" "$BENCH_DIR/serving/LoopRouter.java"
  fi
  LOOP_PORT=$(free_port)
  "$JAVA" -cp "$WORK/loop:$LOOP_CP" bench.LoopRouter "$LOOP_PORT" "$KEY" "$BLUE" "$GREEN" "$1" "${LOOP_THREADS:-2}" \
    > "$WORK/loop.log" 2>&1 &
  LOOP_PID=$!
  for _ in $(seq 50); do grep -q listening "$WORK/loop.log" && break; sleep 0.1; done
  warm "http://127.0.0.1:$LOOP_PORT/score"; warm "http://127.0.0.1:$LOOP_PORT/score"
}
loop_stop() { if [[ -n "$LOOP_PID" ]]; then kill "$LOOP_PID" 2>/dev/null || true; fi; LOOP_PID=""; }

warm() { KEY="$KEY" wrk -t2 -c64 -d3s -s "$BENCH_DIR/serving/post.lua" "$1" >/dev/null; }
# CPU seconds (user + system) used so far by the given processes.
cpu_seconds() { local total=0 pid; for pid in "$@"; do [[ -r /proc/$pid/stat ]] || continue
  total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; python3 -c "print($total / $(getconf CLK_TCK))"; }
run_wrk() { # label url [connections] [pids whose CPU per request to report] [instance pids, likewise]
  local out before after ibefore iafter
  local pids=(${4:-}) ipids=(${5:-})
  before=$(cpu_seconds "${pids[@]}")
  ibefore=$(cpu_seconds "${ipids[@]}")
  if [[ -n "${PERF_SCHED:-}" && "$1" == *"round 1"* ]]; then
    # Every context switch and wake-up on both CPUs for 5 s of this run, for `perf sched timehist` afterwards.
    local data="$PERF_SCHED/$(tr -c 'a-z0-9' '_' <<<"${1%% *}${1#* }" | cut -c1-40).data"
    (sleep 2; perf sched record -a -o "$data" -- sleep 5 >/dev/null 2>&1) &
  fi
  out=$(KEY="$KEY" BENCH_DIR="$BENCH_DIR" "${WRK_PIN[@]}" wrk -t"${WRK_THREADS:-2}" -c"${3:-64}" -d"${SECONDS_PER_RUN}s" --latency \
    -s "$BENCH_DIR/serving/${WRK_SCRIPT:-post.lua}" "$2")
  after=$(cpu_seconds "${pids[@]}")
  iafter=$(cpu_seconds "${ipids[@]}")
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  local tail; tail=$(awk '$1=="tail" {printf "   p99.9 %s max %s", $3, $5}' <<<"$out")
  local cpu=""
  if (( ${#pids[@]} > 0 )); then
    cpu=$(python3 -c "r=float('$rps'); s=$SECONDS_PER_RUN; print(f'   proxy CPU {($after - $before) / (r * s) * 1e6:.0f} us/request')")
  fi
  if (( ${#ipids[@]} > 0 )); then
    cpu="${cpu:-   }$(python3 -c "r=float('$rps'); s=$SECONDS_PER_RUN; print(f'${cpu:+, }instances CPU {($iafter - $ibefore) / (r * s) * 1e6:.0f} us/request')")"
  fi
  printf '%-58s %10s req/s   p50 %8s   p99 %8s%s   non-2xx %s%s\n' "$1" "$rps" "$p50" "$p99" "$tail" "${non2xx:-0}" "$cpu"
  LAST_RPS="$rps"
  LAST_P99="$p99"
}
# median_ratio "a1 a2 a3" "b1 b2 b3": the median of a_i / b_i (the machine is noisy: pairs run back to back).
median_ratio() { python3 -c "import statistics, sys; a, b = sys.argv[1].split(), sys.argv[2].split(); \
r = sorted(float(x) / float(y) for x, y in zip(a, b)); print(f'{statistics.median(r):.2f}x (pairs: ' \
+ ', '.join(f'{x:.2f}' for x in r) + ')')" "$1" "$2"; }
# median_rounds LABEL "x1 x2 x3": LABEL, the median of the rounds' microseconds and each round's.
median_rounds() { python3 -c "import statistics, sys; a = sys.argv[2].split(); \
print('%s, median of rounds: %.0f us (rounds %s)' % (sys.argv[1], statistics.median(map(float, a)), \
', '.join('%.0f' % float(x) for x in a)))" "$1" "$2"; }
# wrk prints latencies with units (us, ms, s): in microseconds for the arithmetic.
micros() { python3 -c "import re,sys; v,u=re.match(r'([0-9.]+)(us|ms|s)',sys.argv[1]).groups(); \
print(float(v)*{'us':1,'ms':1e3,'s':1e6}[u])" "$1"; }
# The example's models (parts 5 and 6).
EX="$ROOT/examples/safe-rollout/endpoints/online"
ROUNDS="${ROUNDS:-3}"
WRK_PIN=()

if part 1; then
echo "== 1. router overhead, 64 connections, ${SECONDS_PER_RUN} s each"
"$AMLITE" ml online-endpoint update -n bench --mirror-traffic "shadow=10" -o none
nginx_start shadow 10
warm "http://127.0.0.1:$BLUE/score"; warm "$SCORE"; warm "$SCORE"; warm "http://127.0.0.1:$NGINX_PORT/score"
loop_start "$SHADOW"
AMLITE_RPS=""; NGINX_RPS=""; LOOP_RPS=""; NGINX_LOCAL_RPS=""
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "(a) backend directly (round $round)" "http://127.0.0.1:$BLUE/score"
  run_wrk "(b) amlite router, key, 90/10, mirror 10% (round $round)" "$SCORE" 64 "$SERVER_PID"
  AMLITE_RPS="$AMLITE_RPS $LAST_RPS"
  run_wrk "(c) nginx split_clients 90/10, mirror 10% (round $round)" "http://127.0.0.1:$NGINX_PORT/score" 64 \
    "$(pgrep -d ' ' -f "nginx: worker process" || true)"
  NGINX_RPS="$NGINX_RPS $LAST_RPS"
  if [[ -n "$BLUE_SOCK" ]]; then
    run_wrk "(g) nginx, the same to the local sockets (round $round)" "http://127.0.0.1:$NGINX_LOCAL_PORT/score" 64 \
      "$(pgrep -d ' ' -f "nginx: worker process" || true)"
    NGINX_LOCAL_RPS="$NGINX_LOCAL_RPS $LAST_RPS"
  fi
  if [[ -n "${LOOP:-}" ]]; then
    run_wrk "(f) reference event-loop router (round $round)" "http://127.0.0.1:$LOOP_PORT/score" 64 "$LOOP_PID"
    LOOP_RPS="$LOOP_RPS $LAST_RPS"
  fi
done
echo "amlite / nginx throughput, median of the rounds: $(median_ratio "$AMLITE_RPS" "$NGINX_RPS")"
[[ -n "$BLUE_SOCK" ]] && echo "amlite / nginx to the local sockets (g), median of the rounds: $(median_ratio "$AMLITE_RPS" "$NGINX_LOCAL_RPS")"
[[ -n "${LOOP:-}" ]] && echo "amlite / event-loop reference throughput, median of the rounds: $(median_ratio "$AMLITE_RPS" "$LOOP_RPS")"
nginx_stop
loop_stop
fi

if part 7; then
echo "== 7. router overhead below saturation: 64 connections, each pausing ${DELAY_MS:-20} ms after every answer${JITTER_MS:+ (+- $JITTER_MS ms, uniformly)}"
"$AMLITE" ml online-endpoint update -n bench --mirror-traffic "shadow=10" -o none
nginx_start shadow 10
# The router is warmed at the paced load only, so that the deployments' latency histograms printed at the end hold
# nothing but paced traffic (what the router saw of its upstream exchanges).
warm "http://127.0.0.1:$BLUE/score"; warm "http://127.0.0.1:$NGINX_PORT/score"
# In WARM_RUNS runs (default 3), each with new connections: the first close of the warm-up's connections takes the
# router's compiled loop code through paths its profile had never seen (Netty's close, an empty recycler), which
# sends it back to the profiling tier until it is compiled again; a server in use has been through that long before.
WARM_RUNS="${WARM_RUNS:-3}"
for _ in $(seq "$WARM_RUNS"); do
  KEY="$KEY" BENCH_DIR="$BENCH_DIR" wrk -t2 -c64 -d"$(( (${WARM_SECONDS:-10} + WARM_RUNS - 1) / WARM_RUNS ))s" \
    -s "$BENCH_DIR/serving/paced.lua" "$SCORE" >/dev/null
done
loop_start "$SHADOW"
ADDED_AMLITE=""; ADDED_AGAIN=""; ADDED_NGINX=""; FLOOR_AMLITE=""; FLOOR_NGINX=""; ADDED_LOOP=""; ADDED_NGINX_LOCAL=""
if [[ -n "${PRIO:-}" ]]; then
  for pid in $SERVER_PID $(pgrep -f "nginx: worker process"); do
    for t in /proc/$pid/task/*; do
      if [[ "$PRIO" == rt ]]; then chrt -f -p 10 "${t##*/}" >/dev/null; else renice -n "$PRIO" -p "${t##*/}" >/dev/null; fi
    done
  done
  echo "proxies' threads at priority $PRIO"
fi
if [[ -n "${SLICE_US:-}" ]]; then
  # An EEVDF slice of SLICE_US for amlite's event loops and nginx's workers (Linux 6.12+): a thread with a short
  # slice preempts the running one when it wakes, instead of waiting out that one's slice (3 ms by default here).
  loop_tids=$(grep -l '^scoring-loop' /proc/"$SERVER_PID"/task/*/comm | cut -d/ -f5)
  nginx_tids=$(for pid in $(pgrep -f "nginx: worker process"); do ls /proc/"$pid"/task; done)
  python3 "$BENCH_DIR/serving/slice.py" "$SLICE_US" $loop_tids $nginx_tids
fi
if [[ -n "${PIN:-}" ]]; then
  # The load generator on CPU 0, everything measured (the amlite server, the instances it started, nginx) on CPU 1:
  # the usual separation of load generator and system under test, as far as two cores allow; the same for all
  # three targets.
  descendants() { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
  for pid in $SERVER_PID $(descendants "$SERVER_PID") $(pgrep -f "nginx: (master|worker)"); do
    taskset -a -p -c 1 "$pid" >/dev/null
  done
  WRK_PIN=(taskset -c 0)
  echo "wrk on CPU 0; the server, its instances and nginx on CPU 1"
fi
# CAPTURE (a folder): a tcpdump of the loopback for 5 s inside each run of (a), (b) and (c), split by
# bench/serving/hops.py into the proxy's own time and the instance's time per request, from the kernel's packet
# timestamps: both in the same window, unlike a p99 difference between two runs.
capture_start() { # name ports...
  [[ -n "${CAPTURE:-}" ]] || return 0
  local filter="" port
  for port in "${@:2}"; do filter="${filter:+$filter or }port $port"; done
  CAPTURE_FILE="$CAPTURE/$1.pcap"
  (sleep 2; timeout 5 tcpdump -i lo -n -s 600 -B 65536 --time-stamp-precision nano -w "$CAPTURE_FILE" \
    "tcp and ($filter) and tcp[tcpflags] & tcp-push != 0" 2> "$CAPTURE_FILE.log") &
  CAPTURE_PID=$!
}
capture_report() { # proxy_port instance_ports...
  [[ -n "${CAPTURE:-}" ]] || return 0
  wait "$CAPTURE_PID" || true
  echo "  packets: $(grep -h 'captured\|dropped by kernel' "$CAPTURE_FILE.log" | tr '\n' ' ')"
  python3 "$BENCH_DIR/serving/hops.py" "$CAPTURE_FILE" "$@"
}
[[ -n "${CAPTURE:-}" ]] && mkdir -p "$CAPTURE"
SCORE_PORT=$(sed -E 's|^https?://[^:/]+:([0-9]+)/.*|\1|' <<<"$SCORE")
for round in $(seq 1 "$ROUNDS"); do
  capture_start "backend-$round" "$BLUE"
  WRK_SCRIPT=paced.lua run_wrk "(a) backend directly, paced (round $round)" "http://127.0.0.1:$BLUE/score" 64 "" "$(instance_pids)"
  capture_report "$BLUE"
  direct=$(micros "$LAST_P99")
  capture_start "amlite-$round" "$SCORE_PORT" "$BLUE" "$GREEN"
  WRK_SCRIPT=paced.lua run_wrk "(b) amlite router, paced (round $round)" "$SCORE" 64 "$SERVER_PID" "$(instance_pids)"
  capture_report "$SCORE_PORT" "$BLUE" "$GREEN"
  ADDED_AMLITE="$ADDED_AMLITE $(python3 -c "print($(micros "$LAST_P99") - $direct)")"
  if [[ -n "${AGAIN:-}" ]]; then
    # (b) once more at once, on new connections: the first run's new connections follow an idle spell (the router
    # saw none during (a)), the second's do not.
    WRK_SCRIPT=paced.lua run_wrk "(b2) amlite router again, paced (round $round)" "$SCORE" 64 "$SERVER_PID" "$(instance_pids)"
    ADDED_AGAIN="$ADDED_AGAIN $(python3 -c "print($(micros "$LAST_P99") - $direct)")"
  fi
  capture_start "nginx-$round" "$NGINX_PORT" "$BLUE" "$GREEN"
  WRK_SCRIPT=paced.lua run_wrk "(c) nginx, paced (round $round)" "http://127.0.0.1:$NGINX_PORT/score" 64 "$(nginx_workers)" "$(instance_pids)"
  capture_report "$NGINX_PORT" "$BLUE" "$GREEN"
  ADDED_NGINX="$ADDED_NGINX $(python3 -c "print($(micros "$LAST_P99") - $direct)")"
  if [[ -n "$BLUE_SOCK" ]]; then
    capture_start "nginx-local-$round" "$NGINX_LOCAL_PORT"
    WRK_SCRIPT=paced.lua run_wrk "(g) nginx to the local sockets, paced (round $round)" \
      "http://127.0.0.1:$NGINX_LOCAL_PORT/score" 64 "$(nginx_workers)" "$(instance_pids)"
    capture_report "$NGINX_LOCAL_PORT" "$BLUE" "$GREEN"
    ADDED_NGINX_LOCAL="$ADDED_NGINX_LOCAL $(python3 -c "print($(micros "$LAST_P99") - $direct)")"
  fi
  if [[ -n "${LOOP:-}" ]]; then
    WRK_SCRIPT=paced.lua run_wrk "(f) reference event-loop router, paced (round $round)" \
      "http://127.0.0.1:$LOOP_PORT/score" 64 "$LOOP_PID"
    ADDED_LOOP="$ADDED_LOOP $(python3 -c "print($(micros "$LAST_P99") - $direct)")"
  fi
  if [[ -n "${FLOOR:-}" ]]; then
    # Each proxy's plainest hop: amlite with the request pinned to blue (no split; a pinned request is never
    # mirrored), nginx's second server proxying to blue alone.
    DEPLOYMENT=blue WRK_SCRIPT=paced.lua run_wrk "(d) amlite router, pinned to blue, paced (round $round)" "$SCORE"
    FLOOR_AMLITE="$FLOOR_AMLITE $(python3 -c "print($(micros "$LAST_P99") - $direct)")"
    WRK_SCRIPT=paced.lua run_wrk "(e) nginx proxy_pass to blue only, paced (round $round)" \
      "http://127.0.0.1:$NGINX_PLAIN_PORT/score"
    FLOOR_NGINX="$FLOOR_NGINX $(python3 -c "print($(micros "$LAST_P99") - $direct)")"
  fi
done
if [[ -n "${FLOOR:-}" ]]; then
  python3 -c "import statistics, sys; a, n = sys.argv[1].split(), sys.argv[2].split(); \
print('p99 added by a plain hop, median of rounds: amlite pinned %.0f us (rounds %s), nginx proxy_pass %.0f us (rounds %s)' % ( \
statistics.median(map(float, a)), ', '.join('%.0f' % float(x) for x in a), \
statistics.median(map(float, n)), ', '.join('%.0f' % float(x) for x in n)))" "$FLOOR_AMLITE" "$FLOOR_NGINX"
fi
python3 -c "import statistics, sys; a, n = sys.argv[1].split(), sys.argv[2].split(); \
print('p99 added over the backend, median of rounds: amlite %.0f us (rounds %s), nginx %.0f us (rounds %s)' % ( \
statistics.median(map(float, a)), ', '.join('%.0f' % float(x) for x in a), \
statistics.median(map(float, n)), ', '.join('%.0f' % float(x) for x in n)))" "$ADDED_AMLITE" "$ADDED_NGINX"
[[ -n "${AGAIN:-}" ]] && median_rounds "p99 added by amlite run again at once (b2)" "$ADDED_AGAIN"
[[ -n "$BLUE_SOCK" ]] && median_rounds "p99 added by nginx to the local sockets (g)" "$ADDED_NGINX_LOCAL"
[[ -n "${LOOP:-}" ]] && median_rounds "p99 added by the event-loop reference" "$ADDED_LOOP"
for d in blue green; do
  echo "upstream exchanges as the router timed them${FLOOR:+ (with the pinned requests of (d))}, $d: $("$AMLITE" ml online-deployment get-metrics -n "$d" -e bench \
    --query latencyMs -o json | tr -d '\n ')"
done
nginx_stop
loop_stop
fi

if part 2; then
echo "== 2. mirror isolation: shadow answers in 300 ms"
"$AMLITE" ml online-endpoint update -n bench --mirror-traffic "shadow=0" -o none
# Both configurations warmed before measuring: the first seconds with the mirror on compile its path (JIT).
warm "$SCORE"; warm "$SCORE"
"$AMLITE" ml online-endpoint update -n bench --mirror-traffic "slow=50" -o none
warm "$SCORE"; warm "$SCORE"
OFF_RPS=""; ON_RPS=""; OFF_P99=""; ON_P99=""
# The router's CPU per request is printed with each run: what mirroring costs amlite itself, apart from the machine.
mirror_off() { "$AMLITE" ml online-endpoint update -n bench --mirror-traffic "slow=0" -o none
  run_wrk "amlite, mirror off (round $round)" "$SCORE" 64 "$SERVER_PID"
  OFF_RPS="$OFF_RPS $LAST_RPS"; OFF_P99="$OFF_P99 $(micros "$LAST_P99")"; }
mirror_on() { "$AMLITE" ml online-endpoint update -n bench --mirror-traffic "slow=50" -o none
  run_wrk "amlite, mirror 50% to the 300 ms shadow (round $round)" "$SCORE" 64 "$SERVER_PID"
  ON_RPS="$ON_RPS $LAST_RPS"; ON_P99="$ON_P99 $(micros "$LAST_P99")"; }
# Off/on, then on/off (ABBA): the machine drifts during a run, and a fixed order would count the drift as cost.
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then mirror_off; mirror_on; else mirror_on; mirror_off; fi
done
echo "amlite mirror on / off throughput, median of the pairs: $(median_ratio "$ON_RPS" "$OFF_RPS")"
echo "amlite mirror on / off p99, median of the pairs: $(median_ratio "$ON_P99" "$OFF_P99")"
"$AMLITE" ml online-deployment get-metrics -n slow -e bench --query mirrored -o json | tr -d '\n '; echo
"$AMLITE" ml online-endpoint update -n bench --mirror-traffic "slow=0" -o none
nginx_start slow 0
run_wrk "nginx, mirror off" "http://127.0.0.1:$NGINX_PORT/score"
nginx_stop
nginx_start slow 50
run_wrk "nginx, mirror 50% to the 300 ms shadow" "http://127.0.0.1:$NGINX_PORT/score"
nginx_stop
fi

if part 3; then
echo "== 3. split accuracy, 100,000 requests at 16 concurrent, traffic blue=90 green=10"
"$JAVA" "$BENCH_DIR/serving/LoadClient.java" "$SCORE" "$KEY" 16 100000 '{"x": 1}'
fi

if part 4; then
echo "== 4. back-pressure"
cat > "$WORK/narrow.yml" <<YAML
name: narrow
endpoint_name: bench
model:
  path: $WORK/java/model/model
code_configuration:
  code: $WORK/java/code
  scoring_script: constant.jar
instance_type: Standard_DS2_v2
environment_variables:
  DELAY_MS: "200"
YAML
"$AMLITE" ml online-deployment create -f "$WORK/narrow.yml" -o none
echo "429: 1 instance, max_concurrent 1 (limit 2 in flight), each answer takes 200 ms, 32 clients pinned to it:"
"$JAVA" "$BENCH_DIR/serving/LoadClient.java" "$SCORE" "$KEY" 32 4000 '{"x": 1}' narrow
echo "  (client-side latency over kept-alive connections; 200s wait their turn behind the 200 ms answers)"
"$AMLITE" ml online-endpoint get-request-log -n bench --top 1000 -o json | python3 -c '
import json, sys
rows = [r["durationMs"] for r in json.load(sys.stdin) if r["status"] == 429]
rows.sort()
print(f"  server-side (request log, last {len(rows)} 429s): p50 {rows[len(rows)//2]:.3f} ms, p99 {rows[int(len(rows)*0.99)-1]:.3f} ms, max {rows[-1]:.3f} ms")'
cat > "$WORK/slowpoke.yml" <<YAML
name: slowpoke
endpoint_name: bench
model:
  path: $ROOT/it/src/test/resources/serving/behaving/model
code_configuration:
  code: $ROOT/it/src/test/resources/serving/behaving/code
  scoring_script: score.py
instance_type: Standard_DS2_v2
request_settings:
  request_timeout_ms: 500
YAML
"$AMLITE" ml online-deployment create -f "$WORK/slowpoke.yml" -o none
echo "408: request_timeout_ms 500, run() busy for 3 s, 10 requests one after another:"
python3 - "$SCORE" "$KEY" <<'PY'
import http.client, sys, time, urllib.parse
url = urllib.parse.urlparse(sys.argv[1]); key = sys.argv[2]
c = http.client.HTTPConnection(url.hostname, url.port)
times = []
for i in range(10):
    t = time.perf_counter()
    c.request("POST", url.path, body='{"busy_ms": 3000}', headers={"Authorization": "Bearer " + key,
              "azureml-model-deployment": "slowpoke", "Content-Type": "application/json"})
    r = c.getresponse(); r.read()
    times.append(((time.perf_counter() - t) * 1000, r.status))
ms = sorted(t for t, _ in times)
print(f"  statuses {sorted(set(s for _, s in times))}, latency min {ms[0]:.1f} ms, median {ms[5]:.1f} ms, max {ms[-1]:.1f} ms")
PY
echo "  cancelled in the instance: $("$AMLITE" ml online-deployment get-logs -n slowpoke -e bench | grep -c 'cancelled after 500 ms') of 10 run() calls; finished anyway: $("$AMLITE" ml online-deployment get-logs -n slowpoke -e bench | grep -c 'busy request finished')"
fi

if part 5; then
echo "== 5. Python serving: the scikit-learn score.py, amlite with $N instances (max_concurrent ${CONCURRENT:-1}) vs gunicorn + Flask with $N workers"
"$PY" "$ROOT/examples/safe-rollout/train.py" >/dev/null
cat > "$WORK/sk.yml" <<YAML
name: sklearn
endpoint_name: bench
model:
  path: $EX/model-1/model/
code_configuration:
  code: $EX/model-1/onlinescoring/
  scoring_script: score.py
instance_type: Standard_DS3_v2
instance_count: $N
request_settings:
  max_concurrent_requests_per_instance: ${CONCURRENT:-1}
properties:
  amlite.python: $PY
YAML
"$AMLITE" ml online-deployment create -f "$WORK/sk.yml" -o none
"$AMLITE" ml online-endpoint update -n bench --traffic "blue=0 green=0 sklearn=100" -o none
CONNS=$((2 * N * ${CONCURRENT:-1}))   # amlite's admission limit: 2 x max_concurrent x instances
BODY='{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}'
mkdir -p "$WORK/flaskmodel"; cp -r "$EX/model-1/model" "$WORK/flaskmodel/"
GPORT=$(free_port)
(cd "$BENCH_DIR/serving" && AZUREML_MODEL_DIR="$WORK/flaskmodel" SCORE_DIR="$EX/model-1/onlinescoring" \
  gunicorn -w "$N" -b "127.0.0.1:$GPORT" --log-level warning flask_app:app >"$WORK/gunicorn.log" 2>&1 &
  echo $! > "$WORK/gunicorn.pid")
for _ in $(seq 1 100); do curl -sf -XPOST -d "$BODY" "http://127.0.0.1:$GPORT/score" >/dev/null && break; sleep 0.2; done
warm "$SCORE"; warm "$SCORE"
KEY="" wrk -t2 -c"$CONNS" -d3s -s "$BENCH_DIR/serving/post.lua" "http://127.0.0.1:$GPORT/score" >/dev/null
AMLITE_RPS=""; GUNICORN_RPS=""
for round in $(seq 1 "$ROUNDS"); do
  run_wrk "amlite, $N instances, $CONNS connections (round $round)" "$SCORE" "$CONNS"
  AMLITE_RPS="$AMLITE_RPS $LAST_RPS"
  KEY="" run_wrk "gunicorn + Flask, $N workers, $CONNS connections (round $round)" "http://127.0.0.1:$GPORT/score" "$CONNS"
  GUNICORN_RPS="$GUNICORN_RPS $LAST_RPS"
done
echo "amlite / gunicorn throughput, median of the rounds: $(median_ratio "$AMLITE_RPS" "$GUNICORN_RPS")"
kill "$(cat "$WORK/gunicorn.pid")" 2>/dev/null || true
fi

if part 8; then
echo "== 8. a Java model that computes (bench/serving/Mlp.java, ~82,000 multiply-adds a request), $N instances:"
echo "   the default JIT (tiered, C1 then C2) vs C1 only (JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1), pinned, 64 connections"
echo "   (650-byte requests: the server runs with a 1 GB/s endpoint bandwidth quota when part 8 is in PARTS)"
scoring_jar Mlp mlp mlp.jar
mlp_deployment() { # name JDK_JAVA_OPTIONS
  local t0 t1; t0=$(date +%s.%N)
  java_deployment "$1" JDK_JAVA_OPTIONS "$2" "$WORK/mlp/code" mlp.jar "$N"
  t1=$(date +%s.%N)
  python3 -c "print(f'  create $1 ($N instances, ready): {$t1 - $t0:.2f} s')"
}
mlp_deployment mlp-tiered ""
mlp_deployment mlp-c1 "-XX:TieredStopAtLevel=1"
MLP_BODY=$(python3 -c "import random; r = random.Random(1); \
print('{\"data\": [[' + ', '.join('%.4f' % r.gauss(0, 1) for _ in range(64)) + ']]}')")
mlp_rss() { # prints the resident memory of the tiered and of the C1-only instances, MB
  local tiered=0 c1=0 pid rss
  for pid in $(instance_pids); do
    tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -q "^AZUREML_ENTRY_SCRIPT=mlp.jar$" || continue
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    if tr '\0' '\n' < "/proc/$pid/environ" | grep -q '^JDK_JAVA_OPTIONS=.*TieredStopAtLevel'; then
      c1=$((c1 + rss)); else tiered=$((tiered + rss)); fi
  done
  echo "tiered $((tiered / 1024)) MB, C1 only $((c1 / 1024)) MB"
}
for d in mlp-tiered mlp-c1; do BODY="$MLP_BODY" DEPLOYMENT="$d" warm "$SCORE"; BODY="$MLP_BODY" DEPLOYMENT="$d" warm "$SCORE"; done
TIERED_RPS=""; C1_RPS=""
for round in $(seq 1 "$ROUNDS"); do
  BODY="$MLP_BODY" DEPLOYMENT=mlp-tiered run_wrk "tiered (default), round $round" "$SCORE" 64 "" "$(instance_pids)"
  TIERED_RPS="$TIERED_RPS $LAST_RPS"
  BODY="$MLP_BODY" DEPLOYMENT=mlp-c1 run_wrk "C1 only, round $round" "$SCORE" 64 "" "$(instance_pids)"
  C1_RPS="$C1_RPS $LAST_RPS"
done
echo "tiered / C1-only throughput, median of the rounds: $(median_ratio "$TIERED_RPS" "$C1_RPS")"
echo "the instances' resident memory after the runs: $(mlp_rss)"
fi

if part 6; then
echo "== 6. deployment create -> first successful score (the example's stdlib green model), 3 runs"
for run in 1 2 3; do
  t0=$(date +%s.%N)
  "$AMLITE" ml online-deployment create --name "first$run" --endpoint-name bench \
    -f "$ROOT/examples/safe-rollout/endpoints/online/managed/sample/green-deployment.yml" -o none
  "$AMLITE" ml online-endpoint invoke -n bench --deployment-name "first$run" \
    --request-file "$EX/model-2/sample-request.json" -o none
  t1=$(date +%s.%N)
  python3 -c "print(f'  run $run: {$t1 - $t0:.2f} s (two CLI processes included)')"
done
fi


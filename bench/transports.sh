#!/usr/bin/env bash
# The router's hop to an instance over loopback TCP and over a Unix domain socket, side by side in one JVM
# (bench/serving/Transports.java: amlite's Upstream against amlite's InferenceListener, 64 requests in flight,
# rounds alternating between the transports). With "loops" last: the router's event loops on epoll and on io_uring,
# both over the Unix socket. Usage: bench/transports.sh [SECONDS per round] [ROUNDS] [CONNECTIONS] [hop|loops]
source "$(dirname "$0")/common.sh"
mkdir -p "$WORK/transports"
"$(dirname "$JAVA")/javac" -cp "$SERVER_JAR" -d "$WORK/transports" "$BENCH_DIR/serving/Transports.java"
"$JAVA" -cp "$SERVER_JAR:$WORK/transports" bench.Transports "${1:-5}" "${2:-5}" "${3:-64}" "${4:-hop}"

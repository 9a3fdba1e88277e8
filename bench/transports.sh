#!/usr/bin/env bash
# The router's hop to an instance over loopback TCP and over a Unix domain socket, side by side in one JVM
# (bench/serving/Transports.java: amlite's Upstream against amlite's InferenceListener, 64 requests in flight,
# rounds alternating between the transports). Usage: bench/transports.sh [SECONDS per round] [ROUNDS] [CONNECTIONS]
source "$(dirname "$0")/common.sh"
mkdir -p "$WORK/transports"
"$(dirname "$JAVA")/javac" -cp "$SERVER_JAR" -d "$WORK/transports" "$BENCH_DIR/serving/Transports.java"
"$JAVA" -cp "$SERVER_JAR:$WORK/transports" bench.Transports "${1:-5}" "${2:-5}" "${3:-64}"

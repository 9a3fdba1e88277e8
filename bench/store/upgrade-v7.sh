#!/usr/bin/env bash
# The one-time cost of the store upgrade to schema 7 on H2, for each row count given (default 1000 50000 50000).
# Usage: bench/store/upgrade-v7.sh [ROWS...]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
"$ROOT/amlite" --version >/dev/null   # finds the JDK (and builds the jars if needed)
JAVA="$(cat "$ROOT/.amlite-build/java")"
JAVAC="$(dirname "$JAVA")/javac"
WORK="$(mktemp -d /tmp/amlite-upgrade-v7.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && mvn -B -q -pl store dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null)
CP="$ROOT/store/target/classes:$ROOT/core/target/classes:$(cat "$WORK/cp.txt")"
"$JAVAC" -cp "$CP" -d "$WORK" "$ROOT/bench/store/UpgradeV7.java"
for rows in "${@:-1000 50000 50000}"; do
  for n in $rows; do "$JAVA" -cp "$WORK:$CP" UpgradeV7 "$n" 2>/dev/null | grep rows; done
done

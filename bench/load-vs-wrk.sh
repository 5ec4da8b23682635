#!/usr/bin/env bash
# The bench jar's `load` against wrk on the same server, one after the other: Switchboard's http example with
# one worker pinned to CPU 0, each load tool pinned to CPU 1, GET /plaintext over 64 keep-alive connections.
# Prints one line per run and the ratio of each pair; docs/benchmarks.md "The load generator against wrk".
#   bench/load-vs-wrk.sh [PAIRS (3)] [PIPELINE (16)] [SECONDS (10)]
# Set SKIP_BUILD=1 to use the jars already built, LOAD_JVM="..." for the load generator's JVM flags.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-3}
pipeline=${2:-16}
seconds=${3:-10}
load_jvm=${LOAD_JVM:--Xms256m -Xmx256m -XX:+UseSerialGC}
for tool in wrk taskset; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y wrk util-linux" >&2; exit 2; }
done
[ "${SKIP_BUILD:-}" = 1 ] || mvn -q -B -DskipTests package
scratch=$(mktemp -d /tmp/switchboard-load-vs-wrk.XXXXXX)
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT
cp bench/target/switchboard-bench.jar examples/target/switchboard-examples.jar "$scratch"/

taskset -c 0 java -Xms256m -Xmx256m -XX:+UseSerialGC -jar "$scratch"/switchboard-examples.jar http --workers 1 \
    --idle-timeout 3600 --request-timeout 3600 --host 127.0.0.1 --port 0 >"$scratch"/server.log 2>&1 &
server=$!
for _ in $(seq 300); do
    grep -q listening "$scratch"/server.log && break
    sleep 0.1
done
port=$(grep -o 'listening on [0-9.]*:[0-9]*' "$scratch"/server.log | sed 's/.*://')
[ -n "$port" ] || { echo "the server did not start:" >&2; cat "$scratch"/server.log >&2; exit 1; }
url=http://127.0.0.1:$port/plaintext
script_args=()
[ "$pipeline" -gt 1 ] && script_args=(-- pipeline "$pipeline")

wrk_rate() {
    taskset -c 1 wrk -t1 -c64 -d"${1}s" -s bench/wrk/bench.lua "$url" "${script_args[@]}" \
        | sed -n 's/^result: requests=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2/p' | awk '{ printf "%.0f", $1 / $2 }'
}
# shellcheck disable=SC2086 # the JVM flags are words
load_rate() {
    taskset -c 1 java $load_jvm -jar "$scratch"/switchboard-bench.jar load -c 64 --pipeline "$pipeline" \
        --warmup "$2" -d "$1" "$url" >"$scratch"/load.out
    grep -i warning "$scratch"/load.out >&2 || true
    sed -n 's/^result: requests=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2/p' "$scratch"/load.out | awk '{ printf "%.0f", $1 / $2 }'
}

echo "server on CPU 0 (port $port); wrk -t1 -c64 and load -c 64 on CPU 1, pipeline $pipeline, ${seconds} s each"
wrk_rate 5 >/dev/null # warms the server up
ratios=()
for i in $(seq "$pairs"); do
    if [ $((i % 2)) = 1 ]; then
        w=$(wrk_rate "$seconds"); l=$(load_rate "$seconds" 3)
    else
        l=$(load_rate "$seconds" 3); w=$(wrk_rate "$seconds")
    fi
    r=$(awk -v l="$l" -v w="$w" 'BEGIN { printf "%.3f", l / w }')
    ratios+=("$r")
    printf 'pair %d  wrk %9d req/s  load %9d req/s  load/wrk %s\n' "$i" "$w" "$l" "$r"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "median load/wrk %s\n", a[int((NR + 1) / 2)] }'

#!/usr/bin/env bash
# The bench jar's `load` against wrk on the same server, one after the other: Switchboard's http example with
# one worker pinned to CPU 0, each load tool pinned to CPU 1, GET /plaintext over 64 keep-alive connections.
# Prints one line per pair with the ratio and, per run, how much of a core the server, the tool (its whole
# lifetime: for load that includes the JVM's start and its warm-up) and other processes used meanwhile (from
# /proc/stat, the server's /proc/PID/stat and the tool's CPU time from `perf stat`, when perf is installed),
# then the median ratio; docs/benchmarks.md "The load generator against wrk". Take a quiet machine.
#   bench/load-vs-wrk.sh [PAIRS (3)] [PIPELINE (16)] [SECONDS (10)]
# Set SKIP_BUILD=1 to use the jars already built, LOAD_JVM="..." for the load generator's JVM flags, and
# LOAD_JAR=FILE to run the load generator of another bench jar (an older build, say).
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
cp "${LOAD_JAR:-bench/target/switchboard-bench.jar}" "$scratch"/switchboard-bench.jar
cp examples/target/switchboard-examples.jar "$scratch"/

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

# Busy ticks of cores 0 and 1 together (user nice system irq softirq steal), and the server's utime + stime.
cores_busy() { awk '$1 == "cpu0" || $1 == "cpu1" { s += $2 + $3 + $4 + $7 + $8 + $9 } END { print s }' /proc/stat; }
server_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)

# Runs a load tool pinned to CPU 1 under `perf stat` (its CPU time) when perf is there; prints its output, then
# "others P %, server S %, tool T %" on stderr: shares of a core used meanwhile by other processes (the busy time
# of both cores less the server's and the tool's), the server and the tool.
measured() {
    local busy0 srv0 start tool_ms
    busy0=$(cores_busy); srv0=$(server_ticks); start=$(date +%s%N)
    if command -v perf >/dev/null; then
        perf stat -x, -e task-clock -o "$scratch"/perf.txt taskset -c 1 "$@"
        tool_ms=$(awk -F, '/task-clock/ { print $1 }' "$scratch"/perf.txt)
    else
        taskset -c 1 "$@"
        tool_ms=
    fi
    [ -n "$tool_ms" ] && awk -v b="$(( $(cores_busy) - busy0 ))" -v s="$(( $(server_ticks) - srv0 ))" -v t="$tool_ms" \
        -v hz="$hz" -v ns="$(( $(date +%s%N) - start ))" 'BEGIN { w = ns / 1e9;
            printf "others %.0f %%, server %.0f %%, tool %.0f %%\n", 100 * ((b - s) / hz - t / 1000) / w, 100 * s / hz / w,
                100 * t / 1000 / w }' >&2
}
wrk_rate() {
    measured wrk -t1 -c64 -d"${1}s" -s bench/wrk/bench.lua "$url" "${script_args[@]}" 2>"$scratch"/noise \
        | sed -n 's/^result: requests=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2/p' | awk '{ printf "%.0f", $1 / $2 }'
}
# shellcheck disable=SC2086 # the JVM flags are words
load_rate() {
    measured java $load_jvm -jar "$scratch"/switchboard-bench.jar load -c 64 --pipeline "$pipeline" \
        --warmup "$2" -d "$1" "$url" >"$scratch"/load.out 2>"$scratch"/noise
    grep -E 'busy|warning' "$scratch"/load.out | sed 's/^/        load: /' >&2 || true
    sed -n 's/^result: requests=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2/p' "$scratch"/load.out | awk '{ printf "%.0f", $1 / $2 }'
}
noise() { sed -n 's/^others //p' "$scratch"/noise; }

echo "server on CPU 0 (port $port); wrk -t1 -c64 and load -c 64 on CPU 1, pipeline $pipeline, ${seconds} s each"
wrk_rate 5 >/dev/null # warms the server up
ratios=()
for i in $(seq "$pairs"); do
    if [ $((i % 2)) = 1 ]; then
        w=$(wrk_rate "$seconds"); wn=$(noise); l=$(load_rate "$seconds" 3); ln=$(noise)
    else
        l=$(load_rate "$seconds" 3); ln=$(noise); w=$(wrk_rate "$seconds"); wn=$(noise)
    fi
    r=$(awk -v l="$l" -v w="$w" 'BEGIN { printf "%.3f", l / w }')
    ratios+=("$r")
    printf 'pair %d  wrk %9d req/s  load %9d req/s  load/wrk %s\n' "$i" "$w" "$l" "$r"
    printf '        wrk: %s\n        load: %s\n' "${wn:-?}" "${ln:-?}"
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "median load/wrk %s\n", a[int((NR + 1) / 2)] }'

#!/usr/bin/env bash
# ws-echo-128 measured side by side within each round: Switchboard's http example (/ws/echo), Netty's
# WebSocketServerProtocolHandler (netty-ws) and the floor (floor-ws) run at once on CPU 0, each one worker and the
# suite's JVM flags; one warm load process on CPU 1 (the bench jar's ws-alternate: 64 ws-load connections to each,
# one text of 128 characters in flight on each) drives one server at a time, one window each per round, in an order
# that turns round from round to round. The per-round ratios compare windows seconds apart, so the machine's drift
# between separate runs (see docs/benchmarks.md, WebSocket) does not enter them. PROCESSES sets of fresh server
# processes are measured one after the other (a JVM's JIT can settle differently from one start to the next).
#   flock /work/bench.lock bench/ws-alternate.sh [ROUNDS (12)] [WINDOW seconds (4)]
# SKIP_BUILD=1 uses the jars already built; PROCESSES (2); PORT (9310: PORT, PORT+1, PORT+2); WARMUP (10) seconds per
# server before the rounds; OUT (bench/results/ws-alternate.csv) gets a row per window; JAVA (java) runs servers and load.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-12}
window=${2:-4}
port=${PORT:-9310}
processes=${PROCESSES:-2}
warmup=${WARMUP:-10}
out=${OUT:-bench/results/ws-alternate.csv}
java=${JAVA:-java}
for tool in taskset "$java"; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -q -B -DskipTests -Dmaven.javadoc.skip=true -DskipAutobahn=true package -pl bench -am
scratch=$(mktemp -d /tmp/switchboard-ws-alternate.XXXXXX)
cp bench/target/switchboard-bench.jar examples/target/switchboard-examples.jar "$scratch"/
flags=(-Xms256m -Xmx256m -XX:+UseSerialGC)
pids=()
stop() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
}
trap 'stop; rm -rf "$scratch"' EXIT
start() { # NAME PORT ARGS...: one server on CPU 0; waits for its listening line
    local name=$1 p=$2; shift 2
    taskset -c 0 "$java" "${flags[@]}" "$@" --host 127.0.0.1 --port "$p" >"$scratch/$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do
        grep -q "listening on" "$scratch/$name.log" && return 0
        sleep 0.1
    done
    echo "$name did not start:" >&2; cat "$scratch/$name.log" >&2; exit 1
}
for set in $(seq "$processes"); do
    echo "== server processes, set $set of $processes"
    start switchboard "$port" -jar "$scratch/switchboard-examples.jar" http --idle-timeout 3600 --request-timeout 3600 --workers 1
    start netty $((port + 1)) -jar "$scratch/switchboard-bench.jar" netty-ws --workers 1
    start floor $((port + 2)) -jar "$scratch/switchboard-bench.jar" floor-ws
    targets="netty:$((port + 1)):${pids[1]},switchboard:$port:${pids[0]},floor:$((port + 2)):${pids[2]}"
    taskset -c 1 "$java" "${flags[@]}" -jar "$scratch/switchboard-bench.jar" ws-alternate --targets "$targets" \
        -c 64 --size 128 --warmup "$warmup" --window "$window" --rounds "$rounds" --csv "$scratch/rows.csv"
    if [ -f "$scratch/rows.csv" ]; then
        [ -f "$out" ] || echo "date,set,round,server,messages,seconds,server_cpu_ns,load_cpu_ns,server_us_per_msg" >"$out"
        tail -n +2 "$scratch/rows.csv" | sed "s/^/$(date -u +%FT%TZ),$set,/" >>"$out"
        rm "$scratch/rows.csv"
    fi
    stop
done

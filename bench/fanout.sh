#!/usr/bin/env bash
# Broadcast fan-out latency of the chat example (docs/scale-out.md, docs/benchmarks.md): CLIENTS line clients and one
# sender, first on one chat instance, then spread over three instances that share the room through a local
# redis-server. The bench jar's `fanout` command times each line from its send to its last receipt.
#   bench/fanout.sh                          # 3,000 clients, 200 lines at 20/s, each configuration once
#   CLIENTS=300 LINES=50 bench/fanout.sh     # a quick look
# The servers and Redis are pinned to SERVER_CPU (0), the load to LOAD_CPU (1). SKIP_BUILD=1 uses the jars already
# built, so that a lock taken around the script is not held while building; JARS_DIR=DIR takes both jars from DIR
# instead of the targets (a copy that a build meanwhile cannot change):
#   mvn -q -DskipTests package && SKIP_BUILD=1 flock /work/bench.lock bench/fanout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${CLIENTS:-3000}
lines=${LINES:-200}
rate=${RATE:-20}
rounds=${ROUNDS:-1}
configs=${CONFIGS:-1,3}   # which configurations: 1 (one instance), 3 (three through Redis)
read -r -a chat_extra <<<"${CHAT_JVM_ARGS:-}"   # more JVM flags for the chat instances (JFR, say)
server_cpu=${SERVER_CPU:-0}
load_cpu=${LOAD_CPU:-1}
base=${BASE_PORT:-17100}
redis_port=$((base + 79))
jvm=(-Xms256m -Xmx1g -XX:+UseParallelGC)
for tool in taskset redis-server redis-cli; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y util-linux redis-server redis-tools" >&2; exit 2; }
done
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 20000 ]; then
    ulimit -Hn 20000 2>/dev/null || echo "the hard limit on open files stays $(ulimit -Hn)" >&2
fi
ulimit -n "$(ulimit -Hn)"
[ "${SKIP_BUILD:-0}" = 1 ] || [ -n "${JARS_DIR:-}" ] || mvn -q -B -DskipTests package
scratch=$(mktemp -d /tmp/switchboard-fanout.XXXXXX)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
if [ -n "${JARS_DIR:-}" ]; then
    cp "$JARS_DIR"/switchboard-bench.jar "$JARS_DIR"/switchboard-examples.jar "$scratch"/
else
    cp bench/target/switchboard-bench.jar examples/target/switchboard-examples.jar "$scratch"/
fi

# One chat instance on PORT, its output in the scratch folder; EXTRA flags after. Waits for its listening line.
start_chat() {
    local port=$1; shift
    taskset -c "$server_cpu" java "${jvm[@]}" "${chat_extra[@]}" -jar "$scratch"/switchboard-examples.jar chat --port "$port" \
        --http-port 0 --workers 1 --ping-interval 3600 --idle-timeout 86400 "$@" >"$scratch/chat-$port.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do
        grep -q listening "$scratch/chat-$port.log" && return 0
        sleep 0.1
    done
    echo "chat on $port did not start:" >&2; cat "$scratch/chat-$port.log" >&2; exit 1
}

stop_chats() {
    for pid in "${pids[@]:1}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    pids=("${pids[0]}")
}

fanout() {
    taskset -c "$load_cpu" java "${jvm[@]}" -jar "$scratch"/switchboard-bench.jar fanout --ports "$1" \
        -c "$clients" --lines "$lines" --rate "$rate" | tee -a "$scratch/results.txt"
}

taskset -c "$server_cpu" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$scratch" --loglevel warning >"$scratch/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(java -version 2>&1 | head -n 1); $clients clients, $lines lines at $rate/s"
for round in $(seq "$rounds"); do
    if [[ ,$configs, == *,1,* ]]; then
        echo "-- round $round: one instance"
        start_chat $((base + 1))
        fanout $((base + 1))
        stop_chats
    fi
    if [[ ,$configs, == *,3,* ]]; then
        echo "-- round $round: three instances through Redis"
        for i in 1 2 3; do start_chat $((base + i)) --redis "127.0.0.1:$redis_port"; done
        fanout "$((base + 1)),$((base + 2)),$((base + 3))"
        grep -h "WARN" "$scratch"/chat-*.log || true   # anything Redis lost or dropped is warned about
        stop_chats
    fi
done
echo "== results"
grep RESULT "$scratch/results.txt"

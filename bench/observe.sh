#!/usr/bin/env bash
# What metrics and a JFR recording cost (issue "Observability"), measured in one JVM so that the ±20 % by which this
# machine's JVMs vary from one start to the next does not hide a 3 % difference. The bench jar's observe-servers runs
# GET /plaintext twice (one worker each) on CPU 0: PORT counts nothing, PORT+1 keeps every count. wrk -t1 -c64 on
# CPU 1 loads one of them at a time; each round measures one window per mode, in an order that rotates from round to
# round. MODES (default "off on jfr") picks from:
#   off      PORT, no recording                 on       PORT+1, no recording
#   jfr      PORT+1 under a recording with the JDK's `default` settings (-XX:StartFlightRecording's); Switchboard's
#            request event from its own threshold (10 ms: none of these requests is that slow)
#   jfr-all  the same with every request recorded (io.switchboard.HttpRequest#threshold=0 ms)
#   jfr-jdk  the same without Switchboard's request event (what the JDK's own events cost)
#   jfr-sb   PORT+1 under a recording of Switchboard's events alone, with their own settings (requests from 10 ms)
#   jfr-sb-all  the same, every request recorded
# Each window: WARM (2) s of wrk not measured, then SECONDS measured; server CPU from /proc/PID/stat (all its threads, JFR's
# included) over the measured wrk run, divided by the requests wrk counted. Prints each window, then the medians and
# the ratios of windows of the same round (on/off: the counts; jfr/on: the recording). Rows go to OUT (CSV).
#   flock /work/bench.lock bench/observe.sh [ROUNDS (9)] [SECONDS (8)]
# SKIP_BUILD=1 uses the bench jar already built; PORT (8090) moves the servers; OUT (bench/results/observe-inproc.csv);
# JAVA (java) runs the servers on another JDK, such as /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; WARM (2) sets the
# seconds of load before each measured window (starting and stopping a recording instruments the event classes
# again, which the JIT then recompiles: a longer WARM leaves that out of the window).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-9}
seconds=${2:-8}
port=${PORT:-8090}
warm=${WARM:-2}
out=${OUT:-bench/results/observe-inproc.csv}
read -r -a modes <<<"${MODES:-off on jfr}"
for mode in "${modes[@]}"; do
    case $mode in off | on | jfr | jfr-all | jfr-jdk | jfr-sb | jfr-sb-all) ;; *) echo "unknown mode $mode" >&2; exit 2 ;; esac
done
java=${JAVA:-java}
for tool in taskset wrk "$java"; do
    command -v "$tool" >/dev/null || { echo "missing $tool (wrk: apt-get install -y wrk)" >&2; exit 2; }
done
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -q -B -DskipTests -Dmaven.javadoc.skip=true package -pl bench -am
scratch=$(mktemp -d /tmp/switchboard-observe.XXXXXX)
cp bench/target/switchboard-bench.jar "$scratch"/
mkfifo "$scratch/in"
taskset -c 0 "$java" -jar "$scratch/switchboard-bench.jar" observe-servers --port "$port" \
    <"$scratch/in" >"$scratch/out" 2>"$scratch/err" &
pid=$!
exec 3>"$scratch/in"
finish() {
    exec 3>&- || true
    wait "$pid" 2>/dev/null || true
    rm -rf "$scratch"
}
trap finish EXIT

# Waits up to 30 s for the server's output to hold $2 lines matching $1.
await() {
    for _ in $(seq 300); do
        [ "$(grep -c "$1" "$scratch/out" || true)" -ge "$2" ] && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$scratch/err" >&2; echo "observe-servers exited" >&2; exit 1; }
        sleep 0.1
    done
    echo "observe-servers did not answer ($1)" >&2
    cat "$scratch/err" >&2
    exit 1
}
answers=0
tell() {
    echo "$1" >&3
    answers=$((answers + 1))
    await '^jfr ' "$answers"
}
server_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
core0_ticks() { awk '$1 == "cpu0" {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
hz=$(getconf CLK_TCK)
wrk_run() { # port duration -> "requests seconds"
    taskset -c 1 wrk -t1 -c64 -d"$2"s -s bench/wrk/bench.lua "http://127.0.0.1:$1/plaintext" \
        | sed -n 's/^result: requests=\([0-9]*\) seconds=\([0-9.]*\) errors=\([0-9]*\).*/\1 \2 \3/p'
}

await listening 1
echo "warm-up: 10 s on each server, then 10 s under a recording"
wrk_run "$port" 10 >/dev/null
wrk_run $((port + 1)) 10 >/dev/null
tell "jfr on"
wrk_run $((port + 1)) 10 >/dev/null
tell "jfr off"

mkdir -p "$(dirname "$out")"
echo "round,mode,requests,seconds,errors,server_cpu_s,server_us_per_req,core0_others_pct" >"$out"
settings() { case $1 in jfr) echo default ;; jfr-all) echo all ;; jfr-jdk) echo jdk ;; jfr-sb) echo switchboard ;; jfr-sb-all) echo switchboard-all ;; esac; }
for round in $(seq "$rounds"); do
    for k in $(seq 0 $((${#modes[@]} - 1))); do
        mode=${modes[$(((round + k) % ${#modes[@]}))]}
        p=$port
        [ "$mode" = off ] || p=$((port + 1))
        [[ $mode == jfr* ]] && tell "jfr on $(settings "$mode")"
        wrk_run "$p" "$warm" >/dev/null
        s0=$(server_ticks)
        c0=$(core0_ticks)
        read -r requests secs errors < <(wrk_run "$p" "$seconds")
        s1=$(server_ticks)
        c1=$(core0_ticks)
        [[ $mode == jfr* ]] && tell "jfr off"
        awk -v r="$round" -v m="$mode" -v n="$requests" -v t="$secs" -v e="$errors" -v s=$((s1 - s0)) \
            -v c=$((c1 - c0)) -v hz="$hz" 'BEGIN {
                printf "%d,%s,%d,%s,%d,%.2f,%.3f,%.1f\n", r, m, n, t, e, s / hz, s / hz * 1e6 / n, (c - s) / hz / t * 100
            }' >>"$out"
        tail -n 1 "$out"
    done
done

echo
awk -F, 'NR > 1 {
        cpu[$2, $1] = $7; list[$2] = list[$2] (list[$2] == "" ? "" : " ") $7; rounds[$1] = 1
        if ($8 > worst) worst = $8
    }
    function median(text,   a, n, i, j, t) {
        n = split(text, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function ratios(num, den,   r, text) {
        text = ""
        for (r in rounds) text = text (text == "" ? "" : " ") sprintf("%.4f", cpu[num, r] / cpu[den, r])
        return text
    }
    function sorted(text, a,   n, i, j, t) {
        n = split(text, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n
    }
    function spread(text,   a, n) { # the middle half of the rounds, then all of them
        n = sorted(text, a)
        return sprintf("middle half %.4f - %.4f, all %.4f - %.4f", a[int((n + 3) / 4)], a[n + 1 - int((n + 3) / 4)], a[1], a[n])
    }
    END {
        printf "server CPU us per request, median of the rounds:"
        for (m in list) printf " %s %.3f", m, median(list[m])
        printf "\n"
        if (("on", 1) in cpu && ("off", 1) in cpu)
            printf "counts (on / off, same round):          median %.4f, rounds %s\n", median(ratios("on", "off")), spread(ratios("on", "off"))
        for (m in list) if (m ~ /^jfr/ && ("on", 1) in cpu)
            printf "recording %-7s (%s / on, same round): median %.4f, rounds %s\n", m, m, median(ratios(m, "on")), spread(ratios(m, "on"))
        printf "most CPU 0 spent on others in a window: %.1f %% of the core\n", worst
    }' "$out"
echo "rows: $out"

#!/usr/bin/env bash
# Runs some scenarios of the side-by-side suite without touching the suite's results or docs/benchmarks.md:
# build, copy the jars to a scratch folder, run `compare --scenarios SCENARIOS` into bench/results/tmp/NAME.csv,
# write that run's report to bench/results/tmp/NAME.md and print its tables. Extra arguments go to `compare`:
#   bench/run-scenario.sh idle-10k-nopretouch --idle-rounds 3
# SKIP_BUILD=1 uses the jars already built, so that a lock taken around the script is not held while building:
#   mvn -q -DskipTests package && SKIP_BUILD=1 flock /work/bench.lock bench/run-scenario.sh https-plain
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || [[ $1 == -* ]]; then
    echo "usage: bench/run-scenario.sh SCENARIO[,SCENARIO...] [compare flags]" >&2
    exit 2
fi
scenarios=$1
shift
needed=(taskset jcmd)
[[ ,$scenarios, =~ ,(http-|https-|idle-|ws-idle-) ]] && needed+=(wrk)
[[ ,$scenarios, =~ ,(https-|tls-) ]] && needed+=(openssl)
[[ ,$scenarios, == *,churn,* ]] && needed+=(ab)
[[ ,$scenarios, == *,kv,* ]] && needed+=(redis-server redis-benchmark)
[[ ,$scenarios, == *,static-1m,* ]] && needed+=(wrk nginx)
[[ ,$scenarios, =~ ,h2- ]] && needed+=(h2load)
for tool in "${needed[@]}"; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y wrk apache2-utils nghttp2-client redis-server redis-tools openssl nginx-light" >&2; exit 2; }
done
# The idle scenarios hold 10,000 sockets in the server and as many in the clients; both raise their soft limit
# to this hard one. Raising a hard limit needs root; without it the runner says what is missing.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 20000 ]; then
    ulimit -Hn 20000 2>/dev/null || echo "the hard limit on open files stays $(ulimit -Hn)" >&2
fi
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -q -B -DskipTests package
scratch=$(mktemp -d /tmp/switchboard-scenario.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
cp bench/target/switchboard-bench.jar examples/target/switchboard-examples.jar "$scratch"/
name=${scenarios//,/+}
mkdir -p bench/results/tmp
status=0
java -jar "$scratch"/switchboard-bench.jar compare --scenarios "$scenarios" --out "bench/results/tmp/$name.csv" \
    --examples-jar "$scratch"/switchboard-examples.jar --bench-jar "$scratch"/switchboard-bench.jar "$@" || status=$?
java -jar "$scratch"/switchboard-bench.jar report --in "bench/results/tmp/$name.csv" --doc "bench/results/tmp/$name.md" \
    --img-dir bench/results/tmp/img
awk '/^### /{show = $2 != "Machine" && $2 != "Command" && $2 != "Charts"} /^<!-- end/{show = 0} show' "bench/results/tmp/$name.md"
exit "$status"

#!/usr/bin/env bash
# The one command behind docs/benchmarks.md's suite section: build, copy the jars to a scratch folder (so that
# rebuilding during the run does not change what runs), run the side-by-side suite, regenerate the section.
# Needs wrk, ab (apache2-utils), h2load (nghttp2-client), redis-server, redis-tools (redis-benchmark), openssl, nginx (nginx-light), gnuplot-nox
# and taskset.
# Extra arguments go to `compare`, e.g. bench/run-suite.sh --scenarios http-plain,http-pipe16 --duration 20
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in wrk ab h2load redis-server redis-benchmark openssl nginx gnuplot taskset jcmd; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y wrk apache2-utils nghttp2-client redis-server redis-tools openssl nginx-light gnuplot-nox" >&2; exit 2; }
done
# The idle scenarios hold 10,000 sockets in the server and as many in the clients; both raise their soft limit
# to this hard one. Raising a hard limit needs root; without it the runner says what is missing.
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 20000 ]; then
    ulimit -Hn 20000 2>/dev/null || echo "the hard limit on open files stays $(ulimit -Hn)" >&2
fi
mvn -q -B -DskipTests package
scratch=$(mktemp -d /tmp/switchboard-suite.XXXXXX)
cp bench/target/switchboard-bench.jar examples/target/switchboard-examples.jar "$scratch"/
status=0
java -jar "$scratch"/switchboard-bench.jar compare --examples-jar "$scratch"/switchboard-examples.jar \
    --bench-jar "$scratch"/switchboard-bench.jar "$@" || status=$?
java -jar "$scratch"/switchboard-bench.jar report
exit "$status"

#!/usr/bin/env bash
# Benchmark of the NG client against a real local rtpengine, which the benchmark starts and stops itself:
# offer+delete pairs with 1, 8 and 32 in flight (asynchronous send) and with 1 and 32 threads (blocking execute);
# prints commands/s, p50/p99 latency, and client vs rtpengine CPU time per 1,000 commands.
# Options are passed on, e.g.:
#   bench/ng-client.sh --seconds=10 --transport=tcp --levels=1,8,32,1b --rtpengine-log-level=5 --threads
set -euo pipefail
cd "$(dirname "$0")/.."

mvn_quiet() { mvn -B -q -o "$@" || mvn -B -q "$@"; } # offline when the local repository has everything

cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn_quiet test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
exec java -cp "target/test-classes:target/classes:$(cat "$cp_file")" org.sipanchor.bench.NgClientBenchmark "$@"

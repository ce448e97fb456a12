#!/usr/bin/env bash
# Benchmark of the NG client against a real local rtpengine (started and stopped by the benchmark itself):
# offer+delete pairs at 1, 8 and 32 in flight; commands/s, p50/p99 latency, and client vs rtpengine CPU time
# per 1,000 commands. Options are passed on, e.g.:
#   bench/ng-client.sh --seconds=10 --transport=tcp --mode=blocking --rtpengine-log-level=5 --levels=1,8,32
set -euo pipefail
cd "$(dirname "$0")/.."

offline=()
if mvn -B -q -o help:help -Dgoal=x >/dev/null 2>&1 || [ -d "${HOME}/.m2/repository/org/junit" ]; then
  offline=(-o)
fi
mvn -B -q "${offline[@]}" test-compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -B -q "${offline[@]}" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
exec java -cp "target/test-classes:target/classes:$(cat "$cp_file")" org.sipanchor.bench.NgClientBenchmark "$@"

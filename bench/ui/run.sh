#!/usr/bin/env bash
# Benchmark of `autoglm ui`: GET /api/project and the first render of the project page against
# stores of 100, 1,000 and 10,000 runs and history entries (issue: server time < 200 ms at 10,000,
# memory flat). Starts the real server (java -jar cli/target/autoglm.jar ui --port 0) as a
# separate process on each size, times it from an HTTP client on loopback, reads its live heap and
# allocation through JMX, then does the largest size again with -Xmx64m and with
# -Dsun.net.httpserver.nodelay=false (Nagle back on, as before the server turned it off). Results and how to read
# them: docs/benchmarks.md, "Dashboard server". About 4-6 minutes on 2 cores, the first time
# another 1-2 minutes to write the fixtures (kept in bench/work/ui/ for later runs).
#
#   bench/ui/run.sh                                   # build if needed, then everything
#   bench/ui/run.sh --sizes 100,10000 --rounds 30     # arguments go to the benchmark
#   bench/ui/run.sh --server-opts ''                  # the JVM's defaults (C2, G1), not the launcher's
#   bench/ui/run.sh --regenerate                      # write the fixtures again
#   SKIP_BUILD=1 bench/ui/run.sh ...                  # reuse bench/ui/target/ui-bench.jar
#
# Options: --sizes 100,1000,10000  --warmup 30  --rounds 60  --allocation-requests 20
#          --server-opts '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' (the ./autoglm launcher's)
#          --variant NAME=OPTIONS (repeatable; default: -Xmx64m=-Xmx64m and
#          "Nagle on"=-Dsun.net.httpserver.nodelay=false, at the largest size) | --no-variants
#          --no-breakdown  --regenerate  --work DIR  --markdown FILE
#
# bench/ui is not in the default reactor. The benchmark runs with cli/target/autoglm.jar on its
# class path, so the fixtures are written by the same core classes the server reads them with.
# This builds the jar with the root reactor only when it is missing, then packages bench/ui. The
# Markdown tables go to bench/ui/results.md (git-ignored) unless --markdown says otherwise.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [ -z "${SKIP_BUILD:-}" ]; then
  if [ ! -f cli/target/autoglm.jar ]; then
    echo "== building cli/target/autoglm.jar (root reactor, tests skipped)"
    ./mvnw -q -B -DskipTests -Dspotless.check.skip=true install
  fi
  echo "== building bench/ui"
  ./mvnw -q -B -f bench/ui/pom.xml package
fi

markdown=()
case " $* " in
  *" --markdown "*) ;;
  *) markdown=(--markdown bench/ui/results.md) ;;
esac

echo "== $(uptime)"
# The benchmark's own JVM: C1 and the serial collector like the server, so that the in-process
# breakdown of /api/project runs the same kind of code; the client side does not need more.
java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx1g \
  -cp "cli/target/autoglm.jar:bench/ui/target/ui-bench.jar" \
  org.openautoglm.bench.ui.UiBenchmark "${markdown[@]}" "$@"
echo "== $(uptime)"

#!/usr/bin/env bash
# In-process benchmark: warm per-file cost of `validate` (JMH, average time per config, µs/op).
#
#   bench/jmh-bench.sh                 # builds, generates inputs, runs briefly (about a minute)
#   bench/jmh-bench.sh -wi 5 -i 10     # extra arguments go to JMH (they override the defaults)
#
# bench/jmh is not in the default reactor: this installs the project's modules into the local
# Maven repository, then packages bench/jmh into bench/jmh/target/benchmarks.jar.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

echo "== building (mvnw install, then bench/jmh)"
./mvnw -q -B -DskipTests -Dspotless.check.skip=true install
./mvnw -q -B -f bench/jmh/pom.xml package

if [ ! -f bench/work/train.schema.json ] || [ ! -d bench/work/configs ]; then
  python3 bench/gen_configs.py bench/work "${COUNT:-1000}"
fi

# One fork, 3 warm-up and 5 measured iterations of 2 s: enough for a stable C2-compiled figure.
# The fork runs with JMH's defaults (C2, G1), as a long-lived in-process user would.
exec java -jar bench/jmh/target/benchmarks.jar ValidateBenchmark \
  -f 1 -wi 3 -w 2s -i 5 -r 2s -p dir=bench/work "$@"

#!/usr/bin/env bash
# Registry benchmark: the registry part of promote and rollback, the state read and the newest
# history page, against the length of the environment's history (10 → 10,000 entries). JMH,
# average time per operation, ms/op.
#
#   bench/registry/run.sh                              # builds, then runs briefly (a few minutes)
#   bench/registry/run.sh -p historySize=10,10000      # extra arguments go to JMH
#   bench/registry/run.sh -p fsync=on,off              # also measure without fsync (see the docs)
#   BENCH='(promote|rollback)$' bench/registry/run.sh  # only benchmarks matching this regexp
#   RUNS='-f 1 -wi 5 -i 10' bench/registry/run.sh      # other fork/iteration settings (JMH refuses
#                                                      # an option given twice, so not as arguments)
#   SKIP_BUILD=1 bench/registry/run.sh                 # reuse bench/registry/target/benchmarks.jar
#
# bench/registry is not in the default reactor: this installs core (and the parent POM) into the
# local Maven repository, then packages bench/registry into bench/registry/target/benchmarks.jar.
# The registries live in java.io.tmpdir (/tmp); each history size is written once per run into a
# fresh temporary directory and copied for each benchmark, and everything is deleted at the end.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== building (core, then bench/registry)"
  ./mvnw -q -B -DskipTests -Dspotless.check.skip=true install -pl core -am
  ./mvnw -q -B -f bench/registry/pom.xml package
fi

histories=$(mktemp -d "${TMPDIR:-/tmp}/autoglm-registry-histories-XXXXXX")
trap 'rm -rf "$histories"' EXIT

echo "== machine: $(nproc) CPUs, $(java -version 2>&1 | head -1)"
# One fork, 3 warm-up and 5 measured iterations of 1 s: each operation takes milliseconds or less,
# so an iteration holds dozens to thousands of them. The fork runs with JMH's defaults (C2, G1).
# shellcheck disable=SC2086 # RUNS is a list of JMH options
java -jar bench/registry/target/benchmarks.jar "RegistryBenchmark.${BENCH:-}" \
  ${RUNS:--f 1 -wi 3 -w 1s -i 5 -r 1s} \
  "-jvmArgsAppend=-Dautoglm.bench.histories=$histories" "$@"

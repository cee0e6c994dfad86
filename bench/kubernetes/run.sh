#!/usr/bin/env bash
# Benchmark of the Kubernetes training launcher against fabric8's mock API server (CRUD mode, on
# loopback, in a JVM of its own), the benchmark playing the Job controller and the kubelet:
# plans and launches 8-, 64- and 512-node Jobs with KubernetesLauncher.run, then streams the logs
# of 64 ranks writing at once. Results and how to read them: docs/benchmarks.md, "Kubernetes
# launcher". About 2-3 minutes on 2 cores.
#
#   bench/kubernetes/run.sh                           # build, then run everything
#   bench/kubernetes/run.sh --sizes 8,64 --no-logs    # arguments go to the benchmark
#   bench/kubernetes/run.sh --markdown /tmp/k8s.md    # the tables as Markdown too
#   SKIP_BUILD=1 bench/kubernetes/run.sh ...          # reuse the last build
#
# Options: --sizes 8,64,512  --log-ranks 64  --log-lines 20000  --line-bytes 100
#          --log-rate 1000 (lines/s per rank in the live run)  --no-scale  --no-logs
#          --only scale-512,logs-burst,...  --in-process (mock server in the launcher's JVM)
#          --markdown FILE  --strict (exit 1 when requests grow with the rank count)
#
# bench/kubernetes is not in the default reactor: this installs core (and the parent POM) into
# the local Maven repository, then packages bench/kubernetes/target/kubernetes-launcher-bench.jar.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "== building (core into the local Maven repository, then bench/kubernetes)"
  ./mvnw -q -B -DskipTests -Dspotless.check.skip=true install -pl core -am
  ./mvnw -q -B -f bench/kubernetes/pom.xml package
fi

# The launcher's JVM gets a heap limit a CI agent or a Jenkins controller might give it; G1, the
# JVM's default on 2 or more CPUs. The mock API server's JVM runs with -Xmx1g.
exec java -Xms64m -Xmx512m -XX:+UseG1GC \
  -jar bench/kubernetes/target/kubernetes-launcher-bench.jar "$@"

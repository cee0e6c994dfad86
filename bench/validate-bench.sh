#!/usr/bin/env bash
# Wall-time benchmark: `autoglm validate` against ajv-cli 5 (+ ajv-formats) on the same 1,000
# generated YAML training configs and the same JSON Schema 2020-12, JVM / Node start-up included.
#
#   bench/validate-bench.sh            # 1,000 files, median of 7 runs per tool
#   RUNS=11 COUNT=1000 bench/validate-bench.sh
#
# Needs a JDK 17+, Node 20+ with npm, python3. Inputs go to bench/work/ (git-ignored); ajv-cli is
# installed into bench/node_modules (git-ignored) from bench/package-lock.json.
# Not a test: it prints figures and fails only when a tool gives a wrong answer.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${RUNS:-7}
count=${COUNT:-1000}
work=bench/work
schema=$work/train.schema.json
ajv=bench/node_modules/.bin/ajv

if [ "$runs" -lt 5 ]; then
  echo "RUNS must be at least 5" >&2
  exit 2
fi

# 1. Tools. `npm ci` installs exactly the locked versions.
if [ ! -d bench/node_modules ]; then
  echo "== installing ajv-cli (npm ci --prefix bench)"
  npm ci --prefix bench --no-audit --no-fund >&2
fi
echo "== building autoglm if needed (./autoglm --version)"
./autoglm --version >/dev/null

echo "== machine: $(nproc) CPUs; $(java -version 2>&1 | head -n 1); node $(node --version);" \
  "ajv-cli $(node -p 'require("./bench/node_modules/ajv-cli/package.json").version')," \
  "ajv $(node -p 'require("./bench/node_modules/ajv/package.json").version')," \
  "ajv-formats $(node -p 'require("./bench/node_modules/ajv-formats/package.json").version')"

# 2. Inputs: COUNT realistic configs, one schema, two broken copies.
rm -rf "$work/configs" "$work/broken"
python3 bench/gen_configs.py "$work" "$count"
files=("$work"/configs/*.yaml)
one=$work/configs/train-0000.yaml
glob="$work/configs/*.yaml"

autoglm_cmd() { ./autoglm validate --schema "$schema" --format json "$@"; }
# ajv-cli as installed (its bin script); `--spec=draft2020` selects the 2020-12 dialect,
# `-c ajv-formats` adds the formats ("uri", "email"), `--all-errors` reports every error like autoglm.
ajv_cmd() { "$ajv" validate --spec=draft2020 --all-errors -c ajv-formats -s "$schema" -d "$1"; }

# 3. Both tools must give the right answer, or the timing means nothing.
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
echo "== checking answers"
out=$work/out
mkdir -p "$out"
rc=0
autoglm_cmd "${files[@]}" >"$out/autoglm.json" 2>"$out/autoglm.err" || rc=$?
[ "$rc" -eq 0 ] || fail "autoglm: exit $rc on the valid configs (see $out/autoglm.*)"
n=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(f["valid"] for f in r["files"]) if r["valid"] else -1)' "$out/autoglm.json")
[ "$n" -eq "$count" ] || fail "autoglm: $n of $count files reported valid"
rc=0
ajv_cmd "$glob" >"$out/ajv.out" 2>"$out/ajv.err" || rc=$?
[ "$rc" -eq 0 ] || fail "ajv-cli: exit $rc on the valid configs (see $out/ajv.*)"
n=$(grep -c ' valid$' "$out/ajv.out" || true)
[ "$n" -eq "$count" ] || fail "ajv-cli: $n of $count files reported valid"
echo "   both tools: $count of $count valid (exit 0)"

rc=0
autoglm_cmd "$work/broken/type-error.yaml" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "autoglm: exit $rc on a type error (expected 1)"
rc=0
ajv_cmd "$work/broken/type-error.yaml" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || fail "ajv-cli: exit $rc on a type error (expected 1)"
echo "   both tools: broken/type-error.yaml invalid (exit 1)"
rc_autoglm=0
autoglm_cmd "$work/broken/bad-uri.yaml" >/dev/null 2>&1 || rc_autoglm=$?
rc_ajv=0
ajv_cmd "$work/broken/bad-uri.yaml" >/dev/null 2>&1 || rc_ajv=$?
echo "   format \"uri\" (broken/bad-uri.yaml): autoglm exit $rc_autoglm, ajv-cli exit $rc_ajv" \
  "(1 = format asserted, 0 = format only annotated)"

# 4. Timing: warm each tool once, then RUNS runs each, interleaved (A B, B A, ...) so that load
#    from elsewhere on the machine hits both alike. Output goes to files, as in CI.
echo "== timing ($runs runs per tool, interleaved; medians)"
python3 - "$runs" "$count" "$out" "$schema" "$glob" "$one" "$ajv" "${files[@]}" <<'EOF'
import os, statistics, subprocess, sys, time

runs, count, out, schema, glob, one, ajv = sys.argv[1:8]
runs, count = int(runs), int(count)
files = sys.argv[8:]
autoglm = ["./autoglm", "validate", "--schema", schema, "--format", "json"]
ajv_cli = [ajv, "validate", "--spec=draft2020", "--all-errors", "-c", "ajv-formats", "-s", schema, "-d"]
cases = {
    "autoglm": autoglm + files,
    "ajv-cli": ajv_cli + [glob],
    "autoglm, 1 file": autoglm + [one],
    "ajv-cli, 1 file": ajv_cli + [one],
}

jar = "cli/target/autoglm.jar"
jar_stamp = os.stat(jar).st_mtime_ns

def once(name):
    err = os.path.join(out, "timing.err")
    with open(os.path.join(out, "timing.out"), "w") as o, open(err, "w") as e:
        t = time.perf_counter()
        rc = subprocess.call(cases[name], stdout=o, stderr=e)
        ms = (time.perf_counter() - t) * 1000
    if rc != 0:
        tail = open(err).read().splitlines()[-5:]
        sys.exit(f"FAIL: {name} exited {rc} during timing; stderr ends:\n  " + "\n  ".join(tail))
    if os.stat(jar).st_mtime_ns != jar_stamp:
        # ./autoglm rebuilds itself when sources change: such a run timed a build, not validation
        sys.exit("FAIL: autoglm was rebuilt during timing (sources changed); run again")
    return ms

times = {name: [] for name in cases}
for name in cases:
    once(name)  # warm-up: file cache, JIT-free start-up paths, CDS archive in page cache
pairs = [("autoglm", "ajv-cli"), ("autoglm, 1 file", "ajv-cli, 1 file")]
for i in range(runs):
    for a, b in pairs:
        for name in ((a, b) if i % 2 == 0 else (b, a)):
            times[name].append(once(name))

med = {name: statistics.median(v) for name, v in times.items()}
print(f"{'tool':<18} {'files':>5} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'ms/file':>8}")
for name in cases:
    n = 1 if "1 file" in name else count
    v = times[name]
    per_file = f"{med[name] / n:>8.3f}" if n > 1 else f"{'-':>8}"
    print(f"{name:<18} {n:>5} {med[name]:>10.0f} {min(v):>8.0f} {max(v):>8.0f} {per_file}")
ratio = med["autoglm"] / med["ajv-cli"]
print()
print(f"ratio autoglm/ajv-cli, {count} files: {ratio:.2f}  "
      f"({'target met' if ratio <= 1 else f'target NOT met: autoglm {(ratio - 1) * 100:.0f}% slower'})")
for tool in ("autoglm", "ajv-cli"):
    marginal = (med[tool] - med[tool + ", 1 file"]) / (count - 1)
    print(f"{tool}: start-up + 1 file {med[tool + ', 1 file']:.0f} ms, "
          f"then {marginal:.3f} ms per further file (cold process)")
EOF

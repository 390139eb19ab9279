#!/usr/bin/env bash
# Side-by-side benchmarks of a revision and the working tree, in one sitting.
#
#   scripts/bench-compare.sh REV            # e.g. main, a commit, HEAD~3
#   RUNS=31 scripts/bench-compare.sh REV    # repetitions of the whole-process run
#   SKIP_CRITERION=1 scripts/bench-compare.sh REV
#
# Builds REV in a temporary git worktree (its own target dir, kept under
# target/bench-compare/ so a second comparison builds nothing new) and the working
# tree as it is, each as that tree's own Cargo.toml says, then measures both:
#   1. `cargo bench -p driftlab-sim --bench flash_sale` (criterion, median per run);
#   2. the whole process, `driftlab run --scenario big.json` with {"preset":
#      "extreme_drift", "seed": 1, "crowd": {"customers": 50000}}: median wall time of
#      RUNS runs, the two sides alternating, and the events per second;
#   3. instructions (valgrind callgrind) of `examples/one_run` and of that process:
#      repeatable, independent of the machine's load.
# and prints a Markdown table. Everything is built before anything is timed; run it on
# a quiet machine. Needs git, cargo, python3 and valgrind (`apt-get install valgrind`).
set -euo pipefail

rev=${1:?usage: scripts/bench-compare.sh REV}
runs=${RUNS:-21}
tree=$(git rev-parse --show-toplevel)
sha=$(git -C "$tree" rev-parse --verify "$rev^{commit}")
short=$(git -C "$tree" rev-parse --short "$sha")
work="$tree/target/bench-compare"
mkdir -p "$work"
command -v valgrind >/dev/null || { echo "valgrind missing: apt-get install -y valgrind" >&2; exit 2; }

# The revision's sources, in a worktree of their own (removed on exit).
rev_src=$(mktemp -d "${TMPDIR:-/tmp}/driftlab-rev-XXXXXX")
cleanup() { git -C "$tree" worktree remove --force "$rev_src" >/dev/null 2>&1 || rm -rf "$rev_src"; }
trap cleanup EXIT
git -C "$tree" worktree add --quiet --detach "$rev_src" "$sha"

echo '{"preset": "extreme_drift", "seed": 1, "crowd": {"customers": 50000}}' >"$work/big.json"

# build SIDE SRC TARGET: the CLI, the profiling example and the bench, as SRC builds them.
build() {
  local side=$1 src=$2 target=$3
  echo "== building $side ($src)" >&2
  (
    cd "$src"
    export CARGO_TARGET_DIR=$target
    cargo build --quiet --release -p driftlab
    cargo build --quiet --release -p driftlab-sim --example one_run 2>/dev/null ||
      echo "   ($side has no examples/one_run)" >&2
    [[ -n ${SKIP_CRITERION:-} ]] || cargo bench --quiet -p driftlab-sim --bench flash_sale --no-run
  )
}
rev_target="$work/target-$short"
build "$rev ($short)" "$rev_src" "$rev_target"
build "working tree" "$tree" "$tree/target"

# criterion SIDE SRC TARGET: runs the bench; its estimates stay in TARGET/criterion.
criterion() {
  local side=$1 src=$2 target=$3
  echo "== criterion: $side" >&2
  rm -rf "$target/criterion"
  (cd "$src" && CARGO_TARGET_DIR=$target cargo bench --quiet -p driftlab-sim --bench flash_sale >&2)
}
if [[ -z ${SKIP_CRITERION:-} ]]; then
  criterion "$rev ($short)" "$rev_src" "$rev_target"
  criterion "working tree" "$tree" "$tree/target"
fi

echo "== whole process ($runs runs each, alternating) and callgrind" >&2
name=$rev
[[ $short == "$rev"* ]] || name="$rev ($short)"
python3 - "$name" "$rev_target" "working tree" "$tree/target" "$work" "$runs" "${SKIP_CRITERION:-}" <<'PY'
import glob, json, os, re, statistics, subprocess, sys, time

rev_name, rev_target, tree_name, tree_target, work, runs, skip_criterion = sys.argv[1:8]
runs = int(runs)
big = os.path.join(work, "big.json")
sides = [(rev_name, rev_target), (tree_name, tree_target)]
cli = {name: os.path.join(t, "release", "driftlab") for name, t in sides}
args = ["run", "--scenario", big]

def report(name):
    out = subprocess.run([cli[name], *args, "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)

reports = {name: report(name) for name, _ in sides}
walls = {name: [] for name, _ in sides}
for _ in range(runs):
    for name, _ in sides:
        t = time.perf_counter()
        subprocess.run([cli[name], *args], check=True, stdout=subprocess.DEVNULL)
        walls[name].append((time.perf_counter() - t) * 1e3)

def instructions(cmd):
    out = os.path.join(work, "callgrind.out")
    p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                       capture_output=True, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    return int(m.group(1)) if p.returncode == 0 and m else None

def criterion(target):
    found = {}
    for f in glob.glob(os.path.join(target, "criterion", "*", "*", "new", "estimates.json")):
        bench = json.load(open(os.path.join(os.path.dirname(f), "benchmark.json")))
        est = json.load(open(f))["median"]["point_estimate"]  # ns per iteration
        tp = bench.get("throughput") or {}
        found[bench["full_id"]] = (est, tp.get("Elements"))
    return found

rows = []
def row(what, a, b, fmt):
    def show(x):
        return "n/a" if x is None else fmt(x)
    change = ""
    if a and b:
        change = f"{(b / a - 1) * 100:+.1f} %"
    rows.append((what, show(a), show(b), change))

crit = {name: {} if skip_criterion else criterion(t) for name, t in sides}
for bench in sorted(set(crit[rev_name]) | set(crit[tree_name])):
    a, b = (crit[n].get(bench) for n, _ in sides)
    def fmt(x):
        ns, events = x
        s = f"{ns / 1e6:.3f} ms"
        return s + (f" ({events / ns * 1e3:.1f} M ev/s)" if events and events > 1 else "")
    rows.append((f"criterion {bench}", fmt(a) if a else "n/a", fmt(b) if b else "n/a",
                 f"{(b[0] / a[0] - 1) * 100:+.1f} %" if a and b else ""))

med = {n: statistics.median(walls[n]) for n, _ in sides}
def wall(n):
    ev = reports[n]["events"]
    return f"{med[n]:.1f} ms ({ev / med[n] / 1e3:.1f} M ev/s; min {min(walls[n]):.1f})"
rows.append((f"process: driftlab run, 50 000 customers, median of {runs}", wall(rev_name), wall(tree_name),
             f"{(med[tree_name] / med[rev_name] - 1) * 100:+.1f} %"))
rows.append(("process: events, trace hash",
             *(f"{reports[n]['events']}, {reports[n]['trace_hash']}" for n, _ in sides), ""))

one = {n: os.path.join(t, "release", "examples", "one_run") for n, t in sides}
ir_one = {n: instructions([one[n]]) if os.path.exists(one[n]) else None for n, _ in sides}
ir_big = {n: instructions([cli[n], *args]) for n, _ in sides}
mi = lambda x: f"{x / 1e6:.1f} M"
row("instructions: examples/one_run (callgrind)", ir_one[rev_name], ir_one[tree_name], mi)
row("instructions: process, 50 000 customers (callgrind)", ir_big[rev_name], ir_big[tree_name], mi)

print()
print(f"| what | {rev_name} | {tree_name} | change |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
same = reports[rev_name]["trace_hash"] == reports[tree_name]["trace_hash"]
print()
print("The 50 000-customer run is " + ("identical on both sides (same trace hash)." if same else
      "NOT the same run on both sides (trace hashes differ: a deliberate re-pin?)."))
PY

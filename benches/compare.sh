#!/usr/bin/env bash
# Side-by-side figures for BENCHMARKS.md: yuanqi against fzf and sqlite3 in one run, on demo
# stores of 10 000 and 100 000 enterprises (and 1 000 000 with FULL=1).
#
#   benches/compare.sh            # 10k and 100k
#   FULL=1 benches/compare.sh     # also 1M (a few minutes more)
#
# Needs: fzf sqlite3 (apt-get install -y fzf sqlite3 hyperfine), python3, /usr/bin/time.
# Prints a report on stdout; work files go to $OUT (default /tmp/yuanqi-bench).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-/tmp/yuanqi-bench}
RUNS=${RUNS:-15}
SIZES=(10000 100000)
[[ ${FULL:-0} == 1 ]] && SIZES+=(1000000)
mkdir -p "$OUT"

for tool in fzf sqlite3 python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y fzf sqlite3 hyperfine)"; exit 1; }
done

echo "# yuanqi benchmark run $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fzf $(fzf --version | cut -d' ' -f1), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
echo

cargo build --release --bin yuanqi --quiet
Y=$PWD/target/release/yuanqi

# Alternating timing: A, B, A, B … so both see the same machine load; prints medians.
timeit() { # label, then commands separated by ':::'
    python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time, statistics
runs = int(sys.argv[1]); label = sys.argv[2]
cmds = " ".join(sys.argv[3:]).split(" ::: ")
samples = [[] for _ in cmds]; lines = [0 for _ in cmds]
for c in cmds:  # warm-up (page cache)
    subprocess.run(c, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
for r in range(runs):
    order = range(len(cmds)) if r % 2 == 0 else reversed(range(len(cmds)))
    for i in order:
        t = time.perf_counter()
        p = subprocess.run(cmds[i], shell=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        samples[i].append((time.perf_counter() - t) * 1000)
        lines[i] = len(p.stdout.splitlines())
med = [statistics.median(s) for s in samples]
ratio = med[0] / med[1] if len(med) > 1 and med[1] > 0 else float("nan")
print(f"| {label} | " + " | ".join(f"{m:.1f} ms ({l} lines)" for m, l in zip(med, lines)) + f" | {ratio:.2f} |")
PY
}

peak_rss() { # command → peak RSS in MiB
    /usr/bin/time -f '%M' -o "$OUT/rss.txt" bash -c "$1" >/dev/null 2>&1 || true
    echo "$(( $(tail -1 "$OUT/rss.txt") / 1024 )) MiB"
}

for N in "${SIZES[@]}"; do
    DB=$OUT/demo-$N.db
    if [[ ! -f $DB ]] || [[ $(sqlite3 "$DB" "select count(*) from enterprises where locator like 'demo #%'") != "$N" ]]; then
        start=$(date +%s.%N)
        "$Y" demo --enterprises "$N" --db "$DB" --force >/dev/null 2>&1
        echo "demo store $N: generated in $(python3 -c "print(f'{$(date +%s.%N) - $start:.1f}')") s, $(( $(stat -c %s "$DB") / 1048576 )) MiB"
    fi
    sqlite3 "$DB" 'select name from enterprises' > "$OUT/names-$N.txt"
    # Queries from a name in the store: its short name, a 2-character prefix of it, its full
    # pinyin and its initials (search_forms holds the syllables, one name per line).
    SHORT=$(sqlite3 "$DB" "select short_names from enterprises where locator = 'demo #1234'")
    FORMS=$(sqlite3 "$DB" "select search_forms from enterprises where locator = 'demo #1234'")
    FULLPY=$(echo "$FORMS" | sed -n 2p | tr -d ' ')
    NAMEINIT=$(echo "$FORMS" | sed -n 1p | tr ' ' '\n' | cut -c1 | tr -d '\n' | cut -c1-6)
    TWO=${SHORT:0:2}
    echo
    echo "## $N enterprises"
    echo
    echo "| query (whole process, median of $RUNS, alternating) | yuanqi search --limit 20 | fzf --filter | ratio yuanqi/fzf |"
    echo "|---|---|---|---|"
    for Q in "$TWO" "$SHORT" "$FULLPY" "$NAMEINIT"; do
        timeit "\`$Q\`" "$Y search '$Q' --db '$DB' --read-only --limit 20 ::: fzf --filter='$Q' < '$OUT/names-$N.txt'"
    done
    echo
    echo "peak RSS: yuanqi search $(peak_rss "$Y search '$SHORT' --db '$DB' --read-only"), fzf --filter $(peak_rss "fzf --filter='$SHORT' < '$OUT/names-$N.txt'")"

    # Import peer: sqlite3's bare CSV load of the same rows an import would read.
    CSV=$OUT/enterprises-$N.csv
    sqlite3 -csv -header "$DB" "select e.name as 企业名称, e.uscc as 统一社会信用代码, r.name as 所属县（市、区）, p.name as 所属园区 from enterprises e left join regions r on r.id = e.region_id left join parks p on p.id = e.park_id" > "$CSV"
    if "$Y" import --help >/dev/null 2>&1; then
        rm -f "$OUT/import-$N.db"
        timeit "import $N-row CSV" "rm -f '$OUT/import-$N.db'*; $Y init --db '$OUT/import-$N.db' >/dev/null && $Y import '$CSV' --db '$OUT/import-$N.db' --skip-invalid ::: sqlite3 :memory: '.import --csv $CSV t'"
    else
        timeit "sqlite3 :memory: .import of $N-row CSV (yuanqi import: pending)" "sqlite3 :memory: '.import --csv $CSV t'"
    fi
done

# In-process figures: start-up to first frame, facets and pages (store bench) per size, and
# per-keystroke search ranking (search bench) at 100 000 (and 1 000 000 with FULL=1).
for N in "${SIZES[@]}"; do
    echo
    echo "## store bench, $N enterprises"
    echo '```'
    YUANQI_BENCH_DB=$OUT/demo-$N.db cargo bench --quiet --bench store 2>/dev/null
    echo '```'
done
for N in "${SIZES[@]}"; do
    [[ $N == 10000 ]] && continue
    echo
    echo "## search bench, $N enterprises"
    echo '```'
    YUANQI_BENCH_DB=$OUT/demo-$N.db cargo bench --quiet --bench search 2>/dev/null
    echo '```'
done

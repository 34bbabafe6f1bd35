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
[[ -n ${ONLY:-} ]] && read -r -a SIZES <<< "$ONLY"
mkdir -p "$OUT"

for tool in fzf sqlite3 python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y fzf sqlite3 hyperfine)"; exit 1; }
done

echo "# yuanqi benchmark run $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fzf $(fzf --version | cut -d' ' -f1), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
echo

# One release build of the binary and both bench harnesses (run directly, not through
# `cargo bench`, whose separate profile would build everything a second time).
exe() { # bench target name → its executable
    cargo build --release --bin yuanqi --bench search --bench store --message-format=json 2>/dev/null |
        python3 -c 'import json, sys
for m in map(json.loads, sys.stdin):
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["name"] == sys.argv[1]:
        print(m["executable"])' "$1"
}
cargo build --release --bin yuanqi --bench search --bench store --quiet
Y=$PWD/target/release/yuanqi
BENCH_SEARCH=$(exe search)
BENCH_STORE=$(exe store)

# Alternating timing: A, B, A, B … so both see the same machine load; prints medians.
timeit() { # label, then commands separated by ':::' (RUNS times each, alternating)
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
# Ratios of every command to the second one (the peer), in column order.
ratios = " / ".join(f"{m / med[1]:.2f}" for i, m in enumerate(med) if i != 1) if len(med) > 1 and med[1] > 0 else "nan"
print(f"| {label} | " + " | ".join(f"{m:.1f} ms ({l} lines)" for m, l in zip(med, lines)) + f" | {ratios} |")
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
    # A store made by an earlier build is brought to this build's schema (the runs below open
    # it read-only, which cannot migrate).
    "$Y" init --db "$DB" >/dev/null
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

    # Import: the store's enterprises exported (as a user would get a list) and imported into
    # a fresh store, validating, matching and recording provenance; peer: sqlite3's bare load.
    if [[ $N -le 100000 ]]; then
        CSV=$OUT/enterprises-$N.csv
        XLSX=$OUT/enterprises-$N.xlsx
        "$Y" export enterprises --db "$DB" --read-only -o "$CSV" >/dev/null
        "$Y" export enterprises --db "$DB" --read-only -o "$XLSX" >/dev/null
        ROWS=$(( $(wc -l < "$CSV") - 1 ))
        rm -f "$OUT/import.db"*; "$Y" init --db "$OUT/import.db" >/dev/null
        cp "$OUT/import.db" "$OUT/empty.db"
        # Reference rows: sqlite3 alone copying exactly the rows yuanqi wrote (with their
        # import and source rows; foreign keys on, as in yuanqi) into an empty store with the
        # same schema, in one transaction with the import's page cache: what writing them
        # costs before any reading, checking or matching. "As yuanqi writes a large import":
        # WAL, synchronous=NORMAL, the plain indexes dropped and created again after the rows
        # (src/store/bulk.rs); "row by row": the same with every index kept up to date (how
        # every write went before); "nothing durable": no journal, synchronous=OFF and no
        # plain indexes at all.
        cp "$OUT/empty.db" "$OUT/rows.db" && rm -f "$OUT/rows.db-wal" "$OUT/rows.db-shm"
        # Every figure below assumes this import succeeds (set -e stops the run if it does not).
        "$Y" import "$CSV" --db "$OUT/rows.db" -q >/dev/null
        PLAIN="type = 'index' AND tbl_name IN ('enterprises', 'enterprise_clusters') AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
        ASIDE=$(sqlite3 "$OUT/empty.db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE $PLAIN" | tr '\n' ' ')
        BACK=$(sqlite3 "$OUT/empty.db" "SELECT sql || ';' FROM sqlite_master WHERE $PLAIN" | tr '\n' ' ')
        floor() { # pragmas, SQL before the rows, SQL after them → a command
            echo "cp '$OUT/empty.db' '$OUT/floor.db' && rm -f '$OUT/floor.db-wal' '$OUT/floor.db-shm' && sqlite3 '$OUT/floor.db' \"PRAGMA cache_size=-65536; PRAGMA foreign_keys=ON; $1 ATTACH '$OUT/rows.db' AS f; BEGIN; INSERT INTO sources SELECT * FROM f.sources WHERE id > (SELECT max(id) FROM main.sources); INSERT INTO imports SELECT * FROM f.imports; $2 INSERT INTO enterprises SELECT * FROM f.enterprises WHERE id > (SELECT max(id) FROM main.enterprises); INSERT INTO enterprise_clusters SELECT * FROM f.enterprise_clusters WHERE rowid > (SELECT coalesce(max(rowid), 0) FROM main.enterprise_clusters); $3 COMMIT;\" >/dev/null"
        }
        FLOOR=$(floor "PRAGMA synchronous=NORMAL;" "$ASIDE" "$BACK")
        echo
        echo "| import ($ROWS rows, median of 3, alternating) | yuanqi import | sqlite3 :memory: .import --csv | sqlite3 copying the same rows into an empty store as yuanqi writes a large import | ratios yuanqi / .import, copy / .import |"
        echo "|---|---|---|---|---|"
        RUNS=3 timeit "CSV" "cp '$OUT/empty.db' '$OUT/import.db' && rm -f '$OUT/import.db-wal' '$OUT/import.db-shm' && $Y import '$CSV' --db '$OUT/import.db' -q ::: sqlite3 :memory: '.import --csv $CSV t' ::: $FLOOR"
        RUNS=3 timeit "xlsx" "cp '$OUT/empty.db' '$OUT/import.db' && rm -f '$OUT/import.db-wal' '$OUT/import.db-shm' && $Y import '$XLSX' --db '$OUT/import.db' -q ::: sqlite3 :memory: '.import --csv $CSV t' ::: $FLOOR"
        echo "(imported: $(sqlite3 "$OUT/import.db" 'select count(*) from enterprises') enterprises in the store after the last run)"
        echo
        echo "| sqlite3 alone writing those rows (median of 5, alternating) | as yuanqi writes a large import (durable) | .import --csv into :memory: | row by row, every index kept up to date (durable) | nothing durable, no plain indexes | ratios to .import |"
        echo "|---|---|---|---|---|---|"
        RUNS=5 timeit "copy into an empty store" "$FLOOR ::: sqlite3 :memory: '.import --csv $CSV t' ::: $(floor "PRAGMA synchronous=NORMAL;" "" "") ::: $(floor "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" "$ASIDE" "")"
    fi

    echo
    echo "TUI in a pseudo-terminal (80x24), typing \`$FULLPY\`:"
    echo '```'
    TUI_SETTLE=$(( N >= 1000000 ? 45 : 0 )) python3 benches/tui_wire.py "$Y" "$DB" "$FULLPY"
    echo '```'
done

# In-process figures: start-up to first frame, facets and pages (store bench) per size, and
# per-keystroke search ranking (search bench) at 100 000 (and 1 000 000 with FULL=1).
for N in "${SIZES[@]}"; do
    echo
    echo "## store bench, $N enterprises"
    echo '```'
    YUANQI_BENCH_DB=$OUT/demo-$N.db "$BENCH_STORE" 2>/dev/null
    echo '```'
done
for N in "${SIZES[@]}"; do
    [[ $N == 10000 ]] && continue
    # At 1M every keystroke is timed dozens of times: minutes; SEARCH_1M=1 to include it.
    [[ $N -gt 100000 && ${SEARCH_1M:-0} != 1 ]] && continue
    echo
    echo "## search bench, $N enterprises"
    echo '```'
    YUANQI_BENCH_DB=$OUT/demo-$N.db "$BENCH_SEARCH" 2>/dev/null
    echo '```'
done

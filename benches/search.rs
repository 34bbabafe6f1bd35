//! Search speed at province scale: index build time and memory, and the time to rank every
//! match per keystroke for growing queries (Chinese, full pinyin, initials, short names).
//!
//! `cargo bench --bench search` (a plain harness that prints figures; no pass/fail).
//! Environment: `YUANQI_BENCH_N` enterprises to generate in memory (default 100000), or
//! `YUANQI_BENCH_DB` to use an existing (demo) store instead; `YUANQI_BENCH_ONLY=q1,q2` times
//! only those queries (`stream:q` the one-shot search).

use std::time::{Duration, Instant};

use yuanqi::search::{SearchIndex, Searcher, pinyin};
use yuanqi::store::{OpenOptions, Store};

/// Results a search screen asks for (a few screens of rows).
const LIMIT: usize = 200;
/// One frame at 60 Hz.
const BUDGET: Duration = Duration::from_millis(16);

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time used by the process so far, all threads: unlike the wall clock, not inflated
/// when other work on a shared machine takes the cores.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Every prefix of `s` by characters: 达, 达州, 达州市 …
fn prefixes(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    (1..=chars.len())
        .map(|n| chars[..n].iter().collect())
        .collect()
}

fn main() {
    let store = match std::env::var_os("YUANQI_BENCH_DB") {
        Some(p) => Store::open(
            std::path::Path::new(&p),
            &OpenOptions {
                read_only: true,
                ..OpenOptions::default()
            },
        )
        .expect("open YUANQI_BENCH_DB"),
        None => {
            let n: u64 = std::env::var("YUANQI_BENCH_N")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(100_000);
            let mut s = Store::open_in_memory().expect("in-memory store");
            let t = Instant::now();
            yuanqi::demo::generate(&mut s, n, |_| {}).expect("generate demo data");
            eprintln!(
                "generated {n} demo enterprises in memory in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            s
        }
    };
    let (enterprises, parks, _) = store.totals().expect("totals");

    // Build: reading candidates from the store, then the in-memory index.
    let rss0 = rss_kib();
    let t = Instant::now();
    let candidates = store.search_candidates().expect("candidates");
    let read = t.elapsed();
    let t = Instant::now();
    let index = SearchIndex::new(candidates);
    let build = t.elapsed();
    let rss1 = rss_kib();
    println!("# search bench: {enterprises} enterprises, {parks} parks, limit {LIMIT}");
    println!(
        "index: read candidates {} ms, build {} ms, index memory ≈ {} MiB (RSS growth)",
        ms(read),
        ms(build),
        (rss1.saturating_sub(rss0)) / 1024
    );

    // `YUANQI_BENCH_ONLY=q1,q2`: only these queries, each repeated for two seconds (for a
    // profiler).
    if let Ok(only) = std::env::var("YUANQI_BENCH_ONLY") {
        for q in only.split(',') {
            let (mut runs, start, cpu) = (0u32, Instant::now(), cpu_time());
            while start.elapsed() < Duration::from_secs(2) {
                // `stream:QUERY`: the one-shot search over the store instead.
                match q.strip_prefix("stream:") {
                    Some(q) => std::hint::black_box(
                        yuanqi::search::search_stream(q, 20, |f| store.each_search_candidate(f))
                            .expect("stream"),
                    ),
                    None => std::hint::black_box(index.search(q, LIMIT)),
                };
                runs += 1;
            }
            println!(
                "{q}: {} ms per search, {} ms CPU (all threads)",
                ms(start.elapsed() / runs),
                ms((cpu_time() - cpu) / runs)
            );
        }
        return;
    }

    // Queries typed one character at a time, taken from names in the store so they match.
    let sample: Vec<(String, String)> = store
        .conn()
        .prepare("SELECT name, short_names FROM enterprises WHERE locator LIKE 'demo #%' ORDER BY id LIMIT 3 OFFSET 1234")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_default();
    let (name, short) = sample
        .first()
        .cloned()
        .unwrap_or_else(|| ("达州市达钢物流有限公司".into(), "达钢".into()));
    let short = short.split('|').next().unwrap_or("").to_string();
    let norm = yuanqi::model::text::normalize_name(&name);
    let classes: Vec<(&str, String)> = vec![
        ("chinese name", name.chars().take(8).collect()),
        ("short name", short.clone()),
        ("full pinyin", pinyin::full(&short)),
        (
            "initials",
            pinyin::initials(&norm).chars().take(8).collect(),
        ),
        ("mixed 汉+pinyin", {
            let c: Vec<char> = short.chars().collect();
            let mut q: String = c.iter().take(2).collect();
            q.push_str(&pinyin::full(&c.iter().skip(2).collect::<String>()));
            q
        }),
    ];

    println!();
    println!("per keystroke (full ranking of every match, then top {LIMIT}):");
    println!(
        "{:<16} {:<24} {:>8} {:>10} {:>10} {:>8}",
        "class", "query", "hits", "median ms", "p99 ms", "≤16ms"
    );
    let mut all: Vec<Duration> = Vec::new();
    let mut summary: Vec<(String, Duration, Duration)> = Vec::new();
    for (class, full) in &classes {
        let mut class_samples: Vec<Duration> = Vec::new();
        for q in prefixes(full) {
            // Warm once, then repeat for about half a second (at least 5, at most 200 runs).
            let hits = index.search(&q, LIMIT).len();
            let mut samples = Vec::new();
            let start = Instant::now();
            while samples.len() < 5
                || (samples.len() < 200 && start.elapsed() < Duration::from_millis(500))
            {
                let t = Instant::now();
                let h = index.search(&q, LIMIT);
                samples.push(t.elapsed());
                std::hint::black_box(h);
            }
            samples.sort();
            let med = percentile(&samples, 0.5);
            let p99 = percentile(&samples, 0.99);
            println!(
                "{:<16} {:<24} {:>8} {:>10} {:>10} {:>8}",
                class,
                q,
                hits,
                ms(med),
                ms(p99),
                if p99 <= BUDGET { "yes" } else { "NO" }
            );
            class_samples.extend(samples);
        }
        class_samples.sort();
        summary.push((
            class.to_string(),
            percentile(&class_samples, 0.5),
            percentile(&class_samples, 0.99),
        ));
        all.extend(class_samples);
    }
    all.sort();

    // Typing with a Searcher: each keystroke narrows the previous keystroke's matches.
    println!();
    println!("typing with incremental narrowing (Searcher), one pass per query, repeated:");
    let mut typed: Vec<Duration> = Vec::new();
    for (class, full) in &classes {
        let mut per_len: Vec<Vec<Duration>> = vec![Vec::new(); full.chars().count()];
        for _ in 0..20 {
            let mut searcher = Searcher::new();
            for (k, q) in prefixes(full).iter().enumerate() {
                let t = Instant::now();
                let h = searcher.search(&index, q, LIMIT);
                per_len[k].push(t.elapsed());
                std::hint::black_box(h);
            }
        }
        let line: Vec<String> = per_len
            .iter_mut()
            .map(|v| {
                v.sort();
                ms(percentile(v, 0.5))
            })
            .collect();
        println!(
            "  {class:<16} {full}: median ms per keystroke {}",
            line.join(" / ")
        );
        typed.extend(per_len.into_iter().flatten());
    }
    typed.sort();
    println!(
        "  {:<16} median {} ms, p99 {} ms",
        "ALL (typing)",
        ms(percentile(&typed, 0.5)),
        ms(percentile(&typed, 0.99))
    );
    println!();
    println!("summary over all keystrokes of each class:");
    for (class, med, p99) in &summary {
        println!("  {class:<16} median {} ms, p99 {} ms", ms(*med), ms(*p99));
    }
    println!(
        "  {:<16} median {} ms, p99 {} ms (budget {} ms)",
        "ALL",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        BUDGET.as_millis()
    );

    // What a one-shot `yuanqi search QUERY --limit 20` does in-process: the rows streamed from
    // the store and matched as they come, no index built.
    println!();
    println!("one-shot search (search_stream over the store, limit 20), median of 5:");
    for (class, full) in &classes {
        let mut times = Vec::new();
        let mut hits = 0;
        for _ in 0..5 {
            let t = Instant::now();
            hits = yuanqi::search::search_stream(full, 20, |f| store.each_search_candidate(f))
                .expect("stream")
                .len();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "  {class:<16} {full:<24} {hits:>3} hits  {} ms",
            ms(percentile(&times, 0.5))
        );
    }
}

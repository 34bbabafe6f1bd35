//! Store speed at province scale: opening a store and drawing the first page (what start-up
//! costs before the first frame), facet counts and list pages under filters, with SQLite's
//! query plan for each facet.
//!
//! `YUANQI_BENCH_DB=/tmp/demo-100000.db cargo bench --bench store` (make the store with
//! `yuanqi demo`); prints figures, no pass/fail.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use yuanqi::store::{Facet, Filter, OpenOptions, Store};

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Run `f` a few times (at least 3, about a second at most) and return the median.
fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut v = Vec::new();
    let start = Instant::now();
    while v.len() < 3 || (v.len() < 50 && start.elapsed() < Duration::from_secs(1)) {
        let t = Instant::now();
        std::hint::black_box(f());
        v.push(t.elapsed());
    }
    median(v)
}

fn main() {
    let path = std::env::var_os("YUANQI_BENCH_DB")
        .expect("set YUANQI_BENCH_DB to a store made by `yuanqi demo`");
    let path = std::path::PathBuf::from(path);
    let opts = OpenOptions {
        read_only: true,
        ..OpenOptions::default()
    };

    // Start-up as the TUI does it: open the store, build the state (counts, first page,
    // facets), draw one 80x24 frame into a test backend. The search index is built on a
    // thread after this frame, so it is timed separately below.
    let first_frame = time(|| {
        let store = Store::open(&path, &opts).expect("open");
        let theme = yuanqi::tui::theme::Theme::from_flags(false, false);
        let state = yuanqi::tui::state::State::new(store, theme, (80, 24)).expect("state");
        let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        term.draw(|f| yuanqi::tui::views::draw(f, &state))
            .expect("draw");
    });
    let store = Store::open(&path, &opts).expect("open");
    let (e, p, d) = store.totals().expect("totals");
    println!(
        "# store bench: {} — {e} enterprises, {p} parks, {d} designations",
        path.display()
    );
    println!(
        "start-up (open + TUI state + first 80x24 frame drawn to TestBackend): {} ms",
        ms(first_frame)
    );
    let t = Instant::now();
    let c = store.search_candidates().expect("candidates");
    let n = c.len();
    let index = yuanqi::search::SearchIndex::new(c);
    println!(
        "search index for `/` ({n} names, can be built after the first frame): {} ms",
        ms(t.elapsed())
    );
    drop(index);

    // Filters a user sets from the facets: the largest region, park, cluster, a type.
    let pick = |sql: &str| -> Option<String> {
        store
            .conn()
            .query_row(sql, [], |r| r.get::<_, Option<String>>(0))
            .ok()
            .flatten()
    };
    let region = pick(
        "SELECT CAST(region_id AS TEXT) FROM enterprises GROUP BY region_id ORDER BY count(*) DESC LIMIT 1",
    );
    let park = pick(
        "SELECT CAST(park_id AS TEXT) FROM enterprises WHERE park_id IS NOT NULL GROUP BY park_id ORDER BY count(*) DESC LIMIT 1",
    );
    let cluster = pick(
        "SELECT CAST(c.parent_id AS TEXT) FROM enterprise_clusters ec JOIN clusters c ON c.id = ec.cluster_id WHERE c.parent_id IS NOT NULL GROUP BY c.parent_id ORDER BY count(*) DESC LIMIT 1",
    );
    let filters: Vec<(&str, Filter)> = vec![
        ("no filter", Filter::default()),
        ("region", {
            let mut f = Filter::default();
            Facet::Region.apply(&mut f, region.as_deref());
            f
        }),
        ("park", {
            let mut f = Filter::default();
            Facet::Park.apply(&mut f, park.as_deref());
            f
        }),
        ("cluster", {
            let mut f = Filter::default();
            Facet::Cluster.apply(&mut f, cluster.as_deref());
            f
        }),
        ("type+level", {
            let mut f = Filter::default();
            Facet::Type.apply(&mut f, Some("专精特新中小企业"));
            Facet::Level.apply(&mut f, Some("省级"));
            f
        }),
        ("region+type+year", {
            let mut f = Filter::default();
            Facet::Region.apply(&mut f, region.as_deref());
            Facet::Type.apply(&mut f, Some("高新技术企业"));
            Facet::Year.apply(&mut f, Some("2023"));
            f
        }),
    ];
    println!();
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "filter",
        "count",
        "count ms",
        "page ms",
        "region",
        "park",
        "cluster",
        "type",
        "level",
        "year"
    );
    for (label, f) in &filters {
        let count = store.count_enterprises(f).expect("count");
        let tc = time(|| store.count_enterprises(f).expect("count"));
        let tp = time(|| {
            store
                .enterprise_rows(f, 1000.min(count as usize / 2), 22)
                .expect("page")
        });
        let facets: Vec<String> = Facet::ALL
            .iter()
            .map(|&facet| ms(time(|| store.facet(facet, f).expect("facet"))))
            .collect();
        println!(
            "{:<18} {:>9} {:>9} {:>9} {}",
            label,
            count,
            ms(tc),
            ms(tp),
            facets
                .iter()
                .map(|s| format!("{s:>9}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    println!("(facet columns: ms to compute that facet's values and counts under the filter)");
}

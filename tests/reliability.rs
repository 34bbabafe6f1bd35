//! Faults and hostile input (issue 7): concurrent first runs, a full disk, SQL-like text, and
//! property tests of the normalisers that every outside string goes through.

use assert_cmd::Command;
use proptest::prelude::*;
use tempfile::TempDir;
use yuanqi::model::text::{
    display_width, has_hostile, normalize_name, sanitize, truncate_to_width,
};
use yuanqi::model::uscc::Uscc;
use yuanqi::store::{OpenOptions, Store, StoreError};

fn yuanqi(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("yuanqi").unwrap();
    c.env_remove("YUANQI_DB").arg("--db").arg(db);
    c
}

/// (enterprises, parks, designations) of the store at `db`, opened read-only.
fn totals(db: &std::path::Path) -> (i64, i64, i64) {
    let ro = OpenOptions {
        read_only: true,
        ..OpenOptions::default()
    };
    Store::open(db, &ro).unwrap().totals().unwrap()
}

#[test]
fn several_first_runs_at_once_create_and_seed_the_store_exactly_once() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("race.db");
    let bin = assert_cmd::cargo::cargo_bin("yuanqi");
    let children: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(&bin)
                .env_remove("YUANQI_DB")
                .arg("--db")
                .arg(&db)
                .arg("init")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let fresh = Store::open_in_memory().unwrap().totals().unwrap();
    let raced = totals(&db);
    assert_eq!(raced, fresh, "seeded exactly once");
}

#[test]
fn a_full_disk_rolls_back_and_says_so_in_plain_words() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("full.db");
    let store = Store::open(
        &path,
        &OpenOptions {
            create: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let pages: i64 = store
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    // Simulate the disk filling up: the file may not grow by a single page.
    store
        .conn()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    let big = "数".repeat(200_000);
    let err = store.set_meta("big", &big).unwrap_err();
    assert!(matches!(err, StoreError::DiskFull), "{err}");
    assert!(err.to_string().contains("磁盘空间不足"), "{err}");
    assert_eq!(store.meta("big").unwrap(), None, "nothing half-written");
}

#[test]
fn sql_like_text_is_just_text_on_every_command_line_path() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("sql.db");
    yuanqi(&db).arg("init").assert().success();
    let before = totals(&db);
    for evil in [
        "'; DROP TABLE enterprises; --",
        "\" OR 1=1 --",
        "%' OR '1'='1",
        "达钢'); DELETE FROM parks; --",
    ] {
        let out = yuanqi(&db).args(["search", evil]).output().unwrap();
        assert!(out.status.success(), "{evil}");
        let out = yuanqi(&db).args(["show", evil]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "{evil}: not found is a data problem, not a crash"
        );
    }
    let after = totals(&db);
    assert_eq!(before, after);
}

#[test]
fn escape_sequences_in_a_query_never_reach_the_terminal() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("esc.db");
    let out = yuanqi(&db)
        .args(["show", "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J达钢x"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn sanitize_removes_everything_hostile_and_is_idempotent(s in "\\PC*|[\\x00-\\x20\\x7f-\\x9f\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}a达]*") {
        let t = sanitize(&s);
        prop_assert!(!has_hostile(&t));
        prop_assert!(!t.contains(char::from(0x1b)), "ESC survived");
        prop_assert_eq!(sanitize(&t), t.clone());
        prop_assert_eq!(normalize_name(&normalize_name(&s)), normalize_name(&s));
    }

    #[test]
    fn truncation_fits_and_never_panics(s in "\\PC{0,40}", w in 0usize..30) {
        let t = truncate_to_width(&sanitize(&s), w);
        prop_assert!(display_width(&t) <= w);
    }

    #[test]
    fn credit_code_parsing_never_panics_and_completed_codes_validate(
        s in "\\PC{0,30}",
        body in "[0-9A-HJ-NP-RTUW-Y]{17}",
    ) {
        let _ = Uscc::parse(&s);
        let code = Uscc::complete(&body).unwrap();
        prop_assert!(Uscc::parse(code.as_str()).is_ok());
        // Changing any one character breaks the check.
        let mut chars: Vec<char> = code.as_str().chars().collect();
        chars[3] = if chars[3] == '0' { '1' } else { '0' };
        let changed: String = chars.into_iter().collect();
        prop_assert!(Uscc::parse(&changed).is_err());
    }

    #[test]
    fn search_never_panics_on_any_query(q in "\\PC{0,20}") {
        thread_local! {
            static INDEX: yuanqi::search::SearchIndex =
                yuanqi::search::SearchIndex::new(Store::open_in_memory().unwrap().search_candidates().unwrap());
        }
        INDEX.with(|i| { let _ = i.search(&q, 10); });
    }
}

/// A register of `n` new enterprises as an officer's CSV.
fn register_csv(dir: &std::path::Path, name: &str, prefix: &str, n: usize) -> std::path::PathBuf {
    let mut text = String::from("序号,企业名称,所属县（市、区）\n");
    for i in 0..n {
        text.push_str(&format!("{},{prefix}测试{i}号科技有限公司,宣汉县\n", i + 1));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn enterprise_count(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok", "integrity_check");
    conn.query_row("SELECT count(*) FROM enterprises", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn killed_mid_import_the_store_holds_all_of_it_or_none() {
    let dir = TempDir::new().unwrap();
    let n = 8_000;
    let csv = register_csv(dir.path(), "register.csv", "达州", n);
    let bin = assert_cmd::cargo::cargo_bin("yuanqi");
    let fresh = |name: &str| {
        let db = dir.path().join(name);
        yuanqi(&db).arg("init").assert().success();
        db
    };
    // How long a whole import takes here, so the kills land across all of it.
    let full = fresh("full.db");
    let base = enterprise_count(&full);
    let start = std::time::Instant::now();
    yuanqi(&full).arg("import").arg(&csv).assert().success();
    let whole = start.elapsed();
    assert_eq!(enterprise_count(&full), base + n as i64);

    let mut outcomes = Vec::new();
    for (k, share) in [0.15, 0.35, 0.55, 0.75, 0.9, 0.97].into_iter().enumerate() {
        let db = fresh(&format!("k{k}.db"));
        let mut child = std::process::Command::new(&bin)
            .env_remove("YUANQI_DB")
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(&csv)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(share));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let count = enterprise_count(&db);
        assert!(
            count == base || count == base + n as i64,
            "kill at {share}: {count} enterprises, a partial import"
        );
        let imports: i64 = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM imports", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            imports,
            i64::from(count != base),
            "the import record goes with its rows"
        );
        outcomes.push(count != base);
    }
    eprintln!("kill outcomes (true = import complete): {outcomes:?}");
}

#[test]
fn two_imports_racing_both_land_without_database_is_locked() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("race.db");
    yuanqi(&db).arg("init").assert().success();
    let base = enterprise_count(&db);
    let a = register_csv(dir.path(), "a.csv", "通川", 3_000);
    let b = register_csv(dir.path(), "b.csv", "达川", 3_000);
    let bin = assert_cmd::cargo::cargo_bin("yuanqi");
    let spawn = |file: &std::path::Path| {
        std::process::Command::new(&bin)
            .env_remove("YUANQI_DB")
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (ca, cb) = (spawn(&a), spawn(&b));
    for c in [ca, cb] {
        let out = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("locked"), "{err}");
    }
    assert_eq!(enterprise_count(&db), base + 6_000);
}

#[test]
fn ten_thousand_columns_and_a_ten_megabyte_cell_get_a_bounded_answer() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("huge.db");
    yuanqi(&db).arg("init").assert().success();
    let before = enterprise_count(&db);

    // 10 000 columns: the first ones are read, the rest ignored with a warning.
    let mut wide = String::from("企业名称,所属县（市、区）");
    for i in 0..9_998 {
        wide.push_str(&format!(",附加列{i}"));
    }
    wide.push('\n');
    wide.push_str("达州宽表测试科技有限公司,宣汉县");
    wide.push_str(&",x".repeat(9_998));
    wide.push('\n');
    let wide_path = dir.path().join("wide.csv");
    std::fs::write(&wide_path, wide).unwrap();
    let out = yuanqi(&db)
        .arg("import")
        .arg(&wide_path)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(enterprise_count(&db), before + 1);

    // A 10 MB cell: reported as a problem, nothing written.
    let big = format!(
        "企业名称,所属县（市、区）\n{},宣汉县\n",
        "达".repeat(3_500_000)
    );
    let big_path = dir.path().join("big-cell.csv");
    std::fs::write(&big_path, big).unwrap();
    let out = yuanqi(&db)
        .arg("import")
        .arg(&big_path)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("第2行"),
        "the report names the row: {}",
        &text[..text.len().min(2000)]
    );
    assert_eq!(enterprise_count(&db), before + 1, "nothing written");
}

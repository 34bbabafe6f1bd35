//! Migrations (fresh and upgrade), refusal of newer schemas, read-only opening, and the
//! check-character validation as the store applies it.

use rusqlite::Connection;
use tempfile::TempDir;
use yuanqi::store::migrations::{LATEST, MIGRATIONS, user_version};
use yuanqi::store::{OpenOptions, Store, StoreError};

fn rw() -> OpenOptions {
    OpenOptions {
        read_only: false,
        shared: false,
        create: true,
    }
}

#[test]
fn a_fresh_store_is_at_the_latest_version_and_seeded() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("fresh.db");
    let store = Store::open(&path, &rw()).unwrap();
    assert_eq!(user_version(store.conn()).unwrap(), LATEST);
    assert!(store.totals().unwrap().0 > 0);
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        mode, "wal",
        "WAL lets one user browse while another imports"
    );
}

#[test]
fn every_older_version_upgrades_with_a_backup_and_keeps_its_data() {
    const { assert!(LATEST >= 2, "this test needs at least one upgrade step") };
    for k in 1..LATEST {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("old.db");
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..k as usize] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", k).unwrap();
            conn.execute("INSERT INTO meta(key, value) VALUES ('marker', 'kept')", [])
                .unwrap();
        }
        let store = Store::open(&path, &rw()).unwrap();
        assert_eq!(user_version(store.conn()).unwrap(), LATEST);
        assert_eq!(
            store.meta("marker").unwrap().as_deref(),
            Some("kept"),
            "upgrade keeps data"
        );
        let bak = dir.path().join(format!("old.db.v{k}.bak"));
        assert!(bak.exists(), "a backup is made before migrating from v{k}");
        let conn = Connection::open(&bak).unwrap();
        assert_eq!(
            user_version(&conn).unwrap(),
            k,
            "the backup holds the old version"
        );
    }
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("newer.db");
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", LATEST + 1)
        .unwrap();
    match Store::open(&path, &rw()) {
        Err(StoreError::TooNew { found, supported }) => {
            assert_eq!((found, supported), (LATEST + 1, LATEST));
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer store must be refused"),
    }
    let ro = OpenOptions {
        read_only: true,
        ..rw()
    };
    assert!(matches!(
        Store::open(&path, &ro),
        Err(StoreError::TooNew { .. })
    ));
}

#[test]
fn read_only_store_browses_but_refuses_writes() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("ro.db");
    drop(Store::open(&path, &rw()).unwrap());
    let ro = OpenOptions {
        read_only: true,
        ..rw()
    };
    let store = Store::open(&path, &ro).unwrap();
    assert!(store.totals().unwrap().0 > 0);
    assert!(matches!(
        store.set_meta("k", "v"),
        Err(StoreError::ReadOnly)
    ));
}

#[test]
fn a_missing_store_in_read_only_mode_is_not_created() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("none.db");
    let ro = OpenOptions {
        read_only: true,
        ..rw()
    };
    assert!(matches!(
        Store::open(&path, &ro),
        Err(StoreError::Missing(_))
    ));
    assert!(!path.exists());
}

#[test]
fn every_facet_count_equals_the_list_it_would_filter_to() {
    use yuanqi::store::{Facet, Filter};
    let store = Store::open_in_memory().unwrap();
    let city = store.region_id("达州市").unwrap().unwrap();
    for base in [
        Filter::default(),
        Filter {
            region: Some(city),
            ..Filter::default()
        },
    ] {
        for facet in Facet::ALL {
            let values = store.facet(facet, &base).unwrap();
            assert!(
                !values.is_empty() || facet == Facet::Year,
                "{facet:?} has values"
            );
            for v in values {
                let mut f = base.clone();
                facet.apply(&mut f, Some(&v.key));
                assert_eq!(
                    store.count_enterprises(&f).unwrap(),
                    v.count,
                    "{facet:?} {} under {base:?}",
                    v.label
                );
            }
        }
    }
}

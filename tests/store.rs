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

/// 达州高新区 is both a functional zone (a county-level region) and a park: an enterprise the
/// documents place in the zone is in the park, for its card, its list and the park filter.
#[test]
fn an_enterprise_in_a_zone_is_in_the_park_of_the_same_name() {
    use yuanqi::store::{Facet, Filter};
    let store = Store::open_in_memory().unwrap();
    let park = store
        .park_rows()
        .unwrap()
        .into_iter()
        .find(|p| p.name == "达州高新区")
        .expect("seeded park");
    let f = Filter {
        park: Some(park.id),
        ..Filter::default()
    };
    let names: Vec<String> = store
        .enterprise_rows(&f, 0, 100)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(
        names.iter().any(|n| n == "四川曦鸿电子科技有限公司"),
        "{names:?}"
    );
    assert_eq!(park.enterprises, names.len() as i64);
    let facet = store.facet(Facet::Park, &Filter::default()).unwrap();
    let v = facet.iter().find(|v| v.label == "达州高新区").unwrap();
    assert_eq!(v.count, names.len() as i64);
}

/// A filter by type or level finds who holds such a title now; with a year, that year's list.
#[test]
fn designation_filters_find_current_holders_unless_a_year_is_chosen() {
    use yuanqi::model::Level;
    use yuanqi::store::{Facet, Filter};
    let store = Store::open_in_memory().unwrap();
    let now = yuanqi::model::current_year();
    for (name, year, status) in [
        ("甲过期测试有限公司", now - 10, None),
        ("乙有效测试有限公司", now - 1, None),
        ("丙撤销测试有限公司", now - 1, Some("已撤销")),
    ] {
        store
            .conn()
            .execute(
                "INSERT INTO enterprises (name, name_norm) VALUES (?1, ?1)",
                [name],
            )
            .unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO designations (enterprise_id, type, level, year, status)
                 VALUES (last_insert_rowid(), '高新技术企业', '国家级', ?1, ?2)",
                rusqlite::params![year, status],
            )
            .unwrap();
    }
    let national = Filter {
        level: Some(Level::National),
        dtype: Some("高新技术企业".into()),
        ..Filter::default()
    };
    assert_eq!(store.count_enterprises(&national).unwrap(), 1);
    let level = store.facet(Facet::Level, &Filter::default()).unwrap();
    let n = level.iter().find(|v| v.key == "国家级").unwrap();
    assert_eq!(
        n.count,
        store
            .count_enterprises(&Filter {
                level: Some(Level::National),
                ..Filter::default()
            })
            .unwrap()
    );
    let of_year = Filter {
        year: Some(now - 10),
        ..national.clone()
    };
    assert_eq!(store.count_enterprises(&of_year).unwrap(), 1);
}

/// Stores seeded by earlier builds carried facts the documents do not state; migration 6
/// corrects those seeded rows and leaves rows from users and imports alone.
#[test]
fn upgrading_corrects_facts_seeded_by_earlier_builds() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v5.db");
    {
        let conn = Connection::open(&path).unwrap();
        for sql in &MIGRATIONS[..5] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 5).unwrap();
        conn.execute_batch(
            "INSERT INTO meta(key, value) VALUES ('seeded_at', '2026-11-01');
             INSERT INTO sources(id, code, kind, title) VALUES
                 (1, 'D000', 'document', 'd0'), (2, 'D001', 'document', 'd1'),
                 (3, 'D002', 'document', 'd2'), (4, 'D003', 'document', 'd3'),
                 (5, 'user', 'user', 'u');
             INSERT INTO parks(id, name, name_norm, kind) VALUES
                 (1, '普光经济开发区', 'a', '经开区'), (2, '玄纤新材料产业园区', 'b', '特色产业园区'),
                 (3, '大竹县苎麻省级现代农业园区', 'c', '现代农业园区'), (4, '斌郎化工园区', 'd', '化工园区');
             INSERT INTO designations(park_id, type, level, year, notes, source_id) VALUES
                 (1, '绿色工业园区', '国家级', 2025, '原文为国家级绿色化工园区', 1),
                 (1, '绿色工业园区', '省级', 2020, '用户录入', 5),
                 (2, '特色产业园区', '省级', NULL, '', 2),
                 (3, '现代农业园区评定', '省级', NULL, '', 2),
                 (4, '化工园区认定', '省级', 2025, '', 1),
                 (4, '化工园区认定', '省级', 2024, '', 3);
             INSERT INTO enterprises(name, name_norm, search_forms) VALUES ('绿色示例', 'x', 'lü se shi li');
             INSERT INTO targets(code, name, period_start, period_end, kind, types, target, source_id) VALUES
                 ('D003-T10', '新增数字化车间', 2025, 2025, 'new', '数字化车间', 3, 4),
                 ('D003-T97', '重点孵化规上工业企业', 2025, 2025, 'new', '规上工业企业', 8, 4),
                 ('D003-T50', '新增规上企业', 2025, 2025, 'new', '规上工业企业', 15, 4);",
        )
        .unwrap();
    }
    let store = Store::open(&path, &rw()).unwrap();
    let conn = store.conn();
    let held = |park: i64| -> Vec<(String, Option<i64>, i64)> {
        conn.prepare(
            "SELECT type, year, source_id FROM designations WHERE park_id = ?1 ORDER BY id",
        )
        .unwrap()
        .query_map([park], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    assert_eq!(
        held(1),
        vec![
            ("绿色化工园区".into(), Some(2025), 1),
            ("绿色工业园区".into(), Some(2020), 5)
        ],
        "the seeded title is corrected, the user's row is not touched"
    );
    assert_eq!(held(2), vec![("特色产业园区培育名单".into(), None, 2)]);
    assert_eq!(held(3), vec![], "a level read off a project name is gone");
    assert_eq!(held(4), vec![("化工园区认定".into(), Some(2024), 3)]);
    let target = |code: &str| -> (String, String, Option<String>) {
        conn.query_row(
            "SELECT kind, types, period_note FROM targets WHERE code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    };
    let (kind, types, note) = target("D003-T10");
    assert_eq!((kind.as_str(), types.as_str()), ("new", "数字化车间"));
    assert!(note.unwrap().contains("文中未写年份"));
    let (kind, types, note) = target("D003-T97");
    assert_eq!((kind.as_str(), types.as_str()), ("recorded", ""));
    assert!(note.is_some());
    assert_eq!(
        target("D003-T50").2,
        None,
        "a year the document states has no note"
    );
    let forms: String = conn
        .query_row(
            "SELECT search_forms FROM enterprises WHERE name = '绿色示例'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(forms, "lv se shi li", "stored pinyin spells ü as typed");
}

#[test]
fn the_park_facet_lists_each_park_under_its_own_parent() {
    let store = yuanqi::store::Store::open_in_memory().unwrap();
    let f = yuanqi::store::Filter::default();
    let values = store.facet(yuanqi::store::Facet::Park, &f).unwrap();
    let parks = store.park_rows().unwrap();
    let parent_of = |key: &str| {
        parks
            .iter()
            .find(|p| p.id.to_string() == key)
            .and_then(|p| p.parent_id)
    };
    let mut nested = 0;
    for (i, v) in values.iter().enumerate() {
        match parent_of(&v.key) {
            Some(parent) => {
                nested += 1;
                // The nearest value above at one level less is its parent.
                let above = values[..i]
                    .iter()
                    .rev()
                    .find(|u| u.depth + 1 == v.depth)
                    .unwrap_or_else(|| panic!("{} has nothing above it", v.label));
                assert_eq!(
                    above.key,
                    parent.to_string(),
                    "{} under {}",
                    v.label,
                    above.label
                );
            }
            None => assert_eq!(v.depth, 0, "{}", v.label),
        }
    }
    assert!(nested > 0, "the seeds hold parks inside parks");
}

#[test]
fn enterprises_placed_in_no_county_have_their_own_facet_value() {
    use yuanqi::store::{Facet, Filter, NO_REGION, NO_REGION_LABEL};
    let store = Store::open_in_memory().unwrap();
    let values = store.facet(Facet::Region, &Filter::default()).unwrap();
    let last = values.last().expect("values");
    assert_eq!(last.label, NO_REGION_LABEL);
    let unplaced: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM enterprises e LEFT JOIN parks p ON p.id = e.park_id
             WHERE e.region_id IS NULL AND p.region_id IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(unplaced > 0, "the seeds hold enterprises with no county");
    assert_eq!(last.count, unplaced);
    let f = Filter {
        region: Some(NO_REGION),
        ..Filter::default()
    };
    assert_eq!(store.count_enterprises(&f).unwrap(), unplaced);
    let rows = store.enterprise_rows(&f, 0, 500).unwrap();
    assert_eq!(rows.len() as i64, unplaced);
    assert!(rows.iter().all(|r| r.region.is_none()), "{rows:?}");
}

/// A store written before 长 read cháng gets its stored pinyin forms derived again on upgrade,
/// so "changxin" finds 长信科技 there too.
#[test]
fn upgrading_derives_the_pinyin_of_changed_readings_again() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("y.db");
    let store = Store::open(&path, &rw()).unwrap();
    store
        .conn()
        .execute_batch(
            "UPDATE enterprises SET search_forms = 'zhang xin ke ji' WHERE name = '长信科技';
             PRAGMA user_version = 8;",
        )
        .unwrap();
    drop(store);
    let store = Store::open(&path, &rw()).unwrap();
    let forms: String = store
        .conn()
        .query_row(
            "SELECT search_forms FROM enterprises WHERE name = '长信科技'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(forms.starts_with("chang xin ke ji"), "{forms}");
}

//! The embedded seed dataset loads, every row has a source and a locator, every reference
//! resolves, and the facts the documents state are there (and none they do not); a store seeded
//! by the schema-6 build (`fixtures/seeds-v6/`) upgrades to the rows a new store gets.

use rusqlite::Connection;
use rusqlite::types::Value;
use tempfile::TempDir;
use yuanqi::model::HolderKind;
use yuanqi::store::migrations::{LATEST, user_version};
use yuanqi::store::seed::{self, Dataset, SeedFile};
use yuanqi::store::{Filter, OpenOptions, Store};

fn store() -> Store {
    match Store::open_in_memory() {
        Ok(s) => s,
        Err(e) => panic!("seed dataset failed to load: {e}"),
    }
}

fn count(s: &Store, sql: &str) -> i64 {
    s.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn every_row_has_a_source_and_a_locator() {
    let s = store();
    for table in [
        "regions",
        "clusters",
        "parks",
        "enterprises",
        "designations",
        "targets",
        "target_reports",
        "figures",
    ] {
        let missing = count(
            &s,
            &format!(
                "SELECT count(*) FROM {table} WHERE source_id IS NULL OR locator IS NULL OR trim(locator) = ''"
            ),
        );
        assert_eq!(missing, 0, "{table}: rows without source or locator");
    }
}

#[test]
fn the_dataset_covers_what_the_documents_name() {
    let s = store();
    let (enterprises, parks, designations) = s.totals().unwrap();
    assert!(enterprises >= 100, "only {enterprises} enterprises");
    assert!(parks >= 30, "only {parks} parks");
    assert!(designations >= 10, "only {designations} designations");
    assert!(count(&s, "SELECT count(*) FROM clusters") >= 40);
    assert!(count(&s, "SELECT count(*) FROM targets") >= 100);
    assert_eq!(count(&s, "SELECT count(*) FROM sources"), 5);
}

#[test]
fn seeded_credit_codes_are_valid_and_never_invented() {
    let s = store();
    // None of the five documents prints a credit code.
    assert_eq!(
        count(
            &s,
            "SELECT count(*) FROM enterprises WHERE uscc IS NOT NULL"
        ),
        0
    );
}

#[test]
fn zhengyuan_is_a_national_single_champion() {
    let s = store();
    let hits = s.find_exact("正原微玻纤").unwrap();
    assert_eq!(
        hits.len(),
        1,
        "short name 正原微玻纤 should resolve to one enterprise"
    );
    let (kind, id) = hits[0];
    assert_eq!(kind, HolderKind::Enterprise);
    let p = s.enterprise_profile(id).unwrap();
    assert_eq!(p.name, "宣汉正原微玻纤有限公司");
    assert!(
        p.designations
            .iter()
            .any(|d| d.dtype == "制造业单项冠军" && d.level.map(|l| l.label()) == Some("国家级")),
        "{:?}",
        p.designations
    );
}

#[test]
fn parks_inside_the_high_tech_zone_are_its_children() {
    let s = store();
    let id = s
        .park_id("达州高新区")
        .unwrap()
        .expect("达州高新区 is a park");
    let p = s.park_profile(id).unwrap();
    assert!(p.children.len() >= 5, "children: {:?}", p.children);
}

#[test]
fn county_filter_includes_functional_zones() {
    let s = store();
    let zone = s
        .region_id("达州高新区")
        .unwrap()
        .expect("达州高新区 is a region");
    let city = s.region_id("达州市").unwrap().unwrap();
    let in_zone = s
        .count_enterprises(&Filter {
            region: Some(zone),
            ..Filter::default()
        })
        .unwrap();
    let in_city = s
        .count_enterprises(&Filter {
            region: Some(city),
            ..Filter::default()
        })
        .unwrap();
    assert!(in_city >= in_zone);
}

// ------------------------------------------------------------ stores seeded by earlier builds

macro_rules! v6_file {
    ($name:literal) => {
        &SeedFile {
            name: $name,
            text: include_str!(concat!("fixtures/seeds-v6/", $name)),
        }
    };
}

/// The dataset the last build at schema 6 embedded (the seed files as they were before
/// migration 7's corrections).
const SEEDS_V6: Dataset<'static> = Dataset {
    sources: v6_file!("sources.csv"),
    regions: v6_file!("regions.csv"),
    clusters: v6_file!("clusters.csv"),
    parks: v6_file!("parks.csv"),
    enterprises: v6_file!("enterprises.csv"),
    designations: v6_file!("designations.csv"),
    targets: v6_file!("targets.csv"),
    reported: v6_file!("reported.csv"),
    figures: v6_file!("figures.csv"),
};

/// A store file at schema 6 holding the rows the schema-6 build seeded. (Migration 7 changes
/// rows only, so schema 6 and 7 tables are alike: the old rows are loaded into a new store
/// whose version is then set back to 6.)
fn store_seeded_at_v6(path: &std::path::Path) -> Connection {
    let mut old = Store::empty_in_memory().unwrap();
    seed::load_dataset(&mut old, &SEEDS_V6).unwrap();
    old.backup_to(path).unwrap();
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "user_version", 6).unwrap();
    conn
}

fn open_rw(path: &std::path::Path) -> Store {
    let opts = OpenOptions {
        read_only: false,
        shared: false,
        create: false,
    };
    Store::open(path, &opts).unwrap()
}

/// Every seeded table as sorted text rows, rows identified by names rather than ids.
const DUMPS: [(&str, &str); 12] = [
    ("sources", "SELECT code, kind, title, issuer, date, file FROM sources"),
    (
        "regions",
        "SELECT r.name, r.short_names, r.kind, p.name, r.code, s.code, r.locator
           FROM regions r LEFT JOIN regions p ON p.id = r.parent_id LEFT JOIN sources s ON s.id = r.source_id",
    ),
    (
        "clusters",
        "SELECT c.key, c.name, c.short_names, p.key, c.tier, s.code, c.locator
           FROM clusters c LEFT JOIN clusters p ON p.id = c.parent_id LEFT JOIN sources s ON s.id = c.source_id",
    ),
    (
        "parks",
        "SELECT p.name, p.name_norm, p.short_names, p.kind, p.level, r.name, pp.name, p.notes,
                p.search_forms, s.code, p.locator, p.import_id, p.updated_by
           FROM parks p LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN parks pp ON pp.id = p.parent_id
           LEFT JOIN sources s ON s.id = p.source_id",
    ),
    (
        "park_clusters",
        "SELECT p.name, c.key FROM park_clusters x JOIN parks p ON p.id = x.park_id
           JOIN clusters c ON c.id = x.cluster_id",
    ),
    (
        "enterprises",
        "SELECT e.name, e.name_norm, e.name_is_full, e.short_names, e.uscc, r.name, p.name, e.scale,
                e.notes, e.search_forms, s.code, e.locator, e.import_id, e.updated_by
           FROM enterprises e LEFT JOIN regions r ON r.id = e.region_id LEFT JOIN parks p ON p.id = e.park_id
           LEFT JOIN sources s ON s.id = e.source_id",
    ),
    (
        "enterprise_clusters",
        "SELECT e.name, c.key FROM enterprise_clusters x JOIN enterprises e ON e.id = x.enterprise_id
           JOIN clusters c ON c.id = x.cluster_id",
    ),
    (
        "designations",
        "SELECT coalesce(e.name, p.name), d.type, d.level, d.grade, d.year, d.batch, d.status, d.notes,
                s.code, d.locator
           FROM designations d LEFT JOIN enterprises e ON e.id = d.enterprise_id
           LEFT JOIN parks p ON p.id = d.park_id LEFT JOIN sources s ON s.id = d.source_id",
    ),
    (
        "targets",
        "SELECT t.code, t.name, coalesce(r.name, p.name), t.period_start, t.period_end, t.kind, t.types,
                t.min_level, t.count_lapsed, t.metric, t.baseline, t.baseline_year, t.target,
                t.target_form, t.qualifier, t.target_text, t.unit, t.notes, s.code, t.locator, t.period_note
           FROM targets t LEFT JOIN regions r ON r.id = t.scope_region_id
           LEFT JOIN parks p ON p.id = t.scope_park_id LEFT JOIN sources s ON s.id = t.source_id",
    ),
    (
        "target_reports",
        "SELECT t.code, x.value, x.as_of, x.notes, s.code, x.locator
           FROM target_reports x JOIN targets t ON t.id = x.target_id LEFT JOIN sources s ON s.id = x.source_id",
    ),
    (
        "figures",
        "SELECT coalesce(r.name, p.name), f.period, f.metric, f.value, f.unit, f.notes, s.code, f.locator
           FROM figures f LEFT JOIN regions r ON r.id = f.scope_region_id
           LEFT JOIN parks p ON p.id = f.scope_park_id LEFT JOIN sources s ON s.id = f.source_id",
    ),
    ("changes", "SELECT action, entity, before, after FROM changes"),
];

fn dump(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let mut rows: Vec<String> = stmt
        .query_map([], |r| {
            let cols: Vec<String> = (0..n)
                .map(|i| format!("{:?}", r.get::<_, Value>(i).unwrap()))
                .collect();
            Ok(cols.join(" | "))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    rows
}

/// A store seeded at schema 6 and upgraded holds exactly what a store seeded now holds: every
/// correction of the seed files reaches stores seeded before it.
#[test]
fn a_store_seeded_at_schema_6_upgrades_to_the_current_seed() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v6.db");
    drop(store_seeded_at_v6(&path));
    let upgraded = open_rw(&path);
    assert_eq!(user_version(upgraded.conn()).unwrap(), LATEST);
    let fresh = store();
    let mut differences = Vec::new();
    for (table, sql) in DUMPS {
        let (old, new) = (dump(upgraded.conn(), sql), dump(fresh.conn(), sql));
        for row in old.iter().filter(|r| !new.contains(r)) {
            differences.push(format!("{table}: upgraded store only: {row}"));
        }
        for row in new.iter().filter(|r| !old.contains(r)) {
            differences.push(format!("{table}: fresh store only: {row}"));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// The upgrade corrects seeded values only while they are still what the old build seeded:
/// a park a user added under a name the seed now uses, and a region an officer changed, stay.
#[test]
fn upgrading_from_schema_6_leaves_what_users_added_or_changed() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("v6.db");
    let conn = store_seeded_at_v6(&path);
    conn.execute_batch(
        "INSERT INTO sources(code, kind, title) VALUES ('u1', 'user', '用户录入');
         INSERT INTO parks(name, name_norm, kind, level, notes, source_id, updated_by)
         SELECT '川渝万达开国家级高新区', '川渝万达开国家级高新区', '高新区', '国家级', '用户录入',
                id, 'officer' FROM sources WHERE code = 'u1';
         UPDATE enterprises SET region_id = (SELECT id FROM regions WHERE name = '达川区'),
                updated_by = 'officer'
          WHERE name = '东旭集团';
         UPDATE parks SET notes = '用户改写的备注', updated_by = 'officer'
          WHERE name = '大竹县国家现代农业产业园';",
    )
    .unwrap();
    drop(conn);
    let upgraded = open_rw(&path);
    let c = upgraded.conn();
    let one = |sql: &str| -> Vec<(Option<String>, Option<String>)> {
        c.prepare(sql)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        one(
            "SELECT p.level, s.code FROM parks p JOIN sources s ON s.id = p.source_id
              WHERE p.name = '川渝万达开国家级高新区'"
        ),
        vec![(Some("国家级".into()), Some("u1".into()))],
        "the user's park is kept and not duplicated"
    );
    assert_eq!(
        one(
            "SELECT r.name, e.notes FROM enterprises e JOIN regions r ON r.id = e.region_id
              WHERE e.name = '东旭集团'"
        ),
        vec![(
            Some("达川区".into()),
            Some("引进的龙头企业；开江县依托其重大项目布局玻璃基板上下游；一期项目在建".into())
        )],
        "a region an officer set is not the seeded one: the row is left alone"
    );
    assert_eq!(
        one("SELECT level, notes FROM parks WHERE name = '大竹县国家现代农业产业园'"),
        vec![(None, Some("用户改写的备注".into()))],
        "the seeded level is corrected, the user's notes stay"
    );
    // Rows still as seeded are corrected as in a fresh store.
    assert_eq!(
        one(
            "SELECT e.region_id, p.name FROM enterprises e LEFT JOIN parks p ON p.id = e.park_id
              WHERE e.name = '深圳甲乙古得科技'"
        ),
        vec![(None, Some("大竹智能终端产业园".into()))],
    );
}

/// Facts the documents do not state are not in the seed: levels read off park names,
/// counties taken from an investor's project, parks the text does not place an enterprise in.
#[test]
fn the_seed_states_no_level_or_place_the_documents_do_not() {
    let s = store();
    let level = |name: &str| -> Option<String> {
        s.conn()
            .query_row("SELECT level FROM parks WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .unwrap()
    };
    for park in [
        "大竹县苎麻省级现代农业园区",
        "大竹县国家现代农业产业园",
        "达州市级传感器产业园",
        "川渝万达开国家级高新区",
    ] {
        assert_eq!(level(park), None, "{park}");
    }
    for investor in [
        "深圳甲乙古得科技",
        "广东呈林电子",
        "山西强力",
        "东旭集团",
        "中汽院",
        "中原油田普光分公司",
    ] {
        let region: Option<i64> = s
            .conn()
            .query_row(
                "SELECT region_id FROM enterprises WHERE name = ?1",
                [investor],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(region, None, "{investor}");
    }
    for firm in ["盛泰光电", "上汽红岩"] {
        let park: Option<i64> = s
            .conn()
            .query_row(
                "SELECT park_id FROM enterprises WHERE name = ?1",
                [firm],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(park, None, "{firm}");
    }
}

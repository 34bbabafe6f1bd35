//! The embedded seed dataset loads, every row has a source and a locator, every reference
//! resolves, and the facts the documents state are there.

use yuanqi::model::HolderKind;
use yuanqi::store::{Filter, Store};

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

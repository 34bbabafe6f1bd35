//! Targets: hand-computed fixtures for each kind and rule, the seeded targets against the
//! documents, and the `yuanqi targets` CLI round trip.
//!
//! The fixture (years are designation years; 专精特新 titles run 3 years without 复核):
//!
//! ```text
//! 达州市 ─┬ 通川区      甲 省级专精特新 2024, 市级 2023  己 创新型中小企业 2025
//!         ├ 宣汉县      丙 省级专精特新 2021 (park 经开区内园 ⊂ 宣汉经开区, lapses after 2024)
//!         │             丁 市级专精特新 2025          庚 省级专精特新 2023
//!         │             宣汉经开区 (park) 国家级绿色工业园区 2022
//!         └ 达州高新区  乙 国家级专精特新 2025 (no region; its park 高新园 is in 达州高新区)
//! 大足区                戊 省级专精特新 2025 (outside 达州市)
//! ```

use std::collections::BTreeSet;

use rusqlite::params;
use yuanqi::model::{HolderKind, Level, TargetKind};
use yuanqi::store::Store;
use yuanqi::targets::{self, NewTarget, TargetError, TargetStatus};

struct Fx {
    store: Store,
    e: std::collections::HashMap<&'static str, i64>,
    park_xh: i64,
}

fn exec(s: &Store, sql: &str, p: impl rusqlite::Params) -> i64 {
    s.conn().execute(sql, p).expect(sql);
    s.conn().last_insert_rowid()
}

fn fixture() -> Fx {
    let store = Store::empty_in_memory().expect("empty store");
    let s = &store;
    let src = exec(
        s,
        "INSERT INTO sources(code, kind, title) VALUES ('DX', 'document', '测试文件')",
        [],
    );
    let region = |name: &str, kind: &str, parent: Option<i64>| {
        exec(
            s,
            "INSERT INTO regions(name, kind, parent_id, source_id, locator) VALUES (?1, ?2, ?3, ?4, 'x')",
            params![name, kind, parent, src],
        )
    };
    let city = region("达州市", "地级市", None);
    let tc = region("通川区", "区", Some(city));
    let xh = region("宣汉县", "县", Some(city));
    let gx = region("达州高新区", "功能区", Some(city));
    let dz = region("大足区", "区", None);
    let park = |name: &str, region: Option<i64>, parent: Option<i64>| {
        exec(
            s,
            "INSERT INTO parks(name, name_norm, kind, region_id, parent_id, source_id, locator)
             VALUES (?1, ?1, '工业园区', ?2, ?3, ?4, 'x')",
            params![name, region, parent, src],
        )
    };
    let park_gx = park("高新园", Some(gx), None);
    let park_xh = park("宣汉经开区", Some(xh), None);
    let park_inner = park("经开区内园", None, Some(park_xh));
    let mut e = std::collections::HashMap::new();
    let mut ent = |name: &'static str, region: Option<i64>, park: Option<i64>| {
        let id = exec(
            s,
            "INSERT INTO enterprises(name, name_norm, region_id, park_id, source_id, locator)
             VALUES (?1, ?1, ?2, ?3, ?4, 'x')",
            params![name, region, park, src],
        );
        e.insert(name, id);
        id
    };
    let des = |ent: Option<i64>, park: Option<i64>, ty: &str, level: &str, year: i32| {
        exec(
            s,
            "INSERT INTO designations(enterprise_id, park_id, type, level, year, source_id, locator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'x')",
            params![ent, park, ty, level, year, src],
        );
    };
    let zj = "专精特新中小企业";
    let jia = ent("甲", Some(tc), None);
    des(Some(jia), None, zj, "省级", 2024);
    des(Some(jia), None, zj, "市级", 2023);
    let yi = ent("乙", None, Some(park_gx));
    des(Some(yi), None, zj, "国家级", 2025);
    let bing = ent("丙", Some(xh), Some(park_inner));
    des(Some(bing), None, zj, "省级", 2021);
    let ding = ent("丁", Some(xh), None);
    des(Some(ding), None, zj, "市级", 2025);
    let wu = ent("戊", Some(dz), None);
    des(Some(wu), None, zj, "省级", 2025);
    let ji = ent("己", Some(tc), None);
    des(Some(ji), None, "创新型中小企业", "省级", 2025);
    let geng = ent("庚", Some(xh), None);
    des(Some(geng), None, zj, "省级", 2023);
    des(None, Some(park_xh), "绿色工业园区", "国家级", 2022);
    Fx { store, e, park_xh }
}

/// A target inserted as a document would have it.
#[allow(clippy::too_many_arguments)]
fn target(
    s: &Store,
    code: &str,
    scope: &str,
    period: (i32, i32),
    kind: &str,
    types: &str,
    min_level: Option<&str>,
    count_lapsed: bool,
    baseline: Option<f64>,
    target: Option<f64>,
) -> i64 {
    let (region, park): (Option<i64>, Option<i64>) =
        match s
            .conn()
            .query_row("SELECT id FROM regions WHERE name = ?1", [scope], |r| {
                r.get(0)
            }) {
            Ok(id) => (Some(id), None),
            Err(_) => (
                None,
                Some(
                    s.conn()
                        .query_row("SELECT id FROM parks WHERE name = ?1", [scope], |r| {
                            r.get(0)
                        })
                        .expect("scope"),
                ),
            ),
        };
    exec(
        s,
        "INSERT INTO targets(code, name, scope_region_id, scope_park_id, period_start, period_end, kind, types,
            min_level, count_lapsed, baseline, target, qualifier, unit, source_id, locator)
         VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, '以上', '户', 1, 'x')",
        params![code, region, park, period.0, period.1, kind, types, min_level, count_lapsed, baseline, target],
    )
}

const ZJ: &str = "专精特新中小企业";

fn computed(s: &Store, id: i64, now: i32) -> Option<f64> {
    targets::evaluate(s, id, now).unwrap().computed
}

fn names(list: &[targets::Counted]) -> BTreeSet<String> {
    list.iter().map(|c| c.name.clone()).collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn stock_counts_holders_at_the_period_end_and_skips_lapsed_titles() {
    let fx = fixture();
    let s = &fx.store;
    let t = target(
        s,
        "S",
        "达州市",
        (2021, 2025),
        "stock",
        ZJ,
        Some("省级"),
        false,
        Some(0.0),
        Some(10.0),
    );
    // 2025: 甲 (2024), 乙 (国家级 2025), 庚 (2023); 丙's 2021 title lapsed after 2024; 丁 is
    // 市级; 戊 is outside the city.
    assert_eq!(computed(s, t, 2025), Some(3.0));
    assert_eq!(
        names(&targets::counting(s, t, 2025).unwrap()),
        set(&["甲", "乙", "庚"])
    );
    // 2023: only 庚 (2023) and 丙 (2021, still within its term) held it.
    assert_eq!(computed(s, t, 2023), Some(2.0));
    assert_eq!(
        names(&targets::counting(s, t, 2023).unwrap()),
        set(&["丙", "庚"])
    );
    // After the period the stock is taken at its end, not now (甲 would have lapsed by 2030).
    assert_eq!(computed(s, t, 2030), Some(3.0));
}

#[test]
fn lapsed_titles_count_only_when_the_target_says_so() {
    let fx = fixture();
    let s = &fx.store;
    let with = target(
        s,
        "L",
        "达州市",
        (2021, 2025),
        "stock",
        ZJ,
        Some("省级"),
        true,
        None,
        Some(10.0),
    );
    assert_eq!(computed(s, with, 2025), Some(4.0));
    let why = targets::counting(s, with, 2025).unwrap();
    let bing = why.iter().find(|c| c.name == "丙").expect("丙 counts");
    assert!(
        bing.reason.starts_with("2021年 省级 专精特新中小企业"),
        "{}",
        bing.reason
    );
    assert!(bing.reason.contains("已过期"), "{}", bing.reason);
}

#[test]
fn new_counts_titles_gained_within_a_period_spanning_years() {
    let fx = fixture();
    let s = &fx.store;
    let one = target(
        s,
        "N1",
        "达州市",
        (2025, 2025),
        "new",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(4.0),
    );
    assert_eq!(
        computed(s, one, 2025),
        Some(1.0),
        "only 乙 gained one in 2025"
    );
    let span = target(
        s,
        "N5",
        "达州市",
        (2021, 2025),
        "new",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(8.0),
    );
    // 甲 2024, 乙 2025, 庚 2023; 丙's 2021 title lapsed without 复核.
    assert_eq!(computed(s, span, 2025), Some(3.0));
    assert_eq!(
        names(&targets::counting(s, span, 2025).unwrap()),
        set(&["甲", "乙", "庚"])
    );
    let c = targets::counting(s, span, 2025).unwrap();
    let jia = c.iter().find(|c| c.name == "甲").unwrap();
    assert_eq!(jia.reason, "2024年 省级 专精特新中小企业");
    assert_eq!(jia.kind, HolderKind::Enterprise);
}

#[test]
fn provincial_and_above_counts_national_and_no_minimum_counts_every_level() {
    let fx = fixture();
    let s = &fx.store;
    let nat = target(
        s,
        "G",
        "达州市",
        (2025, 2025),
        "new",
        ZJ,
        Some("国家级"),
        false,
        None,
        Some(1.0),
    );
    assert_eq!(
        names(&targets::counting(s, nat, 2025).unwrap()),
        set(&["乙"])
    );
    let prov = target(
        s,
        "P",
        "达州市",
        (2025, 2025),
        "new",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(1.0),
    );
    assert_eq!(
        names(&targets::counting(s, prov, 2025).unwrap()),
        set(&["乙"])
    );
    let any = target(
        s,
        "A",
        "达州市",
        (2025, 2025),
        "new",
        ZJ,
        None,
        false,
        None,
        Some(1.0),
    );
    assert_eq!(
        names(&targets::counting(s, any, 2025).unwrap()),
        set(&["乙", "丁"])
    );
}

#[test]
fn county_scope_takes_its_parks_and_the_functional_zone_takes_park_enterprises() {
    let fx = fixture();
    let s = &fx.store;
    let county = target(
        s,
        "C",
        "宣汉县",
        (2021, 2025),
        "stock",
        ZJ,
        Some("省级"),
        true,
        None,
        Some(5.0),
    );
    assert_eq!(
        names(&targets::counting(s, county, 2025).unwrap()),
        set(&["丙", "庚"])
    );
    let zone = target(
        s,
        "Z",
        "达州高新区",
        (2021, 2025),
        "stock",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(5.0),
    );
    assert_eq!(
        names(&targets::counting(s, zone, 2025).unwrap()),
        set(&["乙"])
    );
    // A park scope takes the parks inside it: 丙 is in 经开区内园 inside 宣汉经开区.
    let park = target(
        s,
        "K",
        "宣汉经开区",
        (2021, 2025),
        "stock",
        ZJ,
        None,
        true,
        None,
        Some(5.0),
    );
    assert_eq!(
        names(&targets::counting(s, park, 2025).unwrap()),
        set(&["丙"])
    );
    // Park-held titles count for park types.
    let green = target(
        s,
        "GP",
        "达州市",
        (2021, 2025),
        "stock",
        "绿色工业园区",
        Some("国家级"),
        false,
        None,
        Some(1.0),
    );
    let c = targets::counting(s, green, 2025).unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].kind, c[0].id), (HolderKind::Park, fx.park_xh));
}

#[test]
fn breakdown_lists_every_county_and_zone_with_park_enterprises_in_their_zone() {
    let fx = fixture();
    let s = &fx.store;
    let t = target(
        s,
        "B",
        "达州市",
        (2021, 2025),
        "stock",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(10.0),
    );
    let b = targets::breakdown_by_region(s, t, 2025).unwrap();
    assert_eq!(
        b,
        vec![
            ("通川区".to_string(), 1.0),
            ("宣汉县".to_string(), 1.0),
            ("达州高新区".to_string(), 1.0),
        ]
    );
    let sum: f64 = b.iter().map(|(_, n)| n).sum();
    assert_eq!(Some(sum), computed(s, t, 2025));
}

#[test]
fn recorded_targets_use_reported_values_only() {
    let fx = fixture();
    let mut s = fx.store;
    let t = exec(
        &s,
        "INSERT INTO targets(code, name, scope_region_id, period_start, period_end, kind, metric, target, qualifier, unit, source_id, locator)
         VALUES ('R', '规上工业增加值增长', 1, 2025, 2025, 'recorded', '规上工业增加值增速', 7.5, '以上', '%', 1, 'x')",
        [],
    );
    let p = targets::evaluate(&s, t, 2025).unwrap();
    assert_eq!(
        (p.computed, p.reported.as_ref(), p.status),
        (None, None, TargetStatus::NoData)
    );
    targets::add_report(&mut s, t, 7.8, Some("2025"), "统计快报").unwrap();
    let p = targets::evaluate(&s, t, 2025).unwrap();
    assert_eq!(p.computed, None);
    let r = p.reported.as_ref().expect("reported");
    assert_eq!((r.value, r.as_of.as_deref()), (7.8, Some("2025")));
    assert!(r.source.starts_with("用户填报"), "{}", r.source);
    // A rate is judged against the target directly: above it while the year runs is on track,
    // once the year is over it is met.
    assert_eq!(p.status, TargetStatus::OnTrack);
    assert_eq!(
        targets::evaluate(&s, t, 2026).unwrap().status,
        TargetStatus::Met
    );
    assert!(targets::counting(&s, t, 2025).unwrap().is_empty());
    assert!(
        targets::breakdown_by_region(&s, t, 2025)
            .unwrap()
            .is_empty()
    );
    // The latest figure wins.
    targets::add_report(&mut s, t, 6.9, Some("2025-12"), "").unwrap();
    let p = targets::evaluate(&s, t, 2026).unwrap();
    assert_eq!(p.reported.unwrap().value, 6.9);
    assert_eq!(p.status, TargetStatus::Missed);
}

#[test]
fn status_follows_progress_against_the_elapsed_share() {
    let fx = fixture();
    let mut s = fx.store;
    // One-year target of 4, 乙 computed: 1/4 = 25 % with half the year gone.
    let t = target(
        &s,
        "N",
        "达州市",
        (2025, 2025),
        "new",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(4.0),
    );
    let p = targets::evaluate(&s, t, 2025).unwrap();
    assert_eq!((p.progress, p.status), (Some(0.25), TargetStatus::Behind));
    assert_eq!(p.gap(), Some(3.0));
    assert_eq!(
        targets::evaluate(&s, t, 2024).unwrap().status,
        TargetStatus::NotStarted
    );
    assert_eq!(
        targets::evaluate(&s, t, 2026).unwrap().status,
        TargetStatus::Missed
    );
    // A reported figure takes over from the computed one.
    targets::add_report(&mut s, t, 2.0, Some("2025-06"), "").unwrap();
    let p = targets::evaluate(&s, t, 2025).unwrap();
    assert_eq!(
        (p.computed, p.progress, p.status),
        (Some(1.0), Some(0.5), TargetStatus::OnTrack)
    );
    assert_eq!(p.basis(), "填报");
    targets::add_report(&mut s, t, 4.0, Some("2025-11"), "").unwrap();
    assert_eq!(
        targets::evaluate(&s, t, 2025).unwrap().status,
        TargetStatus::Met
    );
    // A stock runs from its baseline: 116 → 150 with 133 is halfway; in the 3rd of 5 years
    // (2.5 of 5 gone) that is on track, in the 4th behind.
    let st = target(
        &s,
        "SB",
        "达州市",
        (2021, 2025),
        "stock",
        ZJ,
        Some("省级"),
        false,
        Some(116.0),
        Some(150.0),
    );
    targets::add_report(&mut s, st, 133.0, Some("2023"), "").unwrap();
    let p = targets::evaluate(&s, st, 2023).unwrap();
    assert_eq!((p.progress, p.status), (Some(0.5), TargetStatus::OnTrack));
    assert_eq!(
        targets::evaluate(&s, st, 2024).unwrap().status,
        TargetStatus::Behind
    );
    // A recorded level runs from its baseline too: 工业增加值 479.9 → 1000 at 739.95 is halfway.
    let rec = exec(
        &s,
        "INSERT INTO targets(code, name, scope_region_id, period_start, period_end, kind, baseline, target, unit, source_id, locator)
         VALUES ('RB', '全部工业增加值', 1, 2021, 2025, 'recorded', 479.9, 1000, '亿元', 1, 'x')",
        [],
    );
    targets::add_report(&mut s, rec, 739.95, Some("2023"), "").unwrap();
    let p = targets::evaluate(&s, rec, 2023).unwrap();
    assert!((p.progress.unwrap() - 0.5).abs() < 1e-9, "{:?}", p.progress);
    assert_eq!((p.computed, p.status), (None, TargetStatus::OnTrack));
    assert_eq!(TargetStatus::Behind.label(), "落后");
}

#[test]
fn ceiling_targets_invert_met() {
    let fx = fixture();
    let mut s = fx.store;
    let t = exec(
        &s,
        "INSERT INTO targets(code, name, scope_region_id, period_start, period_end, kind, target, qualifier, unit, source_id, locator)
         VALUES ('M', '单位能耗', 1, 2021, 2025, 'recorded', 0.8, '以下', '吨标煤', 1, 'x')",
        [],
    );
    targets::add_report(&mut s, t, 0.7, Some("2025"), "").unwrap();
    assert_eq!(
        targets::evaluate(&s, t, 2026).unwrap().status,
        TargetStatus::Met
    );
    targets::add_report(&mut s, t, 0.9, Some("2025-12"), "").unwrap();
    let p = targets::evaluate(&s, t, 2026).unwrap();
    assert_eq!(p.status, TargetStatus::Missed);
    assert!((p.gap().unwrap() - 0.1).abs() < 1e-9);
}

#[test]
fn close_candidates_name_lower_levels_feeders_lapsed_and_lapsing_titles() {
    let fx = fixture();
    let s = &fx.store;
    let t = target(
        s,
        "CC",
        "达州市",
        (2021, 2025),
        "stock",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(10.0),
    );
    let c = targets::close_candidates(s, t, 2025).unwrap();
    let why = |n: &str| {
        c.iter()
            .find(|x| x.name == n)
            .map(|x| x.reason.clone())
            .unwrap_or_else(|| panic!("{n} missing from {c:?}"))
    };
    assert!(why("丙").contains("复核后可计入"), "{}", why("丙"));
    assert!(
        why("丁").starts_with("2025年 市级 专精特新中小企业"),
        "{}",
        why("丁")
    );
    assert!(why("丁").contains("省级"), "{}", why("丁"));
    assert!(why("己").contains("创新型中小企业"), "{}", why("己"));
    assert!(!c.iter().any(|x| x.name == "戊"), "outside the scope");
    assert!(
        !c.iter().any(|x| x.name == "甲"),
        "already counts, valid to 2027"
    );
    // Once the period is over, nobody is close any more (丁's title of a later year would
    // not count toward it).
    assert!(targets::close_candidates(s, t, 2026).unwrap().is_empty());

    // 省级专精特新 holders are candidates for a 国家级“小巨人” target.
    let giant = target(
        s,
        "XJ",
        "达州市",
        (2021, 2025),
        "stock",
        "专精特新“小巨人”",
        Some("国家级"),
        false,
        None,
        Some(2.0),
    );
    assert_eq!(computed(s, giant, 2025), Some(0.0));
    let g = targets::close_candidates(s, giant, 2025).unwrap();
    assert_eq!(names(&g), set(&["甲", "乙", "丁", "庚"]));
    assert!(
        g.iter()
            .all(|x| x.reason.contains("可申报国家级 专精特新“小巨人”"))
    );

    // For next year's new 省级 titles: 丁 (市级) and 己 (创新型) are close; 甲 and 庚 already
    // hold one (it cannot be gained anew), 丙's lapsed 2021 title is no new one either.
    let next = target(
        s,
        "NX",
        "达州市",
        (2026, 2026),
        "new",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(3.0),
    );
    assert_eq!(
        names(&targets::close_candidates(s, next, 2026).unwrap()),
        set(&["丁", "己"])
    );

    // A stock to 2027: 庚's 2023 title runs to 2026 and must be reviewed to still count.
    let later = target(
        s,
        "LT",
        "达州市",
        (2025, 2027),
        "stock",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(10.0),
    );
    let l = targets::close_candidates(s, later, 2025).unwrap();
    let geng = l
        .iter()
        .find(|x| x.name == "庚")
        .expect("庚 lapses within the period");
    assert!(geng.reason.contains("有效期至2026年"), "{}", geng.reason);
}

#[test]
fn an_enterprise_lists_the_targets_it_counts_toward() {
    let fx = fixture();
    let s = &fx.store;
    target(
        s,
        "新增省级专精特新",
        "达州市",
        (2021, 2025),
        "new",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(8.0),
    );
    target(
        s,
        "今年新增",
        "达州市",
        (2025, 2025),
        "new",
        ZJ,
        Some("省级"),
        false,
        None,
        Some(4.0),
    );
    target(
        s,
        "宣汉存量",
        "宣汉县",
        (2021, 2025),
        "stock",
        ZJ,
        None,
        false,
        None,
        Some(4.0),
    );
    let list = targets::for_holder(s, HolderKind::Enterprise, fx.e["甲"], 2025).unwrap();
    assert_eq!(
        list,
        vec![(
            "2021–2025 达州市 新增省级专精特新".to_string(),
            "2024年 省级 专精特新中小企业".to_string()
        )]
    );
    let ding = targets::for_holder(s, HolderKind::Enterprise, fx.e["丁"], 2025).unwrap();
    assert_eq!(ding.len(), 1);
    assert!(ding[0].0.contains("宣汉存量"));
}

#[test]
fn user_targets_are_validated_logged_and_removable() {
    let fx = fixture();
    let mut s = fx.store;
    let base = NewTarget {
        name: "宣汉县新增省级专精特新".into(),
        scope: "宣汉县".into(),
        period_start: 2025,
        period_end: 2025,
        kind: TargetKind::New,
        types: vec!["省级专精特新".into()],
        target: Some(2.0),
        qualifier: "以上".into(),
        unit: "户".into(),
        ..NewTarget::default()
    };
    let id = targets::create(&mut s, base.clone()).unwrap();
    let p = targets::evaluate(&s, id, 2025).unwrap();
    assert_eq!(p.code, "U001");
    assert_eq!(p.types, vec![ZJ.to_string()]);
    assert_eq!(
        p.min_level,
        Some(Level::Provincial),
        "level taken from 省级专精特新"
    );
    assert_eq!(p.computed, Some(0.0), "丁 is 市级, 庚 gained it in 2023");
    assert_eq!(targets::find(&s, "u001").unwrap(), id);

    let err = targets::create(
        &mut s,
        NewTarget {
            scope: "宣汉镇".into(),
            ..base.clone()
        },
    );
    assert!(err.is_err(), "宣汉镇 is no region name in the fixture");
    // A county as people say it, without 县, when only one county fits.
    assert_eq!(
        targets::resolve_scope(&s, "宣汉").unwrap(),
        targets::resolve_scope(&s, "宣汉县").unwrap()
    );
    match targets::create(
        &mut s,
        NewTarget {
            scope: "达州高薪区".into(),
            ..base.clone()
        },
    ) {
        Err(e @ TargetError::UnknownScope { .. }) => {
            assert!(e.to_string().contains("达州高新区"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    match targets::create(
        &mut s,
        NewTarget {
            types: vec!["专精特心".into()],
            ..base.clone()
        },
    ) {
        Err(e @ TargetError::UnknownType { .. }) => {
            assert!(e.to_string().contains("专精特新中小企业"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    match targets::create(
        &mut s,
        NewTarget {
            code: Some("U001".into()),
            ..base.clone()
        },
    ) {
        Err(TargetError::DuplicateCode(c)) => assert_eq!(c, "U001"),
        other => panic!("{other:?}"),
    }

    targets::update(
        &mut s,
        id,
        NewTarget {
            target: Some(3.0),
            ..base.clone()
        },
    )
    .unwrap();
    assert_eq!(targets::evaluate(&s, id, 2025).unwrap().target, Some(3.0));
    assert_eq!(targets::editable(&s, id).unwrap().target, Some(3.0));
    targets::add_report(&mut s, id, 1.0, Some("2025-06"), "县报").unwrap();
    assert!(targets::add_report(&mut s, id, 1.0, Some("六月"), "").is_err());
    assert_eq!(targets::delete(&mut s, id).unwrap(), 1);
    assert!(matches!(
        targets::evaluate(&s, id, 2025),
        Err(TargetError::NotFound(_))
    ));

    let log: Vec<(String, String)> = s
        .conn()
        .prepare("SELECT entity, action FROM changes ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let pairs: Vec<(&str, &str)> = log.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(
        pairs,
        vec![
            ("targets", "insert"),
            ("targets", "update"),
            ("target_reports", "insert"),
            ("target_reports", "delete"),
            ("targets", "delete"),
        ]
    );

    // Editing a document's target keeps its source and says who changed it.
    let doc = target(
        &s,
        "DOC",
        "达州市",
        (2025, 2025),
        "new",
        ZJ,
        None,
        false,
        None,
        Some(4.0),
    );
    assert_eq!(targets::evaluate(&s, doc, 2025).unwrap().source, "DX · x");
    let mut e = targets::editable(&s, doc).unwrap();
    e.target = Some(5.0);
    targets::update(&mut s, doc, e).unwrap();
    let src = targets::evaluate(&s, doc, 2025).unwrap().source;
    assert!(
        src.starts_with("DX · x · ") && src.ends_with("修改"),
        "{src}"
    );
}

#[test]
fn writes_are_refused_on_a_read_only_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("y.db");
    let opts = yuanqi::store::OpenOptions {
        create: true,
        ..Default::default()
    };
    drop(Store::open(&path, &opts).unwrap());
    let ro = yuanqi::store::OpenOptions {
        read_only: true,
        ..Default::default()
    };
    let mut s = Store::open(&path, &ro).unwrap();
    let id = targets::find(&s, "D000-T16").unwrap();
    let err = targets::add_report(&mut s, id, 3.0, None, "").unwrap_err();
    assert!(err.to_string().contains("只读"), "{err}");
}

// ---------------------------------------------------------------- seeded targets

fn seeded() -> Store {
    Store::open_in_memory().expect("seeded store")
}

#[test]
fn seeded_2026_conference_target_provincial_specialised_25_or_more() {
    let s = seeded();
    let id = targets::find(&s, "D000-T16").unwrap();
    let p = targets::evaluate(&s, id, 2026).unwrap();
    assert!(p.name.contains("省级专精特新"), "{}", p.name);
    assert_eq!(
        (p.scope.as_str(), p.period_start, p.period_end),
        ("达州市", 2026, 2026)
    );
    assert_eq!(p.kind, TargetKind::New);
    assert_eq!((p.target, p.qualifier.as_str()), (Some(25.0), "以上"));
    assert_eq!(p.min_level, Some(Level::Provincial));
    assert_eq!(p.types, vec![ZJ.to_string()]);
    assert!(p.source.starts_with("D000"), "{}", p.source);
    assert_eq!(p.target_label(), "25户以上");
}

#[test]
fn seeded_plan_stock_of_provincial_and_above_specialised_116_to_150() {
    let s = seeded();
    let id = targets::find(&s, "D001-T11").unwrap();
    let p = targets::evaluate(&s, id, 2026).unwrap();
    assert_eq!((p.baseline, p.target), (Some(116.0), Some(150.0)));
    assert_eq!(
        (p.period_start, p.period_end, p.kind),
        (2021, 2025, TargetKind::Stock)
    );
    assert_eq!(p.min_level, Some(Level::Provincial));
    assert!(p.types.contains(&ZJ.to_string()));
    assert!(p.source.starts_with("D001"), "{}", p.source);
    // Computed and the list of who counts agree, whatever the store holds.
    assert_eq!(
        p.computed,
        Some(targets::counting(&s, id, 2026).unwrap().len() as f64)
    );
}

#[test]
fn seeded_2025_report_of_79_new_provincial_specialised_is_attached() {
    let s = seeded();
    let id = targets::find(&s, "D002-T29").unwrap();
    let p = targets::evaluate(&s, id, 2026).unwrap();
    assert!(p.name.contains("专精特新"), "{}", p.name);
    assert_eq!(
        (p.period_start, p.period_end, p.kind),
        (2025, 2025, TargetKind::New)
    );
    assert_eq!(p.target, Some(25.0));
    let r = p.reported.as_ref().expect("the 2025 figure");
    assert_eq!((r.value, r.as_of.as_deref()), (79.0, Some("2025")));
    assert!(r.source.starts_with("D000"), "{}", r.source);
    // 79 of 25 or more: met, and the report (not the sparse records) drives progress.
    assert_eq!(p.status, TargetStatus::Met);
    assert_eq!(p.basis(), "填报");
    assert_eq!(p.gap(), Some(0.0));
}

#[test]
fn seeded_recorded_targets_compute_nothing_and_counting_targets_count_holders() {
    let s = seeded();
    let all = targets::evaluate_all(&s, 2026).unwrap();
    assert!(all.len() > 100, "{} targets", all.len());
    for p in &all {
        if p.kind == TargetKind::Recorded {
            assert_eq!(p.computed, None, "{}", p.code);
        } else if p.computed.is_some() {
            let n = targets::counting(&s, p.id, 2026).unwrap().len();
            assert_eq!(p.computed, Some(n as f64), "{}", p.code);
        }
    }
    // The 2025 growth of 规上工业增加值 (7%以上) was reported as 7.3: met.
    let g = all.iter().find(|p| p.code == "D002-T05").unwrap();
    assert_eq!((g.computed, g.status), (None, TargetStatus::Met));
}

// ---------------------------------------------------------------- CLI

fn yuanqi(db: &std::path::Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("yuanqi").unwrap();
    c.arg("--db").arg(db).env("NO_COLOR", "1");
    c
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json_targets(db: &std::path::Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let o = yuanqi(db)
        .args(["targets", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice::<Vec<serde_json::Value>>(&o.stdout).unwrap()
}

#[test]
fn cli_add_report_list_and_remove_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    let o = yuanqi(&db)
        .args([
            "targets",
            "add",
            "--name",
            "宣汉县新增省级专精特新",
            "--scope",
            "宣汉",
            "--period",
            "2026",
            "--kind",
            "new",
            "--types",
            "专精特新中小企业",
            "--min-level",
            "省级",
            "--target",
            "5",
            "--qualifier",
            "以上",
            "--unit",
            "户",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("U001"), "{}", stdout(&o));

    let o = yuanqi(&db)
        .args(["targets", "report", "U001", "３户", "--as-of", "2026-06"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    let list = json_targets(&db, &["--scope", "宣汉县"]);
    assert!(!list.is_empty());
    assert!(
        list.iter().all(|t| t["scope"] == "宣汉县"),
        "city targets are not within 宣汉县"
    );
    let u = list
        .iter()
        .find(|t| t["code"] == "U001")
        .expect("U001 listed");
    assert_eq!(u["name"], "宣汉县新增省级专精特新");
    assert_eq!(u["period"], "2026");
    assert_eq!(u["kind"], "new");
    assert_eq!(u["target"], 5.0);
    assert_eq!(u["reported"]["value"], 3.0);
    assert_eq!(u["reported"]["as_of"], "2026-06");
    assert!(u["computed"].is_number());
    assert!(u["baseline"].is_null());
    assert!(u["source"].as_str().unwrap().starts_with("用户添加"));

    // The table shows it with its figures.
    let o = yuanqi(&db)
        .args(["targets", "--year", "2026", "--scope", "宣汉县"])
        .output()
        .unwrap();
    let table = stdout(&o);
    let row = table
        .lines()
        .find(|l| l.starts_with("U001"))
        .expect("U001 row");
    assert!(
        row.contains("5户以上") && row.contains("3（2026-06）"),
        "{row}"
    );

    let o = yuanqi(&db)
        .args(["targets", "rm", "U001"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!json_targets(&db, &[]).iter().any(|t| t["code"] == "U001"));

    // One target in detail, and the figures that answer no target.
    let o = yuanqi(&db)
        .args(["targets", "show", "D002-T29", "--now", "2026"])
        .output()
        .unwrap();
    let card = stdout(&o);
    assert!(
        card.contains("填报：79（截至 2025）") && card.contains("已完成"),
        "{card}"
    );
    assert!(
        card.contains("分布：通川区 "),
        "every county listed: {card}"
    );
    // A year the article implies rather than states is marked and explained.
    let o = yuanqi(&db)
        .args(["targets", "show", "D003-T15"])
        .output()
        .unwrap();
    let card = stdout(&o);
    assert!(
        card.contains("期间：2025*")
            && card.contains("*年份：文中未写年份；同篇“2024年及今年一季度”"),
        "{card}"
    );
    let o = yuanqi(&db)
        .args([
            "targets",
            "figures",
            "--scope",
            "大足区",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let figs: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!figs.is_empty());
    // 大足区 with its parks, nothing of 达州.
    assert!(
        figs.iter().any(|f| f["scope"] == "双桥工业园区"),
        "{figs:?}"
    );
    assert!(
        !figs
            .iter()
            .any(|f| f["scope"].as_str().unwrap().contains("达州")),
        "{figs:?}"
    );

    // A sheet of targets: checked whole, then saved.
    let csv = dir.path().join("quota.csv");
    std::fs::write(&csv, "名称,范围,年度,认定类型,级别,目标值,代码\n渠县新增省级专精特新,渠县,2026,专精特新,省级,4户,QX-1\n渠县新增规上,渠县,明年,规上工业企业,,8,QX-2\n").unwrap();
    let o = yuanqi(&db)
        .args(["targets", "import"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("第 3 行") && stderr(&o).contains("明年"),
        "{}",
        stderr(&o)
    );
    assert!(
        !json_targets(&db, &[]).iter().any(|t| t["code"] == "QX-1"),
        "nothing written"
    );
    std::fs::write(&csv, "名称,范围,年度,认定类型,级别,目标值,代码\n渠县新增省级专精特新,渠县,2026,专精特新,省级,4户,QX-1\n").unwrap();
    let o = yuanqi(&db)
        .args(["targets", "import"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let qx = json_targets(&db, &["--scope", "渠县"]);
    let q = qx.iter().find(|t| t["code"] == "QX-1").expect("imported");
    assert_eq!(
        (q["target"].as_f64(), q["min_level"].as_str()),
        (Some(4.0), Some("省级"))
    );

    // A document's target is kept unless forced.
    let o = yuanqi(&db)
        .args(["targets", "rm", "D000-T16"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
}

#[test]
fn cli_refuses_unknown_names_and_read_only_writes_with_hints() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    let add = |scope: &str, ty: &str| {
        yuanqi(&db)
            .args([
                "targets", "add", "--name", "x", "--scope", scope, "--period", "2026", "--types",
                ty, "--target", "1",
            ])
            .output()
            .unwrap()
    };
    let o = add("达州高薪区", "专精特新");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("达州高新区"), "{}", stderr(&o));
    let o = add("达州市", "专精特心");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("专精特新中小企业"), "{}", stderr(&o));
    let o = yuanqi(&db)
        .args(["--read-only", "targets", "report", "D000-T16", "3"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("只读"), "{}", stderr(&o));
}

#[test]
fn show_lists_the_targets_a_holder_counts_toward() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    {
        let s = Store::open(
            &db,
            &yuanqi::store::OpenOptions {
                create: true,
                ..Default::default()
            },
        )
        .unwrap();
        let xh: i64 = s
            .conn()
            .query_row("SELECT id FROM regions WHERE name = '宣汉县'", [], |r| {
                r.get(0)
            })
            .unwrap();
        let e = exec(
            &s,
            "INSERT INTO enterprises(name, name_norm, region_id) VALUES ('测试材料有限公司', '测试材料有限公司', ?1)",
            [xh],
        );
        exec(
            &s,
            "INSERT INTO designations(enterprise_id, type, level, year) VALUES (?1, '专精特新中小企业', '省级', 2026)",
            [e],
        );
    }
    let o = yuanqi(&db)
        .args(["show", "测试材料有限公司"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let card = stdout(&o);
    assert!(card.contains("计入目标"), "{card}");
    assert!(
        card.lines()
            .any(|l| l.contains("新增省级专精特新企业")
                && l.contains("2026年 省级 专精特新中小企业")),
        "{card}"
    );
}

#[test]
fn a_sheet_of_targets_is_checked_whole_then_saved_and_reimported_as_updates() {
    let fx = fixture();
    let mut s = fx.store;
    let headers: Vec<String> = [
        "代码",
        "名称",
        "范围",
        "年度",
        "认定类型",
        "级别",
        "目标值",
        "单位",
        "联系人",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let good = vec![
        (
            2,
            row(&[
                "XH-1",
                "宣汉新增省级专精特新",
                "宣汉县",
                "2025",
                "专精特新",
                "省级",
                "2户",
                "户",
                "张",
            ]),
        ),
        (
            3,
            row(&[
                "TC-1",
                "通川新增",
                "通川区",
                "2025",
                "专精特新",
                "",
                "1",
                "户",
                "",
            ]),
        ),
    ];
    let mut bad = good.clone();
    bad.push((
        4,
        row(&[
            "",
            "高新区",
            "达州高薪区",
            "2025",
            "专精特新",
            "",
            "1",
            "",
            "",
        ]),
    ));
    let out = targets::import::import_rows(&mut s, &headers, &bad, false).unwrap();
    assert_eq!(out.errors.len(), 1);
    assert_eq!(out.errors[0].row, 4);
    assert!(
        out.errors[0].message.contains("达州高新区"),
        "{:?}",
        out.errors
    );
    assert_eq!(out.unknown_headers, vec!["联系人".to_string()]);
    let n: i64 = s
        .conn()
        .query_row("SELECT count(*) FROM targets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0, "nothing is written when a row fails");

    let out = targets::import::import_rows(&mut s, &headers, &good, false).unwrap();
    assert_eq!(
        out.saved.created,
        vec!["XH-1".to_string(), "TC-1".to_string()]
    );
    let xh = targets::find(&s, "XH-1").unwrap();
    let p = targets::evaluate(&s, xh, 2025).unwrap();
    assert_eq!(
        (p.kind, p.target, p.computed),
        (TargetKind::New, Some(2.0), Some(0.0))
    );
    let tc = targets::find(&s, "TC-1").unwrap();
    assert_eq!(
        targets::evaluate(&s, tc, 2025).unwrap().computed,
        Some(0.0),
        "甲's titles are from 2023 and 2024"
    );

    let mut again = good.clone();
    again[0].1[6] = "3".into();
    let out = targets::import::import_rows(&mut s, &headers, &again, false).unwrap();
    assert_eq!(out.saved.updated.len(), 2);
    assert!(out.saved.created.is_empty());
    assert_eq!(targets::evaluate(&s, xh, 2025).unwrap().target, Some(3.0));
}

/// A park a Dazhou document names without its county still lies in 达州市: the city's targets
/// count it (斌郎 and 麻柳 passed the province's recognition of chemical parks in 2024).
#[test]
fn the_citys_targets_count_its_parks_whose_county_is_not_stated() {
    let mut s = Store::open_in_memory().unwrap();
    let id = targets::create(
        &mut s,
        NewTarget {
            name: "新认定省级化工园区".into(),
            scope: "达州市".into(),
            period_start: 2024,
            period_end: 2024,
            kind: TargetKind::New,
            types: vec!["化工园区认定".into()],
            target: Some(2.0),
            ..NewTarget::default()
        },
    )
    .unwrap();
    assert_eq!(
        names(&targets::counting(&s, id, 2025).unwrap()),
        set(&["斌郎化工园区", "麻柳化工园区"])
    );
}

/// The holders that count are listed in pinyin order, as the enterprise list is.
#[test]
fn those_that_count_are_listed_in_pinyin_order() {
    let mut s = Store::open_in_memory().unwrap();
    for name in ["四川乐仕达", "四川东柳", "四川国储", "四川川东", "四川东顺"]
    {
        s.conn()
            .execute(
                "INSERT INTO enterprises(name, name_norm, region_id)
                 VALUES (?1, ?1, (SELECT id FROM regions WHERE name = '通川区'))",
                [name],
            )
            .unwrap();
        let id = s.conn().last_insert_rowid();
        s.conn()
            .execute(
                "INSERT INTO designations(enterprise_id, type, level, year) VALUES (?1, '专精特新中小企业', '省级', 2024)",
                [id],
            )
            .unwrap();
    }
    let t = targets::create(
        &mut s,
        NewTarget {
            name: "专精特新".into(),
            scope: "达州市".into(),
            period_start: 2024,
            period_end: 2024,
            kind: TargetKind::New,
            types: vec!["专精特新中小企业".into()],
            target: Some(5.0),
            ..NewTarget::default()
        },
    )
    .unwrap();
    let names: Vec<String> = targets::counting(&s, t, 2024)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .filter(|n| n.starts_with("四川") && n.chars().count() <= 5)
        .collect();
    assert_eq!(
        names,
        ["四川川东", "四川东柳", "四川东顺", "四川国储", "四川乐仕达"]
    );
}

#[test]
fn cli_targets_take_text_as_the_plain_format_like_other_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    let run = |format: &str| {
        yuanqi(&db)
            .args(["targets", "--scope", "渠县", "--format", format])
            .output()
            .unwrap()
    };
    let (text, table) = (run("text"), run("table"));
    assert!(
        text.status.success(),
        "{}",
        String::from_utf8_lossy(&text.stderr)
    );
    assert_eq!(text.stdout, table.stdout);
    assert!(String::from_utf8_lossy(&text.stdout).contains("渠县"));
}

#[test]
fn cli_targets_piped_keep_every_cell_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    let out = yuanqi(&db).args(["targets"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(!text.contains('…'), "{text}");
    // A period whose year the article implies keeps its mark.
    assert!(
        text.lines().any(|l| l.contains("–") && l.contains("*  ")),
        "{text}"
    );
}

#[test]
fn cli_a_negative_count_target_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    let o = yuanqi(&db)
        .args([
            "targets",
            "add",
            "--name",
            "负数",
            "--scope",
            "宣汉县",
            "--period",
            "2026",
            "--kind",
            "new",
            "--types",
            "专精特新中小企业",
            "--target",
            "-3",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("应为 0 或正数"), "{}", stderr(&o));
    let list = yuanqi(&db).args(["targets"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&list.stdout).contains("负数"));
}

#[test]
fn cli_a_scope_that_names_nothing_is_a_usage_mistake() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    let o = yuanqi(&db)
        .args(["targets", "--scope", "成都市"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("找不到范围“成都市”"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("yuanqi targets --help"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn cli_progress_from_a_baseline_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    let o = yuanqi(&db)
        .args(["targets", "show", "D004-T54"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("基数：157.18"), "{text}");
    assert!(text.contains("自基数 157.18 起算"), "{text}");
    // A count below its baseline says why progress reads 0, as the TUI's detail does.
    let o = yuanqi(&db)
        .args(["targets", "show", "D001-T11"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("低于基数 116"), "{text}");
}

/// A profile's targets are worked out for its holder alone; they must be exactly the targets
/// whose full evaluation counts that holder, with the same reason.
#[test]
fn the_targets_a_holder_counts_toward_agree_with_each_targets_full_count() {
    let mut store = Store::open_in_memory().unwrap();
    yuanqi::demo::generate(&mut store, 1200, |_| {}).unwrap();
    let year = 2025;
    let all = targets::evaluate_all(&store, year).unwrap();
    let mut expected: std::collections::HashMap<(HolderKind, i64), Vec<String>> =
        Default::default();
    for t in &all {
        for c in targets::counting(&store, t.id, year).unwrap() {
            expected
                .entry((c.kind, c.id))
                .or_default()
                .push(c.reason.clone());
        }
    }
    assert!(expected.len() > 50, "holders count: {}", expected.len());
    for (&(kind, id), reasons) in &expected {
        let got: Vec<String> = targets::for_holder(&store, kind, id, year)
            .unwrap()
            .into_iter()
            .map(|(_, why)| why)
            .collect();
        assert_eq!(&got, reasons, "{kind:?} {id}");
    }
}

/// A target named instead of coded: one exact name opens it; otherwise the closest names come
/// with their codes.
#[test]
fn a_target_can_be_named_and_close_names_come_with_their_codes() {
    let s = seeded();
    let id = targets::find(&s, "创建国家5G工厂").expect("one target has this name");
    assert_eq!(targets::find(&s, "D000-T11").unwrap(), id);
    let err = targets::find(&s, "新增省级专精特新")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("D000-T16 新增省级专精特新企业（达州市 2026*）"),
        "{err}"
    );
    assert!(err.contains("yuanqi targets show D000-T16"), "{err}");
    assert!(matches!(
        targets::find(&s, "qqqqqq"),
        Err(TargetError::NotFound(_))
    ));
    // Several targets of one name: all of them, with their periods as lists show them.
    let err = targets::find(&s, "新增规上工业企业")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("有 3 个目标都叫“新增规上工业企业”"),
        "{err}"
    );
    assert!(
        err.contains("D000-T15 新增规上工业企业（达州市 2026*）"),
        "{err}"
    );
}

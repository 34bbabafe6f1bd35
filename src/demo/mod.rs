//! Synthetic stores at province scale (10 000 to 1 000 000 enterprises) for benchmarks and
//! load tests: realistic names, short names, credit codes, regions, parks, clusters and
//! designations that are clearly not real.
//!
//! A demo store is an ordinary store (created, migrated and seeded as usual) marked with the
//! `demo` meta key, which the TUI's status line shows. The generator streams: one enterprise
//! is built, written through prepared statements and dropped before the next, all inside one
//! transaction, so a million rows need little memory and a failure writes nothing.

pub mod names;

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use crate::model::designation::{Holders, TYPES};
use crate::model::text::normalize_name;
use crate::store::{Store, StoreError};
use names::{CountyPrefix, credit_code, enterprise_name, mix};

/// The meta key marking a synthetic store.
pub const META_KEY: &str = "demo";

/// What a generation wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub enterprises: u64,
    pub designations: u64,
    pub parks_created: u64,
    pub clusters_created: u64,
}

/// Whether the store file at `path` is a demo store (read without modifying it).
/// `None` when the file is not a yuanqi store at all.
pub fn file_is_demo(path: &std::path::Path) -> Option<bool> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
    let conn = rusqlite::Connection::open_with_flags(path, flags).ok()?;
    let v: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [META_KEY], |r| {
            r.get(0)
        })
        .optional()
        .ok()?;
    Some(v.is_some())
}

/// Designation types an enterprise can hold, with the levels and first year each is drawn
/// from and how often (per mille of enterprises) it occurs.
const DESIGNATION_MIX: &[(&str, &[&str], i32, u64)] = &[
    ("专精特新中小企业", &["省级"], 2019, 90),
    ("专精特新“小巨人”", &["国家级"], 2019, 12),
    ("创新型中小企业", &["省级"], 2022, 80),
    ("制造业单项冠军", &["国家级", "省级"], 2016, 4),
    ("高新技术企业", &["国家级"], 2016, 120),
    ("绿色工厂", &["国家级", "省级", "市级"], 2017, 30),
    ("绿色供应链管理企业", &["国家级", "省级"], 2018, 5),
    ("5G工厂", &["国家级", "省级"], 2022, 8),
    ("智能工厂", &["省级", "市级"], 2020, 15),
    ("数字化车间", &["省级", "市级"], 2019, 25),
    ("企业技术中心", &["国家级", "省级", "市级"], 2015, 30),
    ("链主企业", &["市级"], 2022, 3),
    ("规上工业企业", &[], 2015, 200),
];

const SCALES: &[&str] = &["大型", "中型", "小型", "小型", "微型", "微型"];

struct County {
    id: i64,
    prefix: CountyPrefix,
    division: String,
    parks: Vec<i64>,
}

/// Known division codes of the seeded counties, for stores whose regions carry no code.
const DIVISIONS: &[(&str, &str)] = &[
    ("达州市", "511700"),
    ("通川区", "511702"),
    ("达川区", "511703"),
    ("宣汉县", "511722"),
    ("开江县", "511723"),
    ("大竹县", "511724"),
    ("渠县", "511725"),
    ("万源市", "511781"),
    ("达州高新区", "511702"),
    ("达州东部经开区", "511703"),
    ("大足区", "500111"),
];

/// Write `n` synthetic enterprises (with clusters and designations) into `store`, which must
/// be a freshly created store: the caller has already refused any store that is not a demo.
/// `progress` is called with the number written so far, every 50 000 rows.
pub fn generate(
    store: &mut Store,
    n: u64,
    mut progress: impl FnMut(u64),
) -> Result<Summary, StoreError> {
    store.ensure_writable()?;
    store.set_meta(
        META_KEY,
        &format!(
            "合成演示数据：{n} 家企业，{} 生成，非真实数据",
            crate::store::now_string()
        ),
    )?;
    // A bigger page cache keeps the unique indexes in memory while a million rows go in.
    store.conn().pragma_update(None, "cache_size", -131_072)?;
    let now_year = crate::model::current_year();
    let mut summary = Summary::default();
    let tx = store.conn_mut().transaction()?;
    tx.execute(
        "INSERT OR IGNORE INTO sources(code, kind, title) VALUES ('DEMO', 'user', 'yuanqi demo 合成数据（非真实）')",
        [],
    )?;
    let source: i64 = tx.query_row("SELECT id FROM sources WHERE code = 'DEMO'", [], |r| {
        r.get(0)
    })?;

    let mut counties = load_counties(&tx)?;
    if counties.is_empty() {
        tx.execute(
            "INSERT INTO regions(name, short_names, kind, source_id, locator) VALUES ('演示县', '演示', '县', ?1, 'demo')",
            [source],
        )?;
        counties = load_counties(&tx)?;
    }
    let has_parks: i64 = tx.query_row("SELECT count(*) FROM parks", [], |r| r.get(0))?;
    if has_parks == 0 {
        summary.parks_created = create_parks(&tx, &counties, source)?;
    }
    attach_parks(&tx, &mut counties)?;
    let mut clusters = leaf_clusters(&tx)?;
    if clusters.is_empty() {
        summary.clusters_created = create_clusters(&tx, source)?;
        clusters = leaf_clusters(&tx)?;
    }
    let dtypes: Vec<(&str, &[&str], i32, u64)> = DESIGNATION_MIX
        .iter()
        .copied()
        .filter(|(name, ..)| {
            TYPES
                .iter()
                .any(|t| t.name == *name && t.holders != Holders::Park)
        })
        .collect();

    {
        let mut ins = tx.prepare(
            "INSERT INTO enterprises(name, name_norm, name_is_full, short_names, uscc, region_id, park_id, scale, search_forms, source_id, locator)
             VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
        )?;
        let mut ins_cluster =
            tx.prepare("INSERT OR IGNORE INTO enterprise_clusters VALUES (?1, ?2)")?;
        let mut ins_des = tx.prepare(
            "INSERT OR IGNORE INTO designations(enterprise_id, type, level, year, source_id, locator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        // Tuples past `n` are spares for the rare name that collides with an existing one.
        let mut spare = n;
        for i in 0..n {
            let h = mix(i);
            let county = &counties[(h % counties.len() as u64) as usize];
            let mut key = i;
            let mut attempts = 0;
            let id = loop {
                let g = enterprise_name(key, &county.prefix);
                let shorts = vec![g.short.clone()];
                let forms = crate::search::forms_for(&g.name, &shorts);
                let uscc = credit_code(key, &county.division).map(|c| c.to_string());
                let park = if county.parks.is_empty() || (h >> 8) % 10 < 3 {
                    None
                } else {
                    Some(county.parks[((h >> 16) % county.parks.len() as u64) as usize])
                };
                let scale = SCALES[((h >> 24) % SCALES.len() as u64) as usize];
                let written = ins.execute(params![
                    g.name,
                    normalize_name(&g.name),
                    g.short,
                    uscc,
                    county.id,
                    park,
                    scale,
                    forms,
                    source,
                    format!("demo #{i}"),
                ])?;
                if written == 1 {
                    break tx.last_insert_rowid();
                }
                attempts += 1;
                if attempts > 20 {
                    return Err(StoreError::NotFound(format!(
                        "第 {i} 家演示企业可用的不重复名称"
                    )));
                }
                key = spare;
                spare += 1;
            };
            if !clusters.is_empty() {
                let c = clusters[((h >> 32) % clusters.len() as u64) as usize];
                ins_cluster.execute(params![id, c])?;
            }
            for (k, (ty, levels, first_year, per_mille)) in dtypes.iter().enumerate() {
                let r = mix(h ^ (k as u64 + 1));
                if r % 1000 >= *per_mille {
                    continue;
                }
                let level = if levels.is_empty() {
                    None
                } else {
                    Some(levels[((r >> 10) % levels.len() as u64) as usize])
                };
                let span = (now_year - first_year).max(0) as u64 + 1;
                let year = first_year + ((r >> 20) % span) as i32;
                summary.designations +=
                    ins_des.execute(params![id, ty, level, year, source, format!("demo #{i}")])?
                        as u64;
            }
            summary.enterprises += 1;
            if (i + 1) % 50_000 == 0 {
                progress(i + 1);
            }
        }
    }
    tx.commit()?;
    Ok(summary)
}

/// Counties (regions without sub-regions) that enterprises are registered in.
fn load_counties(tx: &rusqlite::Transaction) -> Result<Vec<County>, StoreError> {
    let mut stmt = tx.prepare(
        "SELECT r.id, r.name, r.short_names, r.code, p.name, p.code FROM regions r
         LEFT JOIN regions p ON p.id = r.parent_id
         WHERE NOT EXISTS (SELECT 1 FROM regions c WHERE c.parent_id = r.id) ORDER BY r.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, shorts, code, parent, parent_code) = row?;
        let known = |n: &str| {
            DIVISIONS
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, c)| c.to_string())
        };
        let division = code
            .filter(|c| c.len() >= 6)
            .map(|c| c[..6].to_string())
            .or_else(|| known(&name))
            .or_else(|| {
                parent_code
                    .filter(|c| c.len() >= 6)
                    .map(|c| c[..6].to_string())
            })
            .or_else(|| parent.as_deref().and_then(known))
            .unwrap_or_else(|| "510000".to_string());
        let province = if division.starts_with("50") {
            "重庆"
        } else {
            "四川"
        };
        let short = crate::model::text::split_multi(&shorts)
            .into_iter()
            .find(|s| s.chars().count() >= 2 && !s.contains("高新") && !s.contains("经开"));
        out.push(County {
            id,
            prefix: CountyPrefix {
                full: name,
                short,
                province,
            },
            division,
            parks: Vec::new(),
        });
    }
    Ok(out)
}

fn attach_parks(tx: &rusqlite::Transaction, counties: &mut [County]) -> Result<(), StoreError> {
    let mut by_region: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut stmt = tx.prepare("SELECT id, region_id FROM parks WHERE region_id IS NOT NULL")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (park, region) = row?;
        by_region.entry(region).or_default().push(park);
    }
    for c in counties {
        c.parks = by_region.remove(&c.id).unwrap_or_default();
    }
    Ok(())
}

/// When the seed has no parks yet: one development zone and one industrial park per county.
fn create_parks(
    tx: &rusqlite::Transaction,
    counties: &[County],
    source: i64,
) -> Result<u64, StoreError> {
    let mut made = 0;
    for c in counties {
        let base = c
            .prefix
            .short
            .clone()
            .unwrap_or_else(|| c.prefix.full.clone());
        for (suffix, kind, level) in [
            ("经济开发区", "经开区", "省级"),
            ("工业园区", "工业园区", "市级"),
        ] {
            let name = format!("{base}{suffix}");
            let forms = crate::search::forms_for(&name, &[]);
            made += tx.execute(
                "INSERT OR IGNORE INTO parks(name, name_norm, kind, level, region_id, search_forms, source_id, locator)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'demo')",
                params![name, normalize_name(&name), kind, level, c.id, forms, source],
            )? as u64;
        }
    }
    Ok(made)
}

/// Clusters with no sub-clusters: what an enterprise is filed under.
fn leaf_clusters(tx: &rusqlite::Transaction) -> Result<Vec<i64>, StoreError> {
    let mut stmt = tx.prepare(
        "SELECT c.id FROM clusters c WHERE NOT EXISTS (SELECT 1 FROM clusters x WHERE x.parent_id = c.id) ORDER BY c.id",
    )?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// When the seed has no clusters yet: a small two-level tree.
fn create_clusters(tx: &rusqlite::Transaction, source: i64) -> Result<u64, StoreError> {
    const TREE: &[(&str, &[&str])] = &[
        ("能源化工", &["天然气化工", "精细化工"]),
        ("新材料", &["玻纤及复合材料", "新型建材"]),
        ("装备制造", &["智能装备", "汽车零部件"]),
        ("农产品加工", &["食品饮料", "中药材"]),
        ("数字经济", &["电子信息", "大数据"]),
    ];
    let mut made = 0;
    for (parent, children) in TREE {
        tx.execute(
            "INSERT INTO clusters(key, name, tier, source_id, locator) VALUES (?1, ?2, '集群', ?3, 'demo')",
            params![format!("demo-{parent}"), parent, source],
        )?;
        let pid = tx.last_insert_rowid();
        made += 1;
        for child in *children {
            tx.execute(
                "INSERT INTO clusters(key, name, parent_id, tier, source_id, locator) VALUES (?1, ?2, ?3, '产业', ?4, 'demo')",
                params![format!("demo-{child}"), child, pid, source],
            )?;
            made += 1;
        }
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Filter;

    #[test]
    fn a_small_demo_store_is_marked_and_consistent() {
        let mut store = Store::open_in_memory().unwrap();
        let before = store.totals().unwrap().0;
        let s = generate(&mut store, 2_000, |_| {}).unwrap();
        assert_eq!(s.enterprises, 2_000);
        assert!(store.is_demo());
        let (e, p, d) = store.totals().unwrap();
        assert_eq!(e - before, 2_000);
        assert!(p > 0);
        assert!(d as u64 >= s.designations);
        // Every generated credit code validates, and forms were stored for search.
        let mut stmt = store
            .conn()
            .prepare("SELECT uscc, search_forms, name_norm, name FROM enterprises WHERE locator LIKE 'demo%'")
            .unwrap();
        let rows: Vec<(String, String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (code, forms, norm, name) in &rows {
            assert!(crate::model::uscc::Uscc::parse(code).is_ok(), "{code}");
            assert_eq!(norm, &normalize_name(name));
            assert_eq!(forms.lines().count(), 2, "{name}: {forms}");
        }
        // Facets see the generated data.
        let f = Filter::default();
        let types = store.facet(crate::store::Facet::Type, &f).unwrap();
        assert!(
            types
                .iter()
                .any(|v| v.label == "高新技术企业" && v.count > 0)
        );
    }

    #[test]
    fn generated_names_are_found_by_pinyin_initials() {
        let mut store = Store::open_in_memory().unwrap();
        generate(&mut store, 300, |_| {}).unwrap();
        let name: String = store
            .conn()
            .query_row(
                "SELECT name FROM enterprises WHERE locator = 'demo #7'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let index = crate::search::SearchIndex::new(store.search_candidates().unwrap());
        let initials = crate::search::pinyin::initials(&normalize_name(&name));
        let hits = index.search(&initials, 5);
        assert!(hits.iter().any(|h| h.name == name), "{name} / {initials}");
    }
}

//! Numbered schema migrations, keyed by `PRAGMA user_version`.
//!
//! Each entry of [`MIGRATIONS`] moves the schema from version `i` to `i + 1` and runs inside one
//! transaction together with the `user_version` bump, so a crash leaves the old version intact.
//! Never edit a released migration: add a new one.

use rusqlite::Connection;

use super::StoreError;

/// Migration `i` upgrades a store from `user_version = i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id     INTEGER PRIMARY KEY,
    code   TEXT NOT NULL UNIQUE,
    kind   TEXT NOT NULL CHECK (kind IN ('document', 'import', 'user')),
    title  TEXT NOT NULL,
    issuer TEXT,
    date   TEXT,
    file   TEXT
);

CREATE TABLE imports (
    id             INTEGER PRIMARY KEY,
    source_id      INTEGER NOT NULL REFERENCES sources(id),
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    sheet          TEXT,
    kind           TEXT NOT NULL,
    os_user        TEXT NOT NULL,
    at             TEXT NOT NULL,
    rows_total     INTEGER NOT NULL DEFAULT 0,
    rows_new       INTEGER NOT NULL DEFAULT 0,
    rows_changed   INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    rows_skipped   INTEGER NOT NULL DEFAULT 0,
    undone_at      TEXT,
    undone_by      TEXT
);

CREATE TABLE regions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    short_names TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES regions(id),
    code        TEXT,
    source_id   INTEGER REFERENCES sources(id),
    locator     TEXT
);

CREATE TABLE clusters (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    short_names TEXT NOT NULL DEFAULT '',
    parent_id   INTEGER REFERENCES clusters(id),
    tier        TEXT NOT NULL,
    source_id   INTEGER REFERENCES sources(id),
    locator     TEXT
);
CREATE INDEX clusters_parent ON clusters(parent_id);

CREATE TABLE parks (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    name_norm    TEXT NOT NULL UNIQUE,
    short_names  TEXT NOT NULL DEFAULT '',
    kind         TEXT NOT NULL,
    level        TEXT,
    region_id    INTEGER REFERENCES regions(id),
    parent_id    INTEGER REFERENCES parks(id),
    notes        TEXT NOT NULL DEFAULT '',
    search_forms TEXT NOT NULL DEFAULT '',
    source_id    INTEGER REFERENCES sources(id),
    locator      TEXT,
    import_id    INTEGER REFERENCES imports(id),
    updated_by   TEXT,
    updated_at   TEXT
);
CREATE INDEX parks_region ON parks(region_id);
CREATE INDEX parks_parent ON parks(parent_id);

CREATE TABLE park_clusters (
    park_id    INTEGER NOT NULL REFERENCES parks(id) ON DELETE CASCADE,
    cluster_id INTEGER NOT NULL REFERENCES clusters(id),
    PRIMARY KEY (park_id, cluster_id)
);

CREATE TABLE enterprises (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    name_norm    TEXT NOT NULL UNIQUE,
    name_is_full INTEGER NOT NULL DEFAULT 1,
    short_names  TEXT NOT NULL DEFAULT '',
    uscc         TEXT UNIQUE,
    region_id    INTEGER REFERENCES regions(id),
    park_id      INTEGER REFERENCES parks(id),
    scale        TEXT,
    notes        TEXT NOT NULL DEFAULT '',
    search_forms TEXT NOT NULL DEFAULT '',
    source_id    INTEGER REFERENCES sources(id),
    locator      TEXT,
    import_id    INTEGER REFERENCES imports(id),
    updated_by   TEXT,
    updated_at   TEXT
);
CREATE INDEX enterprises_region ON enterprises(region_id);
CREATE INDEX enterprises_park ON enterprises(park_id);
CREATE INDEX enterprises_import ON enterprises(import_id);

CREATE TABLE enterprise_clusters (
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    cluster_id    INTEGER NOT NULL REFERENCES clusters(id),
    PRIMARY KEY (enterprise_id, cluster_id)
);
CREATE INDEX enterprise_clusters_cluster ON enterprise_clusters(cluster_id);

CREATE TABLE designations (
    id            INTEGER PRIMARY KEY,
    enterprise_id INTEGER REFERENCES enterprises(id) ON DELETE CASCADE,
    park_id       INTEGER REFERENCES parks(id) ON DELETE CASCADE,
    type          TEXT NOT NULL,
    level         TEXT,
    grade         TEXT,
    year          INTEGER,
    batch         TEXT,
    status        TEXT,
    notes         TEXT NOT NULL DEFAULT '',
    source_id     INTEGER REFERENCES sources(id),
    locator       TEXT,
    import_id     INTEGER REFERENCES imports(id),
    updated_by    TEXT,
    updated_at    TEXT,
    CHECK ((enterprise_id IS NULL) <> (park_id IS NULL))
);
CREATE UNIQUE INDEX designations_unique ON designations(
    coalesce(enterprise_id, 0), coalesce(park_id, 0), type, coalesce(level, ''),
    coalesce(grade, ''), coalesce(year, 0));
CREATE INDEX designations_enterprise ON designations(enterprise_id);
CREATE INDEX designations_park ON designations(park_id);
CREATE INDEX designations_type ON designations(type, level, year);

CREATE TABLE targets (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    scope_region_id INTEGER REFERENCES regions(id),
    scope_park_id   INTEGER REFERENCES parks(id),
    period_start    INTEGER NOT NULL,
    period_end      INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('stock', 'new', 'recorded')),
    types           TEXT NOT NULL DEFAULT '',
    min_level       TEXT,
    count_lapsed    INTEGER NOT NULL DEFAULT 0,
    metric          TEXT,
    baseline        REAL,
    baseline_year   INTEGER,
    target          REAL,
    target_form     TEXT NOT NULL DEFAULT 'plain',
    qualifier       TEXT NOT NULL DEFAULT '',
    target_text     TEXT,
    unit            TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    source_id       INTEGER REFERENCES sources(id),
    locator         TEXT,
    import_id       INTEGER REFERENCES imports(id),
    updated_by      TEXT,
    updated_at      TEXT,
    CHECK (period_start <= period_end)
);

CREATE TABLE target_reports (
    id         INTEGER PRIMARY KEY,
    target_id  INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    value      REAL NOT NULL,
    as_of      TEXT,
    notes      TEXT NOT NULL DEFAULT '',
    source_id  INTEGER REFERENCES sources(id),
    locator    TEXT,
    import_id  INTEGER REFERENCES imports(id),
    updated_by TEXT,
    updated_at TEXT
);
CREATE INDEX target_reports_target ON target_reports(target_id);

-- Results a document reports that answer no target (shown beside the targets).
CREATE TABLE figures (
    id              INTEGER PRIMARY KEY,
    scope_region_id INTEGER REFERENCES regions(id),
    scope_park_id   INTEGER REFERENCES parks(id),
    period          TEXT NOT NULL,
    metric          TEXT NOT NULL,
    value           REAL NOT NULL,
    unit            TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    source_id       INTEGER REFERENCES sources(id),
    locator         TEXT
);

-- Every change made after seeding (import, edit, undo), with who and when; an import's rows
-- are undone by replaying its changes backwards.
CREATE TABLE changes (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    os_user   TEXT NOT NULL,
    import_id INTEGER REFERENCES imports(id),
    action    TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before    TEXT,
    after     TEXT
);
CREATE INDEX changes_import ON changes(import_id);
CREATE INDEX changes_entity ON changes(entity, entity_id);
"#,
    // 2: lists are ordered by the stored pinyin form (approximately pinyin order of the name);
    // an index makes each page of a 100 000-row list a range scan instead of a sort.
    r#"
CREATE INDEX enterprises_order ON enterprises(search_forms, id);
CREATE INDEX parks_order ON parks(search_forms, id);
"#,
    // 3: designation filters (type, level, year) probe each enterprise's designations; a
    // covering index answers the probe without reading the rows. It starts with
    // `enterprise_id`, so it replaces `designations_enterprise`.
    r#"
CREATE INDEX designations_holder ON designations(enterprise_id, type, level, year);
DROP INDEX designations_enterprise;
"#,
    // 4: the cluster facet counts members per cluster. Without a (cluster_id, enterprise_id)
    // index SQLite drove it from every enterprise and re-ran the cluster subtree for each
    // (32 s at 10 000 enterprises; 4.6 s with it). It replaces `enterprise_clusters_cluster`.
    r#"
CREATE INDEX enterprise_clusters_members ON enterprise_clusters(cluster_id, enterprise_id);
DROP INDEX enterprise_clusters_cluster;
"#,
    // 5: an import logs the rows it inserts as one entry per table, covering the rowids
    // `entity_id ..= last_id`, instead of one entry per row with a JSON copy of it: the rows
    // themselves (they carry `import_id`) are the after-image, and the first later update logs
    // its before-image. Per-row entries keep `last_id` NULL.
    r#"
ALTER TABLE changes ADD COLUMN last_id INTEGER;
CREATE INDEX changes_ranges ON changes(entity, last_id) WHERE last_id IS NOT NULL;
"#,
    // 6: a target's period can come from its article's context rather than from the target's
    // own words (an article dated by "2024年及今年一季度" setting this year's targets):
    // `period_note` says so, and is NULL when the document states the year with the target.
    // Stored pinyin forms spell ü as `v`, the way it is typed.
    // It also corrects seeded facts of earlier builds that the documents do not state (the
    // seed files were corrected alongside); rows a user or an import added are not touched.
    r#"
ALTER TABLE targets ADD COLUMN period_note TEXT;

-- Pinyin forms spell ü as typed: 绿 is "lv".
UPDATE enterprises SET search_forms = replace(search_forms, 'ü', 'v') WHERE instr(search_forms, 'ü') > 0;
UPDATE parks SET search_forms = replace(search_forms, 'ü', 'v') WHERE instr(search_forms, 'ü') > 0;

-- 普光: 国家级绿色化工园区 is its own list, not the ministry's 绿色工业园区.
UPDATE designations SET type = '绿色化工园区', notes = ''
 WHERE type = '绿色工业园区'
   AND park_id IN (SELECT id FROM parks WHERE name = '普光经济开发区')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D000');
-- On the cultivation list, not yet holders of the title.
UPDATE designations SET type = '特色产业园区培育名单',
       notes = '全省“5+1”现代产业体系特色产业园区培育名单（共7个园区）；省级特色产业园区尚待创建（见D001-T43）'
 WHERE type = '特色产业园区'
   AND park_id IN (SELECT id FROM parks WHERE name IN ('玄纤新材料产业园区', '锂钾综合开发产业园区'))
   AND source_id IN (SELECT id FROM sources WHERE code = 'D001');
-- A level read off a project's name only.
DELETE FROM designations
 WHERE type = '现代农业园区评定'
   AND park_id IN (SELECT id FROM parks WHERE name = '大竹县苎麻省级现代农业园区')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D001');
-- One recognition, dated 2024 by D002; D000's listing among 2025 results is in the note.
DELETE FROM designations
 WHERE type = '化工园区认定' AND year = 2025
   AND park_id IN (SELECT id FROM parks WHERE name = '斌郎化工园区')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D000');
UPDATE designations
   SET notes = '2024年与麻柳化工园区一同通过省政府认定；D000把“认定为省级化工园区”列在2025年成果中，两文年份不一，取D002的2024年'
 WHERE type = '化工园区认定' AND year = 2024
   AND park_id IN (SELECT id FROM parks WHERE name = '斌郎化工园区')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D002');
-- Parks a Dazhou document names as the city's own, county not stated: in 达州市, as their
-- enterprises are, so the city's targets count them.
UPDATE parks SET region_id = (SELECT id FROM regions WHERE name = '达州市')
 WHERE region_id IS NULL AND parent_id IS NULL
   AND source_id IN (SELECT id FROM sources WHERE code IN ('D000', 'D001', 'D002', 'D004'))
   AND name NOT IN ('万州国家级经开区', '“万达开”智能制造工业园区', '“万达开”绿色能源工业园区',
                    '三地现代医药产业园区');
-- Counts the store cannot compute: firms to incubate, and 规上 manufacturing only.
UPDATE targets SET kind = 'recorded', types = '', min_level = NULL,
       metric = CASE code WHEN 'D001-T33' THEN '规模以上制造业企业数'
                          WHEN 'D003-T97' THEN '重点孵化的规上工业企业数'
                          ELSE '重点孵化的高新技术企业数' END
 WHERE code IN ('D001-T33', 'D003-T97', 'D003-T98')
   AND source_id IN (SELECT id FROM sources WHERE code IN ('D001', 'D003'));
UPDATE targets SET period_note = CASE
        WHEN code IN ('D003-T39', 'D003-T40', 'D003-T41')
            THEN '文中未写年份；所在段落以“2025年，将持续深化招商引资”起首'
        WHEN code IN ('D003-T64', 'D003-T65')
            THEN '原文为“年内”；同篇有“计划2025年新增科技型企业”'
        WHEN code IN ('D003-T84', 'D003-T85', 'D003-T86', 'D003-T87', 'D003-T88')
            THEN '文中未写年份；同篇开头为“明确2025年发展目标”'
        WHEN code IN ('D003-T97', 'D003-T98', 'D003-T99')
            THEN '文中未写年份；同篇有“2025年，双桥工业园区将”'
        ELSE '文中未写年份；同篇“2024年及今年一季度”表明报道年为2025' END
 WHERE code IN ('D003-T01', 'D003-T02', 'D003-T05', 'D003-T09', 'D003-T10', 'D003-T11',
                'D003-T15', 'D003-T16', 'D003-T21', 'D003-T39', 'D003-T40', 'D003-T41',
                'D003-T64', 'D003-T65', 'D003-T84', 'D003-T85', 'D003-T86', 'D003-T87',
                'D003-T88', 'D003-T97', 'D003-T98', 'D003-T99')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D003');
"#,
];

/// The schema version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn user_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Apply every migration above the store's version, each in its own transaction.
/// Returns the version found before migrating.
pub fn migrate(conn: &mut Connection) -> Result<i64, StoreError> {
    let found = user_version(conn)?;
    if found > LATEST {
        return Err(StoreError::TooNew {
            found,
            supported: LATEST,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        // IMMEDIATE takes the write lock first; re-reading the version inside it means two
        // processes opening a new store at once do not both run the same migration.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if user_version(&tx)? > i as i64 {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(found)
}

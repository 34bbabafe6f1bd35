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
    // 7: corrects more seeded facts of earlier builds that the documents do not state, and adds
    // what they state but earlier builds left out (the seed files were corrected alongside).
    // A seeded row is known by its name and source, and a value is only changed while it still
    // holds what the earlier build seeded: values a user or an import set stay, and rows they
    // added are not touched. Nothing here changes a name or a short name of a park or an
    // enterprise, whose stored pinyin forms SQL cannot recompute; the one park added carries
    // its forms as the seed computes them (a test compares an upgraded store with a freshly
    // seeded one).
    r#"
-- Levels read off a park's name: a planned project, a park only approved for creation.
UPDATE parks SET level = NULL, notes = CASE notes
        WHEN '列为苎麻加工重大项目；级别取自园区名称' THEN '列为苎麻加工重大项目；名称含“省级”，级别文中未写'
        ELSE notes END
 WHERE name = '大竹县苎麻省级现代农业园区' AND level = '省级'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D001');
UPDATE parks SET level = NULL, notes = CASE notes
        WHEN '2024年获立项' THEN '2024年获立项；名称含“国家”，级别文中未写' ELSE notes END
 WHERE name = '大竹县国家现代农业产业园' AND level = '国家级'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D002');
UPDATE parks SET level = NULL, notes = CASE notes
        WHEN '规划依托数字经济产业园建设，含研发、高端零部件、试验、中小企业孵化；2022—2023年建设'
        THEN '规划依托数字经济产业园建设，含研发、高端零部件、试验、中小企业孵化；2022—2023年建设；名称含“市级”，为规划中园区，级别文中未写'
        ELSE notes END
 WHERE name = '达州市级传感器产业园' AND level = '市级'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D004');
-- A Dazhou park named as the city's own, county not stated (as migration 6 did for the rest).
UPDATE parks SET region_id = (SELECT id FROM regions WHERE name = '达州市')
 WHERE name = '哈创科技（达州）先进无人化装备产业园' AND region_id IS NULL
   AND source_id IN (SELECT id FROM sources WHERE code = 'D004');
-- D001 names 纺纱织布 among the industries this park carries.
INSERT OR IGNORE INTO park_clusters(park_id, cluster_id)
SELECT p.id, c.id FROM parks p, clusters c
 WHERE p.name = '川渝合作（达州·大竹）示范园区' AND c.key = '纺纱织布'
   AND p.source_id IN (SELECT id FROM sources WHERE code = 'D001')
   AND c.source_id IN (SELECT id FROM sources WHERE code = 'D001');
-- The short name 微玻纤新材料产业园区 corrects D001's misprint; the notes say so.
UPDATE parks SET notes = 'D001列为特色园区之一（原文误作“微波纤新材料产业园区”；简称另收更正后的“微玻纤新材料产业园区”以便检索）；D004：2022—2023年实施智慧化改造项目；两处名称主体一致，合并'
 WHERE name = '中国（普光）微玻纤新材料产业园'
   AND notes = 'D001列为特色园区之一（原文误作“微波纤新材料产业园区”）；D004：2022—2023年实施智慧化改造项目；两处名称主体一致，合并'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D004');
-- A planned park spanning cities (D002): no level, no region, like the other “万达开” parks.
INSERT INTO parks(name, name_norm, short_names, kind, notes, search_forms, source_id, locator)
SELECT '川渝万达开国家级高新区', '川渝万达开国家级高新区', '', '高新区',
       'D002 2025年任务：川渝万达开地区联动创建，尚未获批',
       'chuan yu wan da kai guo jia ji gao xin qu', id,
       '三、（四）持续不断推改革促开放；持续扩大开放合作'
  FROM sources WHERE code = 'D002'
   AND NOT EXISTS (SELECT 1 FROM parks WHERE name_norm = '川渝万达开国家级高新区');

-- Investors: where their project is does not say where they are.
UPDATE enterprises SET region_id = NULL, notes = CASE
        WHEN instr(notes, '；') = 0 AND notes LIKE '仅见于重大项目“%（达州）大竹%项目”'
        THEN notes || '；项目在大竹县，企业所在地文中未写' ELSE notes END
 WHERE name IN ('深圳甲乙古得科技', '广东呈林电子', '山西强力')
   AND region_id IN (SELECT id FROM regions WHERE name = '大竹县')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D001');
UPDATE enterprises SET region_id = NULL, notes = CASE notes
        WHEN '引进的龙头企业；开江县依托其重大项目布局玻璃基板上下游；一期项目在建'
        THEN '引进的龙头企业；开江县依托其重大项目布局玻璃基板上下游（项目在开江县，集团所在地文中未写）；一期项目在建'
        ELSE notes END
 WHERE name = '东旭集团'
   AND region_id IN (SELECT id FROM regions WHERE name = '开江县')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D004');
UPDATE enterprises SET region_id = NULL, notes = CASE notes
        WHEN '仅见于“中汽院大足试验基地”，区县取自基地名称；支持该基地打造智能网联汽车概念验证中心'
        THEN '仅见于“中汽院大足试验基地”（基地在大足区，中汽院所在地文中未写）；支持该基地打造智能网联汽车概念验证中心'
        ELSE notes END
 WHERE name = '中汽院'
   AND region_id IN (SELECT id FROM regions WHERE name = '大足区')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D003');
-- Not among the city's listed key enterprises: no region.
UPDATE enterprises SET region_id = NULL, notes = CASE notes
        WHEN '推动其天然气净化厂建设省级中试平台' THEN '推动其天然气净化厂建设省级中试平台；所在区县文中未写'
        ELSE notes END
 WHERE name = '中原油田普光分公司'
   AND region_id IN (SELECT id FROM regions WHERE name = '达州市')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D002');
-- Parks the text does not place them in.
UPDATE enterprises SET park_id = NULL, notes = CASE notes
        WHEN '光电产业链主；经开区推进其AI垂直大模型，双桥支持其打造产业大脑；文中另有盛泰半导体封测（盛泰封测）项目'
        THEN notes || '；所属园区文中未写（经开区、双桥工业园区两段均提及）' ELSE notes END
 WHERE name = '盛泰光电'
   AND park_id IN (SELECT id FROM parks WHERE name = '双桥工业园区')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D003');
UPDATE enterprises SET park_id = NULL, notes = CASE notes
        WHEN '重组后专用车产业链出现空窗' THEN '经开区专用车产业链针对其重组后的产业空窗延链补链；所属园区文中未写'
        ELSE notes END
 WHERE name = '上汽红岩'
   AND park_id IN (SELECT id FROM parks WHERE name = '大足区经开区')
   AND source_id IN (SELECT id FROM sources WHERE code = 'D003');
UPDATE enterprises SET notes = '本地企业，受鼓励建设万物感知互联平台；原文名称无“有限”字样'
 WHERE name = '达州市感知生活科技公司' AND notes = '本地企业，受鼓励建设万物感知互联平台'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D004');

-- Short names no document prints (a cluster's short names are not in any pinyin form).
UPDATE clusters SET short_names = '7大主导产业链'
 WHERE key = '七大主导产业' AND short_names = '7大主导产业链|七大主导产业链'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D000');
UPDATE clusters SET short_names = '大数据治理|大数据分析|数据交易'
 WHERE key = '其他数据服务' AND short_names = '大数据治理|大数据分析|大数据可视化|大数据安全|数据交易'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D004');
UPDATE clusters SET short_names = ''
 WHERE key = '液晶显示器（LCD）面板制造' AND short_names = 'LCD面板制造'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D004');

-- Where a target's year comes from when its own words do not state it.
UPDATE targets SET period_note = CASE
        WHEN code IN ('D000-T01', 'D000-T02', 'D000-T03', 'D000-T04', 'D000-T05')
            THEN '同段为“力争今年”；同篇为“2026年是‘十五五’规划开局之年”'
        WHEN code IN ('D000-T06', 'D000-T17')
            THEN '文中未写年份；同篇为“2026年是‘十五五’规划开局之年”'
        WHEN code IN ('D000-T15', 'D000-T16')
            THEN '原文为“全年”；同篇为“2026年是‘十五五’规划开局之年”'
        ELSE '同段以“今年”起首；同篇为“2026年是‘十五五’规划开局之年”' END
 WHERE code IN ('D000-T01', 'D000-T02', 'D000-T03', 'D000-T04', 'D000-T05', 'D000-T06',
                'D000-T07', 'D000-T08', 'D000-T09', 'D000-T10', 'D000-T11', 'D000-T12',
                'D000-T13', 'D000-T14', 'D000-T15', 'D000-T16', 'D000-T17')
   AND period_start = 2026 AND period_end = 2026 AND period_note IS NULL
   AND source_id IN (SELECT id FROM sources WHERE code = 'D000');
UPDATE targets SET period_note = CASE code
        WHEN 'D003-T80' THEN '原文为“年内”；所在段落有“2025年，经开区将启动”'
        WHEN 'D003-T101' THEN '原文为“年内”；同篇有“2025年，双桥工业园区将”'
        ELSE '原文为“年内”；同篇有“计划2025年新增科技型企业”' END
 WHERE code IN ('D003-T66', 'D003-T67', 'D003-T80', 'D003-T101')
   AND period_start = 2025 AND period_end = 2025 AND period_note IS NULL
   AND source_id IN (SELECT id FROM sources WHERE code = 'D003');

-- Figures the documents state that earlier builds left out.
WITH v(ord, scope, period, metric, value, unit, notes, source, locator) AS (VALUES
    (1, '达州市', '十三五', '培育“专精特新”“高成长型”“小巨人”企业数', 128, '户',
        '原文三类合计，未分类；是否为期末存量未写', 'D001', '一、发展基础 转型升级加速推进'),
    (2, '达州市', '十三五', '培育战略性新兴产业企业数', 74, '户',
        '原文“战略性新兴产业74户”；是否为期末存量未写', 'D001', '一、发展基础 转型升级加速推进'),
    (3, '达州市', '十三五', '创建国省重点实验室数', 1, '个',
        '国家级；原文“成功创建”', 'D001', '一、发展基础 转型升级加速推进'),
    (4, '达州市', '年份未写', '拥有国家、省、市企业技术中心的企业数', 86, '家',
        '原文“现有”，规划编制时现状，年份未写；占规上企业总数不到10%', 'D001',
        '二、机遇挑战（二）困难挑战 1.创新能力不足'),
    (5, '大足区', '截至2025-04', '承担省部级以上科技计划项目数', 160, '个',
        '原文“超160个”；2025年4月大会报道时的存量，统计时点未写', 'D003',
        '大足区科技局；近年来，大足区科技局'),
    (6, '大足区', '年份未写', '新增市级众创空间与孵化器数', 2, '个',
        '原文“新增”，未写年份；2025年4月大会所报', 'D003', '大足区科技局；近年来，大足区科技局'))
INSERT INTO figures(scope_region_id, period, metric, value, unit, notes, source_id, locator)
SELECT r.id, v.period, v.metric, v.value, v.unit, v.notes, s.id, v.locator
  FROM v JOIN sources s ON s.code = v.source JOIN regions r ON r.name = v.scope
 WHERE NOT EXISTS (SELECT 1 FROM figures f
                    WHERE f.source_id = s.id AND f.metric = v.metric AND f.period = v.period)
 ORDER BY v.ord;
"#,
    // 8: targets D004-T75…T84 were named after the plan's row label "其他县（市、区）", which
    // reads oddly under 达川区 or 达州高新区; they are named after what they count, as their
    // metric already said. Names a user changed are left alone.
    r#"
UPDATE targets SET name = '数字化效率提升试点打造数'
 WHERE code IN ('D004-T75', 'D004-T76', 'D004-T77', 'D004-T78', 'D004-T79', 'D004-T80',
                'D004-T81', 'D004-T82', 'D004-T83', 'D004-T84')
   AND name = '其他县（市、区）试点打造数'
   AND source_id IN (SELECT id FROM sources WHERE code = 'D004');
"#,
    // 9: 长 in a name reads cháng (长信, 长城), not zhǎng, unless a phrase says so (董事长);
    // the stored pinyin forms of names holding it are derived again, in Rust, in this
    // migration's transaction (see [`REDERIVE`]).
    r#"
SELECT 1;
"#,
];

/// Migrations after which stored pinyin forms are derived again (the reading of some
/// characters changed): the version, and the characters whose names need it.
const REDERIVE: &[(i64, &str)] = &[(9, "长")];

/// Derive again the stored pinyin forms of every enterprise and park whose name or short
/// name holds one of `chars`, as a write computes them now.
fn rederive_forms(tx: &rusqlite::Transaction, chars: &str) -> Result<(), StoreError> {
    let touched = |s: &str| s.chars().any(|c| chars.contains(c));
    for table in ["enterprises", "parks"] {
        let rows: Vec<(i64, String, String)> = tx
            .prepare(&format!("SELECT id, name, short_names FROM {table}"))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let mut update = tx.prepare(&format!(
            "UPDATE {table} SET search_forms = ?2 WHERE id = ?1"
        ))?;
        for (id, name, shorts) in rows {
            if touched(&name) || touched(&shorts) {
                let shorts = super::queries::split_names(&shorts);
                update.execute(rusqlite::params![
                    id,
                    crate::search::forms_for(&name, &shorts)
                ])?;
            }
        }
    }
    Ok(())
}

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
        for (_, chars) in REDERIVE.iter().filter(|(v, _)| *v == i as i64 + 1) {
            rederive_forms(&tx, chars)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(found)
}

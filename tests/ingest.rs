//! Spreadsheet import, `imports` and export, run as a user runs them: each test writes its
//! input file (xlsx with rust_xlsxwriter, CSV by hand; xls/ods/encrypted fixtures are committed
//! in tests/fixtures), runs the binary against a store in a temporary directory, and checks
//! what the user sees — message text, exit status — and that a refused import changed nothing.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rust_xlsxwriter::{Format, Formula, Workbook};
use tempfile::TempDir;
use yuanqi::model::uscc::Uscc;
use yuanqi::store::{OpenOptions, Store};

struct Env {
    dir: TempDir,
}

/// What a run printed and how it ended.
struct Run {
    code: i32,
    out: String,
    err: String,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.out, self.err)
    }
}

impl Env {
    fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        env.run(&["init"]);
        env
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Run {
        run_on(&self.db(), args)
    }

    fn import(&self, file: &Path, extra: &[&str]) -> Run {
        let mut args = vec!["import", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn store(&self) -> Store {
        Store::open(&self.db(), &OpenOptions::default()).unwrap()
    }

    fn count(&self, sql: &str) -> i64 {
        self.store()
            .conn()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }

    /// Every index of the store: (name, SQL).
    fn indexes(&self) -> Vec<(String, String)> {
        let store = self.store();
        let mut stmt = store
            .conn()
            .prepare("SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// (enterprises, parks, designations, imports, changes)
    fn counts(&self) -> (i64, i64, i64, i64, i64) {
        let s = self.store();
        s.conn()
            .query_row(
                "SELECT (SELECT count(*) FROM enterprises), (SELECT count(*) FROM parks),
                        (SELECT count(*) FROM designations), (SELECT count(*) FROM imports),
                        (SELECT count(*) FROM changes)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap()
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

/// Run the binary on the store at `db`, as user "tester" on a 200-column terminal.
fn run_on(db: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("yuanqi")
        .unwrap()
        .arg("--db")
        .arg(db)
        .args(args)
        .env("USER", "tester")
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn code(first17: &str) -> String {
    Uscc::complete(first17).unwrap().to_string()
}

/// A provincial list as offices receive it: a merged title row, a blank row, a header with
/// 序号 and 所属市（州）, a county merged down over two rows, full-width spaces inside a name,
/// a number stored as text, one row from another city, and a footnote.
fn provincial_list(path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("名单").unwrap();
    let title = Format::new().set_bold();
    ws.merge_range(
        0,
        0,
        0,
        4,
        "附件1：2024年第一批省级专精特新中小企业名单",
        &title,
    )
    .unwrap();
    for (c, h) in [
        "序号",
        "企业名称",
        "所属市（州）",
        "所属县（市、区）",
        "统一社会信用代码",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows: [(&str, &str, &str, String); 4] = [
        (
            "1",
            "四川　宣汉正原微玻纤有限公司",
            "达州市",
            code("91511722MA6ABCDE1"),
        ),
        ("2", "宣汉某某化工有限公司", "达州市", String::new()),
        ("3", "成都某某软件有限公司", "成都市", String::new()),
        ("4", "达州某某食品有限公司", "达州市", String::new()),
    ];
    for (i, (n, name, city, uscc)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, *n).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_string(r, 2, *city).unwrap();
        ws.write_string(r, 4, uscc).unwrap();
    }
    // 宣汉县 written once, merged down over the first two enterprises.
    ws.merge_range(3, 3, 4, 3, "宣汉县", &Format::new())
        .unwrap();
    ws.write_string(5, 3, "武侯区").unwrap();
    ws.write_string(6, 3, "达川区").unwrap();
    ws.write_string(8, 0, "注：排名不分先后").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn provincial_list_with_title_row_imports_and_reimport_changes_nothing() {
    let env = Env::new();
    let file = env.path("附件1.xlsx");
    provincial_list(&file);

    let r = env.import(&file, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("，工作表“名单”，表头在第 3 行"), "{}", r.out);
    assert!(
        r.out.contains("省级 专精特新中小企业 2024年 第一批"),
        "{}",
        r.out
    );
    assert!(r.out.contains("新增 3，变更 0，未变 0"), "{}", r.out);
    assert!(r.out.contains("成都市 1 行"), "{}", r.out);
    assert!(r.out.contains("导入#1"), "{}", r.out);
    // The full-width space inside the name is gone; the merged county reached both rows.
    assert_eq!(
        env.count(
            "SELECT count(*) FROM enterprises e JOIN regions r ON r.id = e.region_id
             WHERE r.name = '宣汉县' AND e.name IN ('四川宣汉正原微玻纤有限公司', '宣汉某某化工有限公司')"
        ),
        2
    );
    assert_eq!(
        env.count(
            "SELECT count(*) FROM designations WHERE type = '专精特新中小企业' AND level = '省级'
             AND year = 2024 AND batch = '第一批' AND import_id = 1"
        ),
        3
    );
    // Provenance: the profile says where the fact came from.
    let show = env.run(&["show", "宣汉某某化工有限公司"]);
    assert!(show.out.contains("导入#1"), "{}", show.all());

    let before = env.counts();
    let again = env.import(&file, &[]);
    assert_eq!(again.code, 0, "{}", again.all());
    assert!(
        again.out.contains("新增 0，变更 0，未变 3"),
        "{}",
        again.out
    );
    let after = env.counts();
    assert_eq!((before.0, before.2, before.4), (after.0, after.2, after.4));
}

#[test]
fn one_bad_row_writes_nothing_and_every_problem_is_listed() {
    let env = Env::new();
    let good = code("91511700MA6AAAAA1");
    let mut bad = good.clone();
    bad.pop();
    bad.push(if good.ends_with('0') { '1' } else { '0' });
    let csv = format!(
        "企业名称,统一社会信用代码,所属县（市、区）,产业集群\n\
         达州甲公司,{good},通川区,\n\
         达州乙公司,{bad},通川区,\n\
         达州丙公司,,宣汗县,\n"
    );
    let file = env.write("register.csv", csv.as_bytes());
    let before = env.counts();
    let r = env.import(&file, &[]);
    assert_eq!(r.code, 1);
    assert!(r.out.contains("第3行"), "{}", r.out);
    assert!(r.out.contains("统一社会信用代码"), "{}", r.out);
    assert!(r.out.contains("校验位"), "{}", r.out);
    assert!(r.out.contains(&bad), "{}", r.out);
    assert!(r.out.contains("第4行"), "{}", r.out);
    assert!(r.out.contains("最接近的有：宣汉县"), "{}", r.out);
    assert!(
        !r.out.contains("宣汉县、宣汉、"),
        "a short name is not offered as a second place: {}",
        r.out
    );
    assert!(r.err.contains("没有写入任何数据"), "{}", r.err);
    assert!(r.err.contains("--skip-invalid"), "{}", r.err);
    assert_eq!(env.counts(), before);

    let json = env.import(&file, &["--format", "json"]);
    assert_eq!(json.code, 1);
    let v: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(v["problems"].as_array().unwrap().len(), 2);
    assert_eq!(v["problems"][0]["row"], 3);
    assert_eq!(v["problems"][0]["header"], "统一社会信用代码");
    assert_eq!(v["written"], false);

    let skip = env.import(&file, &["--skip-invalid"]);
    assert_eq!(skip.code, 0, "{}", skip.all());
    assert!(skip.out.contains("新增 1，"), "{}", skip.out);
    assert!(skip.out.contains("已跳过 2 个有问题的行"), "{}", skip.out);
    assert_eq!(env.counts().0, before.0 + 1);
}

#[test]
fn dry_run_shows_each_change_and_writes_nothing() {
    let env = Env::new();
    let uscc = code("91511700MA6BBBBB2");
    let first = format!("企业名称,统一社会信用代码,所属县（市、区）\n达州丁公司,{uscc},通川区\n");
    let f1 = env.write("a.csv", first.as_bytes());
    assert_eq!(env.import(&f1, &[]).code, 0);

    // Same code, new name, a park and a cluster (by short name): an update, field by field.
    let second = format!(
        "企业名称,简称,统一社会信用代码,所属园区,产业集群\n达州丁科技有限公司,丁科技,{uscc},新材料产业园,能源化工产业\n"
    );
    let f2 = env.write("b.csv", second.as_bytes());
    let before = env.counts();
    let r = env.import(&f2, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.out
            .contains("企业名称：“达州丁公司” → “达州丁科技有限公司”"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("所属园区：“” → “达州高新区新材料产业园”"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("产业集群：“” → “能源化工产业集群”"),
        "{}",
        r.out
    );
    assert!(r.out.contains("新增 0，变更 1，未变 0"), "{}", r.out);
    assert!(r.out.contains("未写入任何数据"), "{}", r.out);
    assert_eq!(env.counts(), before);

    let w = env.import(&f2, &[]);
    assert_eq!(w.code, 0, "{}", w.all());
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE name = '达州丁科技有限公司' AND short_names = '丁科技' AND park_id IS NOT NULL"),
        1
    );
    // A list that names only the city does not blur the county already known.
    let city = env.write(
        "city.csv",
        "企业名称,所属县（市、区）\n达州丁科技有限公司,达州市\n".as_bytes(),
    );
    let c = env.import(&city, &[]);
    assert!(c.out.contains("新增 0，变更 0，未变 1"), "{}", c.out);
    // The search form is computed on write: pinyin initials find the new name.
    let s = env.run(&["search", "dzdkj"]);
    assert!(s.out.starts_with("达州丁科技有限公司"), "{}", s.all());
}

#[test]
fn ambiguous_short_names_and_unknown_parks_are_problems_not_guesses() {
    let env = Env::new();
    // An import no longer gives a short name someone holds, so a store where two enterprises
    // share one (written before that rule, or by hand) is made directly: the seeded
    // 四川达州钢铁集团公司 is 达钢 already.
    let setup = "企业名称\n达州钢管有限公司\n";
    assert_eq!(
        env.import(&env.write("s.csv", setup.as_bytes()), &[]).code,
        0
    );
    env.store()
        .conn()
        .execute(
            "UPDATE enterprises SET short_names = '达钢' WHERE name = '达州钢管有限公司'",
            [],
        )
        .unwrap();
    let csv = "企业名称,所属园区\n达钢,达州高新区\n达州某公司,达州高兴区\n";
    let before = env.counts();
    let r = env.import(&env.write("t.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1);
    assert!(r.out.contains("简称对应多家企业"), "{}", r.out);
    assert!(
        r.out.contains("四川达州钢铁集团公司") && r.out.contains("达州钢管有限公司"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("库中没有这个园区，最接近的有：达州高新"),
        "{}",
        r.out
    );
    assert_eq!(env.counts(), before);
}

#[test]
fn imports_are_listed_and_undone_as_one_transaction() {
    let env = Env::new();
    let base = env.counts();
    let a = "企业名称,所属县（市、区）\n达州戊公司,通川区\n达州己公司,达川区\n";
    assert_eq!(env.import(&env.write("a.csv", a.as_bytes()), &[]).code, 0);
    // The change log covers each inserted row once, with who and when; the rows carry the
    // import's id.
    assert_eq!(
        env.count(
            "SELECT count(*) FROM changes c JOIN enterprises e
               ON e.id BETWEEN c.entity_id AND coalesce(c.last_id, c.entity_id)
             WHERE c.import_id = 1 AND c.action = 'insert' AND c.entity = 'enterprises'
               AND c.os_user = 'tester' AND e.import_id = 1
               AND e.name IN ('达州戊公司', '达州己公司')"
        ),
        2
    );
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE import_id = 1"),
        2
    );
    let b = "企业名称,所属县（市、区）,备注\n达州戊公司,开江县,搬迁\n达州庚公司,渠县,\n";
    let r = env.import(&env.write("b.csv", b.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("新增 1，变更 1，未变 0"), "{}", r.out);

    let list = env.run(&["imports"]);
    assert!(
        list.out.contains("#2") && list.out.contains("b.csv"),
        "{}",
        list.out
    );
    assert!(list.out.contains("tester"), "{}", list.out);
    let json = env.run(&["imports", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.out).unwrap();
    assert_eq!(v[0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(v[0]["rows_new"], 1);

    // Undoing the older import first would lose the newer one's change: refused.
    let early = env.run(&["imports", "undo", "1"]);
    assert_eq!(early.code, 1);
    assert!(early.err.contains("导入#2"), "{}", early.err);

    let u = env.run(&["imports", "undo", "2"]);
    assert_eq!(u.code, 0, "{}", u.all());
    assert!(
        u.out.contains("删除 1 条新增的记录（企业 1）")
            && u.out.contains("恢复 1 条被修改的记录（企业 1）"),
        "{}",
        u.out
    );
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises e JOIN regions r ON r.id = e.region_id WHERE e.name = '达州戊公司' AND r.name = '通川区' AND e.notes = ''"),
        1
    );
    let again = env.run(&["imports", "undo", "2"]);
    assert_eq!(again.code, 1);
    assert!(
        again.err.contains("已于") && again.err.contains("撤销"),
        "{}",
        again.err
    );

    assert_eq!(env.run(&["imports", "undo", "1"]).code, 0);
    let now = env.counts();
    assert_eq!((now.0, now.1, now.2), (base.0, base.1, base.2));
    // What the undo deleted stays in the log, row by row, as it was.
    assert_eq!(
        env.count(
            "SELECT count(*) FROM changes WHERE import_id = 1 AND action = 'delete'
               AND entity = 'enterprises' AND os_user = 'tester'
               AND json_extract(before, '$.name') IN ('达州戊公司', '达州己公司')
               AND json_extract(before, '$.import_id') = 1"
        ),
        2
    );
    let missing = env.run(&["imports", "undo", "99"]);
    assert_eq!(missing.code, 1);
    assert!(
        missing.err.contains("没有编号为 99 的导入"),
        "{}",
        missing.err
    );
}

/// Inserted rows are logged a table at a time (one entry covering their rowids); every
/// inserted row must be covered exactly once, and undo must remove cluster links before the
/// enterprises they hang on.
#[test]
fn cluster_links_an_import_adds_are_logged_once_each_and_undone() {
    let env = Env::new();
    let links = "SELECT count(*) FROM enterprise_clusters";
    let (base, base_links) = (env.counts(), env.count(links));
    let csv = "企业名称,产业集群\n腾盾,玻纤产业\n达州辛公司,玄纤产业、化工\n";
    let r = env.import(&env.write("c.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("新增 1，变更 1"), "{}", r.out);
    assert_eq!(env.count(links), base_links + 3);
    // Every new link covered by exactly one insert entry, and no older link.
    assert_eq!(
        env.count(
            "SELECT count(*) FROM changes c JOIN enterprise_clusters l
               ON l.rowid BETWEEN c.entity_id AND coalesce(c.last_id, c.entity_id)
             WHERE c.import_id = 1 AND c.action = 'insert' AND c.entity = 'enterprise_clusters'"
        ),
        3
    );
    assert_eq!(
        env.count(
            "SELECT count(*) FROM enterprise_clusters WHERE rowid >= (SELECT entity_id FROM changes
               WHERE import_id = 1 AND entity = 'enterprise_clusters')"
        ),
        3
    );
    assert_eq!(
        env.count(
            "SELECT count(*) FROM changes WHERE import_id = 1 AND entity = 'enterprises'
             GROUP BY import_id HAVING sum(action = 'insert') = 1 AND sum(action = 'update') = 1"
        ),
        2
    );
    let u = env.run(&["imports", "undo", "1"]);
    assert_eq!(u.code, 0, "{}", u.all());
    // The message counts what it removed and restored by kind.
    assert!(
        u.out.contains(
            "删除 4 条新增的记录（企业 1、企业所属集群 3），恢复 1 条被修改的记录（企业 1）"
        ),
        "{}",
        u.out
    );
    assert_eq!(env.count(links), base_links);
    let now = env.counts();
    assert_eq!((now.0, now.1, now.2), (base.0, base.1, base.2));
}

/// The import reads rows on a second thread and plans them as they arrive; what it decides
/// must be exactly what planning the whole file read beforehand decides — across many
/// batches, with blank and footnote rows, duplicates, problems and file-level warnings.
#[test]
fn rows_planned_while_reading_match_rows_planned_after_reading() {
    use yuanqi::ingest::{ImportOptions, plan};
    let env = Env::new();
    let mut csv = String::from("企业名称,所属县（市、区）,不认识的列,产业集群\n");
    for i in 0..2600 {
        match i % 500 {
            7 => csv.push_str(",,,\n"),
            8 => csv.push_str("达州测试企业000001,通川区,,\n"),
            9 => csv.push_str(&format!("达州测试企业{i:06},不存在县,,\n")),
            10 => csv.push_str(&format!("腾盾{i},通川区,x,不存在的产业\n")),
            _ => csv.push_str(&format!("达州测试企业{i:06},达川区,,玻纤产业\n")),
        }
    }
    csv.push_str("注：以上排名不分先后,,,\n");
    let opts = ImportOptions {
        path: env.write("p.csv", csv.as_bytes()),
        ..ImportOptions::default()
    };
    let store = env.store();
    let streamed = plan::Plan::read_and_build(&store, &opts).unwrap();
    let parsed = plan::read_file(&opts).unwrap();
    let whole = plan::Plan::build(&store, parsed, &opts).unwrap();
    let outcomes = |p: &plan::Plan| -> Vec<String> {
        p.results
            .iter()
            .map(|r| format!("{} {} {:?} {:?}", r.row, r.name, r.outcome, r.changes))
            .collect()
    };
    assert_eq!(outcomes(&streamed), outcomes(&whole));
    assert_eq!(streamed.results.len(), 2600 - 6);
    assert!(streamed.problems.len() >= 15, "{:?}", streamed.problems);
    assert_eq!(streamed.problems, whole.problems);
    assert_eq!(streamed.warnings, whole.warnings);
    assert_eq!(streamed.parsed.passed_over, whole.parsed.passed_over);
    assert_eq!(streamed.parsed.passed_over, 6 + 1);
    assert_eq!(streamed.parsed.sha256, whole.parsed.sha256);
    assert_eq!(streamed.parsed.records.len(), whole.parsed.records.len());
    assert_eq!(streamed.enterprises.states, whole.enterprises.states);
}

#[test]
fn export_then_import_into_a_new_store_gives_the_same_data() {
    let env = Env::new();
    let parks = "园区名称,简称,园区类型,级别,所属县（市、区）,上级园区\n\
                 达州高新区金龙片区,金龙片区,特色产业园区,市级,通川区,达州高新区\n";
    let ents = format!(
        "企业名称,简称,统一社会信用代码,所属县（市、区）,所属园区,产业集群,规模,备注\n\
         达州辛材料有限公司,辛材料,{},通川区,金龙片区,新材料、能源化工,规上,\"含逗号,和引号\"\"\"\n\
         达州壬公司,,,达川区,,,,=SUM(A1)\n\
         达州癸公司,,,达川区,,,,-1+2\n\
         达州子公司,,,达川区,,,,-3\n",
        code("91511700MA6CCCCC3")
    );
    let des = "名称,主体类别,认定类型,级别,认定年份,批次,状态\n\
               达州辛材料有限公司,企业,专精特新“小巨人”,国家级,2023,第五批,\n\
               达州辛材料有限公司,企业,高新技术企业,,2022,,已撤销\n\
               达州辛材料有限公司,企业,5G工厂,国家级,2024,,\n\
               达州高新区金龙片区,园区,绿色工业园区,省级,2021,,\n";
    for (name, body, kind) in [
        ("p.csv", parks.to_string(), "parks"),
        ("e.csv", ents, "enterprises"),
        ("d.csv", des.to_string(), "designations"),
    ] {
        let r = env.import(&env.write(name, body.as_bytes()), &["--kind", kind]);
        assert_eq!(r.code, 0, "{name}: {}", r.all());
    }

    let other = Env::new();
    for (what, fmt) in [
        ("parks", "csv"),
        ("enterprises", "xlsx"),
        ("designations", "csv"),
    ] {
        let out = env.path(&format!("{what}.{fmt}"));
        let r = env.run(&["export", what, "-o", out.to_str().unwrap()]);
        assert_eq!(r.code, 0, "{}", r.all());
        let i = other.import(&out, &["--kind", what]);
        assert_eq!(i.code, 0, "{what}: {}", i.all());
    }
    for what in ["enterprises", "parks", "designations"] {
        let a = env.run(&["export", what, "--format", "json"]);
        let b = other.run(&["export", what, "--format", "json"]);
        let mut va: serde_json::Value = serde_json::from_str(&a.out).unwrap();
        let mut vb: serde_json::Value = serde_json::from_str(&b.out).unwrap();
        // Sources differ by import number only.
        for v in [&mut va, &mut vb] {
            strip_sources(v);
        }
        let (a, b) = (va.as_array().unwrap(), vb.as_array().unwrap());
        for (x, y) in a.iter().zip(b.iter()) {
            assert_eq!(x, y, "{what} differs after the round trip");
        }
        assert_eq!(
            a.len(),
            b.len(),
            "{what}: count differs after the round trip"
        );
    }
    // The JSON shape issue 2 asks for.
    let e = env.run(&["export", "enterprises", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&e.out).unwrap();
    let xin = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "达州辛材料有限公司")
        .unwrap();
    for key in [
        "name",
        "short_names",
        "uscc",
        "region",
        "park",
        "clusters",
        "designations",
    ] {
        assert!(xin.get(key).is_some(), "missing {key}");
    }
    assert_eq!(xin["park"], "达州高新区金龙片区");
    let d = &xin["designations"].as_array().unwrap();
    assert!(
        d.iter().any(|d| d["type"] == "专精特新“小巨人”"
            && d["level"] == "国家级"
            && d["year"] == 2023)
    );
    assert!(d.iter().any(|d| d["status"] == "已撤销"));
    let p = env.run(&["export", "parks", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&p.out).unwrap();
    let child = v
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "达州高新区金龙片区")
        .unwrap();
    assert_eq!(child["parent"], "达州高新区");
    for key in ["kind", "level", "region", "designations"] {
        assert!(child.get(key).is_some(), "missing {key}");
    }
    let d = env.run(&[
        "export",
        "designations",
        "--format",
        "json",
        "--designation",
        "绿色工业园区",
    ]);
    let v: serde_json::Value = serde_json::from_str(&d.out).unwrap();
    let list = v.as_array().unwrap();
    assert!(list.iter().all(|d| d["type"] == "绿色工业园区"));
    let jl = list
        .iter()
        .find(|d| d["holder"] == "达州高新区金龙片区")
        .unwrap();
    for key in ["holder", "type", "level", "year", "status", "source"] {
        assert!(jl.get(key).is_some(), "missing {key}");
    }
    assert_eq!(jl["source"], "导入#3");
}

/// The seeded cluster "光电显示组装零件、原材料" holds "、", the separator between clusters in a
/// cell: typed by hand or written by export, it must come back as that one cluster, not as two
/// unknown ones ("库中没有这个产业" while suggesting the very same name).
#[test]
fn cluster_whose_name_holds_the_list_separator_survives_export_and_import() {
    let env = Env::new();
    let csv = "企业名称,所属县（市、区）,产业集群\n\
               达州光显有限公司,通川区,光电显示组装零件、原材料、新材料\n";
    let r = env.import(&env.write("a.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    let clusters = |e: &Env| -> Vec<String> {
        let s = e.store();
        let mut stmt = s
            .conn()
            .prepare(
                "SELECT c.name FROM enterprise_clusters ec JOIN clusters c ON c.id = ec.cluster_id
                 JOIN enterprises e ON e.id = ec.enterprise_id
                 WHERE e.name = '达州光显有限公司' ORDER BY c.id",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mine = clusters(&env);
    assert_eq!(mine.len(), 2, "{mine:?}");
    assert!(
        mine.iter().any(|c| c == "光电显示组装零件、原材料"),
        "{mine:?}"
    );

    let other = Env::new();
    for fmt in ["csv", "xlsx"] {
        let out = env.path(&format!("e.{fmt}"));
        let x = env.run(&["export", "enterprises", "-o", out.to_str().unwrap()]);
        assert_eq!(x.code, 0, "{}", x.all());
        let dry = other.import(&out, &["--dry-run"]);
        assert_eq!(dry.code, 0, "{fmt}: {}", dry.all());
        assert!(!dry.all().contains("库中没有这个产业"), "{}", dry.all());
    }
    let i = other.import(&env.path("e.csv"), &[]);
    assert_eq!(i.code, 0, "{}", i.all());
    assert_eq!(clusters(&other), mine);
}

fn strip_sources(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("source");
            for (_, x) in m.iter_mut() {
                strip_sources(x);
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(strip_sources),
        _ => {}
    }
}

#[test]
fn csv_export_is_utf8_with_bom_by_default_and_gbk_on_request() {
    let env = Env::new();
    let csv = "企业名称,所属县（市、区）\n达州癸公司,渠县\n";
    assert_eq!(env.import(&env.write("a.csv", csv.as_bytes()), &[]).code, 0);
    let out = env.path("out.csv");
    assert_eq!(
        env.run(&["export", "enterprises", "-o", out.to_str().unwrap()])
            .code,
        0
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8_lossy(&bytes).contains("达州癸公司,,,渠县"));
    let gbk = env.path("gbk.csv");
    assert_eq!(
        env.run(&[
            "export",
            "enterprises",
            "--encoding",
            "gbk",
            "-o",
            gbk.to_str().unwrap()
        ])
        .code,
        0
    );
    let bytes = std::fs::read(&gbk).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK output must not be UTF-8"
    );
    let (text, bad) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
    assert!(!bad && text.contains("达州癸公司"));
    // And the GBK file imports back (detected without --encoding).
    let other = Env::new();
    let r = other.import(&gbk, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("新增 1"), "{}", r.out);
    assert!(r.out.contains("GBK"), "{}", r.out);
    // An option naming no county is a mistake in the command: exit 2.
    let unknown = env.run(&["export", "parks", "--county", "宣汗县"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.err.contains("最接近的有：宣汉县"),
        "{}",
        unknown.err
    );
}

#[test]
fn old_excel_and_opendocument_files_read_like_xlsx() {
    let env = Env::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let r = env.import(&fixtures.join("green_factories_2023.xls"), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("省级 绿色工厂 2023年"), "{}", r.out);
    assert!(r.out.contains("新增 2，变更 0，未变 0"), "{}", r.out);
    // The same list as .ods: same enterprises and designations, nothing new.
    let r = env.import(&fixtures.join("green_factories_2023.ods"), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("新增 0，变更 0，未变 2"), "{}", r.out);
}

#[test]
fn designation_from_options_applies_to_every_row() {
    let env = Env::new();
    let csv = "单位名称,县区\n达州子公司,宣汉\n达州丑公司,万源\n";
    let f = env.write("list.csv", csv.as_bytes());
    let none = env.import(&f, &["--kind", "designations"]);
    assert_eq!(none.code, 1);
    assert!(none.out.contains("--designation"), "{}", none.out);
    let r = env.import(
        &f,
        &[
            "--designation",
            "国家级专精特新小巨人",
            "--year",
            "2024",
            "--batch",
            "第六批",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        env.count("SELECT count(*) FROM designations WHERE type = '专精特新“小巨人”' AND level = '国家级' AND year = 2024 AND batch = '第六批'"),
        2
    );
    // A file merely named after a title, without a year, is not a list of that title.
    let named = env.write("专精特新企业.csv", csv.as_bytes());
    let r = env.import(&named, &["--dry-run"]);
    assert!(
        r.out.contains("按企业导入") && !r.out.contains("每行的认定"),
        "{}",
        r.out
    );
    let bad = env.import(&f, &["--designation", "优秀企业"]);
    assert_eq!(bad.code, 2, "an unknown --designation is a usage mistake");
    assert!(bad.err.contains("不是已知的认定类型"), "{}", bad.err);
}

/// A row of a designation list adds a designation and may also update its enterprise: the
/// report counts the records of each kind, not only the rows.
#[test]
fn the_report_counts_records_of_each_kind() {
    let env = Env::new();
    let f = env.write(
        "list.csv",
        "单位名称,县区\n达州子公司,宣汉\n达州丑公司,万源\n".as_bytes(),
    );
    let r = env.import(&f, &["--designation", "省级专精特新", "--year", "2024"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.out
            .contains("按记录：企业 新增 2、更新 0；认定 新增 2、更新 0"),
        "{}",
        r.out
    );
    // The next year's list: same enterprises, one moved county (written without its 区).
    let g = env.write(
        "list2.csv",
        "单位名称,县区\n达州子公司,通川\n达州丑公司,万源\n".as_bytes(),
    );
    let r = env.import(&g, &["--designation", "省级专精特新", "--year", "2025"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("结果：新增 2，变更 0"), "{}", r.out);
    assert!(
        r.out.contains("库中为“宣汉县”，将按文件改为“通川区”"),
        "a county moved is pointed out: {}",
        r.out
    );
    assert!(
        r.out
            .contains("按记录：企业 新增 0、更新 1；认定 新增 2、更新 0"),
        "{}",
        r.out
    );
}

#[test]
fn header_mapping_years_and_numbers_in_their_usual_spellings() {
    let env = Env::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["Name", "Region", "认定类型", "年度", "联系人"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("达州寅公司", "通川区", "省级绿色工厂", "2024年9月"),
        ("达州卯公司", "通川区", "省级绿色工厂", "2023.9"),
    ];
    for (i, (n, r, t, y)) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, *n).unwrap();
        ws.write_string(row, 1, *r).unwrap();
        ws.write_string(row, 2, *t).unwrap();
        ws.write_string(row, 3, *y).unwrap();
        ws.write_string(row, 4, "张三").unwrap();
    }
    ws.write_string(3, 0, "达州辰公司").unwrap();
    ws.write_string(3, 1, "通川区").unwrap();
    ws.write_string(3, 2, "省级绿色工厂").unwrap();
    // An Excel date cell (2022-09-01) and a year typed as a number.
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2022, 9, 1).unwrap();
    ws.write_datetime_with_format(3, 3, &date, &Format::new().set_num_format("yyyy-mm-dd"))
        .unwrap();
    ws.write_string(4, 0, "达州巳公司").unwrap();
    ws.write_string(4, 2, "省级绿色工厂").unwrap();
    ws.write_number(4, 3, 2021).unwrap();
    let f = env.path("english.xlsx");
    wb.save(&f).unwrap();
    let r = env.import(&f, &["--map", "联系人=notes"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!r.out.contains("这些列不认识"), "{}", r.out);
    let years: Vec<i64> = {
        let s = env.store();
        let mut st = s
            .conn()
            .prepare("SELECT year FROM designations WHERE type = '绿色工厂' ORDER BY year")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(years, vec![2021, 2022, 2023, 2024]);
}

#[test]
fn formulas_use_their_saved_value_and_are_rejected_without_one() {
    let env = Env::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "企业名称").unwrap();
    ws.write_string(0, 1, "所属县（市、区）").unwrap();
    ws.write_formula(
        1,
        0,
        Formula::new("=\"达州\"&\"午公司\"").set_result("达州午公司"),
    )
    .unwrap();
    ws.write_string(1, 1, "通川区").unwrap();
    let ok = env.path("ok.xlsx");
    wb.save(&ok).unwrap();
    let r = env.import(&ok, &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE name = '达州午公司'"),
        1
    );

    // rust_xlsxwriter always saves a result, so this one is a committed fixture.
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formula_no_value.xlsx");
    let before = env.counts();
    let r = env.import(&bad, &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.out.contains("公式"), "{}", r.out);
    assert!(r.out.contains("没有保存计算结果"), "{}", r.out);
    assert!(r.out.contains("第3行"), "{}", r.out);
    assert!(
        !r.out.contains("缺少名称"),
        "one problem per cell: {}",
        r.out
    );
    assert_eq!(env.counts(), before);
}

#[test]
fn broken_files_get_a_plain_message_and_leave_the_store_alone() {
    let env = Env::new();
    let before = env.counts();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");

    let empty = env.write("empty.xlsx", b"");
    let r = env.import(&empty, &[]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("是空的"), "{}", r.err);

    let pdf = env.write("名单.pdf", b"%PDF-1.4");
    let r = env.import(&pdf, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains("不支持“.pdf”") && r.err.contains("另存为"),
        "{}",
        r.err
    );

    // A real workbook cut off halfway, as an interrupted download leaves it.
    let whole = env.path("whole.xlsx");
    provincial_list(&whole);
    let bytes = std::fs::read(&whole).unwrap();
    let cut = env.write("cut.xlsx", &bytes[..bytes.len() / 2]);
    let r = env.import(&cut, &[]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("已损坏或不完整"), "{}", r.err);

    let fake = env.write("fake.xlsx", "企业名称\n达州\n".as_bytes());
    let r = env.import(&fake, &[]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("已损坏或不完整"), "{}", r.err);

    let r = env.import(&fixtures.join("password_1234.xlsx"), &[]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("设置了打开密码"), "{}", r.err);

    let noheader = env.write("x.csv", "日期,金额\n2024-01-01,3\n".as_bytes());
    let r = env.import(&noheader, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains("没有找到表头") && r.err.contains("--map"),
        "{}",
        r.err
    );

    // A sheet the workbook lacks is a usage mistake (exit 2), with the sheets it has.
    let r = env.import(&whole, &["--sheet", "Sheet9"]);
    assert_eq!(r.code, 2);
    assert!(
        r.err.contains("没有名为“Sheet9”的工作表") && r.err.contains("名单"),
        "{}",
        r.err
    );

    // Bytes that are neither UTF-8 nor Chinese GBK text.
    let mut junk = "企业名称\n".as_bytes().to_vec();
    junk.extend_from_slice(&[0xff, 0xfe, 0x80, 0x81, b'\n']);
    let junk = env.write("junk.csv", &junk);
    let r = env.import(&junk, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.err.contains("不是 UTF-8") && r.err.contains("--encoding gbk"),
        "{}",
        r.err
    );

    let r = env.import(&empty, &["--encoding", "latin9"]);
    assert_eq!(r.code, 2, "an unknown --encoding is a usage mistake");

    assert_eq!(env.counts(), before);
}

#[test]
fn a_gbk_csv_is_detected_and_the_override_works() {
    let env = Env::new();
    let (bytes, _, _) = encoding_rs::GBK.encode("企业名称,所属县（市、区）\n达州申公司,大竹县\n");
    let f = env.write("gbk.csv", &bytes);
    let r = env.import(&f, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("达州申公司"), "{}", r.out);
    // The report names the encoding it read; a CSV file has no worksheet to name.
    // Recognised, not given: the first line says so once, with the way out; no reminder
    // repeats it.
    assert!(
        r.out.starts_with(
            "文件 gbk.csv，CSV，GBK 编码（不是 UTF-8，自动识别为 GBK；如有乱码请用 --encoding 指定），表头在第 1 行"
        ),
        "{}",
        r.out
    );
    assert!(!r.out.contains("提醒"), "{}", r.out);
    let r = env.import(&f, &["--encoding", "gbk"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.out
            .starts_with("文件 gbk.csv，CSV，GBK 编码，表头在第 1 行"),
        "{}",
        r.out
    );
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE name = '达州申公司'"),
        1
    );
    // Forcing UTF-8 on it fails with the hint.
    let r = env.import(&f, &["--encoding", "utf-8"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("--encoding gbk"), "{}", r.err);
}

#[test]
fn hostile_text_is_cleaned_warned_about_and_never_merged_silently() {
    let env = Env::new();
    let setup = "企业名称\n达州酉集团有限公司\n";
    assert_eq!(
        env.import(&env.write("s.csv", setup.as_bytes()), &[]).code,
        0
    );
    let before = env.counts();
    // A name that equals an existing one once its zero-width space is removed.
    let csv = "企业名称\n达州酉集团\u{200b}有限公司\n";
    let r = env.import(&env.write("h.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.out.contains("隐藏字符") && r.out.contains("防误合并"),
        "{}",
        r.out
    );
    assert_eq!(env.counts(), before);

    // Within one file too, whichever of the two rows came first.
    let csv = "企业名称,认定类型,认定年份\n达州乙\u{200d}集团有限公司,绿色工厂,2024\n达州乙集团有限公司,5G工厂,2024\n";
    let r = env.import(&env.write("h2.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.out.contains("第3行") && r.out.contains("防误合并"),
        "{}",
        r.out
    );
    assert_eq!(env.counts(), before);

    // Escape sequences and bidi controls in a new name: cleaned, warned, stored clean.
    let csv = "企业名称\n达州\u{1b}[31m戌\u{202e}公司\u{1b}]0;pwn\u{7}\n";
    let r = env.import(&env.write("e.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("已清除"), "{}", r.out);
    assert!(!r.out.contains('\u{1b}') && !r.out.contains('\u{202e}'));
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE name = '达州戌公司'"),
        1
    );
}

#[test]
fn duplicate_rows_and_oversized_cells_are_reported() {
    let env = Env::new();
    let before = env.counts();
    let big = "长".repeat(1024 * 1024 / 3);
    let csv = format!("企业名称,备注\n达州亥公司,\n达州 亥公司,\n达州另一公司,{big}\n");
    let r = env.import(&env.write("d.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1);
    assert!(r.out.contains("与第 2 行是同一家企业"), "{}", r.out);
    assert!(r.out.contains("单元格内容过长"), "{}", r.out);
    assert!(r.out.len() < 20_000, "the huge cell must not be echoed");
    assert_eq!(env.counts(), before);
}

#[test]
fn a_hundred_thousand_rows_import_in_one_go() {
    let env = Env::new();
    let mut csv = String::from("序号,企业名称,所属县（市、区）\n");
    for i in 0..100_000 {
        csv.push_str(&format!("{i},达州测试企业{i:06}有限公司,通川区\n"));
    }
    let f = env.write("big.csv", csv.as_bytes());
    let before = env.indexes();
    let r = env.import(&f, &["--quiet"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("新增 100000，变更 0，未变 0"), "{}", r.out);
    // A write this large sets the plain indexes aside: afterwards the store has every index it
    // had, sound, and still in WAL mode.
    assert_eq!(env.indexes(), before);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let pragma = |sql: &str| -> String { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(pragma("PRAGMA integrity_check"), "ok");
    assert_eq!(pragma("PRAGMA journal_mode"), "wal");
    assert_eq!(
        env.count(
            "SELECT count(*) FROM enterprises INDEXED BY enterprises_region
             WHERE region_id = (SELECT id FROM regions WHERE name = '通川区') AND import_id = 1"
        ),
        100_000
    );
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE import_id = 1"),
        100_000
    );
    // Logged as one entry covering the inserted rows, not 100 000 copies of them.
    assert_eq!(
        env.count(
            "SELECT sum(last_id - entity_id + 1) FROM changes
             WHERE import_id = 1 AND action = 'insert' AND entity = 'enterprises'"
        ),
        100_000
    );
    assert_eq!(
        env.count("SELECT count(*) FROM changes WHERE import_id = 1"),
        1
    );
}

/// A designation list large enough for the bulk path: its designations' indexes are set aside
/// and rebuilt, and undoing it leaves the store as it was.
#[test]
fn a_large_designation_list_keeps_every_index_and_undoes_cleanly() {
    let env = Env::new();
    let before = env.indexes();
    let counts = env.counts();
    let mut csv = String::from("单位名称,县区\n");
    for i in 0..12_000 {
        csv.push_str(&format!("达州认定测试企业{i:05}有限公司,宣汉\n"));
    }
    let f = env.write("list.csv", csv.as_bytes());
    let r = env.import(
        &f,
        &["--designation", "省级专精特新", "--year", "2024", "--quiet"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(env.indexes(), before);
    assert_eq!(
        env.count(
            "SELECT count(*) FROM designations INDEXED BY designations_type
             WHERE type = '专精特新中小企业' AND level = '省级' AND year = 2024 AND import_id = 1"
        ),
        12_000
    );
    let undo = env.run(&["imports", "undo", "1"]);
    assert_eq!(undo.code, 0, "{}", undo.all());
    assert_eq!(env.indexes(), before);
    let (e, p, d, _, _) = env.counts();
    assert_eq!((e, p, d), (counts.0, counts.1, counts.2));
}

/// An import never writes over a change it did not see: when another user commits between the
/// import reading the store and writing to it, the write is refused with nothing written, and
/// importing again checks the file against the store as it now is.
#[test]
fn a_change_committed_while_an_import_checks_its_file_is_not_written_over() {
    use yuanqi::ingest::{ImportOptions, IngestError, apply, plan::Plan};
    let env = Env::new();
    let f = env.write(
        "mine.csv",
        "企业名称,所属县（市、区）\n达州并发测试甲有限公司,通川区\n达州并发测试乙有限公司,通川区\n"
            .as_bytes(),
    );
    let opts = ImportOptions {
        path: f.clone(),
        ..Default::default()
    };
    let mut store = env.store();
    let plan = Plan::read_and_build(&store, &opts).unwrap();
    // Meanwhile another user imports 甲, in 渠县.
    let theirs = env.write(
        "theirs.csv",
        "企业名称,所属县（市、区）\n达州并发测试甲有限公司,渠县\n".as_bytes(),
    );
    assert_eq!(env.import(&theirs, &[]).code, 0);
    let written = apply::apply(&mut store, &plan, &opts);
    assert!(
        matches!(written, Err(IngestError::StoreChanged)),
        "{written:?}"
    );
    let count = |name: &str| {
        env.count(&format!(
            "SELECT count(*) FROM enterprises WHERE name = '{name}'"
        ))
    };
    assert_eq!(
        (
            count("达州并发测试甲有限公司"),
            count("达州并发测试乙有限公司")
        ),
        (1, 0)
    );
    // Importing again plans against their row: 甲 is theirs, moved to 通川区 as an update.
    let report = yuanqi::ingest::import(&mut store, &opts).unwrap();
    assert_eq!((report.counts.new, report.counts.changed), (1, 1));
    assert_eq!(
        (
            count("达州并发测试甲有限公司"),
            count("达州并发测试乙有限公司")
        ),
        (1, 1)
    );
}

#[test]
fn a_file_over_the_row_limit_is_refused_with_advice_to_split_it() {
    let env = Env::new();
    let before = env.counts();
    let mut csv = String::from("企业名称\n");
    for i in 0..=yuanqi::ingest::MAX_ROWS {
        csv.push_str(&format!("达州超限企业{i}\n"));
    }
    let r = env.import(&env.write("huge.csv", csv.as_bytes()), &["--quiet"]);
    assert_eq!(r.code, 1);
    assert!(r.err.contains("拆分"), "{}", r.err);
    assert_eq!(env.counts(), before);
}

mod properties {
    //! Bounded property tests over the cleaners and the reader: whatever comes in, nothing
    //! panics, nothing hostile survives, and cleaning is stable.

    use proptest::prelude::*;
    use yuanqi::ingest::{encoding, header, normalize, read};

    const ESC: char = '\u{1b}';
    const REPLACEMENT: char = '\u{fffd}';

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn cleaned_names_hold_nothing_hostile_and_clean_again_to_themselves(s in "\\PC{0,40}|[\\x00-\\x1f\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}a-z达钢 　]{0,40}") {
            let (name, _) = normalize::clean_name(&s);
            prop_assert!(!yuanqi::model::text::has_hostile(&name));
            prop_assert!(!name.contains(ESC), "escape survived in {:?}", name);
            prop_assert_eq!(normalize::clean_name(&name).0, name);
        }

        #[test]
        fn year_header_and_title_parsers_never_panic(s in "\\PC{0,30}") {
            let _ = normalize::parse_year(&read::Cell::Text(s.clone()));
            let _ = header::header_key(&s);
            let _ = normalize::designation_in_title(&s);
        }

        #[test]
        fn any_bytes_either_decode_or_give_a_message(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            match encoding::decode(bytes, None, "x.csv") {
                Ok(d) => prop_assert!(
                    d.encoding == encoding::Encoding::Utf8 || !d.text.contains(REPLACEMENT),
                    "a guessed GBK decoding must be clean"
                ),
                Err(e) => prop_assert!(e.to_string().contains("编码")),
            }
        }

        #[test]
        fn any_csv_bytes_read_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("f.csv");
            std::fs::write(&p, &bytes).unwrap();
            if let Ok(mut wb) = read::Workbook::open(&p, None) {
                let sheet = wb.sheet_names()[0].clone();
                let _ = read::head_rows(&mut wb, &sheet, 50);
            }
        }

        #[test]
        fn any_bytes_named_xlsx_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 1..300)) {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("f.xlsx");
            let mut b = b"PK\x03\x04".to_vec();
            b.extend_from_slice(&bytes);
            std::fs::write(&p, &b).unwrap();
            if let Err(e) = read::Workbook::open(&p, None) {
                prop_assert!(e.to_string().contains("损坏"), "{}", e);
            }
        }
    }
}

/// An enterprise an import added that a later import gave a designation (without changing
/// the enterprise itself) cannot be undone alone; once the later import is undone, it can.
#[test]
fn undo_refuses_while_a_later_import_hangs_on_its_rows() {
    let env = Env::new();
    let base = env.counts();
    let a = "企业名称,所属县（市、区）\n达州寅公司,通川区\n达州卯公司,达川区\n";
    assert_eq!(env.import(&env.write("a.csv", a.as_bytes()), &[]).code, 0);
    let d = "单位名称\n达州卯公司\n";
    let r = env.import(
        &env.write("d.csv", d.as_bytes()),
        &["--designation", "国家级专精特新小巨人", "--year", "2024"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let early = env.run(&["imports", "undo", "1"]);
    assert_eq!(early.code, 1, "{}", early.all());
    assert!(early.err.contains("请先撤销较新的导入"), "{}", early.err);
    assert_eq!(env.counts().0, base.0 + 2, "a refused undo changes nothing");
    assert_eq!(env.run(&["imports", "undo", "2"]).code, 0);
    assert_eq!(env.run(&["imports", "undo", "1"]).code, 0);
    let now = env.counts();
    assert_eq!((now.0, now.1, now.2), (base.0, base.1, base.2));
}

/// Stores written before migration 5 logged each inserted row on its own; undo still
/// replays such a log.
#[test]
fn an_import_logged_row_by_row_is_still_undone() {
    let env = Env::new();
    let base = env.counts();
    let a = "企业名称,所属县（市、区）\n达州辰公司,通川区\n达州巳公司,达川区\n达州午公司,渠县\n";
    assert_eq!(env.import(&env.write("a.csv", a.as_bytes()), &[]).code, 0);
    {
        let store = env.store();
        let c = store.conn();
        let (lo, hi): (i64, i64) = c
            .query_row(
                "SELECT entity_id, last_id FROM changes WHERE import_id = 1 AND entity = 'enterprises'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(hi - lo, 2);
        c.execute_batch(&format!(
            "INSERT INTO changes(at, os_user, import_id, action, entity, entity_id)
               SELECT c.at, c.os_user, c.import_id, c.action, c.entity, e.id FROM changes c
               JOIN enterprises e ON e.id BETWEEN {lo} AND {hi}
               WHERE c.import_id = 1 AND c.entity = 'enterprises';
             DELETE FROM changes WHERE last_id IS NOT NULL;"
        ))
        .unwrap();
    }
    let u = env.run(&["imports", "undo", "1"]);
    assert_eq!(u.code, 0, "{}", u.all());
    assert!(u.out.contains("删除 3 条"), "{}", u.out);
    let now = env.counts();
    assert_eq!((now.0, now.1, now.2), (base.0, base.1, base.2));
}

/// A list with a 认定类型 column where one row leaves it empty: the report says the cell is
/// empty, not that the column is missing.
#[test]
fn an_empty_designation_cell_is_reported_as_empty() {
    let env = Env::new();
    let csv = "企业名称,所属县（市、区）,认定类型,级别,认定年份\n\
               达州子公司,通川区,专精特新中小企业,省级,2024\n\
               达州丑公司,达川区,,省级,2024\n";
    let r = env.import(&env.write("list.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.out.contains("“认定类型”是空的"), "{}", r.out);
    assert!(!r.out.contains("表中没有“认定类型”列"), "{}", r.out);
}

/// When nothing is left to write (every row unchanged, or every row skipped as invalid), the
/// report says the store was left as it was and no import was recorded; skipping every row
/// is a data problem.
#[test]
fn an_import_with_nothing_to_write_says_so() {
    let env = Env::new();
    let ok = "企业名称,所属县（市、区）\n达州辰公司,通川区\n";
    let f = env.write("a.csv", ok.as_bytes());
    assert_eq!(env.import(&f, &[]).code, 0);
    let again = env.import(&f, &[]);
    assert_eq!(again.code, 0, "{}", again.all());
    assert!(again.out.contains("没有需要写入的内容"), "{}", again.out);
    let bad = "企业名称,所属县（市、区）\n,通川区\n达州巳公司,宣汗县\n";
    let r = env.import(&env.write("b.csv", bad.as_bytes()), &["--skip-invalid"]);
    // Every row skipped: nothing imported, a data problem (exit 1).
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.err.contains("每一行都有问题"), "{}", r.err);
    assert!(r.out.contains("已跳过 2 个有问题的行"), "{}", r.out);
    assert!(r.out.contains("没有需要写入的内容"), "{}", r.out);
    assert_eq!(env.count("SELECT count(*) FROM imports"), 1);
    // Two problems in one row: the problem list says how many rows they are in, as the
    // summary counts rows.
    let two = "企业名称,所属县（市、区）,统一社会信用代码\n达州午公司,宣汗县,915100000000000001\n";
    let r = env.import(&env.write("c.csv", two.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.out.contains("问题（2 个，在 1 行）"), "{}", r.out);
}

/// A seeded enterprise an import changes keeps its document source in the profile, with the
/// import named as what changed it, not the import followed by the document's locator.
#[test]
fn a_changed_seed_enterprise_names_its_document_and_the_import_that_changed_it() {
    let env = Env::new();
    let csv = "企业名称,规模\n四川达州钢铁集团公司,大型\n";
    let r = env.import(&env.write("a.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("变更 1"), "{}", r.out);
    let show = env.run(&["show", "达钢"]);
    let source = show
        .out
        .lines()
        .find(|l| l.trim_start().starts_with("来源："))
        .unwrap_or_default()
        .to_string();
    assert!(source.contains("来源：D00"), "{}", show.out);
    assert!(source.contains("经导入#1修改"), "{}", show.out);
    assert!(!source.contains("来源：导入#1"), "{}", show.out);
}

#[test]
fn export_to_dash_writes_standard_output_and_no_file_named_dash() {
    let env = Env::new();
    let run = |args: &[&str]| {
        Command::cargo_bin("yuanqi")
            .unwrap()
            .current_dir(env.dir.path())
            .arg("--db")
            .arg(env.db())
            .args(args)
            .output()
            .unwrap()
    };
    for (format, starts) in [
        ("csv", "\u{feff}企业名称".as_bytes()),
        ("json", b"[".as_slice()),
        ("xlsx", b"PK".as_slice()),
    ] {
        let out = run(&["export", "enterprises", "--format", format, "-o", "-"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format}: {err}");
        assert!(
            out.stdout.starts_with(starts),
            "{format}: {:?}",
            &out.stdout[..out.stdout.len().min(20)]
        );
        assert!(err.contains("条到标准输出"), "{format}: {err}");
        assert!(!env.path("-").exists(), "{format} wrote a file named -");
    }
    let out = run(&["export", "parks", "-o", "-"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("园区名称"));
}

#[test]
fn gbk_export_refuses_a_character_gbk_lacks_and_gb18030_writes_it() {
    let env = Env::new();
    let csv = "企业名称,所属县（市、区）\n达州刘䶮科技有限公司,渠县\n";
    assert_eq!(env.import(&env.write("a.csv", csv.as_bytes()), &[]).code, 0);
    let gbk = env.path("gbk.csv");
    let r = env.run(&[
        "export",
        "enterprises",
        "--encoding",
        "gbk",
        "-o",
        gbk.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.all());
    for says in [
        "达州刘䶮科技有限公司",
        "“企业名称”列",
        "“䶮”",
        "--encoding gb18030",
    ] {
        assert!(r.err.contains(says), "{says}: {}", r.err);
    }
    assert!(!gbk.exists(), "nothing written");

    let gb = env.path("gb18030.csv");
    let r = env.run(&[
        "export",
        "enterprises",
        "--encoding",
        "gb18030",
        "-o",
        gb.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.all());
    let bytes = std::fs::read(&gb).unwrap();
    let (text, bad) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
    assert!(!bad && text.contains("达州刘䶮科技有限公司"), "{text}");
    let r = env.import(&gb, &["--encoding", "gb18030"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("新增 0，变更 0"), "{}", r.out);
}

#[test]
fn a_blank_line_between_title_and_header_keeps_the_header_line_number() {
    for (ending, blank_lines) in [("\n", 1), ("\r\n", 1), ("\n", 3)] {
        let env = Env::new();
        let blank = ending.repeat(blank_lines);
        let csv = format!(
            "2024年企业名单{ending}{blank}企业名称,统一社会信用代码{ending}达州甲公司,91511700MA6ABCDE15{ending}"
        );
        let f = env.write("blank.csv", csv.as_bytes());
        let r = env.import(&f, &["--dry-run"]);
        let header = 2 + blank_lines;
        assert!(
            r.all().contains(&format!("表头在第 {header} 行")),
            "{ending:?} x{blank_lines}: {}",
            r.all()
        );
        assert!(
            r.all().contains(&format!("第{}行", header + 1)),
            "{ending:?} x{blank_lines}: the bad code is on the next line: {}",
            r.all()
        );
    }
}

#[test]
fn encoding_and_empty_file_messages_say_what_is_true() {
    let env = Env::new();
    let f = env.write(
        "utf8.csv",
        "企业名称,所属县（市、区）\n达州申公司,大竹县\n".as_bytes(),
    );
    let r = env.import(&f, &["--encoding", "gbk"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(r.err.contains("按 GBK 编码无法解读"), "{}", r.err);
    assert!(r.err.contains("--encoding utf-8"), "{}", r.err);
    assert!(
        !r.err.contains("--encoding gbk"),
        "suggests the encoding that failed: {}",
        r.err
    );

    for (name, text) in [
        ("blank.csv", "\n\n   \n"),
        ("commas.csv", "\u{feff},,\r\n\r\n ,\t,\r\n"),
    ] {
        let f = env.write(name, text.as_bytes());
        let r = env.import(&f, &[]);
        assert_eq!(r.code, 1, "{name}: {}", r.all());
        assert!(r.err.contains("没有内容"), "{name}: {}", r.err);
        assert!(!r.err.contains("表头"), "{name}: {}", r.err);
    }
}

/// A short name is how officers look an enterprise up (达钢 → 四川达州钢铁集团公司): a row
/// giving one that another enterprise or park already answers to — in the store or on an
/// earlier row — is a problem naming the holder, so `show 达钢` keeps opening the right one.
#[test]
fn a_short_name_someone_else_holds_is_a_problem_naming_the_holder() {
    let env = Env::new();
    let before = env.counts();
    let csv = "企业名称,所属县（市、区）,简称\n\
               达州鸿汇科技有限公司,,达钢\n\
               达州华川车辆制造有限公司,通川区,华川\n\
               达州华川汽配有限公司,通川区,华川\n\
               达州金山科技有限公司,,高新区\n\
               达州恒达车辆有限公司,通川区,玖源\n\
               四川达州钢铁集团公司,,达钢\n\
               达州鑫达贸易有限公司,,方大达州钢铁\n";
    let f = env.write("norm.csv", csv.as_bytes());
    let r = env.import(&f, &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.out.contains("简称“达钢”已是 四川达州钢铁集团公司 的简称"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("简称“华川”已是 达州华川车辆制造有限公司（本表第 3 行） 的简称"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("简称“高新区”已是园区 达州高新区 的简称"),
        "{}",
        r.out
    );
    // A short name shared with nobody but naming other enterprises, not this one: a reminder.
    assert!(
        r.out.contains("yuanqi show 玖源 会打开本企业") && r.out.contains("达州玖源新材料有限公司"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("“方大达州钢铁”是另一家企业 方大达州钢铁 的名称"),
        "{}",
        r.out
    );
    assert!(r.out.contains("有问题 4"), "{}", r.out);
    assert_eq!(env.counts(), before, "a refused import writes nothing");

    let r = env.import(&f, &["--skip-invalid"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE short_names LIKE '%达钢%'"),
        1
    );
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE name = '达州金山科技有限公司'"),
        0
    );
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE short_names = '华川'"),
        1
    );
    let show = env.run(&["show", "达钢"]);
    assert_eq!(show.code, 0, "{}", show.all());
    assert!(show.out.starts_with("四川达州钢铁集团公司"), "{}", show.out);

    // A park's short name is looked up the same way.
    let parks = "园区名称,简称,园区类型\n达州高新区金龙片区,达钢,特色产业园区\n";
    let r = env.import(&env.write("p.csv", parks.as_bytes()), &["--kind", "parks"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.out.contains("简称“达钢”已是 四川达州钢铁集团公司 的简称"),
        "{}",
        r.out
    );

    // Re-importing an export: each enterprise keeps its own short names.
    let out = env.path("all.csv");
    let e = env.run(&["export", "enterprises", "-o", out.to_str().unwrap()]);
    assert_eq!(e.code, 0, "{}", e.all());
    let r = env.import(&out, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!r.out.contains("简称“"), "{}", r.out);
}

/// A cell with a line break (Alt+Enter in Excel) is one row in the spreadsheet: the rows below
/// it keep the numbers Excel shows, in CSV (LF or CRLF) and xlsx alike; the line break taken
/// out of a name is reported.
#[test]
fn rows_below_a_cell_with_a_line_break_keep_the_row_number_excel_shows() {
    let env = Env::new();
    for ending in ["\n", "\r\n"] {
        let csv = format!(
            "企业名称,统一社会信用代码{ending}\"达州甲\t换行{ending}公司\",{ending}\"达州乙公司\",\"{ending}{ending}\"{ending}达州丙公司,12345{ending}"
        );
        let r = env.import(&env.write("nl.csv", csv.as_bytes()), &["--dry-run"]);
        assert_eq!(r.code, 1, "{ending:?}: {}", r.all());
        assert!(
            r.out.contains("第4行") && r.out.contains("12345"),
            "{ending:?}: the bad code is on Excel's row 4: {}",
            r.out
        );
        assert!(!r.out.contains("第7行"), "{ending:?}: {}", r.out);
        assert!(
            r.out.contains("第2行")
                && r.out
                    .contains("名称中含有换行符或制表符，已清除，按“达州甲换行公司”处理"),
            "{ending:?}: {}",
            r.out
        );
    }

    let path = env.path("nl.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in [
        ["企业名称", "统一社会信用代码"],
        ["达州甲\n换行公司", ""],
        ["达州丙公司", "12345"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let r = env.import(&path, &["--dry-run"]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.out.contains("第3行") && r.out.contains("12345"),
        "{}",
        r.out
    );
    assert!(r.out.contains("换行符或制表符"), "{}", r.out);
}

/// Excel's “Unicode 文本” is UTF-16 with a byte order mark, tab-separated: read as it is,
/// whatever --encoding says, and named in the report's first line.
#[test]
fn a_utf16_file_from_excel_unicode_text_is_read() {
    let env = Env::new();
    let text = "企业名称\t所属县（市、区）\r\n达州测试甲有限公司\t通川区\r\n";
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for (name, bytes, extra) in [
        ("le.csv", &le, vec!["--dry-run"]),
        ("be.txt", &be, vec!["--dry-run"]),
        ("le_gbk.csv", &le, vec!["--dry-run", "--encoding", "gbk"]),
    ] {
        let r = env.import(&env.write(name, bytes), &extra);
        assert_eq!(r.code, 0, "{name}: {}", r.all());
        assert!(
            r.out
                .lines()
                .next()
                .unwrap_or("")
                .contains("CSV，UTF-16 编码"),
            "{name}: {}",
            r.out
        );
        assert!(r.out.contains("新增 1"), "{name}: {}", r.out);
    }
    let r = env.import(&env.write("u16.csv", &le), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        env.count(
            "SELECT count(*) FROM enterprises e JOIN regions r ON r.id = e.region_id
             WHERE e.name = '达州测试甲有限公司' AND r.name = '通川区'"
        ),
        1
    );
}

/// A pasted paragraph or a formula is not a name: refused with the reason (and the limit). On
/// export every formula-like cell — "-" included, unless a plain negative number — is written
/// so a spreadsheet shows it as text, and import reads it back unchanged.
#[test]
fn implausible_names_are_refused_and_formula_like_cells_export_as_text() {
    let env = Env::new();
    let before = env.counts();
    let long = format!("达州{}有限公司", "超长名称".repeat(200));
    let ok = format!("达州{}有限公司", "长".repeat(94));
    let csv = format!(
        "企业名称,备注\n{long},\n\"=HYPERLINK(\"\"http://x\"\")\",\n=1+2,\n+达州,\n@达州,\n{ok},\n"
    );
    let r = env.import(&env.write("n.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.out
            .contains("名称有 806 个字符，超过了名称长度上限 100 个字符"),
        "{}",
        r.out
    );
    for c in ["=", "+", "@"] {
        assert!(
            r.out
                .contains(&format!("名称以“{c}”开头，像是表格公式而不是名称")),
            "{c}: {}",
            r.out
        );
    }
    assert!(
        r.out.contains("有问题 5"),
        "a 100-character name is fine: {}",
        r.out
    );
    assert_eq!(env.counts(), before);

    let csv =
        "企业名称,备注\n达州壬公司,=SUM(A1)\n达州癸公司,-1+2\n达州子公司,-3\n达州丑公司,-0.5\n";
    let r = env.import(&env.write("notes.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    let out = env.path("e.csv");
    let e = env.run(&["export", "enterprises", "-o", out.to_str().unwrap()]);
    assert_eq!(e.code, 0, "{}", e.all());
    let text = std::fs::read_to_string(&out).unwrap();
    for cell in [",'=SUM(A1)", ",'-1+2", ",-3", ",-0.5"] {
        assert!(text.contains(cell), "{cell}: {text}");
    }
    assert!(!text.contains("'-3") && !text.contains("'-0.5"), "{text}");
    for fmt in ["csv", "xlsx"] {
        let other = Env::new();
        let out = env.path(&format!("rt.{fmt}"));
        let e = env.run(&["export", "enterprises", "-o", out.to_str().unwrap()]);
        assert_eq!(e.code, 0, "{}", e.all());
        let r = other.import(&out, &[]);
        assert_eq!(r.code, 0, "{fmt}: {}", r.all());
        for (name, notes) in [
            ("达州壬公司", "=SUM(A1)"),
            ("达州癸公司", "-1+2"),
            ("达州子公司", "-3"),
        ] {
            let n: String = other
                .store()
                .conn()
                .query_row(
                    "SELECT notes FROM enterprises WHERE name = ?1",
                    [name],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, notes, "{fmt}: {name}");
        }
    }
}

#[test]
fn the_imports_list_shows_long_file_names_whole() {
    let env = Env::new();
    let name = "附件1：2024年第一批省级专精特新中小企业名单（补充）.csv";
    let csv = "企业名称,所属县（市、区）\n达州长名单公司,渠县\n";
    let r = env.import(&env.write(name, csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    let list = env.run(&["imports"]);
    assert!(list.out.contains(name), "{}", list.out);
}

#[test]
fn a_dry_run_names_the_record_a_short_name_matched() {
    let env = Env::new();
    let csv = "企业名称,所属县（市、区）\n达钢,通川区\n";
    let r = env.import(&env.write("dg.csv", csv.as_bytes()), &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.out.contains("第2行 达钢 → 四川达州钢铁集团公司"),
        "{}",
        r.out
    );
    let json = env.import(
        &env.write("dg2.csv", csv.as_bytes()),
        &["--dry-run", "--format", "json"],
    );
    assert!(
        json.out.contains("\"holder\": \"四川达州钢铁集团公司\""),
        "{}",
        json.out
    );
}

/// Rows whose name cell is a total ("合计", "共计2家", "小计：1家", "合计 7家"), a bare count
/// ("7家") or a placeholder ("（此页无正文）") close a printed list: they are passed over like the
/// 注： footnotes and named in the report, never imported as enterprises of the title's list.
#[test]
fn total_and_placeholder_rows_are_skipped_not_imported_as_enterprises() {
    let env = Env::new();
    let csv = "2024年省级专精特新中小企业名单\n\
               序号,企业名称,所属县（市、区）\n\
               1,宣汉正原微玻纤有限公司,宣汉县\n\
               2,,\n\
               ,合计,\n\
               ,共计2家,\n\
               3,小计：1家,\n\
               ,合计 7家,\n\
               ,7家,\n\
               备注：以上企业有效期三年,,\n\
               ,（此页无正文）,\n";
    let before = env.count("SELECT count(*) FROM enterprises");
    let r = env.import(&env.write("合计.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises"),
        before,
        "{}",
        r.out
    );
    assert_eq!(
        env.count("SELECT count(*) FROM designations WHERE import_id = 1"),
        1,
        "{}",
        r.out
    );
    assert!(r.out.contains("新增 1，变更 0，未变 0"), "{}", r.out);
    for row in [
        "第5行“合计”",
        "第6行“共计2家”",
        "第7行“小计：1家”",
        "第9行“7家”",
        "第11行“（此页无正文）”",
    ] {
        assert!(r.out.contains(row), "{row} not named as skipped: {}", r.out);
    }
    assert!(r.out.contains("汇总行不是企业，已跳过"), "{}", r.out);
}

/// A title saying the list is not of holders — proposed (公示/拟推荐/初审), failed (未通过),
/// revoked (撤销) or a cultivation list (培育) — is refused with a message saying how it was
/// read and how to import anyway; `--designation` or `--kind enterprises` import it.
#[test]
fn a_list_of_candidates_failures_or_revocations_does_not_grant_its_designation() {
    let env = Env::new();
    let before = env.counts();
    for (title, what, offers_designation) in [
        (
            "2025年拟推荐省级专精特新中小企业公示名单",
            "公示/拟推荐",
            true,
        ),
        (
            "2025年省级专精特新中小企业复核未通过名单",
            "未通过名单",
            false,
        ),
        ("2025年省级专精特新中小企业撤销名单", "撤销名单", false),
        ("2025年省级专精特新中小企业培育名单", "培育名单", true),
        ("2025年省级专精特新中小企业初审名单", "公示/拟推荐", true),
    ] {
        let csv = format!("{title}\n序号,企业名称\n1,达州市金恒液压有限公司\n");
        let r = env.import(&env.write("list.csv", csv.as_bytes()), &[]);
        assert_eq!(r.code, 1, "{title}: {}", r.all());
        assert!(
            r.err.contains(&format!("“{title}”读作")),
            "{title}: {}",
            r.err
        );
        assert!(r.err.contains(what), "{title}: {}", r.err);
        assert!(r.err.contains("--kind enterprises"), "{title}: {}", r.err);
        assert_eq!(
            r.err.contains("--designation"),
            offers_designation,
            "{}",
            r.err
        );
        assert_eq!(env.counts(), before, "{title}: the store changed");
    }
    let csv = "2025年拟推荐省级专精特新中小企业公示名单\n序号,企业名称\n1,达州市金恒液压有限公司\n";
    let file = env.write("公示.csv", csv.as_bytes());
    let r = env.import(&file, &["--kind", "enterprises"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("其中的认定没有采用"), "{}", r.out);
    assert_eq!(
        env.count("SELECT count(*) FROM designations WHERE import_id IS NOT NULL"),
        0
    );
    let r = env.import(
        &file,
        &["--designation", "省级专精特新中小企业", "--year", "2025"],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        env.count("SELECT count(*) FROM designations WHERE year = 2025 AND level = '省级' AND import_id IS NOT NULL"),
        1
    );
}

/// A county written by a short form is read as the region it abbreviates, with a reminder
/// naming that region once per distinct value; a form that could mean places in different
/// cities ("高新区": 达州高新区 or 大足高新区) is a problem unless the row's city column says
/// which, and a county the city column contradicts is a problem: never a match in another
/// city. Traditional characters get a suggestion.
#[test]
fn county_short_forms_are_named_and_cross_city_readings_refused() {
    let env = Env::new();
    let csv = "企业名称,所属县（市、区）,所属市\n\
               达州甲有限公司,达川,\n\
               达州乙有限公司,达川,\n\
               达州丙有限公司,四川省达州市通川区,达州市\n\
               重庆丁有限公司,高新区,重庆市\n\
               达州戊有限公司,高新区,\n\
               达州己有限公司,通川区,重庆市\n\
               达州庚有限公司,達川區,\n\
               达州辛有限公司,高新区,达州市\n";
    let before = env.counts();
    let r = env.import(&env.write("county.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert_eq!(env.counts(), before);
    let text = r.out.replace(char::is_whitespace, "");
    assert_eq!(text.matches("按“达川区”处理").count(), 1, "{}", r.out);
    assert!(
        !text.contains("按“通川区”处理"),
        "a full name after its city is exact: {}",
        r.out
    );
    for row in ["第5行", "第6行", "第7行", "第8行"] {
        assert!(
            r.out.lines().any(|l| l.trim_start().starts_with(row)),
            "{row} should be a problem: {}",
            r.out
        );
    }
    assert!(text.contains("大足高新区（大足区）"), "{}", r.out);
    assert!(text.contains("属于达州市，不在这个市"), "{}", r.out);
    assert!(text.contains("最接近的有：达川区"), "{}", r.out);
    // The row's city says which 高新区 it means.
    assert!(
        text.contains("按“达州高新区”处理（简称，本行的市为“达州市”"),
        "{}",
        r.out
    );
    assert!(r.out.contains("有问题 4"), "{}", r.out);
}

/// A new name that differs from a stored one only in its company form, brackets or
/// punctuation ("达州华川车辆制造有限责任公司" beside stored "达州华川车辆制造有限公司") gets a
/// reminder naming the stored name; a name whose brackets do not pair up is a problem.
#[test]
fn near_duplicate_names_are_named_and_a_stray_bracket_is_a_problem() {
    let env = Env::new();
    let csv = "企业名称,所属县（市、区）\n\
               达州华川车辆制造有限责任公司,\n\
               达州华川车辆制造公司,\n\
               四川达州钢铁集团有限公司,\n\
               达州全新示例有限公司,\n";
    let r = env.import(&env.write("near.csv", csv.as_bytes()), &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let text = r.out.replace(char::is_whitespace, "");
    assert_eq!(
        text.matches("库中已有相近的名称“达州华川车辆制造有限公司”")
            .count(),
        2,
        "{}",
        r.out
    );
    assert!(
        text.contains("库中已有相近的名称“四川达州钢铁集团公司”"),
        "{}",
        r.out
    );
    assert!(!text.contains("相近的名称“达州全新"), "{}", r.out);
    assert!(r.out.contains("提醒（3 条）"), "{}", r.out);

    let csv = "企业名称\n达州全新示例有限公司（\n";
    let r = env.import(&env.write("bracket.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.out
            .replace(char::is_whitespace, "")
            .contains("括号不成对"),
        "{}",
        r.out
    );
}

/// The dry run lists every field a new enterprise gets, as it does for a changed one, and the
/// JSON report carries the same changes.
#[test]
fn a_dry_run_lists_every_field_of_a_new_enterprise() {
    let env = Env::new();
    let csv = "企业名称,简称,所属县（市、区）,所属园区,产业集群,规模,备注\n\
               达州新字段示例有限公司,新字段,通川区,达州高新区,新材料,规上,联系人张三\n";
    let file = env.write("new.csv", csv.as_bytes());
    let r = env.import(&file, &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.all());
    for line in [
        "新增企业",
        "简称：“” → “新字段”",
        "所属县（市、区）：“” → “通川区”",
        "所属园区：“” → “达州高新区”",
        "产业集群：“” → “新材料产业集群”",
        "规模：“” → “规上”",
        "备注：“” → “联系人张三”",
    ] {
        assert!(r.out.contains(line), "missing {line}: {}", r.out);
    }
    let j = env.import(&file, &["--dry-run", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&j.out).unwrap();
    let fields: Vec<&str> = v["changes"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "新增企业",
            "简称",
            "所属县（市、区）",
            "所属园区",
            "产业集群",
            "规模",
            "备注"
        ]
    );
}

/// A row's own type, level or year is not silently mixed with the title's: a row of another
/// type does not borrow the title's level and year (a reminder says what it lacks), a row's
/// year or level that contradicts the title's is named beside it, and a file name naming
/// another designation than the title gets a reminder.
#[test]
fn a_rows_own_designation_is_not_mixed_with_the_titles() {
    let env = Env::new();
    let csv = "2024年省级专精特新中小企业名单\n\
               序号,企业名称,认定年份,认定类型,级别\n\
               1,达州市金恒液压有限公司,2023,,\n\
               2,达州鸿汇科技有限公司,,绿色工厂,\n\
               3,宣汉正原微玻纤有限公司,,,市级\n";
    let r = env.import(
        &env.write("2022年市级绿色工厂名单.csv", csv.as_bytes()),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let text = r.out.replace(char::is_whitespace, "");
    assert!(
        text.contains("本行的年份2023与标题的2024年不同"),
        "{}",
        r.out
    );
    assert!(text.contains("本行的认定“绿色工厂”不是标题的“专精特新中小企业”，没有沿用标题的级别和年份；本行没有写级别和年份"), "{}", r.out);
    assert!(
        text.contains("本行的级别“市级”与标题的“省级”不同"),
        "{}",
        r.out
    );
    assert!(
        text.contains("文件名“2022年市级绿色工厂名单”说的是“市级绿色工厂2022年”"),
        "{}",
        r.out
    );
    assert_eq!(
        env.count("SELECT count(*) FROM designations WHERE type = '绿色工厂' AND import_id = 1 AND level IS NULL AND year IS NULL"),
        1
    );
    assert_eq!(
        env.count("SELECT count(*) FROM designations WHERE type = '专精特新中小企业' AND import_id = 1 AND level = '省级' AND year = 2023"),
        1
    );
}

/// 小巨人 and 单项冠军 are only ever 国家级: without a level they are recorded as national (and
/// the report says so once), so they count toward 国家级 targets. A title naming a designation
/// but no year is not applied, and the report says why and how (--year).
#[test]
fn national_only_designations_default_to_national_and_an_undated_title_is_explained() {
    let env = Env::new();
    let csv = "工业和信息化部 2024年第六批专精特新“小巨人”企业名单\n序号,企业名称\n\
               1,达州市金恒液压有限公司\n2,达州鸿汇科技有限公司\n";
    let r = env.import(&env.write("t2.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.out.contains("每行的认定：国家级 专精特新“小巨人” 2024年"),
        "{}",
        r.out
    );
    assert_eq!(r.out.matches("只有国家级").count(), 1, "{}", r.out);
    assert_eq!(
        env.count("SELECT count(*) FROM designations WHERE type = '专精特新“小巨人”' AND level = '国家级' AND year = 2024 AND import_id = 1"),
        2
    );
    let csv = "企业名称,认定类型,认定年份\n宣汉正原微玻纤有限公司,单项冠军,2025\n";
    let r = env.import(&env.write("d.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        env.count("SELECT count(*) FROM designations WHERE type = '制造业单项冠军' AND level = '国家级' AND year = 2025"),
        1
    );

    let before = env.count("SELECT count(*) FROM designations");
    let csv = "第六批国家级专精特新“小巨人”企业名单\n序号,企业名称\n1,达州市金恒液压有限公司\n";
    let r = env.import(&env.write("t.csv", csv.as_bytes()), &["--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.all());
    let text = r.out.replace(char::is_whitespace, "");
    assert!(
        text.contains("但没有写年份，所以没有按认定导入"),
        "{}",
        r.out
    );
    assert!(text.contains("请加--year"), "{}", r.out);
    assert_eq!(env.count("SELECT count(*) FROM designations"), before);
}

/// A roster of 规上 enterprises ("达州市2025年规上工业企业名录") is a register whose rows are 规上,
/// not a list of 规上工业企业 designations: its rows get scale 规上 and no designation.
#[test]
fn a_roster_of_large_enterprises_sets_their_scale_not_a_designation() {
    let env = Env::new();
    let csv = "达州市2025年规上工业企业名录\n企业名称,所属县（市、区）,规模\n\
               达州市金恒液压有限公司,通川区,\n达州鸿汇科技有限公司,达川区,规下\n";
    let before = env.count("SELECT count(*) FROM designations");
    let r = env.import(&env.write("名录.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("按企业导入"), "{}", r.out);
    assert!(r.out.contains("规上工业企业名录"), "{}", r.out);
    assert_eq!(env.count("SELECT count(*) FROM designations"), before);
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE name = '达州市金恒液压有限公司' AND scale = '规上'"),
        1
    );
    assert_eq!(
        env.count("SELECT count(*) FROM enterprises WHERE name = '达州鸿汇科技有限公司' AND scale = '规下'"),
        1
    );
}

/// A cluster text that is one cluster's key and another's name ("数字经济": the system
/// 数字经济三大产业集群, key 数字经济, and the 2+3+1 cluster named 数字经济) is a problem listing
/// both, not a silent pick; export writes such a cluster by its key, so exporting the demo
/// store and importing it into a new store keeps every cluster assignment.
#[test]
fn an_ambiguous_cluster_is_a_problem_and_the_demo_store_round_trips_its_clusters() {
    let env = Env::new();
    let csv = "企业名称,产业集群\n达州市金恒液压有限公司,数字经济\n";
    let r = env.import(&env.write("cl.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    let text = r.out.replace(char::is_whitespace, "");
    assert!(
        text.contains("数字经济三大产业集群（代码数字经济）"),
        "{}",
        r.out
    );
    assert!(text.contains("数字经济（代码2+3+1/数字经济）"), "{}", r.out);

    let demo = env.path("demo.db");
    let run = run_on;
    let d = run(&demo, &["demo", "--enterprises", "400"]);
    assert_eq!(d.code, 0, "{}", d.all());
    let fresh = env.path("fresh.db");
    for what in ["parks", "enterprises"] {
        let file = env.path(&format!("{what}.csv"));
        let x = run(&demo, &["export", what, "-o", file.to_str().unwrap()]);
        assert_eq!(x.code, 0, "{}", x.all());
        let i = run(
            &fresh,
            &["import", file.to_str().unwrap(), "--kind", what, "-q"],
        );
        assert_eq!(i.code, 0, "{what}: {}", i.all());
    }
    let clusters = |db: &Path| -> Vec<(String, serde_json::Value)> {
        let e = run(db, &["export", "enterprises", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&e.out).unwrap();
        let mut out: Vec<(String, serde_json::Value)> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["name"].as_str().unwrap().to_string(),
                    x["clusters"].clone(),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    };
    let (a, b) = (clusters(&demo), clusters(&fresh));
    assert_eq!(a.len(), b.len());
    assert!(
        a.iter()
            .any(|(_, c)| c.to_string().contains("2+3+1/数字经济")),
        "the demo store should hold the 2+3+1 cluster 数字经济"
    );
    for (x, y) in a.iter().zip(b.iter()) {
        assert_eq!(x, y, "clusters differ after the round trip");
    }
}

/// A cluster that is the parent of one the enterprise already has adds nothing: 新材料 on an
/// enterprise in 新材料产业集群 › 高性能纤维 leaves it unchanged.
#[test]
fn a_parent_of_a_cluster_already_held_adds_nothing() {
    let env = Env::new();
    let count = |e: &Env| {
        e.count(
            "SELECT count(*) FROM enterprise_clusters ec JOIN enterprises e ON e.id = ec.enterprise_id
             WHERE e.name = '宣汉正原微玻纤有限公司'",
        )
    };
    let before = count(&env);
    let csv = "企业名称,产业集群\n宣汉正原微玻纤有限公司,新材料\n";
    let r = env.import(&env.write("p.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.out.contains("新增 0，变更 0，未变 1"), "{}", r.out);
    assert_eq!(count(&env), before);
}

/// The credit-code conflict names the holder as the store has it, and the new name too when
/// an earlier row of the file renames it — not only the file's pending new name.
#[test]
fn a_credit_code_conflict_names_the_stored_holder() {
    let env = Env::new();
    let uscc = code("91511700MA6DDDDD1");
    let csv = format!("企业名称,统一社会信用代码\n达州原名示例电子有限公司,{uscc}\n");
    let r = env.import(&env.write("a.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    let csv = format!(
        "企业名称,统一社会信用代码\n达州改名示例电子有限公司,{uscc}\n达州鸿汇科技有限公司,{uscc}\n"
    );
    let r = env.import(&env.write("b.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    let text = r.out.replace(char::is_whitespace, "");
    assert!(
        text.contains("这个信用代码属于库中的“达州原名示例电子有限公司”（本表第2行把它改名为“达州改名示例电子有限公司”）"),
        "{}",
        r.out
    );
    let csv = format!("企业名称,统一社会信用代码\n达州鸿汇科技有限公司,{uscc}\n");
    let r = env.import(&env.write("c.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    let text = r.out.replace(char::is_whitespace, "");
    assert!(
        text.contains("这个信用代码属于库中的“达州原名示例电子有限公司”"),
        "{}",
        r.out
    );
}

/// A name that equals a stored one once its zero-width space is removed gets one verdict: a
/// problem (not merged), not also a reminder that it was cleaned and used.
#[test]
fn a_hidden_character_match_is_one_problem_not_also_a_reminder() {
    let env = Env::new();
    let csv = "企业名称,所属县（市、区）\n达州市金恒\u{200b}液压有限公司,通川区\n";
    let r = env.import(&env.write("zw.csv", csv.as_bytes()), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    let text = r.out.replace(char::is_whitespace, "");
    assert!(text.contains("为防误合并未导入"), "{}", r.out);
    assert!(!text.contains("已清除，按"), "{}", r.out);
    assert!(!r.out.contains("提醒"), "{}", r.out);
}

/// The report is laid out for the terminal's width: at 60, 80 and 48 columns no line is wider
/// than the terminal, no line starts with closing punctuation or ends with opening punctuation,
/// and a credit code is never cut in two.
#[test]
fn the_report_fits_the_terminal_width_and_wraps_between_words() {
    let env = Env::new();
    let csv = "2024年省级专精特新中小企业名单\n\
               序号,企业名称,所属县（市、区）,统一社会信用代码\n\
               1,达州华川车辆制造有限责任公司,宣汗县,91511700MA6ABCDE15\n\
               2,达州示例宽度测试有限公司,高新区,\n\
               3,四川达州钢铁集团有限公司,达川,\n";
    let file = env.write("w.csv", csv.as_bytes());
    for width in [48usize, 60, 80] {
        let out = Command::cargo_bin("yuanqi")
            .unwrap()
            .arg("--db")
            .arg(env.db())
            .args(["import", file.to_str().unwrap()])
            .env("COLUMNS", width.to_string())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("校验位"), "{text}");
        for line in text.lines() {
            let w = yuanqi::model::text::display_width(line);
            assert!(w <= width, "{w} > {width}: {line:?}\n{text}");
            let t = line.trim_start();
            assert!(
                !t.starts_with(['）', '”', '，', '。', '、', '；', '：', ')']),
                "line starts with closing punctuation at {width}: {line:?}\n{text}"
            );
            assert!(
                !line.ends_with(['（', '“', '(']),
                "line ends with opening punctuation at {width}: {line:?}\n{text}"
            );
        }
        assert!(
            text.contains("91511700MA6ABCDE15"),
            "the code is cut at {width}:\n{text}"
        );
    }
}

/// `--sheet` naming no sheet of the workbook is a usage mistake (exit 2) that lists the sheets;
/// a missing input file stays a data problem (exit 1) with a plain Chinese message.
#[test]
fn an_unknown_sheet_is_a_usage_error_and_a_missing_file_is_said_plainly() {
    let env = Env::new();
    let file = env.path("附件1.xlsx");
    provincial_list(&file);
    let r = env.import(&file, &["--sheet", "不存在"]);
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.err.contains("没有名为“不存在”的工作表"), "{}", r.err);
    assert!(r.err.contains("“名单”"), "{}", r.err);
    let r = env.import(&env.path("nonexist.csv"), &[]);
    assert_eq!(r.code, 1, "{}", r.all());
    assert!(
        r.err.contains("文件不存在，请检查路径和文件名"),
        "{}",
        r.err
    );
}

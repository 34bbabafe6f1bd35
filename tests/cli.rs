//! The commands of issue 2 run as a user would: a fresh `--db`, real process, real exit codes.

use assert_cmd::Command;
use tempfile::TempDir;

fn yuanqi(db: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("yuanqi").unwrap();
    c.env_remove("YUANQI_DB").arg("--db").arg(db);
    c
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn init_creates_a_private_seeded_store_and_is_idempotent() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("sub/dir/yuanqi.db");
    let out = yuanqi(&db).arg("init").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已创建数据库"));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a new store is readable by its owner only");

    let again = yuanqi(&db).arg("init").output().unwrap();
    assert!(again.status.success());
    assert!(stdout(&again).contains("未作改动"));
}

#[test]
fn shared_store_is_group_writable() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("shared.db");
    yuanqi(&db).args(["init", "--shared"]).assert().success();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&db).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o660);
}

#[test]
fn db_flag_is_accepted_after_the_subcommand_and_env_var_works() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("a.db");
    let mut c = Command::cargo_bin("yuanqi").unwrap();
    c.env_remove("YUANQI_DB")
        .args(["init", "--db"])
        .arg(&db)
        .assert()
        .success();
    assert!(db.exists());

    let db2 = dir.path().join("env.db");
    let mut c = Command::cargo_bin("yuanqi").unwrap();
    c.env("YUANQI_DB", &db2).arg("init").assert().success();
    assert!(db2.exists());
}

#[test]
fn default_store_lives_under_xdg_data_home() {
    let dir = TempDir::new().unwrap();
    let mut c = Command::cargo_bin("yuanqi").unwrap();
    c.env_remove("YUANQI_DB")
        .env("XDG_DATA_HOME", dir.path())
        .arg("init")
        .assert()
        .success();
    assert!(dir.path().join("yuanqi/yuanqi.db").exists());
}

#[test]
fn search_finds_by_initials_pinyin_short_name_and_chinese() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("s.db");
    for (query, expected) in [
        ("zywbx", "宣汉正原微玻纤有限公司"),
        ("正原", "宣汉正原微玻纤有限公司"),
        ("zhengyuan", "宣汉正原微玻纤有限公司"),
        ("正yuan", "宣汉正原微玻纤有限公司"),
    ] {
        let out = yuanqi(&db).args(["search", query]).output().unwrap();
        assert!(out.status.success(), "{query}: {}", stderr(&out));
        let first = stdout(&out).lines().next().unwrap_or_default().to_string();
        assert!(
            first.starts_with(expected),
            "{query}: first line was {first:?}"
        );
    }
    let out = yuanqi(&db)
        .args(["search", "达钢", "--limit", "3"])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(text.lines().count() <= 3);
    assert!(
        text.lines().next().unwrap_or_default().contains("钢"),
        "{text}"
    );
    // More matches than listed: stderr says how many, stdout stays the hits alone.
    let all = stdout(
        &yuanqi(&db)
            .args(["search", "达州", "--limit", "500"])
            .output()
            .unwrap(),
    );
    let out = yuanqi(&db)
        .args(["search", "达州", "--limit", "2"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out).lines().count(), 2);
    let total = all.lines().count();
    assert!(total > 2, "{all}");
    assert!(
        stderr(&out).contains(&format!("共 {total} 条匹配，只列出最接近的 2 条")),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(
            &yuanqi(&db)
                .args(["search", "达州", "--limit", "500"])
                .output()
                .unwrap()
        )
        .contains("条匹配")
    );
}

#[test]
fn search_json_is_an_array_of_objects() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("j.db");
    let out = yuanqi(&db)
        .args(["search", "zywbx", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr[0]["name"], "宣汉正原微玻纤有限公司");
    assert_eq!(arr[0]["kind"], "enterprise");
}

#[test]
fn show_prints_a_profile_card_with_designations_and_sources() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("c.db");
    let out = yuanqi(&db).args(["show", "正原微玻纤"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let card = stdout(&out);
    assert!(card.starts_with("宣汉正原微玻纤有限公司"), "{card}");
    assert!(card.contains("制造业单项冠军"), "{card}");
    // The county under the same label as in the TUI and the README.
    assert!(card.contains("  区县：宣汉县"), "{card}");
    assert!(
        card.contains("D00"),
        "the card says which document each fact came from: {card}"
    );
    // A designation's batch and notes, as the TUI shows them.
    let out = yuanqi(&db).args(["show", "炬原"]).output().unwrap();
    let card = stdout(&out);
    assert!(card.contains("省级链主企业（有效，首批）"), "{card}");
    assert!(
        card.contains("\n      全省首批标志性产品链主企业\n"),
        "{card}"
    );
}

#[test]
fn show_a_park_lists_the_parks_inside_it() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("p.db");
    let out = yuanqi(&db).args(["show", "达州高新区"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("园中园"), "{}", stdout(&out));
    // A park's card lists the targets set for it.
    let out = yuanqi(&db).args(["show", "大足高新区"]).output().unwrap();
    let card = stdout(&out);
    assert!(
        card.contains("本园区的目标：") && card.contains("新增规上企业 — 15家"),
        "{card}"
    );
}

#[test]
fn show_unknown_name_exits_1_with_closest_names() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("u.db");
    let out = yuanqi(&db)
        .args(["show", "正原微玻璃纤维"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("没有名为"), "{err}");
    assert!(
        err.contains("宣汉正原微玻纤有限公司"),
        "suggests the closest name: {err}"
    );
}

/// `show` takes what `search` finds: pinyin, initials and partial names open the one clear
/// best hit; an ambiguous query lists the candidates and exits 1 with advice.
#[test]
fn show_resolves_a_query_as_search_ranks_it() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("r.db");
    for query in ["zhengyuan", "zywbx", "正原", "dagang", "达钢"] {
        let first = stdout(&yuanqi(&db).args(["search", query]).output().unwrap());
        let best = first
            .lines()
            .next()
            .unwrap()
            .split('\t')
            .next()
            .unwrap()
            .to_string();
        let out = yuanqi(&db).args(["show", query]).output().unwrap();
        assert!(out.status.success(), "{query}: {}", stderr(&out));
        assert_eq!(
            stdout(&out).lines().next(),
            Some(best.as_str()),
            "{query}: show opens search's best hit"
        );
    }
    let out = yuanqi(&db).args(["show", "化工园区"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("“化工园区”对应多个企业或园区"), "{err}");
    for park in ["斌郎化工园区", "普光化工园区", "麻柳化工园区"] {
        assert!(err.contains(&format!("\n  {park}")), "lists {park}: {err}");
    }
    assert!(err.contains("yuanqi search 化工园区"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("x.db");
    let out = yuanqi(&db).args(["search"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("错误：缺少必需的参数：<查询>"), "{err}");
    let out = yuanqi(&db)
        .args(["search", "x", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("“yaml”无效；可选：text、json"), "{err}");
    assert!(err.contains("查看完整说明：yuanqi search --help"), "{err}");
    for english in [
        "error:",
        "Usage:",
        "For more information",
        "possible values",
    ] {
        assert!(!err.contains(english), "{english}: {err}");
    }
    assert!(!db.exists(), "a usage error touches no store");
}

#[test]
fn help_and_version_are_chinese_on_stdout_and_exit_0() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("h.db");
    let out = yuanqi(&db).arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(help.contains("用法：yuanqi [选项] [命令]"), "{help}");
    assert!(help.contains("-h, --help"), "{help}");
    assert!(help.contains("显示帮助"), "{help}");
    for english in ["Usage:", "Options:", "Print help", "Commands:"] {
        assert!(!help.contains(english), "{english}: {help}");
    }
    let out = yuanqi(&db).args(["export", "-h"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(
        help.contains("enterprises（企业）、parks（园区）、designations（认定）"),
        "{help}"
    );
    // The interface's options are not offered to commands that have no interface.
    assert!(
        !help.contains("--ascii") && !help.contains("--mouse"),
        "{help}"
    );
    let out = yuanqi(&db)
        .args(["search", "x", "--ascii"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--ascii 是界面选项"),
        "{}",
        stderr(&out)
    );
    assert!(help.contains("（可选：csv、json、xlsx）"), "{help}");
    assert!(!help.contains("[possible values"), "{help}");
    let out = yuanqi(&db).arg("-V").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("yuanqi "), "{}", stdout(&out));
    assert!(!db.exists());
}

/// Mistakes in how a command is typed exit 2 with a Chinese message naming what to fix, touch
/// no store, and differ from data problems (exit 1).
#[test]
fn usage_mistakes_found_after_parsing_exit_2_and_write_nothing() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("never.db");
    let cases: &[(&[&str], &str)] = &[
        (&["--read-only", "init"], "只读"),
        (&["init", "--read-only"], "只读"),
        (&["--read-only", "imports", "undo", "1"], "只读"),
        (&["--read-only", "targets", "rm", "U001"], "只读"),
        (
            &[
                "targets",
                "add",
                "--name",
                "x",
                "--scope",
                "达州市",
                "--period",
                "2026",
                "--kind",
                "foo",
            ],
            "recorded",
        ),
        (
            &[
                "targets",
                "add",
                "--name",
                "x",
                "--scope",
                "达州市",
                "--period",
                "明年",
            ],
            "2021-2025",
        ),
        (
            &[
                "targets",
                "add",
                "--name",
                "x",
                "--scope",
                "达州市",
                "--period",
                "2026",
                "--min-level",
                "超级",
            ],
            "省级",
        ),
        (&["search", ""], "不能为空"),
        (&["search", "   "], "不能为空"),
        (&["show", ""], "不能为空"),
        (&["targets", "show", " "], "目标代码"),
        (&["backup", ""], "文件路径"),
        (&["export", "parks", "-o", ""], "文件路径"),
        (&["search", "达钢", "--limit", "0"], "至少为 1"),
        (&["search", "达钢", "--limit=-3"], "正整数"),
        (&["targets", "--year", "26"], "四位年份"),
        (&["export", "enterprises", "--encoding", "big5"], "gbk"),
        (&["export", "enterprises", "--format", "xlsx"], "-o"),
        (&["import", "x.csv", "--level", "超级"], "省级"),
        (&["import", "x.csv", "--year", "24"], "四位年份"),
        (&["demo", "--enterprises", "5"], "--db"),
        (
            &["demo", "--enterprises", "0", "--db", "/nonexistent/d.db"],
            "至少为 1",
        ),
        (&["imports", "undo", "0"], "导入编号"),
        (&["targets", "report", "D000-T01", "abc"], "不是数字"),
        (&["import", "x.csv", "--map", "负责人"], "表头=字段"),
    ];
    for (args, says) in cases {
        let mut c = Command::cargo_bin("yuanqi").unwrap();
        c.env_remove("YUANQI_DB").env("XDG_DATA_HOME", dir.path());
        if args[0] != "demo" {
            c.arg("--db").arg(&db);
        }
        let out = c.args(*args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?} should say {says}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", stdout(&out));
        assert!(!db.exists(), "{args:?} created the store");
    }
    // A store that exists and a well-typed command that needs a write still work.
    yuanqi(&db).arg("init").assert().success();
    let out = yuanqi(&db)
        .args([
            "targets",
            "add",
            "--name",
            "x",
            "--scope",
            "达州市",
            "--period",
            "2026",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "no --types: {}", stderr(&out));
    assert!(stderr(&out).contains("--types"), "{}", stderr(&out));
    // The importer's own usage checks exit 2 too.
    let csv = dir.path().join("e.csv");
    std::fs::write(&csv, "企业名称,备注\n达州示例有限公司,x\n").unwrap();
    for (args, says) in [
        (vec!["--map", "备注=bogus", "--dry-run"], "表头=字段"),
        (
            vec!["--designation", "不存在的认定", "--dry-run"],
            "不是已知的认定类型",
        ),
        // A mapped column the header lacks is named, with the columns there are.
        (
            vec!["--map", "负责人=notes", "--dry-run"],
            "--map 指定的列“负责人”不在表头中",
        ),
        (
            vec!["--map", "负责人=notes", "--dry-run"],
            "“企业名称”、“备注”",
        ),
        // --year (and --level, --batch) describe a designation none was named for.
        (
            vec!["--year", "2024", "--dry-run"],
            "要与 --designation 一起用",
        ),
        (vec!["--level", "省级", "--dry-run"], "或去掉 --level"),
    ] {
        let out = yuanqi(&db)
            .arg("import")
            .arg(&csv)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("yuanqi import --help"),
            "{}",
            stderr(&out)
        );
    }
    let out = yuanqi(&db).arg("import").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a directory: {}", stderr(&out));
    // Data problems stay exit 1.
    let out = yuanqi(&db)
        .args(["import", "no-such-file.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = yuanqi(&db)
        .args(["imports", "undo", "99"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn read_only_refuses_a_missing_store_and_browses_an_existing_one() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("ro.db");
    let out = yuanqi(&db)
        .args(["--read-only", "search", "zywbx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("yuanqi init"), "{}", stderr(&out));
    assert!(!db.exists(), "read-only never creates a file");

    yuanqi(&db).arg("init").assert().success();
    let out = yuanqi(&db)
        .args(["--read-only", "search", "zywbx"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("宣汉正原微玻纤有限公司"));
}

#[test]
fn a_store_from_a_newer_version_is_refused_untouched() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("new.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let out = yuanqi(&db).args(["search", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("更新版本"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the file is not modified"
    );
}

#[test]
fn a_file_that_is_not_a_database_gets_a_clear_message() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("junk.db");
    std::fs::write(
        &db,
        "this is not sqlite, just text that is long enough to be a header....",
    )
    .unwrap();
    let out = yuanqi(&db).args(["search", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("junk.db 不是 yuanqi 数据库文件"), "{err}");
    // Said once, in Chinese: no repeated path, no SQLite error text.
    assert_eq!(err.matches("junk.db").count(), 1, "{err}");
    assert!(!err.contains("file is not a database"), "{err}");
}

#[test]
fn backup_makes_a_consistent_copy_and_never_overwrites() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("b.db");
    let copy = dir.path().join("copy.db");
    yuanqi(&db).arg("init").assert().success();
    yuanqi(&db).arg("backup").arg(&copy).assert().success();
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "a backup of the register is as private as the register"
    );
    let out = yuanqi(&copy).args(["search", "zywbx"]).output().unwrap();
    assert!(stdout(&out).starts_with("宣汉正原微玻纤有限公司"));
    let again = yuanqi(&db).arg("backup").arg(&copy).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("已存在"));
}

#[test]
fn problems_in_a_crlf_csv_name_the_row_excel_shows() {
    // Excel and WPS write CRLF line endings; a title row and a blank row sit above the header.
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("crlf.db");
    let csv = dir
        .path()
        .join("附件1：2024年第一批省级专精特新中小企业名单.csv");
    std::fs::write(
        &csv,
        "附件1：2024年第一批省级专精特新中小企业名单,,,\r\n,,,\r\n序号,企业名称,所属县（市、区）,统一社会信用代码\r\n\
         1,宣汉正原微玻纤有限公司,宣汉县,\r\n2,四川达州示例新材料有限公司,达川区,91511700MA6ABCDE15\r\n",
    )
    .unwrap();
    let out = yuanqi(&db).arg("import").arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(text.contains("表头在第 3 行"), "{text}");
    assert!(text.contains("第5行"), "the bad code is on line 5: {text}");
}

/// Enterprise and park exports carry each holder's designations for reading, and importing the
/// export back (kind detected as a user would leave it) neither warns about the column nor
/// creates or changes any designation.
#[test]
fn exports_list_designations_and_reimport_without_touching_them() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("x.db");
    let designations = |db: &std::path::Path| {
        let out = yuanqi(db)
            .args(["export", "designations", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let before = designations(&db);
    for (what, holder, cell) in [
        (
            "enterprises",
            "宣汉正原微玻纤有限公司",
            "国家级制造业单项冠军（2024）",
        ),
        (
            "parks",
            "达州高新区",
            "省级优秀高新区（2024）、省级试点示范（2025）",
        ),
    ] {
        let file = dir.path().join(format!("{what}.csv"));
        let out = yuanqi(&db)
            .args(["export", what, "-o"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rows =
            csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let header = rows.headers().unwrap().clone();
        let col = header
            .iter()
            .position(|h| h == "认定（仅供查看）")
            .unwrap_or_else(|| panic!("{what}: no designations column in {header:?}"));
        let row = rows
            .records()
            .map(Result::unwrap)
            .find(|r| &r[0] == holder)
            .unwrap_or_else(|| panic!("{what}: {holder} not exported"));
        assert_eq!(&row[col], cell, "{what}: {row:?}");
        let out = yuanqi(&db).arg("import").arg(&file).output().unwrap();
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(out.status.success(), "{what}: {all}");
        assert!(all.contains("新增 0，变更 0"), "{what}: {all}");
        assert!(
            !all.contains("不认识"),
            "{what} warns about a column: {all}"
        );
    }
    assert_eq!(
        designations(&db),
        before,
        "re-importing changed designations"
    );
}

/// Failures of the file system and of SQLite read in Chinese, each cause once, exit 1.
#[test]
fn file_and_database_failures_read_in_chinese() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("f.db");
    yuanqi(&db).arg("init").assert().success();
    let missing = dir.path().join("no/such/dir");
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (vec!["backup".into(), missing.join("b.db").into()], "不存在"),
        (
            vec![
                "export".into(),
                "parks".into(),
                "-o".into(),
                missing.join("p.csv").into(),
            ],
            "目录不存在",
        ),
        (
            vec![
                "export".into(),
                "parks".into(),
                "-o".into(),
                missing.join("p.xlsx").into(),
            ],
            "目录不存在",
        ),
    ];
    for (args, says) in cases {
        let out = yuanqi(&db).args(&args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(says) && err.contains("不存在"),
            "{args:?}: {err}"
        );
        for english in ["os error", "No such file", "：：", ": "] {
            assert!(!err.contains(english), "{args:?} says {english:?}: {err}");
        }
        assert_eq!(err.matches("不存在").count(), 1, "said once: {err}");
    }
    // A directory where the store should be.
    let out = yuanqi(dir.path())
        .args(["search", "达钢"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("无法打开数据库文件"), "{err}");
    assert!(!err.contains("unable to open"), "{err}");
}

/// A marker row in the store's `meta` table, to tell copies of a store apart.
fn set_marker(db: &std::path::Path, value: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('marker', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [value],
    )
    .unwrap();
}

fn marker(db: &std::path::Path) -> Option<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key = 'marker'", [], |r| {
        r.get(0)
    })
    .ok()
}

#[test]
fn init_force_twice_never_overwrites_the_first_backup() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("force.db");
    yuanqi(&db).arg("init").assert().success();
    set_marker(&db, "first");
    let out = yuanqi(&db).args(["init", "--force"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let bak = dir.path().join("force.db.bak");
    assert!(
        stderr(&out).contains(&*bak.to_string_lossy()),
        "{}",
        stderr(&out)
    );
    assert_eq!(marker(&bak).as_deref(), Some("first"));
    assert_eq!(marker(&db), None, "the store was recreated");

    set_marker(&db, "second");
    let out = yuanqi(&db).args(["init", "--force"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let bak1 = dir.path().join("force.db.1.bak");
    assert!(
        stderr(&out).contains(&format!("备份为 {}", bak1.display())),
        "the message names the file really written: {}",
        stderr(&out)
    );
    assert_eq!(marker(&bak).as_deref(), Some("first"), "first backup kept");
    assert_eq!(marker(&bak1).as_deref(), Some("second"));
}

#[test]
fn a_migration_backup_never_overwrites_an_earlier_one() {
    use yuanqi::store::migrations::MIGRATIONS;
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let earlier = dir.path().join("old.db.v1.bak");
    std::fs::write(&earlier, "an earlier backup the user keeps").unwrap();
    let out = yuanqi(&db).args(["search", "达钢"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&earlier).unwrap(),
        "an earlier backup the user keeps"
    );
    let bak = dir.path().join("old.db.v1.1.bak");
    let conn = rusqlite::Connection::open(&bak).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 1, "the new backup holds the old version");
    assert!(
        stderr(&out).contains(&*bak.to_string_lossy()),
        "{}",
        stderr(&out)
    );
}

/// `yuanqi --db DB …` run as a user who cannot write DB: as root, the command runs as
/// `nobody`; otherwise the file and its directory are made read-only for their owner.
fn as_other_user(dir: &std::path::Path, db: &std::path::Path) -> impl Fn() -> Command {
    use std::os::unix::fs::PermissionsExt;
    let root = unsafe { libc::geteuid() } == 0;
    let (file_mode, dir_mode) = if root { (0o644, 0o755) } else { (0o444, 0o555) };
    std::fs::set_permissions(db, std::fs::Permissions::from_mode(file_mode)).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(dir_mode)).unwrap();
    let db = db.to_path_buf();
    move || {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("yuanqi"));
        if root {
            use std::os::unix::process::CommandExt;
            c.uid(65534).gid(65534);
        }
        c.env_remove("YUANQI_DB").arg("--db").arg(&db);
        Command::from_std(c)
    }
}

#[test]
fn a_store_this_user_cannot_write_is_browsed_read_only_and_writes_say_why() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("theirs.db");
    yuanqi(&db).arg("init").assert().success();
    let csv = dir.path().join("e.csv");
    std::fs::write(&csv, "企业名称,备注\n达州示例有限公司,x\n").unwrap();
    let run = as_other_user(dir.path(), &db);
    let before = std::fs::read(&db).unwrap();

    let out = run().args(["search", "zywbx"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("宣汉正原微玻纤有限公司"));
    let out = run().args(["show", "宣汉正原微玻纤"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run()
        .args(["export", "enterprises", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let out = run().arg("import").arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("yuanqi import 需要写入数据库"), "{err}");
    assert!(
        err.contains("没有写权限") || err.contains("不能在"),
        "{err}"
    );
    assert!(!err.contains("--read-only 或文件不可写"), "{err}");
    let out = run().arg("init").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("未作改动"), "{}", stdout(&out));
    let out = run().args(["init", "--force"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("yuanqi init 需要写入"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing written");
}

#[test]
fn a_mistyped_db_path_is_an_error_not_a_new_store() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("no/such/dir");
    let db = missing.join("x.db");
    let out = yuanqi(&db).args(["search", "达钢"]).output().unwrap();
    // A mistyped path is a mistake in the command: exit 2.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("目录不存在：{}", missing.display())),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("no").exists(), "no directory was created");

    let mut c = Command::cargo_bin("yuanqi").unwrap();
    let out = c
        .env("YUANQI_DB", &db)
        .args(["show", "达钢"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("$YUANQI_DB"), "{}", stderr(&out));
    assert!(!dir.path().join("no").exists());

    // A new file in an existing directory is made, and said so on stderr.
    let fresh = dir.path().join("fresh.db");
    let out = yuanqi(&fresh).args(["search", "zywbx"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("已新建数据库 {}，载入内置数据", fresh.display())),
        "{}",
        stderr(&out)
    );
    let again = yuanqi(&fresh).args(["search", "zywbx"]).output().unwrap();
    assert!(!stderr(&again).contains("已新建"), "{}", stderr(&again));

    // The default location is still created as needed.
    let xdg = TempDir::new().unwrap();
    let mut c = Command::cargo_bin("yuanqi").unwrap();
    c.env_remove("YUANQI_DB")
        .env("XDG_DATA_HOME", xdg.path())
        .args(["search", "zywbx"])
        .assert()
        .success();
    assert!(xdg.path().join("yuanqi/yuanqi.db").exists());
}

#[test]
fn output_files_in_a_missing_directory_are_errors_not_created() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("o.db");
    yuanqi(&db).arg("init").assert().success();
    let missing = dir.path().join("nope");
    for (args, file) in [
        (vec!["export", "enterprises", "-o"], "x.csv"),
        (vec!["export", "enterprises", "-o"], "x.xlsx"),
        (vec!["backup"], "b.db"),
    ] {
        let out = yuanqi(&db)
            .args(&args)
            .arg(missing.join(file))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("目录不存在：{}", missing.display())),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!missing.exists(), "{args:?} created the directory");
    }
}

#[test]
fn backup_into_an_existing_directory_names_the_copy_after_the_store_and_date() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("park.db");
    yuanqi(&db).arg("init").assert().success();
    let into = dir.path().join("backups");
    std::fs::create_dir(&into).unwrap();
    let out = yuanqi(&db).arg("backup").arg(&into).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let made: Vec<_> = std::fs::read_dir(&into)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    let name = made[0].file_name().unwrap().to_string_lossy().into_owned();
    let today = chrono::Local::now().format("%Y%m%d").to_string();
    assert_eq!(name, format!("park-{today}.db"));
    assert!(
        stdout(&out).contains(&*made[0].to_string_lossy()),
        "{}",
        stdout(&out)
    );
    let copy = yuanqi(&made[0]).args(["search", "zywbx"]).output().unwrap();
    assert!(stdout(&copy).starts_with("宣汉正原微玻纤有限公司"));
    // A second backup the same day does not replace the first.
    yuanqi(&db).arg("backup").arg(&into).assert().success();
    assert_eq!(std::fs::read_dir(&into).unwrap().count(), 2);
}

/// A county's yearly quotas often carry a title row above the header, as published lists do:
/// `targets import` finds the header below it, as `import` does, and reads GB18030 when told.
#[test]
fn targets_import_finds_the_header_below_a_title_row() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("tg.db");
    yuanqi(&db).arg("init").assert().success();
    let text = "县区年度任务\n\n名称,范围,年度,认定类型,级别,目标值,单位\n\
                新增省级专精特新,渠县,2026,专精特新中小企业,省级,3,户\n\
                新增小巨人,大竹县,2026,小巨人,国家级,abc,家\n";
    let csv = dir.path().join("tg.csv");
    std::fs::write(&csv, text).unwrap();
    let out = yuanqi(&db)
        .args(["targets", "import"])
        .arg(&csv)
        .arg("--dry-run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The header is understood; the one bad row is named by the row Excel shows.
    assert!(!stderr(&out).contains("表头中没有"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("第 5 行：目标值“abc”不是数字"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("1 行有问题"), "{}", stderr(&out));

    let good = text.replace(",abc,", ",1,");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&good);
    let gb = dir.path().join("tg_gb.csv");
    std::fs::write(&gb, &bytes).unwrap();
    let out = yuanqi(&db)
        .args(["targets", "import"])
        .arg(&gb)
        .args(["--encoding", "gb18030"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已导入 2 个目标"), "{}", stdout(&out));
    let help = yuanqi(&db)
        .args(["targets", "import", "--help"])
        .output()
        .unwrap();
    assert!(stdout(&help).contains("gb18030"), "{}", stdout(&help));
}

/// xlsx without a file is a usage mistake whose example is named after what is exported.
#[test]
fn xlsx_export_without_a_file_names_an_example_for_what_is_exported() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("x.db");
    for (what, file) in [("parks", "园区.xlsx"), ("enterprises", "企业.xlsx")] {
        let out = yuanqi(&db)
            .args(["export", what, "--format", "xlsx"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains(&format!("-o {file}")),
            "{}",
            stderr(&out)
        );
    }
}

/// A county option takes the name as people say it (达川 for 达川区) when only one county fits,
/// and the TUI's "（未载明县区）" exports the enterprises placed in no county.
#[test]
fn county_options_take_short_forms_and_the_unplaced_group() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("c.db");
    let full = yuanqi(&db)
        .args(["export", "enterprises", "--county", "大竹县"])
        .output()
        .unwrap();
    let short = yuanqi(&db)
        .args(["export", "enterprises", "--county", "大竹"])
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(0), "{}", stderr(&short));
    assert_eq!(stdout(&short), stdout(&full));
    let scope = yuanqi(&db)
        .args(["targets", "--scope", "达川"])
        .output()
        .unwrap();
    assert_eq!(scope.status.code(), Some(0), "{}", stderr(&scope));
    assert!(stdout(&scope).contains("达川区"));
    let unplaced = yuanqi(&db)
        .args([
            "export",
            "enterprises",
            "--county",
            "（未载明县区）",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(unplaced.status.code(), Some(0), "{}", stderr(&unplaced));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&unplaced.stdout).unwrap();
    assert!(rows.len() > 10);
    assert!(
        rows.iter()
            .all(|r| r["region"].is_null() || r["region"] == ""),
        "{rows:?}"
    );
}

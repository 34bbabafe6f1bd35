//! The command line: one module per subcommand, each an `Args` struct and a `run`.
//!
//! Exit status: 0 done, 1 a data problem (nothing written), 2 a usage error: anything clap
//! rejects, and the mistakes only visible after parsing ([`UsageError`]), such as a writing
//! command under `--read-only`.

pub mod backup;
pub mod demo;
pub mod errors;
pub mod export;
pub mod help;
pub mod import;
pub mod imports;
pub mod init;
pub mod search;
pub mod show;
pub mod targets;
pub mod values;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::store::{OpenOptions, Store};

pub use errors::{UsageError, error_text, is_usage_mistake, usage_error};

/// 园企 yuanqi — 园区、企业、认定与目标的终端工具。
#[derive(Debug, Parser)]
#[command(name = "yuanqi", version, long_about = None)]
pub struct Cli {
    /// 数据库文件（默认 $YUANQI_DB，否则 $XDG_DATA_HOME/yuanqi/yuanqi.db）
    #[arg(long, global = true, value_name = "PATH", help_heading = "全局选项")]
    pub db: Option<PathBuf>,

    /// 只读打开：不创建、不迁移、不写入（可浏览只读挂载上的共享库）
    #[arg(long, global = true, help_heading = "全局选项")]
    pub read_only: bool,

    /// 新建数据库文件时允许同组用户读写（0660），默认仅本人（0600）
    #[arg(long, global = true, help_heading = "全局选项")]
    pub shared: bool,

    // The interface's options: only without a subcommand (they mean nothing to the others,
    // whose help would list them otherwise).
    /// 用 + - | 画边框（适用于把制表符显示成双宽的终端，如 PuTTY、Xshell 的中文模式）
    #[arg(long, help_heading = "界面选项")]
    pub ascii: bool,

    /// 单色界面（也可设置环境变量 NO_COLOR）
    #[arg(long, help_heading = "界面选项")]
    pub no_color: bool,

    /// 界面支持鼠标：单击选中一行（再次单击打开）、滚轮滚动、单击标签切换画面；开启后在终端里选取文字需按住 Shift 拖动
    #[arg(long, help_heading = "界面选项")]
    pub mouse: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 创建数据库并载入内置数据（已存在则不变）
    Init(init::Args),
    /// 按中文、全拼、拼音首字母、简称或信用代码查找企业和园区
    Search(search::Args),
    /// 显示企业或园区的档案卡
    Show(show::Args),
    /// 在线备份数据库到文件（他人正在使用时也能得到一致的副本）
    Backup(backup::Args),
    /// 规划目标：计算数与填报数、进度和差距；show 看详情，add/report/rm/import 管理自己的目标
    Targets(Box<targets::Args>),
    /// 导入表格（xlsx/xls/ods/csv）：企业名录、认定名单或园区；有问题则整体不写入
    Import(import::Args),
    /// 查看导入记录，或撤销一次导入（imports undo ID）
    Imports(imports::Args),
    /// 导出企业、园区或认定为 csv/xlsx/json（可再导入）
    Export(export::Args),
    /// 生成虚构的演示数据库（供性能测试与演示；不会改动正式数据库）
    Demo(demo::Args),
}

/// Where the store lives when `--db` is not given.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("YUANQI_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("yuanqi").join("yuanqi.db")
}

impl Cli {
    /// The words a user typed to reach the subcommand, for "see `yuanqi targets add --help`".
    pub fn command_path(&self) -> String {
        let sub = match &self.command {
            None => return "yuanqi".into(),
            Some(Command::Init(_)) => "init",
            Some(Command::Search(_)) => "search",
            Some(Command::Show(_)) => "show",
            Some(Command::Backup(_)) => "backup",
            Some(Command::Targets(a)) => match &a.action {
                None => "targets",
                Some(targets::Action::Add(_)) => "targets add",
                Some(targets::Action::Report(_)) => "targets report",
                Some(targets::Action::Rm(_)) => "targets rm",
                Some(targets::Action::Show(_)) => "targets show",
                Some(targets::Action::Figures(_)) => "targets figures",
                Some(targets::Action::Import(_)) => "targets import",
            },
            Some(Command::Import(_)) => "import",
            Some(Command::Imports(a)) => match a.action {
                Some(imports::Action::Undo { .. }) => "imports undo",
                _ => "imports",
            },
            Some(Command::Export(_)) => "export",
            Some(Command::Demo(_)) => "demo",
        };
        format!("yuanqi {sub}")
    }

    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(default_db_path)
    }

    /// Whether the user named the store (`--db` or `$YUANQI_DB`) rather than taking the
    /// default under `$XDG_DATA_HOME`.
    pub fn db_is_explicit(&self) -> bool {
        self.db.is_some() || std::env::var_os("YUANQI_DB").is_some_and(|p| !p.is_empty())
    }

    /// Where the store path came from, for messages.
    fn db_origin(&self) -> &'static str {
        if self.db.is_some() {
            "--db"
        } else {
            "$YUANQI_DB"
        }
    }

    /// Refuse a store path the user named in a directory that does not exist: a mistyped
    /// `--db` must not silently create directories and a fresh store. (The default location
    /// under `$XDG_DATA_HOME` is created as needed.)
    pub fn check_db_dir(&self, path: &std::path::Path) -> anyhow::Result<()> {
        if path.exists() || !self.db_is_explicit() {
            return Ok(());
        }
        let dir = crate::store::parent_dir(path);
        if !dir.is_dir() {
            let what = if dir.exists() {
                "不是目录"
            } else {
                "目录不存在"
            };
            return Err(errors::UsageError(format!(
                "{what}：{}（{} 指定的数据库文件 {} 所在的目录）。请检查路径是否写错；要在新位置建库，请先创建该目录。",
                dir.display(),
                self.db_origin(),
                path.display()
            ))
            .into());
        }
        Ok(())
    }

    /// Refuse, in plain words, a command that writes when this user cannot write the store
    /// at `path` (or create the journal files beside it).
    pub fn check_writable(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use crate::store::Unwritable;
        let user = crate::store::os_user();
        let why = if path.exists() {
            match crate::store::write_access(path) {
                None => return Ok(()),
                Some(Unwritable::File) => format!("当前用户（{user}）对该文件没有写权限"),
                Some(Unwritable::Dir(dir)) => format!(
                    "当前用户（{user}）不能在它所在的目录 {} 中建文件（SQLite 写入时要在库文件旁建日志文件）",
                    dir.display()
                ),
            }
        } else {
            let dir = crate::store::parent_dir(path);
            if !dir.is_dir() || crate::store::dir_writable(&dir) {
                return Ok(());
            }
            format!("当前用户（{user}）不能在目录 {} 中新建文件", dir.display())
        };
        anyhow::bail!(
            "{} 需要写入数据库 {}，但{why}。请让文件所有者授予写权限（多人共用的库：chmod g+w 库文件和目录，并把你加入该组），或用 --db 指定你自己能写的数据库；只是查看（search、show、界面）则不需要写权限。",
            self.command_path(),
            path.display()
        )
    }

    /// Open the store as the global flags say, creating and seeding it when missing.
    ///
    /// A command that only reads (and the TUI) opens a store this user cannot write
    /// read-only by itself, as `--read-only` would; a command that writes is refused with
    /// what is not writable. A brand-new store at a path the user named is announced on stderr
    /// so a mistyped `--db` is noticed.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        let path = self.db_path();
        self.check_db_dir(&path)?;
        let writes = self.command.as_ref().is_some_and(Command::writes);
        let existed = path.exists();
        let mut read_only = self.read_only;
        let mut fell_back = false;
        if !read_only {
            if writes {
                self.check_writable(&path)?;
            } else if existed && crate::store::write_access(&path).is_some() {
                read_only = true;
                fell_back = true;
            }
        }
        let opts = OpenOptions {
            read_only,
            shared: self.shared,
            create: true,
        };
        let store = match Store::open(&path, &opts) {
            Ok(store) => store,
            Err(crate::store::StoreError::NeedsMigration(_)) if fell_back => anyhow::bail!(
                "无法打开数据库 {}：它的结构版本较旧，要升级后才能使用，但当前用户不能写入它。请让文件所有者（或有写权限的人）用 yuanqi 打开一次（如 yuanqi --db {} search 达钢）完成升级。",
                path.display(),
                path.display()
            ),
            // It names the file and says what to check.
            Err(e @ crate::store::StoreError::NotADatabase { .. }) => return Err(e.into()),
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("无法打开数据库 {}", path.display()))
                );
            }
        };
        if !existed && self.db_is_explicit() && !matches!(self.command, Some(Command::Init(_))) {
            eprintln!("已新建数据库 {}，载入内置数据", path.display());
        }
        report_migration_backup(&store);
        Ok(store)
    }
}

/// Refuse an output file (`-o`, a backup) in a directory that does not exist: a mistyped path
/// is reported, never created.
pub fn check_output_dir(path: &std::path::Path, what: &str) -> anyhow::Result<()> {
    let dir = crate::store::parent_dir(path);
    if dir.is_dir() {
        return Ok(());
    }
    let problem = if dir.exists() {
        "不是目录"
    } else {
        "目录不存在"
    };
    Err(errors::UsageError(format!(
        "{problem}：{}（{what} {} 所在的目录）。请检查路径是否写错；yuanqi 不会自动创建目录。",
        dir.display(),
        path.display()
    ))
    .into())
}

/// Say on stderr where the copy made before upgrading the store's structure went.
pub fn report_migration_backup(store: &Store) {
    if let Some((version, bak)) = store.migration_backup() {
        eprintln!(
            "已把数据库从结构版本 {version} 升级；升级前的副本保存在 {}",
            bak.display()
        );
    }
}

/// Output format for commands that print records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

impl Command {
    /// Whether the command writes to the store (and so cannot run under `--read-only`).
    pub fn writes(&self) -> bool {
        match self {
            Command::Init(_) | Command::Demo(_) => true,
            Command::Import(a) => !a.dry_run,
            Command::Imports(a) => matches!(a.action, Some(imports::Action::Undo { .. })),
            Command::Targets(a) => match &a.action {
                Some(targets::Action::Add(_) | targets::Action::Report(_))
                | Some(targets::Action::Rm(_)) => true,
                Some(targets::Action::Import(i)) => !i.dry_run,
                _ => false,
            },
            Command::Search(_) | Command::Show(_) | Command::Backup(_) | Command::Export(_) => {
                false
            }
        }
    }
}

/// Run a subcommand. The TUI (no subcommand) is started by `main`.
pub fn run(cli: &Cli, command: &Command) -> anyhow::Result<()> {
    if cli.read_only && command.writes() {
        return usage_error(format!(
            "{} 需要写入数据库，不能以只读方式（--read-only）运行；去掉 --read-only 再试",
            cli.command_path()
        ));
    }
    match command {
        Command::Init(a) => init::run(cli, a),
        Command::Search(a) => search::run(cli, a),
        Command::Show(a) => show::run(cli, a),
        Command::Backup(a) => backup::run(cli, a),
        Command::Targets(a) => targets::run(cli, a),
        Command::Import(a) => import::run(cli, a),
        Command::Imports(a) => imports::run(cli, a),
        Command::Export(a) => export::run(cli, a),
        Command::Demo(a) => demo::run(cli, a),
    }
}

/// Closest known names to `wanted`, for "did you mean" hints.
pub fn suggestions(store: &Store, wanted: &str, limit: usize) -> Vec<String> {
    let Ok(candidates) = store.search_candidates() else {
        return Vec::new();
    };
    let names: Vec<String> = candidates.iter().map(|c| c.name.clone()).collect();
    let hits: Vec<String> = crate::search::SearchIndex::new(candidates)
        .search(wanted, limit)
        .into_iter()
        .map(|h| h.name)
        .collect();
    if !hits.is_empty() {
        return hits;
    }
    crate::search::closest(wanted, names.iter().map(String::as_str), limit)
}

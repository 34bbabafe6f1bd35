//! The SQLite store: opening (create, seed, migrate, refuse), typed errors, and the queries the
//! CLI and TUI use. Nothing here knows about terminals.

pub mod audit;
pub mod bulk;
pub mod migrations;
pub mod queries;
pub mod seed;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use queries::*;

/// Errors of the store layer. Messages are shown to users as they are.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "数据库由更新版本的 yuanqi 创建（结构版本 {found}，本程序支持到 {supported}）。为避免损坏，本程序不会修改它；请升级 yuanqi。"
    )]
    TooNew { found: i64, supported: i64 },
    #[error("数据库文件 {0} 不存在。请先运行 `yuanqi init` 创建，或用 --db 指定已有的文件。")]
    Missing(PathBuf),
    #[error(
        "数据库文件 {0} 的结构版本较旧，只读模式下无法升级。请以可写方式打开一次（不加 --read-only）。"
    )]
    NeedsMigration(PathBuf),
    #[error("数据库是只读打开的（--read-only 或文件不可写），无法写入。")]
    ReadOnly,
    #[error("种子数据 {file} 第 {line} 行：{message}")]
    Seed {
        file: &'static str,
        line: usize,
        message: String,
    },
    #[error("找不到“{0}”")]
    NotFound(String),
    #[error("磁盘空间不足，写入已整体回滚，数据库未改变。请清理磁盘后重试。")]
    DiskFull,
    #[error("数据库正被其他用户长时间占用，写入已回滚。请稍后重试。")]
    Busy,
    #[error("无法创建目录 {path}：{source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// (SQLite's own words, "file is not a database", add nothing a user could act on.)
    #[error("{} 不是 yuanqi 数据库文件（或已损坏）；请检查 --db 或 YUANQI_DB 指向的文件", path.display())]
    NotADatabase { path: PathBuf },
    #[error("数据库错误：{0}")]
    Sqlite(rusqlite::Error),
    #[error("文件操作失败：{0}")]
    Io(#[from] std::io::Error),
}

/// Whether SQLite refused because another connection holds the store.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }
}

/// How to open a store.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Never write: browse a shared store on a read-only mount.
    pub read_only: bool,
    /// Create a new file group-writable (0660) instead of owner-only (0600).
    pub shared: bool,
    /// Create and seed a missing store (the default for every command but `--read-only`).
    pub create: bool,
}

/// An open store.
pub struct Store {
    pub(crate) conn: Connection,
    path: Option<PathBuf>,
    read_only: bool,
    /// The copy made before this open migrated the store (its old version and file).
    migration_backup: Option<(i64, PathBuf)>,
}

impl Store {
    /// Open (and, when allowed, create, seed and migrate) the store at `path`.
    pub fn open(path: &Path, opts: &OpenOptions) -> Result<Store, StoreError> {
        let exists = path.exists();
        if opts.read_only {
            if !exists {
                return Err(StoreError::Missing(path.to_path_buf()));
            }
            return Self::open_read_only(path);
        }
        if !exists {
            if !opts.create {
                return Err(StoreError::Missing(path.to_path_buf()));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            match create_private_file(path, opts.shared) {
                // Another process created it a moment ago: open theirs.
                Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                other => other?,
            }
        }
        let conn = Connection::open(path).map_err(|e| classify_open_error(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Check the version before anything writes (even switching to WAL rewrites the header).
        let version = migrations::user_version(&conn).map_err(|e| match e {
            StoreError::Sqlite(inner) => classify_open_error(path, inner),
            other => other,
        })?;
        if version > migrations::LATEST {
            return Err(StoreError::TooNew {
                found: version,
                supported: migrations::LATEST,
            });
        }
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: false,
            migration_backup: None,
        };
        store.configure().map_err(|e| match e {
            StoreError::Sqlite(inner) => classify_open_error(path, inner),
            other => other,
        })?;
        if version > 0 && version < migrations::LATEST {
            let bak = store.backup_before_migration(path, version)?;
            store.migration_backup = Some((version, bak));
        }
        let found = migrations::migrate(&mut store.conn)?;
        if found == 0 {
            seed::load(&mut store)?;
        }
        Ok(store)
    }

    fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| classify_open_error(path, e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // A WAL store on a read-only mount cannot create its -shm file; fall back to an
        // immutable open, which reads the main file as it is.
        let conn = match migrations::user_version(&conn) {
            Ok(_) => conn,
            Err(_) => {
                drop(conn);
                let uri = format!("file:{}?immutable=1", path.display());
                Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)
                    .map_err(|e| classify_open_error(path, e))?
            }
        };
        let version = migrations::user_version(&conn).map_err(|e| match e {
            StoreError::Sqlite(inner) => classify_open_error(path, inner),
            other => other,
        })?;
        if version > migrations::LATEST {
            return Err(StoreError::TooNew {
                found: version,
                supported: migrations::LATEST,
            });
        }
        if version < migrations::LATEST {
            return Err(StoreError::NeedsMigration(path.to_path_buf()));
        }
        Ok(Store {
            conn,
            path: Some(path.to_path_buf()),
            read_only: true,
            migration_backup: None,
        })
    }

    /// A seeded store in memory (tests, benchmarks, `--db :memory:`).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let mut store = Self::empty_in_memory()?;
        seed::load(&mut store)?;
        Ok(store)
    }

    /// An empty, migrated store in memory without seed data.
    pub fn empty_in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: None,
            read_only: false,
            migration_backup: None,
        };
        store.configure()?;
        migrations::migrate(&mut store.conn)?;
        Ok(store)
    }

    fn configure(&self) -> Result<(), StoreError> {
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        if self.path.is_some() {
            // WAL lets one user browse while another imports; NORMAL is durable in WAL mode
            // except for the last transaction on power loss, never corrupting.
            // Switching the journal mode needs a moment alone with the file, and SQLite answers
            // BUSY at once (without its busy handler) when another process is seeding it: retry.
            let mut attempts = 0;
            loop {
                match self
                    .conn
                    .query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))
                {
                    Ok(_) => break,
                    Err(e) if is_busy(&e) && attempts < 100 => {
                        attempts += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        Ok(())
    }

    /// Copy the store aside before migrating it: `<file>.v<version>.bak`, or the first free
    /// `<file>.v<version>.<n>.bak` when that exists (an earlier backup is never overwritten).
    fn backup_before_migration(&self, path: &Path, version: i64) -> Result<PathBuf, StoreError> {
        let tag = format!(".v{version}");
        for dest in backup_names(path, &tag) {
            match self.backup_to_new(&dest) {
                Ok(()) => return Ok(dest),
                Err(StoreError::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(too_many_backups(path))
    }

    /// The backup made before this open migrated the store: the old structure version and the
    /// file that holds it.
    pub fn migration_backup(&self) -> Option<(i64, &Path)> {
        self.migration_backup
            .as_ref()
            .map(|(v, p)| (*v, p.as_path()))
    }

    /// Whether the store file is group-readable/writable (made with `--shared`).
    fn is_shared(&self) -> bool {
        self.path
            .as_deref()
            .and_then(|p| std::fs::metadata(p).ok())
            .is_some_and(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o060 != 0)
    }

    /// [`Store::backup_to`] a file that must not exist yet: creating it fails (with
    /// `AlreadyExists`) rather than replace a file another process made meanwhile.
    pub fn backup_to_new(&self, dest: &Path) -> Result<(), StoreError> {
        create_private_file(dest, self.is_shared())?;
        if let Err(e) = self.backup_to(dest) {
            let _ = std::fs::remove_file(dest);
            return Err(e);
        }
        Ok(())
    }

    /// A consistent copy of the whole store, made with SQLite's online backup while others
    /// may be reading or writing.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        // The copy is as private as the register itself (owner-only unless the store is shared).
        if !dest.exists() {
            create_private_file(dest, self.is_shared())?;
        }
        let mut out = Connection::open(dest)?;
        let backup = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
        Ok(())
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Fail early when a write is attempted on a read-only store.
    pub fn ensure_writable(&self) -> Result<(), StoreError> {
        if self.read_only {
            Err(StoreError::ReadOnly)
        } else {
            Ok(())
        }
    }

    /// Raw connection, for the layers (ingest, targets) that run their own SQL.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.ensure_writable()?;
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Whether this is a synthetic store made by `yuanqi demo`.
    pub fn is_demo(&self) -> bool {
        matches!(self.meta("demo"), Ok(Some(_)))
    }

    /// A number that changes whenever any connection commits a write: the TUI polls it to
    /// notice another user's import.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

/// Why the current user cannot write the store at `path` (see [`write_access`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unwritable {
    /// The file itself has no write permission for this user (or is on a read-only mount).
    File,
    /// The directory holding it does not let this user create files (SQLite keeps its
    /// journal, `-wal` and `-shm` files beside the store).
    Dir(PathBuf),
}

/// Whether this process may write the existing store at `path` and create files beside it,
/// as the operating system answers for the real user (`access(2)`, which also knows
/// read-only mounts). `None` when it may.
pub fn write_access(path: &Path) -> Option<Unwritable> {
    if !can_write(path) {
        return Some(Unwritable::File);
    }
    let dir = parent_dir(path);
    if !can_write(&dir) {
        return Some(Unwritable::Dir(dir));
    }
    None
}

/// The directory a file path lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether the current user may create files in the directory `dir`.
pub fn dir_writable(dir: &Path) -> bool {
    can_write(dir)
}

/// `access(p, W_OK)`: whether the real user may write `p`.
fn can_write(p: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(p.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// Names for a backup of `path`, in the order they are tried: `<file><tag>.bak`, then
/// `<file><tag>.1.bak`, `<file><tag>.2.bak` … — the first that does not exist is used, so no
/// backup ever replaces an earlier one.
fn backup_names(path: &Path, tag: &str) -> impl Iterator<Item = PathBuf> {
    let base = path.as_os_str().to_owned();
    (0..MAX_BACKUPS).map(move |n| {
        let mut name = base.clone();
        if n == 0 {
            name.push(format!("{tag}.bak"));
        } else {
            name.push(format!("{tag}.{n}.bak"));
        }
        PathBuf::from(name)
    })
}

/// How many numbered backups of one file are tried before giving up.
const MAX_BACKUPS: usize = 10_000;

fn too_many_backups(path: &Path) -> StoreError {
    StoreError::Io(std::io::Error::other(format!(
        "{} 旁已有 {MAX_BACKUPS} 个备份文件，请先清理",
        path.display()
    )))
}

/// Move the store file at `path` aside to the first free backup name ([`backup_names`]:
/// `<file>.bak`, `<file>.1.bak` …) without ever replacing an existing file, and return that
/// name. A write-ahead log goes with it (as `<backup>-wal`, where SQLite looks for it when the
/// backup is opened), so transactions not yet copied into the main file are kept too.
pub fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    for dest in backup_names(path, "") {
        // A hard link fails when the name is taken, so an existing backup cannot be replaced
        // even by another process choosing the same name at the same moment.
        match std::fs::hard_link(path, &dest) {
            Ok(()) => std::fs::remove_file(path)?,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links: rename, after checking the name is free.
            Err(_) if !dest.exists() => std::fs::rename(path, &dest)?,
            Err(e) => return Err(e.into()),
        }
        let side = |p: &Path, ext: &str| {
            let mut s = p.as_os_str().to_owned();
            s.push(ext);
            PathBuf::from(s)
        };
        let wal = side(path, "-wal");
        if wal.exists() {
            std::fs::rename(&wal, side(&dest, "-wal"))?;
        }
        let _ = std::fs::remove_file(side(path, "-shm"));
        return Ok(dest);
    }
    Err(too_many_backups(path))
}

fn classify_open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase {
            path: path.to_path_buf(),
        },
        _ => StoreError::from(e),
    }
}

/// Create an empty file readable only by its owner (or its group too, with `shared`), so the
/// register never starts out world-readable whatever the umask.
fn create_private_file(path: &Path, shared: bool) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    let mode = if shared { 0o660 } else { 0o600 };
    use std::os::unix::fs::PermissionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    // The umask may have removed group bits that --shared asked for: set them explicitly.
    file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

/// The login name of whoever runs the process, recorded with every change.
pub fn os_user() -> String {
    for var in ["USER", "LOGNAME", "USERNAME"] {
        if let Ok(v) = std::env::var(var) {
            let v = crate::model::text::sanitize(&v);
            if !v.is_empty() {
                return v;
            }
        }
    }
    // No login variables (cron, some SSH setups): ask the password database.
    // SAFETY: getuid cannot fail; getpwuid returns NULL or a pointer to a static record whose
    // pw_name is a NUL-terminated string, read at once before any other passwd call.
    let uid = unsafe { libc::getuid() };
    let name = unsafe {
        let pw = libc::getpwuid(uid);
        if pw.is_null() || (*pw).pw_name.is_null() {
            None
        } else {
            Some(
                std::ffi::CStr::from_ptr((*pw).pw_name)
                    .to_string_lossy()
                    .into_owned(),
            )
        }
    };
    match name
        .map(|n| crate::model::text::sanitize(&n))
        .filter(|n| !n.is_empty())
    {
        Some(n) => n,
        None => format!("uid{uid}"),
    }
}

/// Local time as `YYYY-MM-DD HH:MM:SS`.
pub fn now_string() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

//! Writing many rows at once: what a large import does differently from a small one.
//!
//! Two things make a bulk insert into an indexed store cost several times the rows themselves,
//! and both can be set aside for the length of one transaction without giving up durability
//! or atomicity:
//! - **Secondary indexes** ([`SetAside`]): inserting rows one by one puts each key into every
//!   index at a random place. When a transaction inserts at least as many rows as a table held,
//!   dropping the table's plain (non-`UNIQUE`) indexes and creating them again from their own
//!   SQL before the commit sorts each index once instead. DDL is transactional in SQLite: if
//!   anything fails, the rollback brings the indexes back with the rows. `UNIQUE` indexes stay,
//!   since they are constraints, not conveniences.
//! - **The write-ahead log** ([`RollbackJournal`]): in WAL mode every page is written twice,
//!   to the log at commit and into the file at the checkpoint. A rollback journal copies only
//!   the pages that existed before; pages a bulk insert appends are written once. The switch
//!   needs the store to itself, so it is made only when no other process has it open, and WAL
//!   is restored afterwards (every open sets it again, should this process die first; a crash
//!   mid-transaction leaves a hot journal that SQLite rolls back on the next open). While the
//!   journal is a rollback journal the transaction's pages stay in memory until the commit
//!   (no spilling), so a process opening the store meanwhile reads it as it was, as under WAL,
//!   and waits only while the commit writes (a fraction of a second); that bounds how large a
//!   write may take this path ([`RollbackJournal::worth_it`]).

use rusqlite::Connection;

use super::StoreError;

/// Plain indexes of some tables, dropped inside the caller's transaction; [`SetAside::restore`]
/// creates them again (before the commit) from the SQL they were created with.
#[derive(Debug)]
#[must_use = "indexes set aside must be restored before the transaction commits"]
pub struct SetAside {
    /// `(name, CREATE INDEX …)` of each dropped index.
    indexes: Vec<(String, String)>,
}

impl SetAside {
    /// Drop the plain indexes of `tables` (created by `CREATE INDEX`, not `UNIQUE`). Call inside
    /// a transaction.
    pub fn drop_indexes(conn: &Connection, tables: &[&str]) -> Result<SetAside, StoreError> {
        let mut indexes = Vec::new();
        for table in tables {
            // index_list's `origin` is 'c' for CREATE INDEX, 'u'/'pk' for constraints.
            let mut list = conn.prepare(
                "SELECT l.name, m.sql FROM pragma_index_list(?1) AS l
                 JOIN sqlite_master AS m ON m.type = 'index' AND m.name = l.name
                 WHERE l.origin = 'c' AND l.\"unique\" = 0 AND m.sql IS NOT NULL
                 ORDER BY l.name",
            )?;
            let found = list
                .query_map([table], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            indexes.extend(found);
        }
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX {}", quote(name)))?;
        }
        Ok(SetAside { indexes })
    }

    /// Names of the indexes set aside.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.indexes.iter().map(|(name, _)| name.as_str())
    }

    /// Create the indexes again, in the same transaction.
    pub fn restore(self, conn: &Connection) -> Result<(), StoreError> {
        // The sorter may use a helper thread for large indexes (SQLite's default is none).
        conn.pragma_update(None, "threads", 1)?;
        for (_, sql) in &self.indexes {
            conn.execute_batch(sql)?;
        }
        conn.pragma_update(None, "threads", 0)?;
        Ok(())
    }
}

/// Whether inserting `new_rows` into a table of `existing_rows` is worth setting its indexes
/// aside: sorting every key once beats placing the new ones one by one when the new rows are
/// many and at least as many as those already there.
pub fn worth_setting_aside(new_rows: usize, existing_rows: i64) -> bool {
    new_rows >= BULK_ROWS && new_rows as i64 >= existing_rows
}

/// Below this many new rows a bulk strategy gains too little to matter.
pub const BULK_ROWS: usize = 10_000;

/// Above this many new rows a write keeps the WAL (see [`RollbackJournal::worth_it`]).
pub const MAX_JOURNAL_ROWS: usize = 200_000;

/// The store switched from WAL to a rollback journal for one bulk write (see the module
/// documentation); [`RollbackJournal::finish`] switches it back.
#[derive(Debug)]
#[must_use = "the store must be switched back to WAL"]
pub struct RollbackJournal(());

impl RollbackJournal {
    /// Switch to a rollback journal with full syncing, if this connection has the store to
    /// itself and it is in WAL mode. `None` when it stays in WAL (another process has it open,
    /// or it is not a WAL store): the write then goes through the WAL as usual.
    pub fn begin(conn: &Connection) -> Result<Option<RollbackJournal>, StoreError> {
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Ok(None);
        }
        // Leaving WAL needs an exclusive lock; SQLite answers "busy" at once (it does not wait)
        // when another connection has the store open, and the mode stays WAL.
        // Any refusal leaves the store as it was, which is always safe: the write goes through
        // the WAL.
        match conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get::<_, String>(0)) {
            Ok(mode) if mode.eq_ignore_ascii_case("delete") => {
                conn.pragma_update(None, "synchronous", "FULL")?;
                conn.pragma_update(None, "cache_spill", false)?;
                Ok(Some(RollbackJournal(())))
            }
            _ => Ok(None),
        }
    }

    /// Back to WAL with the store's usual syncing, once the write has committed or rolled
    /// back. Nothing here can undo that outcome, so a failure is not an error of the write:
    /// if another process holds the store meanwhile, the switch is left to the next open
    /// (every open sets WAL). Returns whether the store is back in WAL.
    pub fn finish(self, conn: &Connection) -> bool {
        let back = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))
            .is_ok_and(|mode| mode.eq_ignore_ascii_case("wal"));
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
        let _ = conn.pragma_update(None, "cache_spill", true);
        back
    }

    /// Whether a write inserting `new_rows` should take this path: large enough to gain, and
    /// small enough that holding its pages in memory until the commit (about half a kilobyte a
    /// row) is modest and the commit short.
    pub fn worth_it(new_rows: usize) -> bool {
        (BULK_ROWS..=MAX_JOURNAL_ROWS).contains(&new_rows)
    }
}

/// An SQL identifier in double quotes.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(conn: &Connection) -> Vec<(String, Option<String>)> {
        conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
            .and_then(|mut s| {
                s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap_or_default()
    }

    fn table(conn: &Connection) {
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT UNIQUE, a INT, b TEXT);
             CREATE INDEX t_a ON t(a);
             CREATE INDEX \"t b\" ON t(b, id) WHERE b IS NOT NULL;
             CREATE UNIQUE INDEX t_ab ON t(a, b);
             CREATE TABLE u (x INT); CREATE INDEX u_x ON u(x);",
        )
        .unwrap();
    }

    #[test]
    fn plain_indexes_are_set_aside_and_come_back_as_they_were() {
        let mut conn = Connection::open_in_memory().unwrap();
        table(&conn);
        let before = indexes(&conn);
        let tx = conn.transaction().unwrap();
        let aside = SetAside::drop_indexes(&tx, &["t"]).unwrap();
        assert_eq!(aside.names().collect::<Vec<_>>(), ["t b", "t_a"]);
        // Constraints and other tables' indexes stay.
        let left: Vec<String> = indexes(&tx).into_iter().map(|(n, _)| n).collect();
        assert_eq!(left, ["sqlite_autoindex_t_1", "t_ab", "u_x"]);
        tx.execute("INSERT INTO t(code, a, b) VALUES ('x', 1, 'y')", [])
            .unwrap();
        aside.restore(&tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(indexes(&conn), before);
        let via_index: i64 = conn
            .query_row(
                "SELECT count(*) FROM t INDEXED BY t_a WHERE a = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(via_index, 1);
    }

    #[test]
    fn a_rolled_back_bulk_write_keeps_its_indexes() {
        let mut conn = Connection::open_in_memory().unwrap();
        table(&conn);
        let before = indexes(&conn);
        let tx = conn.transaction().unwrap();
        let _aside = SetAside::drop_indexes(&tx, &["t", "u"]).unwrap();
        assert_eq!(indexes(&tx).len(), 2);
        drop(tx); // rolls back, as a failed import does
        assert_eq!(indexes(&conn), before);
    }

    #[test]
    fn only_many_rows_and_at_least_as_many_as_there_are_set_indexes_aside() {
        assert!(!worth_setting_aside(BULK_ROWS - 1, 0));
        assert!(worth_setting_aside(BULK_ROWS, 0));
        assert!(worth_setting_aside(50_000, 50_000));
        assert!(!worth_setting_aside(50_000, 50_001));
        assert!(!RollbackJournal::worth_it(BULK_ROWS - 1));
        assert!(RollbackJournal::worth_it(100_000));
        assert!(!RollbackJournal::worth_it(MAX_JOURNAL_ROWS + 1));
    }

    #[test]
    fn the_journal_switches_only_when_the_store_is_this_connections_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let conn = Connection::open(&path).unwrap();
        let mode = |c: &Connection| -> String {
            c.query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap()
        };
        conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .unwrap();
        table(&conn);

        // Another process (here: connection) has the store open: stay in WAL.
        let other = Connection::open(&path).unwrap();
        let _: i64 = other
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert!(RollbackJournal::begin(&conn).unwrap().is_none());
        assert_eq!(mode(&conn), "wal");
        drop(other);

        let journal = RollbackJournal::begin(&conn).unwrap().expect("alone");
        assert_eq!(mode(&conn), "delete");
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL while the journal is a rollback journal");
        let spill: i64 = conn
            .query_row("PRAGMA cache_spill", [], |r| r.get(0))
            .unwrap();
        assert_eq!(spill, 0, "nothing written to the file before the commit");
        conn.execute("INSERT INTO t(code) VALUES ('z')", [])
            .unwrap();
        assert!(journal.finish(&conn));
        assert_eq!(mode(&conn), "wal");
        let reopened = Connection::open(&path).unwrap();
        assert_eq!(mode(&reopened), "wal");
    }
}

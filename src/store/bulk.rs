//! Writing many rows at once: what a large import does differently from a small one.
//!
//! Secondary indexes make a bulk insert into an indexed store cost several times the rows
//! themselves: inserting rows one by one puts each key into every index at a random place.
//! When a transaction inserts at least as many rows as a table held, dropping the table's plain
//! (non-`UNIQUE`) indexes and creating them again from their own SQL before the commit sorts
//! each index once instead ([`SetAside`]). DDL is transactional in SQLite: if anything fails,
//! the rollback brings the indexes back with the rows. `UNIQUE` indexes stay, since they are
//! constraints, not conveniences. Durability and atomicity are untouched.
//!
//! An earlier version also switched a large import from the WAL to a rollback journal (pages
//! written once instead of twice). It was taken out: after the switch the importing connection
//! could keep pages cached from before another process's WAL commit and write over that
//! commit. Every write goes through the WAL.

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
        let names: Vec<&str> = aside.indexes.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["t b", "t_a"]);
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
    }
}

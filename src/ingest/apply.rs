//! Writing a plan, and undoing an import.
//!
//! [`apply`] runs in one transaction: it records the import (file name, SHA-256, sheet, kind,
//! OS user, time, counts) with a `sources` row of kind `import`, writes every new or changed
//! row pointing at that import, and logs each insert and update in the change log
//! ([`crate::store::audit`]). Names get `name_norm` and `search_forms` exactly as the seed
//! loader computes them. A large import sets plain indexes aside while it writes
//! ([`crate::store::bulk`]), which changes nothing of what is written. [`undo`]
//! replays an import's logged changes backwards, also in one transaction, and refuses when
//! later changes depend on what it would remove.

use foldhash::{HashMap, HashMapExt};

use rusqlite::{Connection, OptionalExtension, params};

use super::plan::{EntState, Holder, Plan};
use super::report::Records;
use super::{ImportOptions, IngestError};
use crate::model::text::normalize_name;
use crate::store::audit::{self, Action};
use crate::store::bulk;
use crate::store::{Store, StoreError, now_string, os_user};

/// Write `plan` in one transaction; returns the new import's id. Refuses with
/// [`IngestError::StoreChanged`], writing nothing, when another connection has committed to the
/// store since the plan read it (the plan may rest on rows that changed).
pub fn apply(store: &mut Store, plan: &Plan, opts: &ImportOptions) -> Result<i64, IngestError> {
    // One large transaction: a page cache big enough to hold it (64 MiB at most, allocated
    // only as used) keeps SQLite from spilling dirty pages to the WAL half-way through.
    let cache: i64 = store
        .conn()
        .query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    store.conn().pragma_update(None, "cache_size", -65536)?;
    let result = apply_in_transaction(store, plan, opts);
    store.conn().pragma_update(None, "cache_size", cache)?;
    result
}

fn apply_in_transaction(
    store: &mut Store,
    plan: &Plan,
    opts: &ImportOptions,
) -> Result<i64, IngestError> {
    let user = os_user();
    let at = now_string();
    // The write lock at once, then: has anyone committed since the plan read the store?
    let tx = store
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
    if version != plan.store_version {
        return Err(IngestError::StoreChanged);
    }
    let p = &plan.parsed;
    let counts = plan.counts();
    let pending_code = format!("import:pending:{}", p.sha256);
    tx.execute(
        "INSERT INTO sources(code, kind, title, issuer, date, file) VALUES (?1, 'import', ?2, ?3, ?4, ?5)",
        params![pending_code, format!("导入：{}", p.file_name), user, &at[..10], p.file_name],
    )?;
    let source_id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO imports(source_id, file_name, sha256, sheet, kind, os_user, at, rows_total, rows_new,
             rows_changed, rows_unchanged, rows_skipped)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            source_id,
            p.file_name,
            p.sha256,
            p.sheet,
            p.kind.as_str(),
            user,
            at,
            plan.results.len() as i64,
            counts.new as i64,
            counts.changed as i64,
            counts.unchanged as i64,
            (counts.invalid + counts.out_of_scope) as i64,
        ],
    )?;
    let import_id = tx.last_insert_rowid();
    tx.execute(
        "UPDATE sources SET code = ?1 WHERE id = ?2",
        params![format!("import:{import_id}"), source_id],
    )?;
    let mut changes = ChangeLog::new(&tx, import_id, &user, &at);
    // Rows this import inserts are logged table by table once written (see `ChangeLog`).
    for table in [
        "parks",
        "park_clusters",
        "enterprises",
        "enterprise_clusters",
        "designations",
    ] {
        changes.mark(table)?;
    }

    let locator = |row: Option<u32>| -> String {
        match row {
            Some(r) => format!("{} 第{r}行", p.sheet),
            None => p.sheet.clone(),
        }
    };
    let total_writes = plan.enterprise_writes().count()
        + plan.park_writes().count()
        + plan.designation_writes().count();
    let mut done = 0usize;
    let tick = |done: &mut usize| {
        *done += 1;
        if opts.progress && total_writes >= 20_000 && (*done).is_multiple_of(20_000) {
            eprint!("\r写入中… {done}/{total_writes}");
        }
    };

    // Parks first (enterprises and designations refer to them), parents once all exist.
    let mut park_ids: HashMap<usize, i64> = HashMap::new();
    for (i, id) in plan.parks.ids.iter().enumerate() {
        if let Some(id) = id {
            park_ids.insert(i, *id);
        }
    }
    let mut parent_fixes = Vec::new();
    for (i, before, now) in plan.park_writes() {
        let forms = crate::search::forms_for(&now.name, &now.short_names);
        let parent = now.parent.and_then(|p| park_ids.get(&p).copied());
        if now.parent.is_some() && parent.is_none() {
            parent_fixes.push(i);
        }
        let id = match before {
            None => {
                tx.prepare_cached(
                    "INSERT INTO parks(name, name_norm, short_names, kind, level, region_id, parent_id, notes,
                        search_forms, source_id, locator, import_id, updated_by, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                )?
                .execute(params![
                    now.name, normalize_name(&now.name), now.short_names.join("|"), now.kind, now.level,
                    now.region_id, parent, now.notes, forms, source_id, locator(plan.park_row(i)),
                    import_id, user, at
                ])?;
                tx.last_insert_rowid()
            }
            Some(_) => {
                let id = plan.parks.ids[i].ok_or_else(|| StoreError::NotFound("park".into()))?;
                let before_json = audit::row_json(&tx, "parks", id)?;
                tx.prepare_cached(
                    "UPDATE parks SET name = ?1, name_norm = ?2, short_names = ?3, kind = ?4, level = ?5,
                        region_id = ?6, parent_id = coalesce(?7, parent_id), notes = ?8, search_forms = ?9,
                        import_id = ?10, updated_by = ?11, updated_at = ?12 WHERE id = ?13",
                )?
                .execute(params![
                    now.name, normalize_name(&now.name), now.short_names.join("|"), now.kind, now.level,
                    now.region_id, parent, now.notes, forms, import_id, user, at, id
                ])?;
                changes.update("parks", id, before_json.as_ref())?;
                id
            }
        };
        park_ids.insert(i, id);
        let old = before.map(|b| b.clusters.clone()).unwrap_or_default();
        for c in now.clusters.difference(&old) {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO park_clusters(park_id, cluster_id) VALUES (?1, ?2)",
            )?
            .execute(params![id, c])?;
        }
        tick(&mut done);
    }
    changes.log_inserts("parks")?;
    changes.log_inserts("park_clusters")?;
    for i in parent_fixes {
        let (Some(id), Some(parent)) = (
            park_ids.get(&i).copied(),
            plan.parks.states[i]
                .parent
                .and_then(|p| park_ids.get(&p).copied()),
        ) else {
            continue;
        };
        let before_json = audit::row_json(&tx, "parks", id)?;
        tx.execute(
            "UPDATE parks SET parent_id = ?1 WHERE id = ?2",
            params![parent, id],
        )?;
        changes.update("parks", id, before_json.as_ref())?;
    }

    // A large insert sorts the enterprises' plain indexes once, after the rows are in.
    let new_enterprises = Records::of("企业", plan.enterprise_writes()).new;
    let aside = set_aside_if_worth(
        &tx,
        new_enterprises,
        &["enterprises", "enterprise_clusters"],
    )?;
    // Store id of each enterprise of the plan, filled in as new ones are inserted.
    let mut ent_ids: Vec<Option<i64>> = plan.enterprises.ids.clone();
    let writes: Vec<(usize, Option<&EntState>, &EntState)> = plan.enterprise_writes().collect();
    let mut insert = tx.prepare_cached(
        "INSERT INTO enterprises(name, name_norm, name_is_full, short_names, uscc, region_id, park_id,
            scale, notes, search_forms, source_id, locator, import_id, updated_by, updated_at)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    let mut update = tx.prepare_cached(
        "UPDATE enterprises SET name = ?1, name_norm = ?2, short_names = ?3, uscc = ?4, region_id = ?5,
            park_id = ?6, scale = ?7, notes = ?8, search_forms = ?9, import_id = ?10,
            updated_by = ?11, updated_at = ?12 WHERE id = ?13",
    )?;
    let mut add_cluster = tx.prepare_cached(
        "INSERT OR IGNORE INTO enterprise_clusters(enterprise_id, cluster_id) VALUES (?1, ?2)",
    )?;
    // The text each row needs besides its state (pinyin forms above all) is computed on a
    // second thread, a batch ahead of the writes; SQLite keeps this thread busy meanwhile.
    std::thread::scope(|scope| -> Result<(), IngestError> {
        let (send, batches) = std::sync::mpsc::sync_channel::<Vec<DerivedText>>(2);
        let writes = &writes;
        scope.spawn(move || {
            for chunk in writes.chunks(DERIVED_BATCH) {
                let batch = chunk
                    .iter()
                    .map(|(i, _, now)| DerivedText::of(now, locator(plan.enterprise_row(*i))))
                    .collect();
                if send.send(batch).is_err() {
                    // The writer stopped (an error); nothing more is needed.
                    return;
                }
            }
        });
        for chunk in writes.chunks(DERIVED_BATCH) {
            let derived = batches
                .recv()
                .map_err(|_| StoreError::NotFound("pinyin forms".into()))?;
            for (&(i, before, now), text) in chunk.iter().zip(derived) {
                let park = now.park.and_then(|p| park_ids.get(&p).copied());
                let id = match before {
                    None => {
                        insert.execute(params![
                            now.name,
                            text.name_norm,
                            text.short_names,
                            now.uscc,
                            now.region_id,
                            park,
                            now.scale,
                            now.notes,
                            text.forms,
                            source_id,
                            text.locator,
                            import_id,
                            user,
                            at
                        ])?;
                        tx.last_insert_rowid()
                    }
                    Some(_) => {
                        let id = plan.enterprises.ids[i]
                            .ok_or_else(|| StoreError::NotFound("enterprise".into()))?;
                        let before_json = audit::row_json(&tx, "enterprises", id)?;
                        update.execute(params![
                            now.name,
                            text.name_norm,
                            text.short_names,
                            now.uscc,
                            now.region_id,
                            park,
                            now.scale,
                            now.notes,
                            text.forms,
                            import_id,
                            user,
                            at,
                            id
                        ])?;
                        changes.update("enterprises", id, before_json.as_ref())?;
                        id
                    }
                };
                ent_ids[i] = Some(id);
                match before {
                    None => {
                        for c in &now.clusters {
                            add_cluster.execute(params![id, c])?;
                        }
                    }
                    Some(old) => {
                        for c in now.clusters.difference(&old.clusters) {
                            add_cluster.execute(params![id, c])?;
                        }
                    }
                }
                tick(&mut done);
            }
        }
        Ok(())
    })?;
    drop((insert, update, add_cluster));

    changes.log_inserts("enterprises")?;
    changes.log_inserts("enterprise_clusters")?;
    if let Some(aside) = aside {
        aside.restore(&tx)?;
    }

    let new_designations = Records::of("认定", plan.designation_writes()).new;
    let aside = set_aside_if_worth(&tx, new_designations, &["designations"])?;
    for (i, before, now) in plan.designation_writes() {
        let (ent, park) = match now.holder {
            Holder::Enterprise(e) => (ent_ids.get(e).copied().flatten(), None),
            Holder::Park(p) => (None, park_ids.get(&p).copied()),
        };
        if ent.is_none() && park.is_none() {
            continue;
        }
        match before {
            None => {
                tx.prepare_cached(
                    "INSERT INTO designations(enterprise_id, park_id, type, level, grade, year, batch, status,
                        notes, source_id, locator, import_id, updated_by, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                )?
                .execute(params![
                    ent, park, now.ty, now.level, now.grade, now.year, now.batch, now.status, now.notes,
                    source_id, locator(plan.designation_row(i)), import_id, user, at
                ])?;
            }
            Some(_) => {
                let Some(id) = plan.designation_ids[i] else {
                    continue;
                };
                let before_json = audit::row_json(&tx, "designations", id)?;
                tx.prepare_cached(
                    "UPDATE designations SET batch = ?1, status = ?2, notes = ?3, import_id = ?4,
                        updated_by = ?5, updated_at = ?6 WHERE id = ?7",
                )?
                .execute(params![
                    now.batch, now.status, now.notes, import_id, user, at, id
                ])?;
                changes.update("designations", id, before_json.as_ref())?;
            }
        }
        tick(&mut done);
    }
    changes.log_inserts("designations")?;
    if let Some(aside) = aside {
        aside.restore(&tx)?;
    }
    if opts.progress && total_writes >= 20_000 {
        eprintln!("\r写入完成 {total_writes}/{total_writes}。   ");
    }
    tx.commit()?;
    Ok(import_id)
}

/// Drop the plain indexes of `tables` (the first one the table the rows go to) when inserting
/// `new_rows` is worth sorting them afresh (see [`bulk::SetAside`]).
fn set_aside_if_worth(
    conn: &Connection,
    new_rows: usize,
    tables: &[&'static str],
) -> Result<Option<bulk::SetAside>, StoreError> {
    let Some(&table) = tables.first() else {
        return Ok(None);
    };
    if new_rows < bulk::BULK_ROWS || !audit::AUDITED.contains(&table) {
        return Ok(None);
    }
    let existing: i64 =
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
    if !bulk::worth_setting_aside(new_rows, existing) {
        return Ok(None);
    }
    bulk::SetAside::drop_indexes(conn, tables).map(Some)
}

/// Enterprises whose derived text one message to the writer carries.
const DERIVED_BATCH: usize = 2048;

/// What an enterprise row stores besides its state: derived from it, and costly enough at
/// scale (pinyin above all) to compute off the writing thread.
struct DerivedText {
    name_norm: String,
    short_names: String,
    forms: String,
    locator: String,
}

impl DerivedText {
    fn of(now: &EntState, locator: String) -> Self {
        DerivedText {
            name_norm: normalize_name(&now.name),
            short_names: now.short_names.join("|"),
            forms: crate::search::forms_for(&now.name, &now.short_names),
            locator,
        }
    }
}

/// The change log of one import.
///
/// Inserted rows are logged a table at a time: the highest rowid of each table is noted
/// before the import writes ([`ChangeLog::mark`]), and one entry covers the rowids above it
/// ([`ChangeLog::log_inserts`]). Nothing in an import deletes rows, so every row above the
/// mark is one this import inserted; the rows are their own after-image. Updates are logged
/// one by one with their `before` image and an `after` image built by SQLite itself
/// (`json_object` over the row as written, see [`audit::row_object_sql`]), so logging costs no
/// read-back and no serialisation in Rust. `at` and `os_user` are the import's own.
struct ChangeLog<'a> {
    conn: &'a Connection,
    import_id: i64,
    user: &'a str,
    at: &'a str,
    /// `json_object(…)` over each table's columns.
    objects: HashMap<&'static str, String>,
    /// Highest rowid of each table before the import wrote to it.
    marks: HashMap<&'static str, i64>,
}

impl<'a> ChangeLog<'a> {
    fn new(conn: &'a Connection, import_id: i64, user: &'a str, at: &'a str) -> Self {
        ChangeLog {
            conn,
            import_id,
            user,
            at,
            objects: HashMap::new(),
            marks: HashMap::new(),
        }
    }

    /// The `json_object(…)` expression of a row of `table`.
    fn object(&mut self, table: &'static str) -> Result<&str, StoreError> {
        if !self.objects.contains_key(table) {
            let object = audit::row_object_sql(self.conn, table)?;
            self.objects.insert(table, object);
        }
        Ok(&self.objects[table])
    }

    /// Note where `table`'s rows end before the import writes to it.
    fn mark(&mut self, table: &'static str) -> Result<(), StoreError> {
        // Only the store's own audited tables are ever named in SQL here. (The JSON object of a
        // table's rows is built only when an update needs it.)
        if !audit::AUDITED.contains(&table) {
            return Err(StoreError::NotFound(format!("table {table}")));
        }
        let max: i64 = self.conn.query_row(
            &format!("SELECT coalesce(max(rowid), 0) FROM {table}"),
            [],
            |r| r.get(0),
        )?;
        self.marks.insert(table, max);
        Ok(())
    }

    /// Log the rows of `table` above its mark as inserted by this import: one entry covering
    /// their rowids.
    fn log_inserts(&mut self, table: &'static str) -> Result<(), StoreError> {
        let mark = *self
            .marks
            .get(table)
            .ok_or_else(|| StoreError::NotFound(format!("mark of {table}")))?;
        // The table name is one of `audit::AUDITED` (checked by `mark`, without which there is no mark to read).
        self.conn.execute(
            &format!(
                "INSERT INTO changes(at, os_user, import_id, action, entity, entity_id, last_id)
                 SELECT ?1, ?2, ?3, 'insert', '{table}', min(rowid), max(rowid)
                 FROM {table} WHERE rowid > ?4 HAVING count(*) > 0"
            ),
            params![self.at, self.user, self.import_id, mark],
        )?;
        Ok(())
    }

    /// Log an update of row `id` of `table`, as the row was (`before`) and now is.
    fn update(
        &mut self,
        table: &'static str,
        id: i64,
        before: Option<&serde_json::Value>,
    ) -> Result<(), StoreError> {
        let object = self.object(table)?;
        let sql = format!(
            "INSERT INTO changes(at, os_user, import_id, action, entity, entity_id, before, after)
             SELECT ?1, ?2, ?3, 'update', '{table}', ?4, ?5, {object}
             FROM {table} WHERE rowid = ?4"
        );
        self.conn.prepare_cached(&sql)?.execute(params![
            self.at,
            self.user,
            self.import_id,
            id,
            before.map(|v| v.to_string()),
        ])?;
        Ok(())
    }
}

/// One row of `yuanqi imports`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportRow {
    pub id: i64,
    pub at: String,
    pub os_user: String,
    pub file_name: String,
    pub sha256: String,
    pub sheet: Option<String>,
    pub kind: String,
    pub rows_total: i64,
    pub rows_new: i64,
    pub rows_changed: i64,
    pub rows_unchanged: i64,
    pub rows_skipped: i64,
    pub undone_at: Option<String>,
    pub undone_by: Option<String>,
}

/// Every import, newest first.
pub fn list(store: &Store) -> Result<Vec<ImportRow>, StoreError> {
    let mut stmt = store.conn().prepare(
        "SELECT id, at, os_user, file_name, sha256, sheet, kind, rows_total, rows_new, rows_changed,
                rows_unchanged, rows_skipped, undone_at, undone_by
         FROM imports ORDER BY id DESC",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(ImportRow {
                id: r.get(0)?,
                at: r.get(1)?,
                os_user: r.get(2)?,
                file_name: r.get(3)?,
                sha256: r.get(4)?,
                sheet: r.get(5)?,
                kind: r.get(6)?,
                rows_total: r.get(7)?,
                rows_new: r.get(8)?,
                rows_changed: r.get(9)?,
                rows_unchanged: r.get(10)?,
                rows_skipped: r.get(11)?,
                undone_at: r.get(12)?,
                undone_by: r.get(13)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Why an import cannot be undone.
#[derive(Debug, thiserror::Error)]
pub enum UndoError {
    #[error("没有编号为 {0} 的导入。用 `yuanqi imports` 查看导入记录。")]
    NotFound(i64),
    #[error("导入#{id} 已于 {at} 由 {by} 撤销，无需再撤销。")]
    AlreadyUndone { id: i64, at: String, by: String },
    #[error(
        "导入#{id} 之后，{later} 又修改了其中的记录。为免丢失较新的数据，请先撤销较新的导入（从最新的开始）。"
    )]
    Later { id: i64, later: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for UndoError {
    fn from(e: rusqlite::Error) -> Self {
        UndoError::Store(StoreError::from(e))
    }
}

/// How many changes an undo reverted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UndoCounts {
    pub deleted: usize,
    pub restored: usize,
    /// Rows deleted and restored per table, in [`audit::AUDITED`]'s order.
    pub by_table: Vec<(&'static str, usize, usize)>,
}

impl UndoCounts {
    fn count(&mut self, table: &str, deleted: usize, restored: usize) {
        self.deleted += deleted;
        self.restored += restored;
        let Some(&name) = audit::AUDITED.iter().find(|t| **t == table) else {
            return;
        };
        match self.by_table.iter_mut().find(|(t, _, _)| *t == name) {
            Some((_, d, r)) => {
                *d += deleted;
                *r += restored;
            }
            None => self.by_table.push((name, deleted, restored)),
        }
        let order = |t: &str| audit::AUDITED.iter().position(|a| *a == t);
        self.by_table.sort_by_key(|(t, _, _)| order(t));
    }

    /// "（企业 9、认定 3）" for the deleted (`restored` false) or restored rows; empty when none.
    pub fn breakdown(&self, restored: bool) -> String {
        let parts: Vec<String> = self
            .by_table
            .iter()
            .map(|&(t, d, r)| (t, if restored { r } else { d }))
            .filter(|&(_, n)| n > 0)
            .map(|(t, n)| format!("{} {n}", table_label(t)))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("（{}）", parts.join("、"))
        }
    }
}

/// What a user calls the rows of an audited table.
fn table_label(table: &str) -> &'static str {
    match table {
        "enterprises" => "企业",
        "parks" => "园区",
        "designations" => "认定",
        "targets" => "目标",
        "target_reports" => "填报",
        "enterprise_clusters" => "企业所属集群",
        "park_clusters" => "园区所属集群",
        _ => "其他",
    }
}

/// Undo import `id`: replay its changes backwards in one transaction.
pub fn undo(store: &mut Store, id: i64) -> Result<UndoCounts, UndoError> {
    store.ensure_writable()?;
    let user = os_user();
    let at = now_string();
    let tx = store.conn_mut().transaction()?;
    let row: Option<(Option<String>, Option<String>)> = tx
        .query_row(
            "SELECT undone_at, undone_by FROM imports WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match row {
        None => return Err(UndoError::NotFound(id)),
        Some((Some(at), by)) => {
            return Err(UndoError::AlreadyUndone {
                id,
                at,
                by: by.unwrap_or_default(),
            });
        }
        Some(_) => {}
    }
    // Later changes to the same rows by anything not itself undone. An entry covers the rowids
    // `entity_id ..= last_id` (one row when `last_id` is NULL); a later per-row entry is found
    // through `changes_entity`, a later range through `changes_ranges`.
    let later: Vec<String> = tx
        .prepare(
            "WITH mine AS (
                 SELECT id, entity, entity_id AS lo, coalesce(last_id, entity_id) AS hi
                 FROM changes WHERE import_id = ?1
             ),
             touching AS (
                 SELECT c2.import_id FROM mine c1 JOIN changes c2
                   ON c2.entity = c1.entity AND c2.entity_id BETWEEN c1.lo AND c1.hi
                  AND c2.id > c1.id
                 UNION ALL
                 SELECT c2.import_id FROM mine c1 JOIN changes c2
                   ON c2.entity = c1.entity AND c2.last_id IS NOT NULL AND c2.last_id >= c1.lo
                  AND c2.entity_id <= c1.hi AND c2.id > c1.id
             )
             SELECT DISTINCT coalesce('导入#' || t.import_id, '手工修改') FROM touching t
             WHERE (t.import_id IS NULL OR t.import_id <> ?1)
               AND NOT EXISTS (SELECT 1 FROM imports i WHERE i.id = t.import_id AND i.undone_at IS NOT NULL)",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if !later.is_empty() {
        return Err(UndoError::Later {
            id,
            later: later.join("、"),
        });
    }
    type Logged = (String, String, i64, Option<i64>, Option<String>);
    let changes: Vec<Logged> = tx
        .prepare(
            "SELECT action, entity, entity_id, last_id, before FROM changes
             WHERE import_id = ?1 ORDER BY id DESC",
        )?
        .query_map([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut counts = UndoCounts::default();
    // Per table: the statements logging and deleting a range of rows.
    let mut deletes: HashMap<String, (String, String)> = HashMap::new();
    for (action, entity, entity_id, last_id, before) in &changes {
        if !audit::AUDITED.contains(&entity.as_str()) {
            continue;
        }
        let (lo, hi) = (*entity_id, last_id.unwrap_or(*entity_id));
        match action.as_str() {
            "insert" => {
                // Rows this import added that something newer now hangs on.
                let dependents: i64 = match entity.as_str() {
                    "enterprises" => tx.prepare_cached(
                        "SELECT (SELECT count(*) FROM designations WHERE enterprise_id BETWEEN ?1 AND ?2)
                              + (SELECT count(*) FROM enterprise_clusters WHERE enterprise_id BETWEEN ?1 AND ?2)",
                    )?
                    .query_row([lo, hi], |r| r.get(0))?,
                    "parks" => tx.prepare_cached(
                        "SELECT (SELECT count(*) FROM designations WHERE park_id BETWEEN ?1 AND ?2)
                              + (SELECT count(*) FROM park_clusters WHERE park_id BETWEEN ?1 AND ?2)
                              + (SELECT count(*) FROM enterprises WHERE park_id BETWEEN ?1 AND ?2)
                              + (SELECT count(*) FROM parks WHERE parent_id BETWEEN ?1 AND ?2
                                                               AND id NOT BETWEEN ?1 AND ?2)",
                    )?
                    .query_row([lo, hi], |r| r.get(0))?,
                    _ => 0,
                };
                if dependents > 0 {
                    return Err(UndoError::Later {
                        id,
                        later: "其他导入或修改".into(),
                    });
                }
                // Each deleted row is logged with what it held, so the log keeps every row
                // that ever existed. The table name is one of `audit::AUDITED`.
                // A log written before migration 5 has one entry per row: the statements are
                // built once per table and reused.
                if !deletes.contains_key(entity.as_str()) {
                    let object = audit::row_object_sql(&tx, entity)?;
                    deletes.insert(
                        entity.clone(),
                        (
                            format!(
                                "INSERT INTO changes(at, os_user, import_id, action, entity, entity_id, before)
                                 SELECT ?1, ?2, ?3, 'delete', '{entity}', rowid, {object}
                                 FROM {entity} WHERE rowid BETWEEN ?4 AND ?5 ORDER BY rowid DESC"
                            ),
                            format!("DELETE FROM {entity} WHERE rowid BETWEEN ?1 AND ?2"),
                        ),
                    );
                }
                let (log, delete) = &deletes[entity.as_str()];
                tx.prepare_cached(log)?
                    .execute(params![at, user, id, lo, hi])?;
                let n = tx.prepare_cached(delete)?.execute([lo, hi])?;
                counts.count(entity, n, 0);
            }
            "update" => {
                let Some(before) = before
                    .as_deref()
                    .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
                else {
                    continue;
                };
                let current = audit::row_json(&tx, entity, *entity_id)?;
                restore(&tx, entity, *entity_id, &before)?;
                let after = audit::row_json(&tx, entity, *entity_id)?;
                audit::record(
                    &tx,
                    Some(id),
                    Action::Update,
                    entity,
                    *entity_id,
                    current.as_ref(),
                    after.as_ref(),
                )?;
                counts.count(entity, 0, 1);
            }
            _ => {}
        }
    }
    tx.execute(
        "UPDATE imports SET undone_at = ?1, undone_by = ?2 WHERE id = ?3",
        params![at, user, id],
    )?;
    tx.commit()?;
    Ok(counts)
}

/// Put a row's columns back to the values in `before` (a [`audit::row_json`] object).
fn restore(
    conn: &Connection,
    table: &str,
    id: i64,
    before: &serde_json::Value,
) -> Result<(), StoreError> {
    let Some(obj) = before.as_object() else {
        return Ok(());
    };
    let cols: Vec<&String> = obj.keys().filter(|k| k.as_str() != "id").collect();
    if cols.is_empty() {
        return Ok(());
    }
    // Column names come from the store's own schema (row_json), never from input.
    let sets: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| format!("\"{c}\" = ?{}", i + 1))
        .collect();
    let sql = format!(
        "UPDATE {table} SET {} WHERE rowid = ?{}",
        sets.join(", "),
        cols.len() + 1
    );
    let mut values: Vec<rusqlite::types::Value> = cols
        .iter()
        .map(|c| match &obj[c.as_str()] {
            serde_json::Value::Null => rusqlite::types::Value::Null,
            serde_json::Value::Bool(b) => rusqlite::types::Value::Integer(*b as i64),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => rusqlite::types::Value::Integer(i),
                None => rusqlite::types::Value::Real(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => rusqlite::types::Value::Text(s.clone()),
            other => rusqlite::types::Value::Text(other.to_string()),
        })
        .collect();
    values.push(rusqlite::types::Value::Integer(id));
    conn.execute(&sql, rusqlite::params_from_iter(values))?;
    Ok(())
}

//! The change log: every write after seeding (import, edit, undo) records who, when and what,
//! inside the same transaction as the write itself. An update keeps the row before and after
//! as JSON, a delete the row before it. Rows an import inserts are logged as one entry per
//! table covering their rowids `entity_id ..= last_id`: the rows are their own after-image
//! (they carry the import's id), and a later update logs what they were. Undoing an import
//! replays its changes backwards.

use rusqlite::{Connection, OptionalExtension, params};

use super::StoreError;

/// What a change did to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Insert,
    Update,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Insert => "insert",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// Tables whose rows the change log covers.
pub const AUDITED: &[&str] = &[
    "enterprises",
    "parks",
    "designations",
    "targets",
    "target_reports",
    "enterprise_clusters",
    "park_clusters",
];

/// The row `id` of `table` as a JSON object (column → value), or `None` when it does not exist.
pub fn row_json(
    conn: &Connection,
    table: &str,
    id: i64,
) -> Result<Option<serde_json::Value>, StoreError> {
    if !AUDITED.contains(&table) {
        return Err(StoreError::NotFound(format!("table {table}")));
    }
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE rowid = ?1"))?;
    let names: Vec<String> = stmt.column_names().map(|s| s.to_string()).collect();
    let row = stmt
        .query_row([id], |r| {
            let mut obj = serde_json::Map::new();
            for (i, n) in names.iter().enumerate() {
                let v = match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => serde_json::Value::Null,
                    rusqlite::types::ValueRef::Integer(x) => serde_json::Value::from(x),
                    rusqlite::types::ValueRef::Real(x) => serde_json::Value::from(x),
                    rusqlite::types::ValueRef::Text(t) => {
                        serde_json::Value::from(String::from_utf8_lossy(t).into_owned())
                    }
                    rusqlite::types::ValueRef::Blob(_) => serde_json::Value::Null,
                };
                obj.insert(n.clone(), v);
            }
            Ok(serde_json::Value::Object(obj))
        })
        .optional()?;
    Ok(row)
}

/// Append one entry to the change log. Call inside the transaction that made the change.
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &Connection,
    import_id: Option<i64>,
    action: Action,
    entity: &str,
    entity_id: i64,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO changes(at, os_user, import_id, action, entity, entity_id, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        super::now_string(),
        super::os_user(),
        import_id,
        action.as_str(),
        entity,
        entity_id,
        before.map(|v| v.to_string()),
        after.map(|v| v.to_string()),
    ])?;
    Ok(())
}

/// A SQL expression building the JSON object of a row of `table` (column → value, the columns
/// in the order [`row_json`] gives them), for logging rows in SQL without reading them back.
pub fn row_object_sql(conn: &Connection, table: &str) -> Result<String, StoreError> {
    if !AUDITED.contains(&table) {
        return Err(StoreError::NotFound(format!("table {table}")));
    }
    let mut cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info(?1)")?
        .query_map([table], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    cols.sort();
    // Column names come from the store's own schema, never from input.
    let object = cols
        .iter()
        .map(|c| format!("'{c}', \"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(format!("json_object({object})"))
}

//! The change log behind sync: which tables travel, the hybrid logical clock, reading changes
//! out for a bundle and applying a bundle's changes (per field, the newer clock wins; deletes
//! are tombstones and win over edits).
//!
//! Every insert, update and delete of a synced table writes a `changes` row in the same
//! transaction (the triggers of migration 0002). A change is stamped with a clock `hlc`
//! (milliseconds since 1970 shifted left 16 bits, plus a counter: a hybrid logical clock) and
//! the `origin` installation; `(origin, hlc)` names it everywhere. A row's content is the fold
//! of its changes: each field takes the value of the newest change that set it, ordered by
//! `(hlc, origin)`; a tombstone deletes the row for good. So every installation that holds
//! the same set of changes holds the same rows, whatever order they arrived in.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use crate::audit::Entry;
use crate::{Result, Store, StoreError};

/// A table that travels in bundles.
pub struct Table {
    pub name: &'static str,
    /// The primary key column (text).
    pub key: &'static str,
    /// Every other column, in schema order.
    pub columns: &'static [&'static str],
    /// Columns holding bytes; they travel as hexadecimal text.
    pub blobs: &'static [&'static str],
    /// (column, parent table): the row needs that parent to exist.
    pub parents: &'static [(&'static str, &'static str)],
    /// When a parent is deleted, keep this row and clear the reference (issued documents are
    /// records that must be kept); otherwise the row is deleted with its parent.
    pub keeps_orphans: bool,
}

/// The synced tables, parents before children. Not synced: the installation's own rows
/// (installation, settings, document counters), the audit log (each installation records what
/// happened on it, imports included) and the search index (derived from customers).
pub const TABLES: [Table; 12] = [
    // First, so that a merge is settled before the delete of the customer merged away
    // (migration 0007): its rows then move to the kept customer instead of going with it.
    Table { name: "customer_merges", key: "id", columns: &["keep_id", "merged_at", "updated_at"], blobs: &[], parents: &[], keeps_orphans: false },
    Table {
        name: "customers",
        key: "id",
        columns: &["kind", "name", "name_kana", "birth_date", "prefecture", "postal_code", "address", "created_at", "updated_at"],
        blobs: &[],
        parents: &[],
        keeps_orphans: false,
    },
    Table {
        name: "customer_phones",
        key: "id",
        columns: &["customer_id", "number", "digits", "digits_reversed", "label", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers")],
        keeps_orphans: false,
    },
    Table {
        name: "customer_emails",
        key: "id",
        columns: &["customer_id", "address", "address_key", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers")],
        keeps_orphans: false,
    },
    Table {
        name: "accounts",
        key: "id",
        columns: &[
            "customer_id",
            "service",
            "customer_number",
            "number_key",
            "status",
            "plan",
            "server_model",
            "servers",
            "first_delivery",
            "last_shipment",
            "dealer",
            "monthly_limit",
            "billing_cycle",
            "paid_through",
            "terminals",
            "np_terms",
            "points",
            "member",
            "created_at",
            "updated_at",
        ],
        blobs: &[],
        parents: &[("customer_id", "customers")],
        keeps_orphans: false,
    },
    Table {
        name: "orders",
        key: "id",
        columns: &["account_id", "order_number", "ordered_at", "payment_method", "shipped_on", "status", "updated_at"],
        blobs: &[],
        parents: &[("account_id", "accounts")],
        keeps_orphans: false,
    },
    Table {
        name: "order_lines",
        key: "id",
        columns: &["order_id", "line_no", "product_code", "name", "quantity", "unit_price", "tax", "delivery_note", "updated_at"],
        blobs: &[],
        parents: &[("order_id", "orders")],
        keeps_orphans: false,
    },
    Table {
        name: "issuers",
        key: "service",
        columns: &["name", "postal_code", "address", "phone", "fax", "registration_number", "seal_png", "updated_at"],
        blobs: &["seal_png"],
        parents: &[],
        keeps_orphans: false,
    },
    Table {
        name: "documents",
        key: "id",
        columns: &["customer_id", "account_id", "order_id", "doc_type", "number", "issued_at", "reissue_of", "snapshot", "pdf_sha256", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers"), ("account_id", "accounts"), ("order_id", "orders"), ("reissue_of", "documents")],
        keeps_orphans: true,
    },
    Table {
        name: "requests",
        key: "id",
        columns: &["customer_id", "account_id", "request_type", "status", "fields", "due_on", "created_at", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers"), ("account_id", "accounts")],
        keeps_orphans: false,
    },
    Table {
        name: "request_history",
        key: "id",
        columns: &["request_id", "seq", "from_status", "to_status", "actor", "at", "comment", "updated_at"],
        blobs: &[],
        parents: &[("request_id", "requests")],
        keeps_orphans: false,
    },
    Table {
        name: "call_notes",
        key: "id",
        columns: &["customer_id", "author", "at", "body", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers")],
        keeps_orphans: false,
    },
];

/// The customers table's spec.
pub fn customers_table() -> &'static Table {
    &TABLES[table_index("customers").expect("customers is synced")]
}

/// The index of a synced table by name.
pub fn table_index(name: &str) -> Option<usize> {
    TABLES.iter().position(|t| t.name == name)
}

/// Clocks run at most this far ahead of the wall clock before a bundle is refused: 30 days.
/// Office PCs drift by minutes; a clock months ahead is a broken or hostile bundle, and
/// accepting it would drag every installation's clock along for good.
pub const MAX_CLOCK_AHEAD_MS: i64 = 30 * 24 * 3600 * 1000;

/// Gives the connection the `madoguchi_wall_ms()` SQL function the change-log triggers call.
pub(crate) fn register_wall_clock(conn: &rusqlite::Connection, read: fn() -> i64) -> Result<()> {
    conn.create_scalar_function("madoguchi_wall_ms", 0, rusqlite::functions::FunctionFlags::SQLITE_UTF8, move |_| Ok(read()))?;
    Ok(())
}

/// The JSON object of a row's columns as the change log holds them (bytes as hexadecimal),
/// over `row`: `NEW` in a trigger, the table's own name in a query.
pub(crate) fn row_object(table: &Table, row: &str) -> String {
    let pairs: Vec<String> =
        table.columns.iter().map(|c| if table.blobs.contains(c) { format!("'{c}', hex({row}.{c})") } else { format!("'{c}', {row}.{c}") }).collect();
    format!("json_object({})", pairs.join(", "))
}

/// Gives the connection the `madoguchi_bulk()` SQL function the insert triggers ask (migration
/// 0008): 1 while `bulk` is set, during a bulk load (`Store::bulk_load`), whose inserts
/// `log_bulk_inserts` logs after the load. A flag of the connection, not of the database, so a
/// load that inserts nothing writes nothing.
pub(crate) fn register_bulk_flag(conn: &rusqlite::Connection, bulk: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Result<()> {
    conn.create_scalar_function("madoguchi_bulk", 0, rusqlite::functions::FunctionFlags::SQLITE_UTF8, move |_| {
        Ok(i64::from(bulk.load(std::sync::atomic::Ordering::Relaxed)))
    })?;
    Ok(())
}

/// The connection's notes of the rows a bulk load inserts: a TEMP table, and a TEMP trigger
/// per synced table that notes each inserted row's rowid while `madoguchi_bulk()` is 1 (a row
/// deleted again before the load ends is left out by `log_bulk_inserts`, a rowid used again
/// after a delete is noted again). Made once the tables exist.
pub(crate) fn create_bulk_notes(conn: &rusqlite::Connection) -> Result<()> {
    let mut sql = String::from("CREATE TEMP TABLE bulk_inserted (tbl INTEGER NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (tbl, rid)) WITHOUT ROWID;\n");
    for (index, table) in TABLES.iter().enumerate() {
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER bulk_insert_{name} AFTER INSERT ON main.{name} WHEN madoguchi_bulk() = 1 BEGIN
                 INSERT OR IGNORE INTO bulk_inserted (tbl, rid) VALUES ({index}, NEW.rowid);
             END;\n",
            name = table.name
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Logs every row a bulk load inserted (noted by `create_bulk_notes`' triggers, and still
/// there) as its insert, table by table in rowid order, with the clocks the triggers would
/// have given them: each above the last, none below the wall clock `wall_ms` (read once for
/// the load's end); one statement per table. Updates and deletes made during the load were
/// logged by their triggers as usual (a row inserted and then changed by the same load is
/// logged as inserted with its final fields, after its change: the same row).
pub(crate) fn log_bulk_inserts(tx: &Transaction, wall_ms: i64) -> Result<()> {
    for (index, table) in TABLES.iter().enumerate() {
        let logged = tx.execute(
            &format!(
                "INSERT INTO changes (hlc, origin, tbl, row_id, data)
                 SELECT max(c.hlc, ?2 << 16) + row_number() OVER (ORDER BY t.rowid), c.origin, '{name}', t.{key}, {object}
                 FROM temp.bulk_inserted b JOIN {name} t ON t.rowid = b.rid, sync_clock c WHERE b.tbl = ?1 ORDER BY t.rowid",
                name = table.name,
                key = table.key,
                object = row_object(table, "t"),
            ),
            params![index as i64, wall_ms],
        )?;
        if logged > 0 {
            tx.execute("UPDATE sync_clock SET hlc = max(hlc, ?1 << 16) + ?2", params![wall_ms, logged as i64])?;
        }
    }
    tx.execute("DELETE FROM temp.bulk_inserted", [])?;
    Ok(())
}

/// The clock value of a wall-clock reading.
pub fn clock_of_millis(millis: i64) -> i64 {
    millis << 16
}

/// One change: a row's fields set (a JSON object of column → value), or its tombstone.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub hlc: i64,
    pub origin: String,
    pub table: usize,
    pub id: String,
    /// None: the row was deleted.
    pub data: Option<Map<String, Value>>,
}

/// A change as the log holds it, for writing a bundle: its data is the JSON text stored.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedChange<'a> {
    pub hlc: i64,
    pub origin: &'a str,
    pub table: &'static str,
    pub id: &'a str,
    /// A JSON object, or None for a tombstone.
    pub data: Option<&'a str>,
}

/// A field two installations set differently without one knowing of the other's value.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub table: &'static str,
    pub id: String,
    /// A column, or `*` for a delete against an edit.
    pub field: String,
    pub kept: Side,
    pub discarded: Side,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub value: Value,
    pub origin: String,
    pub hlc: i64,
}

/// What applying a bundle did.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Changes new to this installation.
    pub applied: u64,
    /// Changes it already had (from an earlier import, or its own).
    pub known: u64,
    /// Rows written or deleted, per table.
    pub rows: BTreeMap<&'static str, u64>,
    pub conflicts: Vec<Conflict>,
    /// Rows waiting for a parent that has not arrived yet (they appear when it does).
    pub pending: u64,
}

/// Checks a change's data against its table: known columns, scalar values, blobs in hex.
pub fn check_data(table: &Table, data: &Map<String, Value>) -> std::result::Result<(), String> {
    for (column, value) in data {
        if !table.columns.contains(&column.as_str()) {
            return Err(format!("{}: no column '{column}'", table.name));
        }
        match value {
            Value::Null | Value::String(_) => {}
            Value::Number(n) if n.is_i64() => {}
            _ => return Err(format!("{}.{column}: must be text, a whole number or null", table.name)),
        }
        if table.blobs.contains(&column.as_str())
            && let Value::String(s) = value
            && (s.len() % 2 != 0 || !s.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(format!("{}.{column}: must be hexadecimal", table.name));
        }
    }
    Ok(())
}

fn sql_value(table: &Table, column: &str, value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Number(n) => SqlValue::Integer(n.as_i64().unwrap_or_default()),
        Value::String(s) if table.blobs.contains(&column) => {
            SqlValue::Blob((0..s.len()).step_by(2).filter_map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect())
        }
        Value::String(s) => SqlValue::Text(s.clone()),
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Array(_) | Value::Object(_) => SqlValue::Null,
    }
}

fn parse_data(text: Option<String>) -> Result<Option<Map<String, Value>>> {
    text.map(|t| serde_json::from_str::<Map<String, Value>>(&t).map_err(|e| StoreError::invalid("changes.data", e.to_string()))).transpose()
}

/// The newest change of a set, by (clock, origin).
fn newer(a: (&i64, &str), b: (&i64, &str)) -> bool {
    (a.0, a.1) > (b.0, b.1)
}

impl Store {
    /// The clock reader used to stamp changes (milliseconds since 1970), as the SQL function
    /// `madoguchi_wall_ms()` the triggers call. Without one it reads 0 and the clock only
    /// counts up from the last value it issued or saw.
    pub fn set_wall_clock(&mut self, read: fn() -> i64) -> Result<()> {
        self.wall_clock = Some(read);
        register_wall_clock(&self.conn, read)
    }

    /// The newest clock known from each installation (this one included): what this database
    /// has seen, its log or a snapshot's horizon. A bundle's manifest carries it, and `--since`
    /// that bundle starts after it.
    pub fn known_clocks(&self) -> Result<BTreeMap<String, i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT origin, max(hlc) FROM (SELECT origin, max(hlc) AS hlc FROM changes GROUP BY origin UNION ALL SELECT origin, hlc FROM sync_horizon)
             GROUP BY origin",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Streams the changes not covered by `since` (origin → newest clock already had), of
    /// `origin` only when given, in clock order per origin.
    pub fn changes_since(
        &self,
        since: &BTreeMap<String, i64>,
        only_origin: Option<&str>,
        sink: &mut dyn FnMut(LoggedChange) -> std::result::Result<(), String>,
    ) -> Result<u64> {
        let origins: Vec<String> = self.known_clocks()?.into_keys().filter(|o| only_origin.is_none_or(|only| only == o)).collect();
        let mut stmt = self.conn.prepare("SELECT hlc, tbl, row_id, data FROM changes WHERE origin = ?1 AND hlc > ?2 ORDER BY hlc")?;
        let mut count = 0;
        for origin in origins {
            let after = since.get(&origin).copied().unwrap_or(i64::MIN);
            let mut rows = stmt.query(params![origin, after])?;
            while let Some(row) = rows.next()? {
                let text = |i: usize| -> Result<&str> { row.get_ref(i)?.as_str().map_err(|e| StoreError::invalid("changes", e.to_string())) };
                let table_name = text(1)?;
                let table = TABLES.get(table_index(table_name).unwrap_or(usize::MAX)).ok_or_else(|| StoreError::invalid("changes.tbl", table_name))?;
                let data = match row.get_ref(3)? {
                    rusqlite::types::ValueRef::Null => None,
                    _ => Some(text(3)?),
                };
                let change = LoggedChange { hlc: row.get(0)?, origin: &origin, table: table.name, id: text(2)?, data };
                sink(change).map_err(|e| StoreError::invalid("bundle", e))?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// Streams the compacted log, what a snapshot carries: per row, the changes `winners` keeps
    /// (those that still set one of its fields, and what the crossed-merge rules read); tables
    /// parents first, a table's rows in id order, a row's changes in clock order. A change no
    /// field takes any more can never win a fold again, so an installation holding the
    /// compacted log holds the same rows and folds every later change as one holding the whole
    /// log does.
    pub fn compacted_changes(&self, sink: &mut dyn FnMut(LoggedChange) -> std::result::Result<(), String>) -> Result<u64> {
        let mut stmt = self.conn.prepare("SELECT row_id, origin, hlc, data FROM changes WHERE tbl = ?1 ORDER BY row_id")?;
        let mut count = 0;
        for table in &TABLES {
            let mut rows = stmt.query([table.name])?;
            let mut group: Vec<RowChange> = Vec::new();
            let mut emit = |group: &mut Vec<RowChange>| -> Result<()> {
                group.sort_by(|a, b| (a.2, &a.1).cmp(&(b.2, &b.1)));
                let keep = winners(table, group)?;
                for ((id, origin, hlc, data), kept) in group.iter().zip(keep) {
                    if kept {
                        sink(LoggedChange { hlc: *hlc, origin, table: table.name, id, data: data.as_deref() })
                            .map_err(|e| StoreError::invalid("snapshot", e))?;
                        count += 1;
                    }
                }
                group.clear();
                Ok(())
            };
            while let Some(row) = rows.next()? {
                let id: String = row.get(0)?;
                if group.first().is_some_and(|(first, ..)| *first != id) {
                    emit(&mut group)?;
                }
                group.push((id, row.get(1)?, row.get(2)?, row.get(3)?));
            }
            emit(&mut group)?;
        }
        Ok(count)
    }

    /// Applies changes in one transaction: all of them or, on any error, none. `known_by_sender`
    /// (the sender's clocks) tells an edit the sender had seen from one it had not, so that
    /// only true conflicts are reported. `snapshot`: the changes are a snapshot's compacted log
    /// covering these clocks, kept as the horizon (`sync_horizon`, reported by `known_clocks`:
    /// what it left out is not asked for again; a change below it arriving anyway is taken as
    /// any other, and loses where it was replaced). `progress(done)` may return false to cancel.
    pub fn apply_changes(
        &mut self,
        changes: &mut dyn Iterator<Item = std::result::Result<Change, String>>,
        known_by_sender: &BTreeMap<String, i64>,
        revoked: &[String],
        snapshot: Option<&BTreeMap<String, i64>>,
        now: &str,
        progress: &mut dyn FnMut(u64) -> bool,
    ) -> Result<ApplyReport> {
        let wall = self.wall_clock;
        self.bulk_write(|tx| {
            let mut report = ApplyReport::default();
            let before: i64 = tx.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0))?;
            let own: String = tx.query_row("SELECT origin FROM sync_clock", [], |r| r.get(0))?;
            let judged = Judged {
                sender: known_by_sender,
                horizon: tx.prepare("SELECT origin, hlc FROM sync_horizon")?.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?,
            };
            let mut newest = i64::MIN;
            let mut later: HashSet<(usize, String)> = HashSet::new();
            let mut merges: Vec<String> = Vec::new();
            tx.execute("UPDATE sync_clock SET applying = 1", [])?;
            // Into an installation whose log is empty (a new one, starting from a snapshot or a
            // full bundle), the changes are loaded in bulk: the tables' secondary indexes are
            // built once after the rows are in, and one audit row says what was loaded instead
            // of one per change.
            let bulk = before == 0;
            let indexes = if bulk { drop_secondary_indexes(tx)? } else { Vec::new() };
            let mut origins: BTreeSet<String> = BTreeSet::new();
            let mut done = 0u64;
            for change in changes {
                let change = change.map_err(|e| StoreError::invalid("bundle", e))?;
                if let Some(read) = wall
                    && change.hlc > clock_of_millis(read()) + clock_of_millis(MAX_CLOCK_AHEAD_MS)
                {
                    return Err(StoreError::invalid(
                        "bundle",
                        format!("a change is stamped more than 30 days ahead of this computer's clock ({}); check the clocks", change.hlc),
                    ));
                }
                let table = &TABLES[change.table];
                let data = change.data.as_ref().map(serde_json::to_string).transpose().map_err(|e| StoreError::invalid("bundle", e.to_string()))?;
                let inserted = tx
                    .prepare_cached("INSERT OR IGNORE INTO changes (hlc, origin, tbl, row_id, data) VALUES (?1, ?2, ?3, ?4, ?5)")?
                    .execute(params![change.hlc, change.origin, table.name, change.id, data])?;
                if inserted == 0 {
                    report.known += 1;
                } else {
                    // This installation's own changes are all in its log: a new one is forged.
                    if change.origin == own {
                        return Err(StoreError::invalid(
                            "bundle",
                            format!(
                                "a change to {} {} claims this installation's own origin, which never made it; nothing was imported",
                                table.name, change.id
                            ),
                        ));
                    }
                    // A revoked sender's installation: nothing new of it is taken, whoever relays it.
                    if revoked.contains(&change.origin) {
                        return Err(StoreError::invalid(
                            "bundle",
                            format!("a new change of installation {}, whose sender's trust was revoked here: refused; nothing was imported", change.origin),
                        ));
                    }
                    refuse_rewrite(tx, table, &change)?;
                    if !bulk {
                        audit_change(tx, &change, table, now)?;
                    } else if !origins.contains(&change.origin) {
                        origins.insert(change.origin.clone());
                    }
                    report.applied += 1;
                    newest = newest.max(change.hlc);
                    if table.name == "customer_merges" {
                        merges.push(change.id.clone());
                    }
                    if !insert_fresh(tx, table, &change)? {
                        later.insert((change.table, change.id));
                    } else {
                        *report.rows.entry(table.name).or_default() += 1;
                    }
                }
                done += 1;
                if done.is_multiple_of(10_000) && !progress(done) {
                    return Err(StoreError::invalid("import", "cancelled"));
                }
            }
            for sql in &indexes {
                tx.execute_batch(sql)?;
            }
            for (origin, hlc) in snapshot.into_iter().flatten().filter(|(origin, _)| **origin != own) {
                tx.prepare_cached("INSERT INTO sync_horizon (origin, hlc) VALUES (?1, ?2) ON CONFLICT (origin) DO UPDATE SET hlc = max(hlc, excluded.hlc)")?
                    .execute(params![origin, hlc])?;
            }
            if bulk && report.applied > 0 {
                let loaded = serde_json::to_string(&report.rows).map_err(|e| StoreError::invalid("bundle", e.to_string()))?;
                let what = format!("{} changes of {} installations loaded into an empty log: {loaded}", report.applied, origins.len());
                crate::audit::append(tx, now, "sync", Entry::insert("changes", "load", Some(&what)))?;
            }
            if report.applied > 0 {
                let mut stmt = tx.prepare("SELECT tbl, row_id FROM sync_pending")?;
                let pending: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
                for (name, id) in pending {
                    later.insert((table_index(&name).ok_or_else(|| StoreError::invalid("sync_pending.tbl", name))?, id));
                }
                // Merges settle first (they wait on nothing); where merges crossed, every customer
                // of the cycle is settled again with its phones and emails, since the keeper may
                // have changed and the tombstones its set-aside merge left no longer count.
                let merge_table = table_index("customer_merges").expect("customer_merges is synced");
                let customer_table = table_index("customers").expect("customers is synced");
                for id in merges.iter().filter(|id| later.remove(&(merge_table, id.to_string()))) {
                    settle(tx, &TABLES[merge_table], id, before, &judged, &mut report)?;
                }
                for id in &merges {
                    for member in crossed(tx, id)?.map(|c| c.members).unwrap_or_default() {
                        let mut stmt = tx.prepare_cached(
                            "SELECT DISTINCT tbl, row_id FROM changes WHERE tbl IN ('customer_phones', 'customer_emails') AND json_extract(data, '$.customer_id') = ?1",
                        )?;
                        let contacts: Vec<(String, String)> = stmt.query_map([&member], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
                        for (name, row) in contacts {
                            later.insert((table_index(&name).expect("a synced table"), row));
                        }
                        later.insert((customer_table, member));
                    }
                }
                let mut rows: Vec<(usize, String)> = later.into_iter().collect();
                rows.sort();
                // Parents first (tables are listed parents first); a row waiting on a parent
                // is settled again when that parent is written or removed, so a chain of
                // re-issues in any order settles in linear time. Conflicts are recorded by a
                // row's first settle only.
                let mut queue: VecDeque<(usize, String, bool)> = rows.into_iter().map(|(table, id)| (table, id, true)).collect();
                let mut waiting_on: HashMap<(usize, String), Vec<(usize, String)>> = HashMap::new();
                let mut settled = 0u64;
                while let Some((table, id, first)) = queue.pop_front() {
                    let mut again = ApplyReport::default();
                    let outcome = settle(tx, &TABLES[table], &id, before, &judged, if first { &mut report } else { &mut again })?;
                    for (name, n) in again.rows {
                        *report.rows.entry(name).or_default() += n;
                    }
                    match outcome {
                        Settled::Written | Settled::Removed => {
                            for (child, child_id) in waiting_on.remove(&(table, id)).unwrap_or_default() {
                                queue.push_back((child, child_id, false));
                            }
                        }
                        Settled::Waiting(Some(parent)) => waiting_on.entry(parent).or_default().push((table, id)),
                        Settled::Waiting(None) => {}
                    }
                    settled += 1;
                    if settled.is_multiple_of(1_000) && !progress(done) {
                        return Err(StoreError::invalid("import", "cancelled"));
                    }
                }
                tx.execute("UPDATE sync_clock SET hlc = max(hlc, ?1)", [newest])?;
            }
            tx.execute("UPDATE sync_clock SET applying = 0", [])?;
            report.pending = tx.query_row("SELECT count(*) FROM sync_pending", [], |r| r.get::<_, i64>(0))? as u64;
            progress(done);
            Ok(report)
        })
    }

    /// Every synced row of every table, one line each in key order: two databases with the
    /// same content give the same text.
    pub fn canonical_dump(&self) -> Result<String> {
        let mut out = String::new();
        for table in &TABLES {
            let columns: Vec<String> = std::iter::once(table.key)
                .chain(table.columns.iter().copied())
                .map(|c| if table.blobs.contains(&c) { format!("hex({c})") } else { c.to_string() })
                .collect();
            let mut stmt = self.conn.prepare(&format!("SELECT {} FROM {} ORDER BY {}", columns.join(", "), table.name, table.key))?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let values: Vec<String> = (0..columns.len()).map(|i| Ok(format!("{:?}", row.get::<_, SqlValue>(i)?))).collect::<rusqlite::Result<_>>()?;
                out.push_str(&format!("{}\t{}\n", table.name, values.join("\t")));
            }
        }
        Ok(out)
    }

    /// The change log itself as sorted `(origin, clock, table, id, data)` lines.
    pub fn change_log_dump(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("SELECT origin, hlc, tbl, row_id, coalesce(data, 'tombstone') FROM changes ORDER BY origin, hlc")?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "{}\t{}\t{}\t{}\t{}\n",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?
            ))
        })?;
        rows.collect::<rusqlite::Result<String>>().map_err(Into::into)
    }

    /// Records a bundle this installation wrote or read; false when it was recorded already.
    pub fn record_bundle(&mut self, sha256: &str, source: &str, direction: &str, clock_to: i64, changes: u64, now: &str) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO sync_bundles (sha256, source, direction, clock_to, changes, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![sha256, source, direction, clock_to, changes as i64, now],
        )?;
        Ok(n == 1)
    }

    /// Whether a bundle was imported (or written) here before.
    pub fn bundle_seen(&self, sha256: &str) -> Result<bool> {
        Ok(self.conn.query_row("SELECT EXISTS (SELECT 1 FROM sync_bundles WHERE sha256 = ?1)", [sha256], |r| r.get(0))?)
    }

    /// The newest clock of this installation's own changes already written to a shared folder.
    pub fn last_exported_own(&self) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT max(clock_to) FROM sync_bundles WHERE direction = 'export' AND source = (SELECT origin FROM sync_clock)", [], |r| r.get(0))?)
    }
}

/// Drops the secondary indexes of the synced tables that enforce nothing (unique ones stay, so
/// a clash is named as it comes) and returns the statements that make them again: a bulk load
/// builds each once from its sorted keys instead of row by row, in the same transaction.
fn drop_secondary_indexes(tx: &Transaction) -> Result<Vec<String>> {
    // Made by CREATE INDEX (origin 'c'; not a key's own index) and enforcing no uniqueness.
    let mut list = tx.prepare("SELECT name FROM pragma_index_list(?1) WHERE origin = 'c' AND \"unique\" = 0")?;
    let mut made = Vec::new();
    for table in &TABLES {
        let names: Vec<String> = list.query_map([table.name], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for name in names {
            let sql: String = tx.query_row("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1", [&name], |r| r.get(0))?;
            tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            made.push(sql);
        }
    }
    Ok(made)
}

/// One logged change of a row, for compaction: (row id, origin, clock, JSON data or none).
pub type RowChange = (String, String, i64, Option<String>);

/// Which of a row's changes the compacted log keeps: all of a single change, of a row with a
/// tombstone, of a merge; every change of a phone or an email that sets its customer (a
/// tombstone arriving later is judged by the customers they were held by, when merges cross);
/// otherwise those that are the newest, by `(clock, origin)`, to set a field.
pub fn winners(table: &Table, group: &[RowChange]) -> Result<Vec<bool>> {
    if group.len() == 1 || table.name == "customer_merges" || group.iter().any(|(.., data)| data.is_none()) {
        return Ok(vec![true; group.len()]);
    }
    let contact = matches!(table.name, "customer_phones" | "customer_emails");
    let mut order: Vec<usize> = (0..group.len()).collect();
    order.sort_by(|&a, &b| (group[a].2, &group[a].1).cmp(&(group[b].2, &group[b].1)));
    let mut keep = vec![false; group.len()];
    let mut newest: HashMap<String, usize> = HashMap::new();
    for index in order {
        // In clock order: a later change setting a field takes it from an earlier one.
        for column in parse_data(group[index].3.clone())?.unwrap_or_default().into_iter().map(|(column, _)| column) {
            keep[index] |= contact && column == "customer_id";
            newest.insert(column, index);
        }
    }
    for index in newest.into_values() {
        keep[index] = true;
    }
    Ok(keep)
}

/// What is never deleted or rewritten here is not by a bundle either (the bundle is refused
/// whole): an issued document, an issuer or a merge is never deleted (a document outlives its
/// customer, its reference cleared); an issued document and a request's history entry are
/// written once: a later change may only clear a document's references, or move its customer
/// reference along a merge the log holds, never set another value to a column an earlier
/// change set.
fn refuse_rewrite(tx: &Transaction, table: &Table, change: &Change) -> Result<()> {
    let refuse = |what: String| Err(StoreError::invalid("bundle", format!("{} {}: {what}; nothing was imported", table.name, change.id)));
    let Some(data) = &change.data else {
        return if matches!(table.name, "documents" | "issuers" | "customer_merges") {
            refuse("a bundle deletes what is never deleted".into())
        } else {
            Ok(())
        };
    };
    if !matches!(table.name, "documents" | "request_history") {
        return Ok(());
    }
    let mut stmt = tx.prepare_cached("SELECT data FROM changes WHERE tbl = ?1 AND row_id = ?2 AND data IS NOT NULL AND NOT (origin = ?3 AND hlc = ?4)")?;
    let earlier: Vec<String> = stmt.query_map(params![table.name, change.id, change.origin, change.hlc], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for text in earlier {
        let Some(before) = parse_data(Some(text))? else { continue };
        for (column, value) in data {
            let reference = table.parents.iter().any(|(c, _)| c == column);
            if column == "updated_at" || (reference && value.is_null()) {
                continue;
            }
            // A document's customer follows a merge of that customer (名寄せ).
            if table.name == "documents"
                && column == "customer_id"
                && let (Some(Value::String(old)), Value::String(new)) = (before.get(column), value)
                && merged_in_log(tx, old, new)?
            {
                continue;
            }
            if before.get(column).is_some_and(|old| old != value) {
                return refuse(format!("a bundle rewrites {column}, which is written once"));
            }
        }
    }
    Ok(())
}

/// Every change a bundle brings is audited here as `sync:<origin>`: the table, the row, and
/// the columns it set as `field` (names only: the values are in the change log), or a delete.
fn audit_change(tx: &Transaction, change: &Change, table: &Table, now: &str) -> Result<()> {
    let actor = format!("sync:{}", change.origin);
    match &change.data {
        None => crate::audit::append(tx, now, &actor, Entry::delete(table.name, &change.id, None)),
        Some(data) => {
            let columns: Vec<&str> = data.keys().map(String::as_str).collect();
            crate::audit::append(tx, now, &actor, Entry::update(table.name, &change.id, Some(&columns.join(",")), None, None))
        }
    }
}

/// Writes a row from its only change, when that change is a whole-row insert, the row has no
/// other change here and its parents exist: the common case of a first import, done without a
/// fold. Returns false when the row must be settled from its whole log instead.
fn insert_fresh(tx: &Transaction, table: &Table, change: &Change) -> Result<bool> {
    let Some(data) = &change.data else { return Ok(false) };
    if data.len() != table.columns.len() {
        return Ok(false);
    }
    let others: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM changes WHERE tbl = ?1 AND row_id = ?2 AND NOT (origin = ?3 AND hlc = ?4))")?
        .query_row(params![table.name, change.id, change.origin, change.hlc], |r| r.get(0))?;
    if others {
        return Ok(false);
    }
    for (column, parent) in table.parents {
        if let Some(Value::String(parent_id)) = data.get(*column)
            && !row_exists(tx, &TABLES[table_index(parent).expect("parents are synced tables")], parent_id)?
        {
            return Ok(false);
        }
    }
    write_row(tx, table, &change.id, data, false)?;
    Ok(true)
}

/// Where the rows of a customer merged away belong now (名寄せ, migration 0007).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// Not merged, or merged into a customer deleted since.
    None,
    /// This customer, which exists: the end of the chain of merges.
    Customer(String),
    /// A customer that has not arrived yet.
    Waiting(String),
}

/// The longest chain of merges followed (a customer merged into one merged on in turn…).
const MAX_MERGE_CHAIN: usize = 64;

fn merged_into(tx: &Transaction, id: &str) -> Result<Option<String>> {
    Ok(tx.prepare_cached("SELECT keep_id FROM customer_merges WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?)
}

/// Merges that crossed (installation A merged X into Y while B merged Y into X, neither
/// knowing): the chain from a customer runs into a cycle. The newest merge of the cycle (by its
/// change's clock, then origin) is set aside, so its customer (`keeper`) stays and the older
/// merges stand. Every installation holding the same changes finds the same keeper.
struct Crossed {
    keeper: String,
    members: Vec<String>,
}

/// The crossed merges the chain from `id` runs into; `None` when it has no cycle.
fn crossed(tx: &Transaction, id: &str) -> Result<Option<Crossed>> {
    let mut path = vec![id.to_string()];
    while path.len() <= MAX_MERGE_CHAIN {
        let Some(next) = merged_into(tx, path.last().expect("the path starts at id"))? else { return Ok(None) };
        if let Some(start) = path.iter().position(|p| *p == next) {
            let members = path.split_off(start);
            let mut newest: Option<((i64, String), String)> = None;
            for member in &members {
                let stamp: (i64, String) = tx
                    .prepare_cached("SELECT hlc, origin FROM changes WHERE tbl = 'customer_merges' AND row_id = ?1 ORDER BY hlc DESC, origin DESC LIMIT 1")?
                    .query_row([member], |r| Ok((r.get(0)?, r.get(1)?)))?;
                if newest.as_ref().is_none_or(|(best, _)| stamp > *best) {
                    newest = Some((stamp, member.clone()));
                }
            }
            return Ok(newest.map(|(_, keeper)| Crossed { keeper, members }));
        }
        path.push(next);
    }
    Ok(None)
}

fn crossed_keeper(tx: &Transaction, id: &str) -> Result<Option<String>> {
    Ok(crossed(tx, id)?.map(|c| c.keeper))
}

/// The tombstones a set-aside merge left, which do not count: when one of `customers` is the
/// keeper of crossed merges, each origin that merged it away deleted it, and the phones and
/// emails the other side held too, in that merge; the first tombstone in `log` by such an
/// origin after its merge is that one (a later one is a real delete). Their (clock, origin).
fn set_aside_tombstones(tx: &Transaction, customers: &[String], log: &[Logged]) -> Result<Vec<(i64, String)>> {
    let mut dropped = Vec::new();
    for customer in customers {
        if crossed_keeper(tx, customer)?.as_deref() != Some(customer.as_str()) {
            continue;
        }
        let mut stmt = tx.prepare_cached("SELECT origin, min(hlc) FROM changes WHERE tbl = 'customer_merges' AND row_id = ?1 GROUP BY origin")?;
        let merges: Vec<(String, i64)> = stmt.query_map([customer], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        for (origin, merged_at) in merges {
            let first = log.iter().filter(|l| l.data.is_none() && l.origin == origin && l.hlc > merged_at).min_by_key(|l| l.hlc);
            if let Some(tomb) = first {
                dropped.push((tomb.hlc, tomb.origin.clone()));
            }
        }
    }
    Ok(dropped)
}

/// Follows `customer_merges` from `id` to the customer its rows belong to now, stopping at the
/// customer that stays when merges cross (`crossed_keeper`). Every installation holding the
/// same changes finds the same customer, so rows that followed a merge converge.
fn merge_target(tx: &Transaction, id: &str) -> Result<Target> {
    let customers = customers_table();
    let keeper = crossed_keeper(tx, id)?;
    let mut current = id.to_string();
    for _ in 0..MAX_MERGE_CHAIN {
        let next = if keeper.as_deref() == Some(current.as_str()) { None } else { merged_into(tx, &current)? };
        let Some(next) = next else {
            // Not merged; or merged into a customer deleted since; or into one not here yet.
            let gone = current == id || deleted_for_good(tx, &current, keeper.as_deref())?;
            return Ok(if gone { Target::None } else { Target::Waiting(current) });
        };
        if row_exists(tx, customers, &next)? {
            return Ok(Target::Customer(next));
        }
        current = next;
    }
    Ok(Target::None)
}

/// True when customer `id` has a tombstone that counts (not one a set-aside merge left).
fn deleted_for_good(tx: &Transaction, id: &str, keeper: Option<&str>) -> Result<bool> {
    if keeper != Some(id) {
        return tombstoned(tx, customers_table(), id);
    }
    let log = logged(tx, customers_table(), id, i64::MAX)?;
    let dropped = set_aside_tombstones(tx, &[id.to_string()], &log)?;
    Ok(log.iter().any(|l| l.data.is_none() && !dropped.contains(&(l.hlc, l.origin.clone()))))
}

/// True when the change log holds a merge (or a chain of them) of customer `from` into `to`:
/// the one rewrite of a document a bundle may bring is its customer reference following a merge.
fn merged_in_log(tx: &Transaction, from: &str, to: &str) -> Result<bool> {
    let mut frontier = vec![from.to_string()];
    let mut seen: Vec<String> = Vec::new();
    while let Some(current) = frontier.pop() {
        if seen.len() >= MAX_MERGE_CHAIN || seen.contains(&current) {
            continue;
        }
        seen.push(current.clone());
        let mut stmt = tx.prepare_cached("SELECT data FROM changes WHERE tbl = 'customer_merges' AND row_id = ?1 AND data IS NOT NULL")?;
        let texts: Vec<String> = stmt.query_map([&current], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for text in texts {
            if let Some(Value::String(keep)) = parse_data(Some(text))?.and_then(|d| d.get("keep_id").cloned()) {
                if keep == to {
                    return Ok(true);
                }
                frontier.push(keep);
            }
        }
    }
    Ok(false)
}

fn row_exists(tx: &Transaction, table: &Table, id: &str) -> Result<bool> {
    Ok(tx.prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {} WHERE {} = ?1)", table.name, table.key))?.query_row([id], |r| r.get(0))?)
}

fn tombstoned(tx: &Transaction, table: &Table, id: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM changes WHERE tbl = ?1 AND row_id = ?2 AND data IS NULL)")?
        .query_row(params![table.name, id], |r| r.get(0))?)
}

/// The INSERT and UPDATE statements of each synced table, with the key as ?1.
fn row_statements() -> &'static [(String, String)] {
    static STATEMENTS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    STATEMENTS.get_or_init(|| {
        TABLES
            .iter()
            .map(|table| {
                let marks: Vec<String> = (1..=table.columns.len() + 1).map(|i| format!("?{i}")).collect();
                let sets: Vec<String> = table.columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 2)).collect();
                (
                    format!("INSERT INTO {} ({}, {}) VALUES ({})", table.name, table.key, table.columns.join(", "), marks.join(", ")),
                    format!("UPDATE {} SET {} WHERE {} = ?1", table.name, sets.join(", "), table.key),
                )
            })
            .collect()
    })
}

/// Inserts or replaces a row with all its columns, and keeps the name index of a customer.
fn write_row(tx: &Transaction, table: &Table, id: &str, data: &Map<String, Value>, exists: bool) -> Result<()> {
    let derived = derived(table, data);
    let value = |c: &str| derived.iter().find(|(d, _)| *d == c).map_or_else(|| data.get(c).cloned().unwrap_or(Value::Null), |(_, v)| v.clone());
    let values: Vec<SqlValue> = std::iter::once(SqlValue::Text(id.to_string())).chain(table.columns.iter().map(|c| sql_value(table, c, &value(c)))).collect();
    let (insert, update) = &row_statements()[table_index(table.name).expect("a synced table")];
    tx.prepare_cached(if exists { update } else { insert })?.execute(rusqlite::params_from_iter(values.iter())).map_err(|e| unique_clash(table, data, e))?;
    if table.name == "customers" {
        let rowid: i64 = tx.prepare_cached("SELECT rowid FROM customers WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
        crate::customers::reindex_later(tx, rowid, false)?;
    }
    Ok(())
}

/// The search columns of a row, computed here from the columns they derive from, as a local
/// write computes them: whatever a bundle says they are is never used (a forged `digits` would
/// make a screen-pop open another customer).
fn derived(table: &Table, data: &Map<String, Value>) -> Vec<(&'static str, Value)> {
    let text = |c: &str| data.get(c).and_then(Value::as_str).unwrap_or_default();
    match table.name {
        "customer_phones" => {
            let (digits, reversed) = madoguchi_domain::text::phone_keys(text("number"));
            vec![("digits", Value::from(digits)), ("digits_reversed", Value::from(reversed))]
        }
        "customer_emails" => vec![("address_key", Value::from(madoguchi_domain::text::email_key(text("address"))))],
        "accounts" => vec![("number_key", Value::from(madoguchi_domain::text::number_key(text("customer_number"))))],
        _ => Vec::new(),
    }
}

/// A natural key (a customer number at a service, an order number, a document number) held by
/// two different rows can't be settled by clocks: the import is refused, naming the clash.
fn unique_clash(table: &Table, data: &Map<String, Value>, e: rusqlite::Error) -> StoreError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    {
        let show = |c: &str| data.get(c).map(|v| v.to_string()).unwrap_or_default();
        let what = match table.name {
            "accounts" => format!("customer number {} at {}", show("customer_number"), show("service")),
            "orders" => format!("order number {}", show("order_number")),
            "documents" => format!("document number {} ({}); give each installation its own numbering.installation", show("number"), show("doc_type")),
            _ => format!("a unique value of {}", table.name),
        };
        return StoreError::invalid(table.name, format!("{what} belongs to a different record here; nothing was imported"));
    }
    e.into()
}

/// Deletes a row and, recursively, the rows that need it (documents are kept, their
/// reference cleared). Logged as tombstones when the triggers are on, silent while applying.
pub(crate) fn remove(tx: &Transaction, table: &Table, id: &str) -> Result<u64> {
    let mut removed = 0;
    // A customer merged away (名寄せ) takes none of its rows with it: they move to the customer
    // it was merged into (a local merge has moved them already; these are rows that arrived
    // from an installation that had not learnt of the merge).
    if table.name == "customers"
        && let Target::Customer(keep) = merge_target(tx, id)?
    {
        for child in &TABLES {
            for (column, parent) in child.parents {
                if *parent == "customers" {
                    tx.execute(&format!("UPDATE {} SET {column} = ?1 WHERE {column} = ?2", child.name), [&keep, id])?;
                }
            }
        }
    }
    for child in &TABLES {
        for (column, parent) in child.parents {
            if *parent != table.name || (child.name == table.name) {
                continue;
            }
            if child.keeps_orphans {
                tx.execute(&format!("UPDATE {} SET {column} = NULL WHERE {column} = ?1", child.name), [id])?;
                continue;
            }
            let ids: Vec<String> = tx
                .prepare_cached(&format!("SELECT {} FROM {} WHERE {column} = ?1", child.key, child.name))?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for child_id in ids {
                removed += remove(tx, child, &child_id)?;
            }
        }
    }
    if table.name == "customers"
        && let Some(rowid) = tx.query_row("SELECT rowid FROM customers WHERE id = ?1", [id], |r| r.get::<_, i64>(0)).optional()?
    {
        crate::customers::reindex_later(tx, rowid, false)?;
    }
    removed += tx.execute(&format!("DELETE FROM {} WHERE {} = ?1", table.name, table.key), [id])? as u64;
    Ok(removed)
}

/// One change of a row as read back from the log.
struct Logged {
    hlc: i64,
    origin: String,
    data: Option<Map<String, Value>>,
    new: bool,
}

/// A conflict on `field` of a row: the value kept and the value discarded, each with the change
/// that set it.
fn conflict(table: &Table, id: &str, field: &str, kept: (&Logged, Value), discarded: (&Logged, Value)) -> Conflict {
    let side = |(l, value): (&Logged, Value)| Side { value, origin: l.origin.clone(), hlc: l.hlc };
    Conflict { table: table.name, id: id.to_string(), field: field.to_string(), kept: side(kept), discarded: side(discarded) }
}

/// What settling a row did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Settled {
    /// Written (inserted or updated).
    Written,
    /// Deleted, or absent for good (tombstoned, or its parent was).
    Removed,
    /// Pending: on this parent row `(table, id)`, or on columns no change has set yet (None).
    Waiting(Option<(usize, String)>),
}

/// Recomputes one row from all its changes and writes the result: deleted, written, or left
/// pending until its parent arrives. Records the conflicts the new changes brought.
/// A row's changes as the log holds them; `new` for those logged after `before` (this import's).
fn logged(tx: &Transaction, table: &Table, id: &str, before: i64) -> Result<Vec<Logged>> {
    let mut stmt = tx.prepare_cached("SELECT hlc, origin, data, seq FROM changes WHERE tbl = ?1 AND row_id = ?2")?;
    stmt.query_map(params![table.name, id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, i64>(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(hlc, origin, data, seq)| Ok(Logged { hlc, origin, data: parse_data(data)?, new: seq > before }))
        .collect()
}

/// What tells a conflict from a change already settled: the clocks the sender had seen, and
/// the horizon of the snapshots taken here (a change at or below it was settled where the
/// snapshot was made; arriving again, it is no news).
struct Judged<'a> {
    sender: &'a BTreeMap<String, i64>,
    horizon: BTreeMap<String, i64>,
}

impl Judged<'_> {
    fn sender_knew(&self, l: &Logged) -> bool {
        self.sender.get(&l.origin).is_some_and(|k| *k >= l.hlc)
    }

    /// A new change that loses to `winner` without news: the same installation's later change
    /// replaced it, or a snapshot taken here covered it.
    fn settled_before(&self, lost: &Logged, winner: &Logged) -> bool {
        lost.origin == winner.origin || self.horizon.get(&lost.origin).is_some_and(|h| lost.hlc <= *h)
    }
}

fn settle(tx: &Transaction, table: &Table, id: &str, before: i64, judged: &Judged, report: &mut ApplyReport) -> Result<Settled> {
    let mut log = logged(tx, table, id, before)?;
    if matches!(table.name, "customers" | "customer_phones" | "customer_emails") && log.iter().any(|l| l.data.is_none()) {
        // Merges that crossed: what the set-aside merge deleted of the customer that stays (the
        // customer, the phones and emails the other side held too) is not deleted.
        let customers: Vec<String> = if table.name == "customers" {
            vec![id.to_string()]
        } else {
            let mut held: Vec<String> = log.iter().filter_map(|l| l.data.as_ref()?.get("customer_id")?.as_str().map(str::to_string)).collect();
            held.sort();
            held.dedup();
            held
        };
        let dropped = set_aside_tombstones(tx, &customers, &log)?;
        log.retain(|l| l.data.is_some() || !dropped.contains(&(l.hlc, l.origin.clone())));
    }
    let sender_knew = |l: &Logged| judged.sender_knew(l);
    tx.prepare_cached("DELETE FROM sync_pending WHERE tbl = ?1 AND row_id = ?2")?.execute(params![table.name, id])?;

    if let Some(tomb) = log.iter().find(|l| l.data.is_none()) {
        // A delete wins over every edit. An edit is a conflict when the side that deleted had
        // not seen it: a new edit of a row deleted here, or an edit made here that the sender
        // of a new tombstone did not know.
        let deleted_here = log.iter().any(|l| l.data.is_none() && !l.new);
        let lost = |l: &&Logged| l.data.is_some() && if deleted_here { l.new } else { !l.new && !sender_knew(l) };
        for edit in log.iter().filter(lost) {
            let edited = Value::Object(edit.data.clone().unwrap_or_default());
            report.conflicts.push(conflict(table, id, "*", (tomb, Value::Null), (edit, edited)));
        }
        if row_exists(tx, table, id)? {
            // A customer merged into one not here yet keeps its rows until that one arrives.
            if table.name == "customers"
                && let Target::Waiting(keep) = merge_target(tx, id)?
            {
                tx.prepare_cached("INSERT OR IGNORE INTO sync_pending (tbl, row_id) VALUES (?1, ?2)")?.execute(params![table.name, id])?;
                return Ok(Settled::Waiting(Some((table_index("customers").expect("customers is synced"), keep))));
            }
            *report.rows.entry(table.name).or_default() += remove(tx, table, id)?;
        }
        return Ok(Settled::Removed);
    }

    // Per field: the newest value overall, and the newest among the changes held before.
    let mut winner: HashMap<&str, &Logged> = HashMap::new();
    let mut old_winner: HashMap<&str, &Logged> = HashMap::new();
    for l in &log {
        for column in l.data.as_ref().map(|d| d.keys()).into_iter().flatten() {
            let slot = if l.new { None } else { Some(&mut old_winner) };
            for map in [Some(&mut winner), slot].into_iter().flatten() {
                let entry = map.entry(column.as_str()).or_insert(l);
                if newer((&l.hlc, &l.origin), (&entry.hlc, &entry.origin)) {
                    *entry = l;
                }
            }
        }
    }
    let value = |l: &Logged, column: &str| l.data.as_ref().and_then(|d| d.get(column)).cloned().unwrap_or(Value::Null);
    for (column, old) in &old_winner {
        let now = winner[column];
        if now.new {
            if value(now, column) != value(old, column) && !sender_knew(old) {
                report.conflicts.push(conflict(table, id, column, (now, value(now, column)), (old, value(old, column))));
            }
        } else {
            for lost in log.iter().filter(|l| l.new && l.data.as_ref().is_some_and(|d| d.contains_key(*column)) && !judged.settled_before(l, old)) {
                if value(lost, column) != value(old, column) {
                    report.conflicts.push(conflict(table, id, column, (old, value(old, column)), (lost, value(lost, column))));
                }
            }
        }
    }
    if winner.len() < table.columns.len() {
        tx.prepare_cached("INSERT OR IGNORE INTO sync_pending (tbl, row_id) VALUES (?1, ?2)")?.execute(params![table.name, id])?;
        return Ok(Settled::Waiting(None));
    }
    let mut data: Map<String, Value> = table.columns.iter().map(|c| (c.to_string(), value(winner[c], c))).collect();
    for (column, parent) in table.parents {
        let Some(Value::String(parent_id)) = data.get(*column).cloned() else { continue };
        let parent_index = table_index(parent).expect("parents are synced tables");
        let parent = &TABLES[parent_index];
        if row_exists(tx, parent, &parent_id)? {
            continue;
        }
        if parent.name == "customers" {
            match merge_target(tx, &parent_id)? {
                Target::Customer(keep) => {
                    data.insert(column.to_string(), Value::String(keep));
                    continue;
                }
                Target::Waiting(keep) => {
                    tx.prepare_cached("INSERT OR IGNORE INTO sync_pending (tbl, row_id) VALUES (?1, ?2)")?.execute(params![table.name, id])?;
                    return Ok(Settled::Waiting(Some((parent_index, keep))));
                }
                Target::None => {}
            }
        }
        if tombstoned(tx, parent, &parent_id)? {
            if table.keeps_orphans {
                data.insert(column.to_string(), Value::Null);
                continue;
            }
            if row_exists(tx, table, id)? {
                *report.rows.entry(table.name).or_default() += remove(tx, table, id)?;
            }
            return Ok(Settled::Removed);
        }
        tx.prepare_cached("INSERT OR IGNORE INTO sync_pending (tbl, row_id) VALUES (?1, ?2)")?.execute(params![table.name, id])?;
        return Ok(Settled::Waiting(Some((parent_index, parent_id))));
    }
    let exists = row_exists(tx, table, id)?;
    write_row(tx, table, id, &data, exists)?;
    *report.rows.entry(table.name).or_default() += 1;
    Ok(Settled::Written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_keeps_each_rows_changes_that_still_set_a_field() {
        let change = |origin: &str, hlc: i64, data: Option<&str>| -> RowChange { ("row".into(), origin.into(), hlc, data.map(str::to_string)) };
        let all = r#"{"name":"a","address":"x"}"#;
        let table = |name: &str| &TABLES[table_index(name).expect("a synced table")];
        let cases: [(&str, &str, Vec<RowChange>, Vec<bool>); 8] = [
            ("one change", "customers", vec![change("a", 1, Some(all))], vec![true]),
            (
                "a field set again",
                "customers",
                vec![change("a", 1, Some(all)), change("a", 2, Some(r#"{"address":"y"}"#)), change("a", 3, Some(r#"{"address":"z"}"#))],
                vec![true, false, true],
            ),
            ("every field set again", "customers", vec![change("a", 1, Some(all)), change("b", 2, Some(all))], vec![false, true]),
            ("given out of order", "customers", vec![change("b", 2, Some(all)), change("a", 1, Some(all))], vec![true, false]),
            ("the same clock: the greater origin wins", "customers", vec![change("b", 5, Some(all)), change("a", 5, Some(all))], vec![true, false]),
            (
                "a tombstone keeps them all",
                "customers",
                vec![change("a", 1, Some(all)), change("a", 2, Some(all)), change("b", 3, None)],
                vec![true, true, true],
            ),
            (
                "merges are all kept",
                "customer_merges",
                vec![change("a", 1, Some(r#"{"keep_id":"k"}"#)), change("a", 2, Some(r#"{"keep_id":"k"}"#))],
                vec![true, true],
            ),
            (
                "a phone's customers are all kept",
                "customer_phones",
                vec![
                    change("a", 1, Some(r#"{"customer_id":"x","number":"1"}"#)),
                    change("a", 2, Some(r#"{"customer_id":"y"}"#)),
                    change("a", 3, Some(r#"{"number":"2"}"#)),
                ],
                vec![true, true, true],
            ),
        ];
        for (what, name, group, kept) in cases {
            assert_eq!(winners(table(name), &group).expect("winners"), kept, "{what}");
        }
    }

    /// The triggers of migration 0002 for one table, as generated from its spec.
    fn triggers(table: &Table) -> String {
        let object = |row: &str| row_object(table, row);
        let changed: Vec<String> = table
            .columns
            .iter()
            .map(|c| {
                let v = if table.blobs.contains(c) { format!("hex(NEW.{c})") } else { format!("NEW.{c}") };
                format!("SELECT '{c}' AS f, {v} AS v WHERE NEW.{c} IS NOT OLD.{c}")
            })
            .collect();
        let (t, k) = (table.name, table.key);
        format!(
            "{}\
             CREATE TRIGGER {t}_log_update AFTER UPDATE ON {t} WHEN (SELECT applying FROM sync_clock) = 0 BEGIN\n    \
             UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);\n    \
             INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT c.hlc, c.origin, '{t}', NEW.{k}, d.data FROM sync_clock c,\n        \
             (SELECT json_group_object(f, v) AS data, count(*) AS n FROM (\n            {}\n        )) d WHERE d.n > 0;\nEND;\n\
             CREATE TRIGGER {t}_log_delete AFTER DELETE ON {t} WHEN (SELECT applying FROM sync_clock) = 0 BEGIN\n    \
             UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);\n    \
             INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, '{t}', OLD.{k}, NULL FROM sync_clock;\nEND;\n\
             INSERT INTO changes (hlc, origin, tbl, row_id, data)\n    \
             SELECT (SELECT coalesce(max(hlc), 0) FROM changes) + row_number() OVER (ORDER BY rowid), (SELECT origin FROM sync_clock), '{t}', {k}, {} FROM {t};\n",
            insert_trigger(table, "(SELECT applying FROM sync_clock) = 0"),
            changed.join("\n            UNION ALL "),
            object(t),
        )
    }

    /// The insert trigger of one table, logging the new row when `when` holds.
    fn insert_trigger(table: &Table, when: &str) -> String {
        let (t, k) = (table.name, table.key);
        format!(
            "CREATE TRIGGER {t}_log_insert AFTER INSERT ON {t} WHEN {when} BEGIN\n    \
             UPDATE sync_clock SET hlc = max(hlc + 1, madoguchi_wall_ms() << 16);\n    \
             INSERT INTO changes (hlc, origin, tbl, row_id, data) SELECT hlc, origin, '{t}', NEW.{k}, {} FROM sync_clock;\nEND;\n",
            row_object(table, "NEW")
        )
    }

    /// Migration 0008 holds every synced table's insert trigger again, stopped during a bulk
    /// load (regenerate with UPDATE_GOLDEN=1).
    #[test]
    fn bulk_migration_replaces_every_insert_trigger() {
        let path = format!("{}/src/migrations/0008_bulk_log.sql", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let marker = "-- Generated from sync::TABLES (store/src/sync.rs tests); do not edit below.\n";
        let head = &text[..text.find(marker).expect("the marker line") + marker.len()];
        let generated: Vec<String> = TABLES
            .iter()
            .map(|t| format!("DROP TRIGGER {}_log_insert;\n{}", t.name, insert_trigger(t, "(SELECT applying FROM sync_clock) = 0 AND madoguchi_bulk() = 0")))
            .collect();
        let want = format!("{head}{}", generated.join(""));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        assert_eq!(text, want);
    }

    /// Migration 0002 holds, for every synced table but those a later migration adds (0007:
    /// customer_merges), exactly the triggers its spec generates, and each later migration
    /// those of its tables (regenerate with UPDATE_GOLDEN=1), so a column added to a table
    /// without its spec fails.
    #[test]
    fn migration_triggers_follow_the_table_specs() {
        let later: [(&str, &[&str]); 1] = [("0007_customer_merges.sql", &["customer_merges"])];
        let added_later = |name: &str| later.iter().any(|(_, tables)| tables.contains(&name));
        let files = std::iter::once(("0002_sync.sql", TABLES.iter().filter(|t| !added_later(t.name)).collect::<Vec<_>>()))
            .chain(later.iter().map(|(file, tables)| (*file, TABLES.iter().filter(|t| tables.contains(&t.name)).collect())));
        for (file, tables) in files {
            let path = format!("{}/src/migrations/{file}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap();
            let marker = "-- Generated from sync::TABLES (store/src/sync.rs tests); do not edit below.\n";
            let head = &text[..text.find(marker).expect("the marker line") + marker.len()];
            let generated: String = tables.into_iter().map(triggers).collect::<Vec<_>>().join("\n");
            let want = format!("{head}{generated}UPDATE sync_clock SET hlc = (SELECT coalesce(max(hlc), 0) FROM changes);\n");
            if std::env::var_os("UPDATE_GOLDEN").is_some() {
                std::fs::write(&path, &want).unwrap();
            }
            assert_eq!(text, want, "{file}");
        }
    }

    /// A bulk load logs the rows it inserts as the triggers log them one by one: the same row
    /// ids and the same data, each clock above the one before it and above the clock before
    /// the load; an update or a delete during the load (of a row written before it) by its
    /// trigger, and a row taking the rowid of one deleted by the load is logged too.
    #[test]
    fn a_bulk_load_logs_its_inserts_as_the_triggers_do() {
        let now = "2026-11-22T10:00:00+09:00";
        let record = crate::CustomerRecord {
            kind: "person".into(),
            name: "山田　太郎".into(),
            name_kana: "ヤマダ タロウ".into(),
            prefecture: "東京都".into(),
            postal_code: "1000001".into(),
            address: "千代田区千代田1-1".into(),
            phones: vec![crate::PhoneRecord { number: "03-1234-5678".into(), label: None }],
            emails: vec!["taro@example.jp".into()],
            accounts: vec![crate::AccountRecord { service: "alwater".into(), customer_number: "AW1".into(), status: "active".into(), ..Default::default() }],
            ..Default::default()
        };
        let logged = |bulk: bool| {
            let mut store = Store::open_in_memory(now).unwrap();
            store.set_wall_clock(|| 1_700_000_000_000).unwrap();
            let before: i64 = store.conn.query_row("SELECT hlc FROM sync_clock", [], |r| r.get(0)).unwrap();
            let mut n = 0;
            let mut ids = move || {
                n += 1;
                format!("0000000{n}-0000-0000-0000-000000000000")
            };
            let insert = |tx: &Transaction, number: &str, ids: &mut dyn FnMut() -> String| {
                let mut record = record.clone();
                record.accounts[0].customer_number = number.into();
                crate::customers::insert_customer(tx, &record, ids, "test", now).map(|_| ())
            };
            store.write(|tx| insert(tx, "AW1", &mut ids)).unwrap();
            let work = |tx: &Transaction| {
                // The phone with the largest rowid replaced, as a re-import does: the new one
                // takes the rowid the old one had.
                tx.execute("DELETE FROM customer_phones WHERE id = '00000002-0000-0000-0000-000000000000'", [])?;
                tx.execute(
                    "INSERT INTO customer_phones (id, customer_id, number, digits, digits_reversed, label, updated_at)
                     VALUES ('00000099-0000-0000-0000-000000000000', '00000001-0000-0000-0000-000000000000', '03-9999-0000', '0399990000', '0000999930', NULL, ?1)",
                    [now],
                )?;
                insert(tx, "AW2", &mut ids)?;
                insert(tx, "AW3", &mut ids)?;
                tx.execute("UPDATE customers SET address = '千代田区千代田2-2' WHERE id = '00000001-0000-0000-0000-000000000000'", [])?;
                Ok(())
            };
            if bulk {
                store.bulk_load(work).unwrap()
            } else {
                store.write(work).unwrap()
            }
            let mut stmt = store.conn.prepare("SELECT hlc, tbl, row_id, coalesce(data, 'tombstone') FROM changes ORDER BY seq").unwrap();
            let rows: Vec<(i64, String, String, String)> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap();
            let clocks: Vec<i64> = std::iter::once(before).chain(rows.iter().map(|r| r.0)).collect();
            assert!(clocks.windows(2).all(|w| w[0] < w[1]), "bulk {bulk}: clocks rise: {clocks:?}");
            let mut changes: Vec<(String, String, String)> = rows.into_iter().map(|(_, t, id, data)| (t, id, data)).collect();
            changes.sort();
            changes
        };
        let by_triggers = logged(false);
        assert_eq!(by_triggers.len(), 15, "3 customers, phones, emails and accounts, a phone replaced, the update: {by_triggers:?}");
        assert_eq!(logged(true), by_triggers);
    }

    fn change(hlc: i64, table: &str, id: &str, data: serde_json::Value) -> std::result::Result<Change, String> {
        let data = data.as_object().cloned();
        Ok(Change { hlc, origin: "0000aaaa-0000-0000-0000-000000000001".into(), table: table_index(table).unwrap(), id: id.into(), data })
    }

    /// A re-issued document that sorts before its original, both waiting on a customer that
    /// comes last in the bundle: all three are written by the one import.
    #[test]
    fn rows_waiting_on_a_row_of_their_own_table_are_settled_in_the_same_import() {
        let mut store = Store::open_in_memory("2026-11-22T10:00:00+09:00").unwrap();
        let doc = |reissue_of: Option<&str>| {
            serde_json::json!({"customer_id": "c1", "account_id": null, "order_id": null, "doc_type": "receipt", "number": "RC-T-000001",
                "issued_at": "2026-11-22T10:00:00+09:00", "reissue_of": reissue_of, "snapshot": "{}", "pdf_sha256": "00", "updated_at": "2026-11-22T10:00:00+09:00"})
        };
        let customer = serde_json::json!({"kind": "person", "name": "山田　花子", "name_kana": "ヤマダ ハナコ", "birth_date": null, "prefecture": "東京都",
            "postal_code": "1000001", "address": "千代田区1-1", "created_at": "2026-11-22T10:00:00+09:00", "updated_at": "2026-11-22T10:00:00+09:00"});
        let changes = vec![
            change(3, "documents", "a-reissue", doc(Some("b-original"))),
            change(2, "documents", "b-original", doc(None)),
            change(1, "customers", "c1", customer),
        ];
        let report = store.apply_changes(&mut changes.into_iter(), &BTreeMap::new(), &[], None, "2026-11-22T10:00:00+09:00", &mut |_| true).unwrap();
        assert_eq!((report.applied, report.pending), (3, 0), "{report:?}");
        let documents: i64 = store.conn.query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
        assert_eq!(documents, 2);
    }

    /// A chain of re-issues sent child first (each waiting on the next) settles whole, each row
    /// settled a bounded number of times; cancelling inside the settle loop writes nothing.
    #[test]
    fn a_chain_of_reissues_sent_child_first_settles_whole_and_can_be_cancelled() {
        let doc = |i: usize, n: usize| {
            let reissue_of = (i + 1 < n).then(|| format!("d{:05}", i + 1));
            serde_json::json!({"customer_id": "c1", "account_id": null, "order_id": null, "doc_type": "receipt", "number": format!("RC-T-{i:06}"),
                "issued_at": "2026-11-22T10:00:00+09:00", "reissue_of": reissue_of, "snapshot": "{}", "pdf_sha256": "00", "updated_at": "2026-11-22T10:00:00+09:00"})
        };
        let customer = serde_json::json!({"kind": "person", "name": "山田　花子", "name_kana": "ヤマダ ハナコ", "birth_date": null, "prefecture": "東京都",
            "postal_code": "1000001", "address": "千代田区1-1", "created_at": "2026-11-22T10:00:00+09:00", "updated_at": "2026-11-22T10:00:00+09:00"});
        let n = 3_000;
        let changes = || {
            let mut all: Vec<_> = (0..n).map(|i| change(10 + i as i64, "documents", &format!("d{i:05}"), doc(i, n))).collect();
            all.push(change(1, "customers", "c1", customer.clone()));
            all
        };
        let mut store = Store::open_in_memory("2026-11-22T10:00:00+09:00").unwrap();
        let mut calls = 0;
        let cancelled = store.apply_changes(&mut changes().into_iter(), &BTreeMap::new(), &[], None, "2026-11-22T10:00:00+09:00", &mut |_| {
            calls += 1;
            calls < 2
        });
        assert!(cancelled.is_err(), "cancelled while settling");
        let documents: i64 = store.conn.query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
        let logged: i64 = store.conn.query_row("SELECT count(*) FROM changes", [], |r| r.get(0)).unwrap();
        assert_eq!((documents, logged), (0, 0), "nothing written");

        let report = store.apply_changes(&mut changes().into_iter(), &BTreeMap::new(), &[], None, "2026-11-22T10:00:00+09:00", &mut |_| true).unwrap();
        assert_eq!((report.applied, report.pending, report.rows.get("documents").copied()), (n as u64 + 1, 0, Some(n as u64)), "{:?}", report.rows);
        let documents: i64 = store.conn.query_row("SELECT count(*) FROM documents", [], |r| r.get(0)).unwrap();
        assert_eq!(documents, n as i64);
    }

    /// Each spec lists exactly its table's columns, in schema order.
    #[test]
    fn table_specs_list_every_column() {
        let store = Store::open_in_memory("2026-11-22T10:00:00+09:00").unwrap();
        for table in &TABLES {
            let mut stmt = store.conn.prepare(&format!("SELECT name FROM pragma_table_info('{}')", table.name)).unwrap();
            let columns: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
            let spec: Vec<&str> = std::iter::once(table.key).chain(table.columns.iter().copied()).collect();
            assert_eq!(columns, spec, "{}", table.name);
        }
    }
}

//! Applying changes: each new change logged (refused whole if it deletes or rewrites what is
//! never deleted or rewritten, claims this installation's origin or a revoked one's), then
//! every row it touches settled from its whole log by `fold`: written, removed with what needs
//! it, or left pending on a parent; merges settled first, a row's children after it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Map, Value};

use super::fold::{Folded, Judged, Logged, fold, parse_data};
use super::log::{MAX_CLOCK_AHEAD_MS, clock_of_millis};
use super::merges::{Target, crossed, merge_target, merged_in_log, set_aside_tombstones};
use super::{ApplyReport, Change, TABLES, Table, table_index};
use crate::audit::Entry;
use crate::{Result, Store, StoreError};

impl Store {
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
                // A change compacted away here is known as if it were still in the log.
                let compacted = tx
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM changes_compacted WHERE origin = ?1 AND hlc = ?2)")?
                    .query_row(params![change.origin, change.hlc], |r| r.get::<_, bool>(0))?;
                let inserted = if compacted {
                    0
                } else {
                    tx.prepare_cached("INSERT OR IGNORE INTO changes (hlc, origin, tbl, row_id, data) VALUES (?1, ?2, ?3, ?4, ?5)")?
                        .execute(params![change.hlc, change.origin, table.name, change.id, data])?
                };
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

pub(super) fn row_exists(tx: &Transaction, table: &Table, id: &str) -> Result<bool> {
    Ok(tx.prepare_cached(&format!("SELECT EXISTS (SELECT 1 FROM {} WHERE {} = ?1)", table.name, table.key))?.query_row([id], |r| r.get(0))?)
}

pub(super) fn tombstoned(tx: &Transaction, table: &Table, id: &str) -> Result<bool> {
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
/// A row's changes as the log holds them; `new` for those logged after `before` (this import's).
pub(super) fn logged(tx: &Transaction, table: &Table, id: &str, before: i64) -> Result<Vec<Logged>> {
    let mut stmt = tx.prepare_cached("SELECT hlc, origin, data, seq FROM changes WHERE tbl = ?1 AND row_id = ?2")?;
    stmt.query_map(params![table.name, id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, i64>(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(hlc, origin, data, seq)| Ok(Logged { hlc, origin, data: parse_data(data)?, new: seq > before }))
        .collect()
}

/// Recomputes one row from all its changes (`fold`) and writes the result: deleted, written,
/// or left pending until its parent arrives. Records the conflicts the new changes brought.
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
    tx.prepare_cached("DELETE FROM sync_pending WHERE tbl = ?1 AND row_id = ?2")?.execute(params![table.name, id])?;
    let (folded, conflicts) = fold(table, id, &log, judged);
    report.conflicts.extend(conflicts);
    let mut data = match folded {
        Folded::Deleted => {
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
        Folded::Incomplete => {
            tx.prepare_cached("INSERT OR IGNORE INTO sync_pending (tbl, row_id) VALUES (?1, ?2)")?.execute(params![table.name, id])?;
            return Ok(Settled::Waiting(None));
        }
        Folded::Row(data) => data,
    };
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
}

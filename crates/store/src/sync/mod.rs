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
//!
//! `tables` lists what travels, `log` writes and reads the change log, `fold` folds a row's
//! changes (pure), `apply` applies a bundle's changes through it, `merges` follows 名寄せ.

mod apply;
mod fold;
mod log;
mod merges;
mod tables;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

pub(crate) use self::apply::remove;
pub use self::fold::{RowChange, winners};
pub use self::log::{BundleRecord, LogCompaction, MAX_CLOCK_AHEAD_MS, clock_of_millis};
pub(crate) use self::log::{create_bulk_notes, log_bulk_inserts, register_bulk_flag, register_wall_clock};
pub use self::tables::{TABLES, Table, check_data, customers_table, table_index};

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

//! The fold of one row's changes, pure: per field the value of the newest change by `(clock,
//! origin)`, a tombstone over every edit, and the conflicts the new changes bring (an edit the
//! other side had not seen, lost to a delete or to another value); and which changes a
//! compacted log keeps. No SQL: the apply step reads the row's log, folds it here, and writes
//! what the fold gives.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::{Conflict, Side, Table};
use crate::{Result, StoreError};

pub(super) fn parse_data(text: Option<String>) -> Result<Option<Map<String, Value>>> {
    text.map(|t| serde_json::from_str::<Map<String, Value>>(&t).map_err(|e| StoreError::invalid("changes.data", e.to_string()))).transpose()
}

/// The newest change of a set, by (clock, origin).
fn newer(a: (&i64, &str), b: (&i64, &str)) -> bool {
    (a.0, a.1) > (b.0, b.1)
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

/// One change of a row as read back from the log.
#[derive(Debug, Clone)]
pub(super) struct Logged {
    pub hlc: i64,
    pub origin: String,
    /// None: a tombstone.
    pub data: Option<Map<String, Value>>,
    /// Brought by the import being applied (logged after it began).
    pub new: bool,
}

/// A conflict on `field` of a row: the value kept and the value discarded, each with the change
/// that set it.
fn conflict(table: &Table, id: &str, field: &str, kept: (&Logged, Value), discarded: (&Logged, Value)) -> Conflict {
    let side = |(l, value): (&Logged, Value)| Side { value, origin: l.origin.clone(), hlc: l.hlc };
    Conflict { table: table.name, id: id.to_string(), field: field.to_string(), kept: side(kept), discarded: side(discarded) }
}

/// What tells a conflict from a change already settled: the clocks the sender had seen, and
/// the horizon of the snapshots taken here (a change at or below it was settled where the
/// snapshot was made; arriving again, it is no news).
pub(super) struct Judged<'a> {
    pub sender: &'a BTreeMap<String, i64>,
    pub horizon: BTreeMap<String, i64>,
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

/// What a row's changes fold to.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Folded {
    /// A tombstone: the row is deleted for good.
    Deleted,
    /// Every column set: the row as its newest changes have it.
    Row(Map<String, Value>),
    /// A column no change has set yet: the row waits for the change that sets it.
    Incomplete,
}

/// Folds a row's changes (`log`, in any order), with the conflicts its new changes bring.
pub(super) fn fold(table: &Table, id: &str, log: &[Logged], judged: &Judged) -> (Folded, Vec<Conflict>) {
    let mut conflicts = Vec::new();
    if let Some(tomb) = log.iter().find(|l| l.data.is_none()) {
        // A delete wins over every edit. An edit is a conflict when the side that deleted had
        // not seen it: a new edit of a row deleted here, or an edit made here that the sender
        // of a new tombstone did not know.
        let deleted_here = log.iter().any(|l| l.data.is_none() && !l.new);
        let lost = |l: &&Logged| l.data.is_some() && if deleted_here { l.new } else { !l.new && !judged.sender_knew(l) };
        for edit in log.iter().filter(lost) {
            let edited = Value::Object(edit.data.clone().unwrap_or_default());
            conflicts.push(conflict(table, id, "*", (tomb, Value::Null), (edit, edited)));
        }
        return (Folded::Deleted, conflicts);
    }
    // Per field: the newest value overall, and the newest among the changes held before.
    let mut winner: HashMap<&str, &Logged> = HashMap::new();
    let mut old_winner: HashMap<&str, &Logged> = HashMap::new();
    for l in log {
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
            if value(now, column) != value(old, column) && !judged.sender_knew(old) {
                conflicts.push(conflict(table, id, column, (now, value(now, column)), (old, value(old, column))));
            }
        } else {
            for lost in log.iter().filter(|l| l.new && l.data.as_ref().is_some_and(|d| d.contains_key(*column)) && !judged.settled_before(l, old)) {
                if value(lost, column) != value(old, column) {
                    conflicts.push(conflict(table, id, column, (old, value(old, column)), (lost, value(lost, column))));
                }
            }
        }
    }
    if winner.len() < table.columns.len() {
        return (Folded::Incomplete, conflicts);
    }
    (Folded::Row(table.columns.iter().map(|c| (c.to_string(), value(winner[c], c))).collect()), conflicts)
}

#[cfg(test)]
mod tests {
    use super::super::{TABLES, table_index};
    use super::*;

    fn notes_table() -> &'static Table {
        &TABLES[table_index("call_notes").expect("a synced table")]
    }

    /// A change of the notes table: `origin` at `hlc`, `new` if the import brings it.
    fn note(origin: &str, hlc: i64, new: bool, data: Option<serde_json::Value>) -> Logged {
        Logged { hlc, origin: origin.into(), data: data.and_then(|d| d.as_object().cloned()), new }
    }

    fn whole(body: &str) -> serde_json::Value {
        serde_json::json!({"customer_id": "c", "author": "a", "at": "2026-12-01T10:00:00+09:00", "body": body, "updated_at": "2026-12-01T10:00:00+09:00"})
    }

    /// (what, the sender's clocks, the row's log) → the body the row folds to (or why none),
    /// and the conflicts as (field, kept origin, discarded origin).
    #[test]
    fn a_row_folds_to_its_newest_fields_and_names_the_conflicts() {
        let body = |b: &str| serde_json::json!({"body": b});
        type Case = (&'static str, Vec<(&'static str, i64)>, Vec<Logged>, &'static str, Vec<(&'static str, &'static str, &'static str)>);
        let cases: Vec<Case> = vec![
            ("one whole insert", vec![], vec![note("a", 1, true, Some(whole("x")))], "x", vec![]),
            (
                "the newer clock wins, in any order",
                vec![("a", 1)],
                vec![note("b", 2, true, Some(body("y"))), note("a", 1, false, Some(whole("x")))],
                "y",
                vec![],
            ),
            (
                "the same clock: the greater origin",
                vec![("a", 5)],
                vec![note("a", 5, false, Some(whole("x"))), note("b", 5, true, Some(whole("y")))],
                "y",
                vec![],
            ),
            (
                "the same clock over a value the sender had not seen",
                vec![],
                vec![note("a", 5, false, Some(whole("x"))), note("b", 5, true, Some(whole("y")))],
                "y",
                vec![("body", "b", "a")],
            ),
            (
                "a new edit over one the sender had not seen",
                vec![("b", 9)],
                vec![note("a", 1, false, Some(whole("x"))), note("a", 2, false, Some(body("here"))), note("b", 3, true, Some(body("there")))],
                "there",
                vec![("body", "b", "a")],
            ),
            (
                "a new edit over one the sender had seen",
                vec![("a", 2), ("b", 9)],
                vec![note("a", 1, false, Some(whole("x"))), note("a", 2, false, Some(body("here"))), note("b", 3, true, Some(body("there")))],
                "there",
                vec![],
            ),
            (
                "a new edit losing to one held here",
                vec![],
                vec![note("a", 1, false, Some(whole("x"))), note("a", 4, false, Some(body("here"))), note("b", 3, true, Some(body("there")))],
                "here",
                vec![("body", "a", "b")],
            ),
            ("only some columns set", vec![], vec![note("a", 1, true, Some(body("x")))], "incomplete", vec![]),
            (
                "a new delete over an edit the sender had not seen",
                vec![],
                vec![note("a", 1, false, Some(whole("x"))), note("b", 2, true, None)],
                "deleted",
                vec![("*", "b", "a")],
            ),
            (
                "a new edit of a row deleted here",
                vec![],
                vec![note("a", 1, false, None), note("b", 2, true, Some(whole("x")))],
                "deleted",
                vec![("*", "a", "b")],
            ),
        ];
        for (what, sender, log, expected, expected_conflicts) in cases {
            let sender: BTreeMap<String, i64> = sender.into_iter().map(|(o, c)| (o.to_string(), c)).collect();
            let judged = Judged { sender: &sender, horizon: BTreeMap::new() };
            let (folded, conflicts) = fold(notes_table(), "n", &log, &judged);
            let got = match &folded {
                Folded::Deleted => "deleted",
                Folded::Incomplete => "incomplete",
                Folded::Row(row) => row["body"].as_str().expect("a body"),
            };
            assert_eq!(got, expected, "{what}");
            let conflicts: Vec<(&str, &str, &str)> =
                conflicts.iter().map(|c| (c.field.as_str(), c.kept.origin.as_str(), c.discarded.origin.as_str())).collect();
            assert_eq!(conflicts, expected_conflicts, "{what}");
        }
    }

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
}

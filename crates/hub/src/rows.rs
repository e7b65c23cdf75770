//! The hub's change log read a row at a time through a cursor of one transaction (one moment
//! of the hub): parents first, each table's rows in id order, a row's changes in clock order.
//! What a bootstrap loads and compaction judges, each row's changes at once, in bounded memory.

use std::collections::VecDeque;

use madoguchi_store::sync::{RowChange, TABLES, table_index};

use crate::HubError;

/// Changes read from the hub per fetch.
const FETCH: i64 = 5_000;

/// One row's changes: its table (none: a table this madoguchi does not know), and per change
/// its `seq` at the hub and the change.
pub(crate) struct RowGroup {
    pub table: Option<usize>,
    pub seqs: Vec<i64>,
    pub changes: Vec<RowChange>,
}

/// The cursor and what it has fetched but not yet given out.
pub(crate) struct RowGroups<'a> {
    pub hub: postgres::Transaction<'a>,
    fetched: VecDeque<(Option<usize>, i64, RowChange)>,
    finished: bool,
}

impl<'a> RowGroups<'a> {
    /// Opens the cursor in `hub` over the changes of every origin but those `skipped`.
    pub fn open(mut hub: postgres::Transaction<'a>, skipped: &[String]) -> Result<Self, HubError> {
        let tables: Vec<String> = TABLES.iter().map(|t| t.name.to_string()).collect();
        hub.execute(
            "DECLARE row_groups NO SCROLL CURSOR FOR SELECT seq, origin, hlc, tbl, row_id, data FROM changes
             WHERE origin <> ALL($1) ORDER BY array_position($2::text[], tbl), row_id COLLATE \"C\", hlc, origin COLLATE \"C\"",
            &[&skipped, &tables],
        )?;
        Ok(RowGroups { hub, fetched: VecDeque::new(), finished: false })
    }

    /// Fetches more rows; false when the cursor has none left.
    fn fetch(&mut self) -> Result<bool, HubError> {
        if self.finished {
            return Ok(false);
        }
        let rows = self.hub.query(&format!("FETCH {FETCH} FROM row_groups"), &[])?;
        for row in &rows {
            let (seq, origin, hlc, tbl, id, data): (i64, String, i64, String, String, Option<String>) =
                (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5));
            self.fetched.push_back((table_index(&tbl), seq, (id, origin, hlc, data)));
        }
        self.finished = (rows.len() as i64) < FETCH;
        Ok(!rows.is_empty())
    }

    /// The next row's changes, or none when all are read.
    pub fn next_group(&mut self) -> Result<Option<RowGroup>, HubError> {
        if self.fetched.is_empty() && !self.fetch()? {
            return Ok(None);
        }
        let Some((table, _, (first, ..))) = self.fetched.front() else { return Ok(None) };
        let (table, id) = (*table, first.clone());
        let mut group = RowGroup { table, seqs: Vec::new(), changes: Vec::new() };
        loop {
            while let Some((t, _, (row, ..))) = self.fetched.front() {
                if *t != table || *row != id {
                    return Ok(Some(group));
                }
                let (_, seq, change) = self.fetched.pop_front().expect("a row is there");
                group.seqs.push(seq);
                group.changes.push(change);
            }
            if !self.fetch()? {
                return Ok(Some(group));
            }
        }
    }
}

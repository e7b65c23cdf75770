//! Compacting the hub's change log, as its owner (`madoguchi hub compact`): a change no field
//! of its row takes any more is deleted once every installation that has synced had seen past
//! it (the `known` its latest sync recorded in `seen`); what a snapshot keeps is kept
//! (`sync::winners`, one rule for both: tombstoned rows, merges, contacts' customers). A change no
//! field takes can never win a fold again, so installations and new ones bootstrapping from
//! the hub end with the same rows; the newest change of each origin is never deleted (the hub's
//! newest clock of an origin is where its next push starts).

use std::collections::BTreeMap;

use madoguchi_store::sync::{TABLES, winners};
use postgres::Client;

use crate::HubError;
use crate::rows::RowGroups;

/// What a compaction did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Compacted {
    /// Changes at the hub before.
    pub changes: u64,
    /// Changes deleted: replaced in every field by newer ones that everyone had seen.
    pub removed: u64,
}

/// Per origin, the clock below which every installation that has synced had seen its changes
/// (none while nobody has): what its latest sync recorded (`seen`), or, for one that has only
/// pushed with an older madoguchi, what it knew at its latest push; never above the origin's
/// newest change at the hub. An installation that never synced holds nothing back: whatever
/// compaction removes, it gets the newer changes that replaced it.
pub(crate) fn floors(client: &mut Client) -> Result<BTreeMap<String, i64>, HubError> {
    let newest: BTreeMap<String, i64> =
        client.query("SELECT origin, max(hlc) FROM changes GROUP BY origin", &[])?.iter().map(|r| (r.get(0), r.get(1))).collect();
    let mut latest: BTreeMap<String, String> = BTreeMap::new();
    for sql in [
        "SELECT DISTINCT ON (origin) origin, known FROM seen ORDER BY origin, seq DESC",
        "SELECT DISTINCT ON (origin) origin, known FROM pushes ORDER BY origin, clock_to DESC",
    ] {
        for row in client.query(sql, &[])? {
            latest.entry(row.get(0)).or_insert_with(|| row.get(1));
        }
    }
    // One that cannot be read holds everything back (as having seen nothing) rather than
    // stopping compaction for the others.
    let knowns: Vec<BTreeMap<String, i64>> = latest.values().map(|known| serde_json::from_str(known).unwrap_or_default()).collect();
    if knowns.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(newest
        .into_iter()
        .map(|(origin, newest)| {
            let seen = knowns.iter().map(|k| k.get(&origin).copied().unwrap_or(0)).min().unwrap_or(0);
            (origin, seen.min(newest))
        })
        .collect())
}

/// Deletes the changes of the hub's log that no installation needs any more, in one transaction.
pub fn compact(client: &mut Client) -> Result<Compacted, HubError> {
    let floors = floors(client)?;
    let changes: i64 = client.query_one("SELECT count(*) FROM changes", &[])?.get(0);
    let mut report = Compacted { changes: changes as u64, removed: 0 };
    if floors.is_empty() {
        return Ok(report);
    }
    let hub = client.build_transaction().isolation_level(postgres::IsolationLevel::RepeatableRead).start()?;
    let mut rows = RowGroups::open(hub, &[])?;
    let mut dropped: Vec<i64> = Vec::new();
    while let Some(group) = rows.next_group()? {
        // A row of a table this madoguchi does not know, or whose changes it cannot read, is kept whole.
        let Some(keep) = group.table.and_then(|t| winners(&TABLES[t], &group.changes).ok()) else { continue };
        for ((seq, (_, origin, hlc, _)), kept) in group.seqs.iter().zip(&group.changes).zip(keep) {
            if !kept && floors.get(origin).is_some_and(|floor| *hlc < *floor) {
                dropped.push(*seq);
            }
        }
    }
    let mut hub = rows.hub;
    hub.execute("CLOSE row_groups", &[])?;
    for chunk in dropped.chunks(10_000) {
        report.removed += hub.execute("DELETE FROM changes WHERE seq = ANY($1)", &[&chunk])?;
    }
    hub.commit()?;
    Ok(report)
}

//! 名寄せ across installations (migration 0007): where the rows of a customer merged away
//! belong now, following merges along their chain; merges that crossed (each side merged the
//! other's customer away) and the one customer that stays; the tombstones such a merge left.

use rusqlite::{OptionalExtension, Transaction};

use serde_json::Value;

use super::apply::{logged, row_exists, tombstoned};
use super::customers_table;
use super::fold::{Logged, parse_data};
use crate::Result;

/// Where the rows of a customer merged away belong now (名寄せ, migration 0007).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// Not merged, or merged into a customer deleted since.
    None,
    /// This customer, which exists: the end of the chain of merges.
    Customer(String),
    /// A customer that has not arrived yet.
    Waiting(String),
}

/// The longest chain of merges followed (a customer merged into one merged on in turn…).
const MAX_MERGE_CHAIN: usize = 64;

pub(super) fn merged_into(tx: &Transaction, id: &str) -> Result<Option<String>> {
    Ok(tx.prepare_cached("SELECT keep_id FROM customer_merges WHERE id = ?1")?.query_row([id], |r| r.get(0)).optional()?)
}

/// Merges that crossed (installation A merged X into Y while B merged Y into X, neither
/// knowing): the chain from a customer runs into a cycle. The newest merge of the cycle (by its
/// change's clock, then origin) is set aside, so its customer (`keeper`) stays and the older
/// merges stand. Every installation holding the same changes finds the same keeper.
pub(super) struct Crossed {
    keeper: String,
    /// The customers of the cycle.
    pub members: Vec<String>,
}

/// The crossed merges the chain from `id` runs into; `None` when it has no cycle.
pub(super) fn crossed(tx: &Transaction, id: &str) -> Result<Option<Crossed>> {
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

pub(super) fn crossed_keeper(tx: &Transaction, id: &str) -> Result<Option<String>> {
    Ok(crossed(tx, id)?.map(|c| c.keeper))
}

/// The tombstones a set-aside merge left, which do not count: when one of `customers` is the
/// keeper of crossed merges, each origin that merged it away deleted it, and the phones and
/// emails the other side held too, in that merge; the first tombstone in `log` by such an
/// origin after its merge is that one (a later one is a real delete). Their (clock, origin).
pub(super) fn set_aside_tombstones(tx: &Transaction, customers: &[String], log: &[Logged]) -> Result<Vec<(i64, String)>> {
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
pub(super) fn merge_target(tx: &Transaction, id: &str) -> Result<Target> {
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
pub(super) fn deleted_for_good(tx: &Transaction, id: &str, keeper: Option<&str>) -> Result<bool> {
    if keeper != Some(id) {
        return tombstoned(tx, customers_table(), id);
    }
    let log = logged(tx, customers_table(), id, i64::MAX)?;
    let dropped = set_aside_tombstones(tx, &[id.to_string()], &log)?;
    Ok(log.iter().any(|l| l.data.is_none() && !dropped.contains(&(l.hlc, l.origin.clone()))))
}

/// True when the change log holds a merge (or a chain of them) of customer `from` into `to`:
/// the one rewrite of a document a bundle may bring is its customer reference following a merge.
pub(super) fn merged_in_log(tx: &Transaction, from: &str, to: &str) -> Result<bool> {
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

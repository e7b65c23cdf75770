//! Sync through the hub: this installation pushes its own changes the hub lacks (an idempotent
//! insert, in batches that each commit with what it knew), then pulls every other
//! installation's changes above what it holds (in batches that each apply in one local
//! transaction). Either stops cleanly anywhere and goes on from there next time: the hub's
//! newest clock of this origin says what to push, the local log's newest clock of each other
//! origin says what to pull. Pulled rows are checked like a bundle's and folded the same way.

use std::collections::{BTreeMap, VecDeque};

use madoguchi_api::ApiError;
use madoguchi_api::customers::stamp;
use madoguchi_api::settings::Setting;
use madoguchi_api::sync::ChangeChecker;
use madoguchi_api::wire::LogCompaction;
use madoguchi_api::{documents, keys, settings};
use madoguchi_domain::time::Moment;
use madoguchi_store::Store;
use madoguchi_store::sync::{ApplyReport, Change, LoggedChange, TABLES, winners};
use postgres::Client;
use serde_json::{Map, Value};

use crate::HubError;
use crate::rows::RowGroups;

/// How many changes one push or pull batch carries (one transaction each), unless
/// `MADOGUCHI_HUB_BATCH` says (a slow or unsteady link wants smaller ones).
const BATCH: usize = 5_000;

fn batch_size() -> usize {
    std::env::var("MADOGUCHI_HUB_BATCH").ok().and_then(|n| n.parse().ok()).filter(|n| (1..=100_000).contains(n)).unwrap_or(BATCH)
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct HubReport {
    pub installation: String,
    /// The document-number code the hub gave this installation (now `numbering.installation`).
    pub doc_code: String,
    /// Changes of this installation newly at the hub.
    pub pushed: u64,
    /// Per other installation, what its changes did here (those with nothing new left out).
    pub pulled: Vec<Pulled>,
    /// Rows still waiting for a parent that has not arrived.
    pub pending: u64,
    /// Installations at the hub whose changes are not taken here (their sender's trust was
    /// revoked, as their bundles would be refused).
    pub revoked: Vec<String>,
    /// The day's compaction of this installation's change log, when this sync ran it (below
    /// what every installation syncing through the hub had seen, as `seen` records it).
    pub compacted: Option<LogCompaction>,
}

/// What one installation's changes did here.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Pulled {
    pub origin: String,
    pub applied: u64,
    pub already_known: u64,
    pub rows: BTreeMap<String, u64>,
    /// Fields set differently by a change the other side had not seen (the newer one kept).
    pub conflicts: u64,
}

fn cancelled() -> HubError {
    HubError::invalid("sync", "cancelled; what was pushed or pulled before is kept")
}

/// What a test of the connection found (設定 → 同期 → 接続を確かめる): this installation is the
/// hub's role's, and how many installations share the hub.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HubCheck {
    pub installation: String,
    pub installations: i64,
}

/// Checks that the connected role is installation `own`'s at the hub.
fn registered(own: &str, client: &mut Client) -> Result<(), HubError> {
    let row = client.query_opt("SELECT id FROM installations WHERE role = session_user", &[])?;
    let Some(row) = row else {
        return Err(HubError::Refused("this role is no installation of the hub: the hub's owner adds it (madoguchi hub add-installation)".into()));
    };
    let registered: String = row.get(0);
    if registered != own {
        return Err(HubError::Refused(format!("this role belongs to installation {registered} at the hub, not to this one ({own})")));
    }
    Ok(())
}

/// Tests the connection without changing anything: the role is `installation`'s.
pub fn check(installation: &str, client: &mut Client) -> Result<HubCheck, HubError> {
    registered(installation, client)?;
    let installation = installation.to_string();
    let installations: i64 = client.query_one("SELECT count(*) FROM installations", &[])?.get(0);
    Ok(HubCheck { installation, installations })
}

/// Pushes this installation's changes the hub lacks and pulls everyone else's. The hub's role
/// must be this installation's. `progress(phase, done, total)` ("push", "pull") may return
/// false to stop after the batch in hand.
pub fn sync(store: &mut Store, client: &mut Client, actor: &str, now: Moment, progress: &mut dyn FnMut(&str, u64, u64) -> bool) -> Result<HubReport, HubError> {
    let own = store.installation_id()?;
    registered(&own, client)?;
    let wanted = documents::installation_code(store)?;
    let doc_code: String = client.query_one("SELECT madoguchi_claim_code($1)", &[&wanted])?.get(0);
    if doc_code != wanted {
        settings::set(store, &Setting::Installation.key(), &doc_code, actor, now)?;
    }
    let pushed = push(store, client, &own, progress)?;
    let at_hub: i64 = client.query_one("SELECT coalesce(max(hlc), 0) FROM changes WHERE origin = $1", &[&own])?.get(0);
    store.record_pushed(at_hub, &stamp(now))?;
    let revoked = keys::revoked_installations(store)?;
    let (pulled, pending) = pull(store, client, &own, &revoked, now, progress)?;
    // What this installation holds now, for the owner's compaction (a hub before schema 2 has
    // no such record: `hub init` migrates it).
    let records_seen: bool = client.query_one("SELECT to_regclass('public.seen') IS NOT NULL", &[])?.get(0);
    if records_seen {
        let known = serde_json::to_string(&store.known_clocks()?).map_err(|e| ApiError::Failed(e.to_string()))?;
        client.execute("INSERT INTO seen (origin, known) VALUES ($1, $2)", &[&own, &known])?;
    }
    let at_hub: Vec<String> = client.query("SELECT id FROM installations", &[])?.iter().map(|r| r.get(0)).collect();
    let revoked = revoked.into_iter().filter(|r| at_hub.contains(r)).collect();
    // Through a hub that records what each installation has seen (else nothing is known to be
    // seen by all), the day's compaction of this installation's own log.
    let compacted = if records_seen { madoguchi_api::sync::compact_daily(store, now, |_| crate::compact::floors(client))? } else { None };
    Ok(HubReport { installation: own, doc_code, pushed, pulled, pending, revoked, compacted })
}

/// One batch of this installation's changes, in clock order.
#[derive(Default)]
struct Batch {
    hlc: Vec<i64>,
    tbl: Vec<String>,
    row_id: Vec<String>,
    data: Vec<Option<String>>,
}

fn push(store: &Store, client: &mut Client, own: &str, progress: &mut dyn FnMut(&str, u64, u64) -> bool) -> Result<u64, HubError> {
    let at_hub: i64 = client.query_one("SELECT coalesce(max(hlc), 0) FROM changes WHERE origin = $1", &[&own])?.get(0);
    let since: BTreeMap<String, i64> = [(own.to_string(), at_hub)].into();
    let known = serde_json::to_string(&store.known_clocks()?).map_err(|e| ApiError::Failed(e.to_string()))?;
    let insert = client.prepare(
        "INSERT INTO changes (origin, hlc, tbl, row_id, data)
         SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[])
         ON CONFLICT (origin, hlc) DO NOTHING",
    )?;
    let size = batch_size();
    let mut batch = Batch::default();
    let mut pushed = 0u64;
    let mut failure: Option<HubError> = None;
    let send = |batch: &mut Batch, client: &mut Client| -> Result<u64, HubError> {
        let clock_to = *batch.hlc.last().expect("a batch is never empty");
        let mut tx = client.transaction()?;
        let n = tx.execute(&insert, &[&own, &batch.hlc, &batch.tbl, &batch.row_id, &batch.data])?;
        tx.execute("INSERT INTO pushes (origin, clock_to, known) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", &[&own, &clock_to, &known])?;
        tx.commit()?;
        *batch = Batch::default();
        Ok(n)
    };
    store
        .changes_since(&since, Some(own), &mut |change: LoggedChange| {
            batch.hlc.push(change.hlc);
            batch.tbl.push(change.table.to_string());
            batch.row_id.push(change.id.to_string());
            batch.data.push(change.data.map(str::to_string));
            if batch.hlc.len() < size {
                return Ok(());
            }
            let sent = send(&mut batch, client).and_then(|n| {
                pushed += n;
                if progress("push", pushed, 0) { Ok(()) } else { Err(cancelled()) }
            });
            sent.map_err(|e| {
                let text = e.to_string();
                failure = Some(e);
                text
            })
        })
        .map_err(|e| failure.take().unwrap_or_else(|| e.into()))?;
    if !batch.hlc.is_empty() {
        pushed += send(&mut batch, client)?;
    }
    progress("push", pushed, pushed);
    Ok(pushed)
}

/// Pulls each other installation's changes but a revoked sender's (the others still are).
fn pull(
    store: &mut Store,
    client: &mut Client,
    own: &str,
    revoked: &[String],
    now: Moment,
    progress: &mut dyn FnMut(&str, u64, u64) -> bool,
) -> Result<(Vec<Pulled>, u64), HubError> {
    let origins: Vec<String> = client
        .query("SELECT id FROM installations WHERE id <> $1 ORDER BY id", &[&own])?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|origin| !revoked.contains(origin))
        .collect();
    let mut pulled: BTreeMap<String, Pulled> = BTreeMap::new();
    let mut pending = 0;
    let mut done = 0u64;
    if store.known_clocks()?.is_empty() {
        let (loaded, still) = bootstrap(store, client, own, revoked, now, progress)?;
        for (origin, applied) in loaded {
            pulled.insert(origin.clone(), Pulled { origin, applied, ..Pulled::default() });
            done += applied;
        }
        pending = still;
    }
    let select = client.prepare("SELECT hlc, tbl, row_id, data FROM changes WHERE origin = $1 AND hlc > $2 ORDER BY hlc LIMIT $3")?;
    let pusher_knew = client.prepare("SELECT known FROM pushes WHERE origin = $1 AND clock_to >= $2 ORDER BY clock_to LIMIT 1")?;
    let size = batch_size() as i64;
    let held = store.known_clocks()?;
    for origin in origins {
        let mut after = held.get(&origin).copied().unwrap_or(0);
        let mut report = pulled.remove(&origin).unwrap_or_else(|| Pulled { origin: origin.clone(), ..Pulled::default() });
        loop {
            let rows = client.query(&select, &[&origin, &after, &size])?;
            let Some(last) = rows.last().map(|r| r.get::<_, i64>(0)) else { break };
            let knew: Option<String> = client.query_opt(&pusher_knew, &[&origin, &last])?.map(|r| r.get(0));
            let knew: BTreeMap<String, i64> = knew
                .map(|k| serde_json::from_str(&k))
                .transpose()
                .map_err(|e| HubError::Refused(format!("pushes.known of {origin}: {e}")))?
                .unwrap_or_default();
            let mut checker = ChangeChecker::new(store, now)?;
            let mut changes = Vec::with_capacity(rows.len());
            for row in &rows {
                let hlc: i64 = row.get(0);
                let data = row
                    .get::<_, Option<String>>(3)
                    .map(|text| serde_json::from_str::<Map<String, Value>>(&text))
                    .transpose()
                    .map_err(|e| format!("change {origin} {hlc}: d: not a JSON object ({e})"));
                let change = data.and_then(|data| {
                    checker.check(hlc, &origin, row.get::<_, &str>(1), row.get::<_, String>(2), data).map_err(|e| format!("change {origin} {hlc}: {e}"))
                });
                changes.push(change);
            }
            let applied: ApplyReport = store.apply_changes(&mut changes.into_iter(), &knew, revoked, None, &stamp(now), &mut |_| true)?;
            report.applied += applied.applied;
            report.already_known += applied.known;
            for (table, n) in applied.rows {
                *report.rows.entry(table.to_string()).or_default() += n;
            }
            report.conflicts += applied.conflicts.len() as u64;
            pending = applied.pending;
            done += rows.len() as u64;
            after = last;
            if !progress("pull", done, 0) {
                return Err(cancelled());
            }
        }
        if report.applied + report.already_known > 0 {
            pulled.insert(origin, report);
        }
    }
    progress("pull", done, done);
    Ok((pulled.into_values().collect(), pending))
}

/// A new installation's first pull (its log is empty): every other installation's changes at
/// the hub as one snapshot, loaded in bulk in one local transaction (as a snapshot file is):
/// read through a cursor of one read-only hub transaction (one moment of the hub), parents
/// first and each table's rows in id order, compacted (a row's changes that still set a
/// field), each checked like a bundle's. Stopped anywhere, nothing of it is kept and the next
/// sync starts it again; what the hub gets meanwhile is pulled after it as usual. Returns the
/// changes loaded per installation and the rows still waiting for a parent.
fn bootstrap(
    store: &mut Store,
    client: &mut Client,
    own: &str,
    revoked: &[String],
    now: Moment,
    progress: &mut dyn FnMut(&str, u64, u64) -> bool,
) -> Result<(BTreeMap<String, u64>, u64), HubError> {
    let mut hub = client.build_transaction().read_only(true).isolation_level(postgres::IsolationLevel::RepeatableRead).start()?;
    let skipped: Vec<String> = revoked.iter().cloned().chain(std::iter::once(own.to_string())).collect();
    // What the snapshot covers: each origin's newest change at the hub (never compacted away).
    let horizon: BTreeMap<String, i64> =
        hub.query("SELECT origin, max(hlc) FROM changes WHERE origin <> ALL($1) GROUP BY origin", &[&skipped])?.iter().map(|r| (r.get(0), r.get(1))).collect();
    let mut snapshot = HubSnapshot {
        rows: RowGroups::open(hub, &skipped)?,
        checker: ChangeChecker::new(store, now)?,
        ready: VecDeque::new(),
        loaded: BTreeMap::new(),
        failure: None,
    };
    let mut stopped = false;
    let applied = store.apply_changes(&mut snapshot, &BTreeMap::new(), revoked, Some(&horizon), &stamp(now), &mut |done| {
        stopped = !progress("pull", done, 0);
        !stopped
    });
    if let Some(failure) = snapshot.failure.take() {
        return Err(failure);
    }
    // A stop asked for after the load was written does not undo it.
    let applied = applied.map_err(|e| if stopped { cancelled() } else { e.into() })?;
    snapshot.rows.hub.commit()?;
    Ok((snapshot.loaded, applied.pending))
}

/// The hub's changes as the bootstrap reads them: a row's changes at a time as the load asks,
/// compacted, then checked.
struct HubSnapshot<'a> {
    rows: RowGroups<'a>,
    checker: ChangeChecker,
    ready: VecDeque<Result<Change, String>>,
    loaded: BTreeMap<String, u64>,
    /// What stopped the reading at the hub (the load sees only its text).
    failure: Option<HubError>,
}

impl HubSnapshot<'_> {
    /// The next row read, compacted, its kept changes checked and made ready; false at the end.
    fn next_row(&mut self) -> Result<bool, HubError> {
        let Some(group) = self.rows.next_group()? else { return Ok(false) };
        let Some(table) = group.table.map(|t| &TABLES[t]) else {
            let (_, origin, hlc, _) = &group.changes[0];
            return Err(HubError::Refused(format!("change {origin} {hlc}: t: not a table this madoguchi knows; update madoguchi")));
        };
        let keep = winners(table, &group.changes)?;
        for ((id, origin, hlc, data), kept) in group.changes.into_iter().zip(keep) {
            if !kept {
                continue;
            }
            *self.loaded.entry(origin.clone()).or_default() += 1;
            let change = data
                .map(|text| serde_json::from_str::<Map<String, Value>>(&text))
                .transpose()
                .map_err(|e| format!("change {origin} {hlc}: d: not a JSON object ({e})"))
                .and_then(|data| self.checker.check(hlc, &origin, table.name, id, data).map_err(|e| format!("change {origin} {hlc}: {e}")));
            self.ready.push_back(change);
        }
        Ok(true)
    }
}

impl Iterator for HubSnapshot<'_> {
    type Item = Result<Change, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(change) = self.ready.pop_front() {
                return Some(change);
            }
            if self.failure.is_some() {
                return None;
            }
            match self.next_row() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    let text = e.to_string();
                    self.failure = Some(e);
                    return Some(Err(text));
                }
            }
        }
    }
}

//! The change log: the hybrid logical clock, the triggers' SQL functions and the bulk load's
//! logging, reading changes out (since a set of clocks, or compacted for a snapshot), the
//! canonical dumps, and the bundles written and read.

use std::collections::BTreeMap;

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Transaction, params};

use super::fold::{RowChange, winners};
use super::{LoggedChange, TABLES, Table, table_index};
use crate::audit::Entry;
use crate::{Result, Store, StoreError};

/// A bundle this installation wrote or read, as `record_bundle` keeps it.
pub struct BundleRecord<'a> {
    pub sha256: &'a str,
    pub source: &'a str,
    /// `export` or `import`.
    pub direction: &'a str,
    pub clock_to: i64,
    pub changes: u64,
    pub seen: &'a BTreeMap<String, i64>,
}

/// What compacting the log did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LogCompaction {
    /// Changes in the log before.
    pub changes: u64,
    /// Changes removed.
    pub removed: u64,
}

/// Calls `each` with every row's changes (parents' tables first, a table's rows in id order,
/// a row's changes in clock order) and their places in the log (`seq`).
fn row_groups(conn: &rusqlite::Connection, mut each: impl FnMut(&Table, &[RowChange], &[i64]) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare("SELECT row_id, origin, hlc, data, seq FROM changes WHERE tbl = ?1 ORDER BY row_id, hlc, origin")?;
    for table in &TABLES {
        let mut rows = stmt.query([table.name])?;
        let mut group: Vec<RowChange> = Vec::new();
        let mut seqs: Vec<i64> = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            if group.first().is_some_and(|(first, ..)| *first != id) {
                each(table, &group, &seqs)?;
                group.clear();
                seqs.clear();
            }
            group.push((id, row.get(1)?, row.get(2)?, row.get(3)?));
            seqs.push(row.get(4)?);
        }
        if !group.is_empty() {
            each(table, &group, &seqs)?;
        }
    }
    Ok(())
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
        let mut count = 0;
        row_groups(&self.conn, |table, group, _| {
            for ((id, origin, hlc, data), kept) in group.iter().zip(winners(table, group)?) {
                if kept {
                    sink(LoggedChange { hlc: *hlc, origin, table: table.name, id, data: data.as_deref() }).map_err(|e| StoreError::invalid("snapshot", e))?;
                    count += 1;
                }
            }
            Ok(())
        })?;
        Ok(count)
    }

    /// Deletes from the log the changes no installation needs any more, as the hub's owner
    /// does to the hub's (`madoguchi hub compact`): a change `winners` does not keep whose clock
    /// is below its origin's floor (what every installation had seen of that origin), never an
    /// origin's newest (`known_clocks` reads it); one audit row, whatever it removed. Tombstones, merges and a
    /// contact's customer stay (`winners`). A change no field takes any more can never win a
    /// fold again, so the rows, every later fold and what this installation exports (a snapshot,
    /// a difference) are as they were with the whole log.
    pub fn compact_log(&mut self, floors: &BTreeMap<String, i64>, now: &str) -> Result<LogCompaction> {
        self.write(|tx| {
            let changes: i64 = tx.query_row("SELECT count(*) FROM changes", [], |r| r.get(0))?;
            let newest: BTreeMap<String, i64> = {
                let mut stmt = tx.prepare("SELECT origin, max(hlc) FROM changes GROUP BY origin")?;
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
            };
            let mut dropped: Vec<i64> = Vec::new();
            row_groups(tx, |table, group, seqs| {
                for (((_, origin, hlc, _), seq), kept) in group.iter().zip(seqs).zip(winners(table, group)?) {
                    let floor = floors.get(origin).copied().unwrap_or(i64::MIN).min(newest.get(origin).copied().unwrap_or(i64::MIN));
                    if !kept && *hlc < floor {
                        dropped.push(*seq);
                    }
                }
                Ok(())
            })?;
            // Each removed change's identity stays, so one arriving again is known, not new.
            let mut keep = tx.prepare("INSERT OR IGNORE INTO changes_compacted (origin, hlc) SELECT origin, hlc FROM changes WHERE seq = ?1")?;
            let mut delete = tx.prepare("DELETE FROM changes WHERE seq = ?1")?;
            for seq in &dropped {
                keep.execute([seq])?;
                delete.execute([seq])?;
            }
            let report = LogCompaction { changes: changes as u64, removed: dropped.len() as u64 };
            tx.execute("INSERT INTO log_compactions (at, changes, removed) VALUES (?1, ?2, ?3)", params![now, changes, report.removed as i64])?;
            let what = format!("{} of {} changes removed: replaced in every field, and seen by every installation", report.removed, report.changes);
            crate::audit::append(tx, now, "sync", Entry::update("changes", "compact", None, None, Some(&what)))?;
            Ok(report)
        })
    }

    /// When the change log was last compacted (`compact_log`).
    pub fn log_compacted_at(&self) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT at FROM log_compactions ORDER BY rowid DESC LIMIT 1", [], |r| r.get(0)).optional()?)
    }

    /// Per installation that wrote a bundle read here (and this one, for those it wrote), what
    /// the writer of its newest had seen (the manifest's `seen`, as recorded; nothing for a
    /// bundle recorded before migration 0010, until that writer's next one).
    pub fn bundle_writers_seen(&self) -> Result<Vec<(String, BTreeMap<String, i64>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT source, seen FROM (
                 SELECT source, seen, row_number() OVER (PARTITION BY source ORDER BY clock_to DESC, rowid DESC) AS n FROM sync_bundles
             ) WHERE n = 1",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
        rows.map(|row| {
            let (source, seen) = row?;
            let seen = match seen {
                None => BTreeMap::new(),
                Some(seen) => serde_json::from_str(&seen).map_err(|e| StoreError::invalid("sync_bundles.seen", e.to_string()))?,
            };
            Ok((source, seen))
        })
        .collect()
    }

    /// Records how far this installation's own changes are at the hub after a push.
    pub fn record_pushed(&mut self, hlc: i64, now: &str) -> Result<()> {
        self.conn.execute("INSERT INTO sync_pushes (at, hlc) VALUES (?1, ?2)", params![now, hlc])?;
        Ok(())
    }

    /// How far this installation's own changes are at the hub (none: never pushed).
    pub fn last_pushed(&self) -> Result<Option<i64>> {
        Ok(self.conn.query_row("SELECT max(hlc) FROM sync_pushes", [], |r| r.get(0))?)
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
    /// `seen`: what its writer had seen (the manifest's `seen`, else its `known`).
    pub fn record_bundle(&mut self, bundle: &BundleRecord, now: &str) -> Result<bool> {
        let seen = serde_json::to_string(bundle.seen).map_err(|e| StoreError::invalid("seen", e.to_string()))?;
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO sync_bundles (sha256, source, direction, clock_to, changes, at, seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![bundle.sha256, bundle.source, bundle.direction, bundle.clock_to, bundle.changes as i64, now, seen],
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let marker = "-- Generated from sync::TABLES (store/src/sync/log.rs tests); do not edit below.\n";
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
            let marker = "-- Generated from sync::TABLES (store/src/sync/log.rs tests); do not edit below.\n";
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
}

//! Sync by export bundles (format: docs/bundle-format.md): write this installation's changes to
//! a file, check and apply another installation's file in one transaction, and `sync --dir`
//! for a shared folder. A bundle is signed by its installation's key and imported only from
//! a trusted sender (`keys`); every row it brings is checked as a local write is (texts are
//! `FreeText`: capped, no card number; kana, postal codes, phones, T-numbers, seal images), so
//! a bundle cannot store what the entry points refuse.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ed25519_dalek::{Signature, VerifyingKey};
use madoguchi_domain::customer;
use madoguchi_domain::document::{RegistrationNumber, check_registration_number};
use madoguchi_domain::tariff::Service;
use madoguchi_domain::text::{self, FreeText, caps};
use madoguchi_domain::time::{self, Moment};
use madoguchi_store::Store;
use madoguchi_store::audit::{AuditHead, Witnessed};
use madoguchi_store::sync::{ApplyReport, BundleRecord, Change, LoggedChange, TABLES, Table, check_data, table_index};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::customers::stamp;
use crate::documents;
use crate::keys::{self, Sender, Signer, Standing, hex, unhex};
use crate::wire;

/// The bundle format this madoguchi writes and reads.
pub const FORMAT: &str = "madoguchi-bundle";
pub const VERSION: i64 = 2;
/// What a bundle's signature signs: this, then the manifest line without its newline (which
/// holds the content's SHA-256, so the signature covers every byte).
const SIGNED_PREFIX: &[u8] = b"madoguchi-bundle-2\n";
/// The signature line is at most this long.
const MAX_SIGNATURE_LINE: u64 = 1 << 10;
/// The file extension of bundles in a shared folder.
pub const EXTENSION: &str = "mdgb";
/// The manifest line is at most this long (1 MiB); a change line at most 16 MiB.
const MAX_MANIFEST: u64 = 1 << 20;
const MAX_LINE: u64 = 16 << 20;
/// The most installations a bundle may name.
const MAX_ORIGINS: usize = 10_000;

/// Which changes go into a bundle: all, or those the sender of a given bundle did not have
/// yet (origin → newest clock it had). The bundle must be one this installation would import
/// (its own, or a trusted sender's): a stranger's `known` could make an export leave changes out.
pub fn since(store: &Store, own: &VerifyingKey, bundle: Option<&Path>) -> Result<BTreeMap<String, i64>, ApiError> {
    Ok(match bundle {
        None => BTreeMap::new(),
        Some(path) => {
            let manifest = read_manifest(path)?;
            check_sender(store, own, &manifest)?;
            manifest.known
        }
    })
}

/// A bundle's first line.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub source: String,
    pub schema: i64,
    pub created_at: String,
    pub clock_from: i64,
    pub clock_to: i64,
    pub known: BTreeMap<String, i64>,
    /// Per installation, the newest clock the writer had seen, whatever the bundle carries (a
    /// shared folder's bundle `known`s its own changes only); what a compaction holds back.
    /// None from a writer before it: what `known` says.
    pub seen: Option<BTreeMap<String, i64>>,
    pub origins: Vec<String>,
    pub changes: u64,
    pub tombstones: u64,
    pub tables: BTreeMap<String, u64>,
    pub sha256: String,
    /// The head of the writer's audit log (its hash chain) when the bundle was written; none
    /// while its log was empty, or from a writer before the chain.
    pub audit_head: Option<AuditHead>,
    /// Who signed it (the signature itself was checked when the manifest was read).
    pub signer: Sender,
    /// A snapshot (`export_snapshot`): the compacted log, parents first, each table's rows in
    /// id order.
    pub snapshot: bool,
}

impl Manifest {
    /// The bundle as `sync_bundles` keeps it: what its writer had seen, its `seen` else its `known`.
    fn record<'a>(&'a self, direction: &'a str) -> BundleRecord<'a> {
        BundleRecord {
            sha256: &self.sha256,
            source: &self.source,
            direction,
            clock_to: self.clock_to,
            changes: self.changes,
            seen: self.seen.as_ref().unwrap_or(&self.known),
        }
    }

    fn wire(&self) -> wire::BundleManifest<'_> {
        wire::BundleManifest {
            format: FORMAT,
            version: VERSION,
            schema: self.schema,
            source: &self.source,
            created_at: &self.created_at,
            clock: wire::ClockRange { from: self.clock_from, to: self.clock_to },
            known: &self.known,
            seen: self.seen.as_ref(),
            origins: &self.origins,
            counts: wire::BundleCounts { changes: self.changes, tombstones: self.tombstones, tables: &self.tables },
            content_sha256: &self.sha256,
            audit_head: self.audit_head.as_ref().map(|h| wire::AuditHeadSeen { seq: h.seq, hash: h.hash.clone(), witnessed: None }),
            signer: wire::SignerInfo { key: hex(self.signer.key.as_bytes()), name: self.signer.name.clone() },
            snapshot: self.snapshot,
        }
    }
}

fn bad(reason: impl Into<String>) -> ApiError {
    ApiError::invalid("bundle", reason)
}

/// A sibling path for writing before the final rename, unique to this process and moment.
fn temporary(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{what}-{}-{}", std::process::id(), madoguchi_store::new_id()))
}

/// Writes the changes newer than `after` (of `only_origin` when given) to `out`, atomically:
/// the file appears whole or not at all. `progress(done)` may return false to cancel.
pub fn export(
    store: &Store,
    out: &Path,
    after: &BTreeMap<String, i64>,
    only_origin: Option<&str>,
    signer: &Signer,
    now: Moment,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<Manifest, ApiError> {
    write_bundle(store, out, Selection::Since { after, only_origin }, signer, now, progress)
}

/// Writes a snapshot to `out`: a bundle of the compacted log (`Store::compacted_changes`: each
/// row's changes that still set a field, tombstones and merges whole), parents first and each
/// table's rows in id order, marked `snapshot` in its manifest. What a new installation starts
/// from instead of the whole history (`import` loads it in bulk); any installation can also
/// import it as an ordinary bundle.
pub fn export_snapshot(store: &Store, out: &Path, signer: &Signer, now: Moment, progress: &mut dyn FnMut(u64) -> bool) -> Result<Manifest, ApiError> {
    write_bundle(store, out, Selection::Snapshot, signer, now, progress)
}

/// Which changes a bundle carries.
enum Selection<'a> {
    /// Those newer than `after`, of `only_origin` when given.
    Since { after: &'a BTreeMap<String, i64>, only_origin: Option<&'a str> },
    /// The compacted log.
    Snapshot,
}

/// Writes a bundle of the `selection`'s changes, atomically.
fn write_bundle(
    store: &Store,
    out: &Path,
    selection: Selection,
    signer: &Signer,
    now: Moment,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<Manifest, ApiError> {
    /// The changes are written to a temporary file first (the manifest, which counts and
    /// hashes them, goes before them); it is removed however the export ends.
    struct Removed(PathBuf);
    impl Drop for Removed {
        fn drop(&mut self) {
            let _ = fs::remove_file(&self.0);
        }
    }
    let body_file = Removed(temporary(out, "body"));
    let body_path = body_file.0.as_path();
    let mut body = BufWriter::with_capacity(1 << 20, File::create(body_path).map_err(|e| ApiError::io(body_path, e))?);
    let mut hash = Sha256::new();
    let mut origins: Vec<String> = Vec::new();
    let mut origin_index: BTreeMap<String, usize> = BTreeMap::new();
    let (mut from, mut to, mut tombstones) = (i64::MAX, i64::MIN, 0u64);
    let mut tables: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut done = 0u64;
    let mut line = String::with_capacity(1024);
    let mut sink = |c: LoggedChange| -> Result<(), String> {
        let o = match origin_index.get(c.origin) {
            Some(o) => *o,
            None => {
                origins.push(c.origin.to_string());
                origin_index.insert(c.origin.to_string(), origins.len() - 1);
                origins.len() - 1
            }
        };
        from = from.min(c.hlc);
        to = to.max(c.hlc);
        tombstones += u64::from(c.data.is_none());
        *tables.entry(c.table).or_default() += 1;
        done += 1;
        // The data is the JSON text the log holds (written by SQLite's json functions or by
        // an import from a checked object): copied as it is.
        line.clear();
        writeln!(line, "{{\"c\":{},\"o\":{o},\"t\":\"{}\",\"i\":{},\"d\":{}}}", c.hlc, c.table, Value::from(c.id), c.data.unwrap_or("null"))
            .map_err(|e| e.to_string())?;
        hash.update(line.as_bytes());
        body.write_all(line.as_bytes()).map_err(|e| e.to_string())?;
        if done.is_multiple_of(10_000) && !progress(done) {
            return Err("cancelled".into());
        }
        Ok(())
    };
    let snapshot = matches!(selection, Selection::Snapshot);
    // The changes and what the manifest says of them, read at one moment while others write.
    let reading = store.reading()?;
    let seen = store.known_clocks()?;
    let mut known = seen.clone();
    let changes = match selection {
        Selection::Since { after, only_origin } => {
            if let Some(only) = only_origin {
                known.retain(|origin, _| origin == only);
            }
            store.changes_since(after, only_origin, &mut sink)?
        }
        Selection::Snapshot => store.compacted_changes(&mut sink)?,
    };
    body.flush().map_err(|e| ApiError::io(body_path, e))?;
    drop(body);
    let manifest = Manifest {
        snapshot,
        source: store.installation_id()?,
        schema: store.schema_version()?,
        created_at: stamp(now),
        clock_from: if changes == 0 { 0 } else { from },
        clock_to: if changes == 0 { 0 } else { to },
        known,
        seen: Some(seen),
        origins,
        changes,
        tombstones,
        tables: tables.into_iter().map(|(t, n)| (t.to_string(), n)).collect(),
        sha256: format!("{:x}", hash.finalize()),
        audit_head: store.audit_head()?,
        signer: signer.sender(),
    };
    drop(reading);
    let header = signed_header(&manifest.wire(), signer)?;
    let final_tmp = temporary(out, "tmp");
    let written = (|| {
        let mut file = File::create(&final_tmp)?;
        file.write_all(&header)?;
        std::io::copy(&mut File::open(body_path)?, &mut file)?;
        file.sync_all()?;
        fs::rename(&final_tmp, out)?;
        // The rename itself on disk before anyone records the bundle as written.
        crate::paths::sync_dir(out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")));
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&final_tmp);
        return Err(ApiError::io(out, e));
    }
    progress(changes);
    Ok(manifest)
}

/// A bundle's first two lines: the manifest, and its signature by `signer` (the manifest
/// must name `signer` as its signer for a reader to accept it).
pub fn signed_header(manifest: &impl Serialize, signer: &Signer) -> Result<Vec<u8>, ApiError> {
    let json = |e: serde_json::Error| ApiError::Failed(format!("the bundle's header: {e}"));
    let mut header = serde_json::to_vec(manifest).map_err(json)?;
    let signature = signer.sign(&[SIGNED_PREFIX, &header].concat());
    header.push(b'\n');
    let line = wire::SignatureLine { signature: hex(&signature.to_bytes()) };
    header.extend_from_slice(&serde_json::to_vec(&line).map_err(json)?);
    header.push(b'\n');
    Ok(header)
}

fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Result<&'a Value, ApiError> {
    object.get(name).ok_or_else(|| bad(format!("not a madoguchi bundle: its manifest has no '{name}'")))
}

fn whole(value: &Value, name: &str) -> Result<i64, ApiError> {
    value.as_i64().ok_or_else(|| bad(format!("manifest.{name}: must be a whole number")))
}

fn count(value: &Value, name: &str) -> Result<u64, ApiError> {
    value.as_u64().ok_or_else(|| bad(format!("manifest.{name}: must be a count")))
}

/// A manifest's map of installation ids to clocks (`known`, `seen`).
fn clocks(value: &Value, name: &str) -> Result<BTreeMap<String, i64>, ApiError> {
    let mut clocks = BTreeMap::new();
    for (origin, hlc) in value.as_object().ok_or_else(|| bad(format!("manifest.{name}: must be an object")))? {
        if !installation_id(origin) || clocks.len() >= MAX_ORIGINS {
            return Err(bad(format!("manifest.{name}: not a map of installation ids to clocks")));
        }
        clocks.insert(origin.clone(), whole(hlc, name)?);
    }
    Ok(clocks)
}

fn installation_id(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// Reads and checks a bundle's manifest (not its content).
pub fn read_manifest(path: &Path) -> Result<Manifest, ApiError> {
    let mut reader = BufReader::new(File::open(path).map_err(|e| ApiError::io(path, e))?);
    manifest_from(&mut reader)
}

fn manifest_from(reader: &mut impl BufRead) -> Result<Manifest, ApiError> {
    let mut first = Vec::new();
    reader.take(MAX_MANIFEST + 1).read_until(b'\n', &mut first).map_err(|e| bad(format!("cannot read the manifest ({e})")))?;
    if first.last() != Some(&b'\n') {
        return Err(bad(if first.len() as u64 > MAX_MANIFEST {
            "manifest: longer than 1 MiB"
        } else {
            "not a madoguchi bundle, or truncated before its first line ends"
        }));
    }
    let value: Value = serde_json::from_slice(&first).map_err(|e| bad(format!("not a madoguchi bundle: the first line is not a JSON manifest ({e})")))?;
    let m = value.as_object().ok_or_else(|| bad("manifest: must be a JSON object"))?;
    if field(m, "format")?.as_str() != Some(FORMAT) {
        return Err(bad(format!("manifest.format: not a {FORMAT}")));
    }
    let version = whole(field(m, "version")?, "version")?;
    if version > VERSION {
        return Err(bad(format!("the bundle is format version {version}; this madoguchi reads version {VERSION}: update madoguchi first")));
    }
    if version == 1 {
        return Err(bad(
            "the bundle is format version 1, which is not signed; this madoguchi takes signed bundles only (version 2): update madoguchi on the sending installation and export again",
        ));
    }
    if version < 1 {
        return Err(bad(format!("manifest.version: {version} is not a version")));
    }
    let signer = signer_of(field(m, "signer")?)?;
    verify_signature(reader, &first[..first.len() - 1], &signer)?;
    let source = field(m, "source")?.as_str().filter(|s| installation_id(s)).ok_or_else(|| bad("manifest.source: not an installation id"))?;
    let clock = field(m, "clock")?.as_object().ok_or_else(|| bad("manifest.clock: must be an object"))?;
    let counts = field(m, "counts")?.as_object().ok_or_else(|| bad("manifest.counts: must be an object"))?;
    let known = clocks(field(m, "known")?, "known")?;
    let seen = match m.get("seen") {
        None => None,
        Some(seen) => Some(clocks(seen, "seen")?),
    };
    let origins_value = field(m, "origins")?.as_array().ok_or_else(|| bad("manifest.origins: must be a list"))?;
    if origins_value.len() > MAX_ORIGINS {
        return Err(bad(format!("manifest.origins: more than {MAX_ORIGINS} installations")));
    }
    let origins = origins_value
        .iter()
        .map(|o| o.as_str().filter(|s| installation_id(s)).map(str::to_string).ok_or_else(|| bad("manifest.origins: not an installation id")))
        .collect::<Result<Vec<_>, _>>()?;
    let mut tables = BTreeMap::new();
    for (name, n) in counts.get("tables").and_then(Value::as_object).ok_or_else(|| bad("manifest.counts.tables: must be an object"))? {
        if table_index(name).is_none() {
            return Err(bad(format!("manifest.counts.tables: no table '{name}'")));
        }
        tables.insert(name.clone(), count(n, "counts.tables")?);
    }
    let sha256 = field(m, "content_sha256")?
        .as_str()
        .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| bad("manifest.content_sha256: not a SHA-256"))?;
    let audit_head = match m.get("audit_head") {
        None | Some(Value::Null) => None,
        Some(head) => {
            let head = head.as_object().ok_or_else(|| bad("manifest.audit_head: must be an object {seq, hash}"))?;
            let seq =
                head.get("seq").and_then(Value::as_i64).filter(|n| *n > 0).ok_or_else(|| bad("manifest.audit_head.seq: must be a positive whole number"))?;
            let hash = head
                .get("hash")
                .and_then(Value::as_str)
                .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| bad("manifest.audit_head.hash: not a SHA-256"))?;
            Some(AuditHead { seq, hash: hash.to_ascii_lowercase() })
        }
    };
    let snapshot = match m.get("snapshot") {
        None => false,
        Some(flag) => flag.as_bool().ok_or_else(|| bad("manifest.snapshot: must be true or false"))?,
    };
    Ok(Manifest {
        snapshot,
        source: source.to_string(),
        schema: whole(field(m, "schema")?, "schema")?,
        created_at: field(m, "created_at")?.as_str().unwrap_or_default().to_string(),
        clock_from: whole(clock.get("from").unwrap_or(&Value::Null), "clock.from")?,
        clock_to: whole(clock.get("to").unwrap_or(&Value::Null), "clock.to")?,
        known,
        seen,
        origins,
        changes: count(counts.get("changes").unwrap_or(&Value::Null), "counts.changes")?,
        tombstones: count(counts.get("tombstones").unwrap_or(&Value::Null), "counts.tombstones")?,
        tables,
        sha256: sha256.to_ascii_lowercase(),
        audit_head,
        signer,
    })
}

/// The manifest's `signer`: a public key and a name, checked like a name typed here.
fn signer_of(value: &Value) -> Result<Sender, ApiError> {
    let signer = value.as_object().ok_or_else(|| bad("manifest.signer: must be an object {key, name}"))?;
    let key = signer
        .get("key")
        .and_then(Value::as_str)
        .and_then(unhex::<32>)
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| bad("manifest.signer.key: not an Ed25519 public key (64 hex digits)"))?;
    let name = signer.get("name").and_then(Value::as_str).filter(|n| !n.trim().is_empty()).ok_or_else(|| bad("manifest.signer.name: is empty"))?;
    let name = FreeText::new("manifest.signer.name", name, caps::LINE).map_err(|e| bad(e.to_string()))?;
    Ok(Sender { key, name: name.into_string() })
}

/// Reads the signature line and checks it against the manifest line, before any content is read.
fn verify_signature(reader: &mut impl BufRead, manifest_line: &[u8], signer: &Sender) -> Result<(), ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct SignatureLine {
        signature: String,
    }
    let mut line = Vec::new();
    reader.take(MAX_SIGNATURE_LINE + 1).read_until(b'\n', &mut line).map_err(|e| bad(format!("cannot read the signature ({e})")))?;
    let signature = serde_json::from_slice::<SignatureLine>(&line)
        .ok()
        .filter(|_| line.last() == Some(&b'\n'))
        .and_then(|l| unhex::<64>(&l.signature))
        .map(|b| Signature::from_bytes(&b))
        .ok_or_else(|| bad("unsigned: the second line is not the signature {\"signature\": 128 hex digits}"))?;
    signer.key.verify_strict(&[SIGNED_PREFIX, manifest_line].concat(), &signature).map_err(|_| {
        bad(format!(
            "the signature does not match (claimed signer {}, {}): the bundle was changed after it was signed, or forged; nothing was imported",
            signer.name,
            signer.fingerprint()
        ))
    })
}

/// Whether this installation takes a bundle from its signer: its own key (for its own
/// installation id only) or a trusted one (for another installation's id).
fn check_sender(store: &Store, own: &VerifyingKey, manifest: &Manifest) -> Result<(), ApiError> {
    let own_id = store.installation_id()?;
    let (name, fingerprint) = (&manifest.signer.name, manifest.signer.fingerprint());
    match keys::standing(store, own, &manifest.signer.key)? {
        Standing::Own if manifest.source == own_id => Ok(()),
        Standing::Own => Err(bad(format!("signed with this installation's own key but names installation {}: refused", manifest.source))),
        Standing::Trusted { .. } if manifest.source == own_id => {
            Err(bad(format!("claims to come from this installation ({own_id}) but is signed by {name} ({fingerprint}): refused")))
        }
        Standing::Trusted { installation } if installation == manifest.source => Ok(()),
        Standing::Trusted { installation } => {
            Err(bad(format!("signed by {name} ({fingerprint}), trusted for installation {installation}, but names installation {}: refused", manifest.source)))
        }
        Standing::Revoked => Err(bad(format!(
            "signed by {name} ({fingerprint}), whose trust was revoked here: refused; trust the sender again in 設定 → 同期 if that was a mistake"
        ))),
        Standing::Unknown => Err(bad(format!(
            "signed by {name} ({fingerprint}), not a trusted sender here: compare the fingerprint with {name}, trust the sender in 設定 → 同期 (or `madoguchi trust add FILE --fingerprint …`), then import again"
        ))),
    }
}

/// Reads the content once, before anything is written: its hash and its number of lines
/// must be those of the manifest.
fn verify_content(reader: &mut impl BufRead, manifest: &Manifest) -> Result<(), ApiError> {
    let mut hash = Sha256::new();
    let mut lines = 0u64;
    let mut buffer = Vec::with_capacity(4096);
    loop {
        buffer.clear();
        let n = reader.take(MAX_LINE + 1).read_until(b'\n', &mut buffer).map_err(|e| bad(format!("cannot read ({e})")))?;
        if n == 0 {
            break;
        }
        if buffer.last() != Some(&b'\n') {
            return Err(bad(if n as u64 > MAX_LINE {
                format!("change {}: longer than 16 MiB", lines + 1)
            } else {
                "truncated: the last change is cut off".to_string()
            }));
        }
        hash.update(&buffer);
        lines += 1;
        if lines > manifest.changes {
            break;
        }
    }
    if lines != manifest.changes {
        return Err(bad(format!(
            "the manifest counts {} changes, the file holds {}{}: truncated or damaged",
            manifest.changes,
            if lines > manifest.changes { "more" } else { "" },
            if lines > manifest.changes { String::new() } else { lines.to_string() }
        )));
    }
    if format!("{:x}", hash.finalize()) != manifest.sha256 {
        return Err(bad("damaged: the content does not match its SHA-256"));
    }
    Ok(())
}

/// Columns that hold JSON text made of strings an agent typed: each string inside is checked.
const JSON_COLUMNS: [(&str, &str); 2] = [("documents", "snapshot"), ("requests", "fields")];

/// A row id as madoguchi makes them: a UUID in its hyphenated form.
pub fn uuid_shaped(text: &str) -> bool {
    text.len() == 36 && text.bytes().enumerate().all(|(i, b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() })
}

/// Columns that hold what madoguchi makes, never what is typed, each checked for its shape
/// instead of as text: row references (UUIDs, whose hex digit runs joined by hyphens could
/// pass for a card now and then), the PDF's hash, blobs (hexadecimal, checked with the data).
fn check_generated(table: &Table, column: &str, value: &Value) -> Option<Result<(), String>> {
    let shaped = |ok: bool, what: &str| Some(if ok { Ok(()) } else { Err(format!("{}.{column}: must be {what}", table.name)) });
    if table.parents.iter().any(|(c, _)| *c == column) {
        return shaped(value.is_null() || value.as_str().is_some_and(uuid_shaped), "a row id (a UUID) or null");
    }
    if (table.name, column) == ("customer_merges", "keep_id") {
        return shaped(value.as_str().is_some_and(uuid_shaped), "a row id (a UUID)");
    }
    if column == "pdf_sha256" {
        return shaped(value.as_str().is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())), "a SHA-256 (64 hex digits)");
    }
    table.blobs.contains(&column).then_some(Ok(()))
}

/// The most characters a synced column's text holds, as its local entry point caps it: a call
/// note and a request's move comment `caps::NOTE`, any other text (each string inside a
/// document's snapshot or a request's fields too) `caps::LINE`.
fn cap(table: &Table, column: &str) -> usize {
    match (table.name, column) {
        ("call_notes", "body") | ("request_history", "comment") => caps::NOTE,
        _ => caps::LINE,
    }
}

/// Checks every text of a change's row as free text, naming `table.column` (and the path
/// inside a JSON column): capped as its entry point caps it, no card number. Numbers are
/// checked as the text they are stored as (SQLite keeps a number in a text column as text),
/// and the keys of a JSON column's objects as much as its values.
fn check_texts(table: &Table, data: &Map<String, Value>) -> Result<(), String> {
    fn walk(field: &str, value: &Value, max: usize) -> Result<(), String> {
        let text = |t: &str| FreeText::new(field, t, max).map(drop).map_err(|e| e.to_string());
        match value {
            Value::String(t) => text(t),
            Value::Number(n) => text(&n.to_string()),
            Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| walk(&format!("{field}[{i}]"), item, max)),
            Value::Object(fields) => fields.iter().try_for_each(|(key, item)| {
                let inner = format!("{field}.{key}");
                FreeText::new(&inner, key, max).map_err(|e| e.to_string())?;
                walk(&inner, item, max)
            }),
            Value::Null | Value::Bool(_) => Ok(()),
        }
    }
    for (column, value) in data {
        if let Some(shape) = check_generated(table, column, value) {
            shape?;
            continue;
        }
        let field = format!("{}.{column}", table.name);
        let max = cap(table, column);
        match value {
            Value::String(text) if JSON_COLUMNS.contains(&(table.name, column.as_str())) => match serde_json::from_str::<Value>(text) {
                // The JSON text as a whole is bounded by the line (16 MiB); its strings by the cap.
                Ok(json) => walk(&field, &json, max)?,
                Err(_) => FreeText::new(&field, text, MAX_LINE as usize).map(drop).map_err(|e| e.to_string())?,
            },
            _ => walk(&field, value, max)?,
        }
    }
    Ok(())
}

/// The PNG signature a seal image starts with, as the hex text it travels in.
const PNG_HEX: &str = "89504e470d0a1a0a";

/// Checks the columns a local write checks, as they are stored (customers: kind, kana, birth
/// date, prefecture, postal code; phones; email addresses; the service of an account;
/// issuers: service, name, address, postal code, phone, fax, T-number, seal image). Only the
/// columns a change sets are checked: an update carries those that changed.
fn check_columns(table: &Table, id: &str, data: &Map<String, Value>, today: NaiveDate) -> Result<(), String> {
    let refuse = |column: &str, reason: String| Err(format!("{}.{column}: {reason}", table.name));
    for (column, value) in data {
        let column = column.as_str();
        // A number in a text column is stored as its text: checked as that text.
        let number = value.as_i64().map(|n| n.to_string());
        let text = value.as_str().or(number.as_deref()).unwrap_or_default();
        let blank = value.is_null() || text.is_empty();
        let ok = match (table.name, column) {
            ("customers", "kind") => matches!(text, "person" | "company"),
            ("customers", "name") | ("issuers", "name" | "address" | "phone") => !text.trim().is_empty(),
            ("customers", "name_kana") => text.is_empty() || customer::check_name_kana(text).is_ok(),
            ("customers", "birth_date") => {
                blank || chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok_and(|d| customer::check_birth_date(d, today).is_ok())
            }
            ("customers", "prefecture") => blank || customer::check_prefecture(text).is_ok(),
            // Stored as its 7 digits.
            ("customers", "postal_code") => blank || customer::check_postal_code(text).is_ok_and(|digits| digits == text),
            ("customer_phones", "number") => text::valid_phone(text).is_some(),
            ("customer_emails", "address") => text::valid_email(text),
            ("accounts", "service") => Service::from_id(text).is_some(),
            ("customer_merges", "keep_id") => text != id,
            ("customer_merges", "merged_at") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            ("issuers", "postal_code") => text::postal_digits(text).is_some(),
            ("issuers", "fax") => blank || text::valid_phone(text).is_some(),
            ("issuers", "registration_number") => blank || RegistrationNumber::of(text) != RegistrationNumber::Malformed,
            ("issuers", "seal_png") => blank || (text.to_ascii_lowercase().starts_with(PNG_HEX) && text.len() as u64 <= 2 * documents::MAX_SEAL_BYTES),
            _ => true,
        };
        if !ok {
            return refuse(column, format!("{value} is refused, as it would be if typed here"));
        }
        if table.name == "issuers" && column == "phone" && text::valid_phone(text).is_none() {
            return refuse(column, format!("{value} is not a Japanese phone number of 10 or 11 digits"));
        }
    }
    if table.name == "issuers" && Service::from_id(id).is_none() {
        return Err(format!("issuers: '{id}' is not a service"));
    }
    Ok(())
}

/// One change line as written: clock, origin index, table, row id, data (null: deleted).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    c: i64,
    o: u64,
    t: String,
    i: String,
    d: Option<Map<String, Value>>,
}

/// The bundle's changes, parsed and checked one line at a time; the content is hashed again
/// as it is read, so a file changed after the check fails before the transaction commits.
struct Lines<'a, R: BufRead> {
    reader: R,
    manifest: &'a Manifest,
    hash: Sha256,
    line: u64,
    tables: BTreeMap<String, u64>,
    tombstones: u64,
    buffer: Vec<u8>,
    failed: bool,
    checker: ChangeChecker,
}

/// Checks changes from another installation as this one checks what is typed here (a bundle's
/// lines, the hub's rows): known table and column, scalar values, the row id's shape, every
/// text a `FreeText`, the columns a local write checks, and an issuer's T-number with its
/// name. Keeps each service's issuer (name, T-number) as held here, updated by the issuer
/// changes as they are checked: an update that changes only the name or only the number is
/// checked with the other.
pub struct ChangeChecker {
    issuers: BTreeMap<String, (Option<String>, Option<String>)>,
    /// The day here, the last a birth date may be.
    today: NaiveDate,
}

impl ChangeChecker {
    /// A checker that knows the issuers this installation holds, checking as of `now`.
    pub fn new(store: &Store, now: Moment) -> Result<Self, ApiError> {
        let mut issuers = BTreeMap::new();
        for service in Service::ALL {
            if let Some(held) = store.issuer(service.id())? {
                issuers.insert(service.id().to_string(), (Some(held.name), held.registration_number));
            }
        }
        Ok(ChangeChecker { issuers, today: time::japan_date(now) })
    }

    /// One change checked: `hlc` its clock, `table` its table's name, `id` its row's, `data`
    /// the columns it sets (none: a tombstone). The error names the field.
    pub fn check(&mut self, hlc: i64, origin: &str, table: &str, id: String, data: Option<Map<String, Value>>) -> Result<Change, String> {
        if hlc <= 0 {
            return Err("c: must be a positive clock".into());
        }
        let index = table_index(table).ok_or_else(|| format!("t: no table '{table}'"))?;
        // A row's id is a UUID, an issuer's its service (checked with its columns).
        let issuer = TABLES[index].name == "issuers";
        if !issuer && !uuid_shaped(&id) {
            return Err("i: must be a row id (a UUID)".into());
        }
        if issuer && (!(1..=100).contains(&id.len()) || id.chars().any(char::is_control)) {
            return Err("i: must be a service id (1–100 characters)".into());
        }
        if let Some(d) = &data {
            check_data(&TABLES[index], d)?;
            check_texts(&TABLES[index], d)?;
            check_columns(&TABLES[index], &id, d, self.today)?;
        }
        if issuer {
            self.check_issuer(&id, data.as_ref())?;
        }
        Ok(Change { hlc, origin: origin.to_string(), table: index, id, data })
    }

    /// A corporation's T-number must pass the check digit, as when it is set here: the name and
    /// the number of an issuer change, each taken from the issuer held when the change has not
    /// got it (a delete forgets the issuer).
    fn check_issuer(&mut self, service: &str, data: Option<&Map<String, Value>>) -> Result<(), String> {
        let Some(data) = data else {
            self.issuers.remove(service);
            return Ok(());
        };
        let held = self.issuers.entry(service.to_string()).or_default();
        let text = |column: &str| data.get(column).map(|v| v.as_str().map(str::to_string));
        if let Some(name) = text("name") {
            held.0 = name;
        }
        if let Some(number) = text("registration_number") {
            held.1 = number;
        }
        if let (Some(name), Some(number)) = held
            && let Err(reason) = check_registration_number(number, name)
        {
            return Err(format!("issuers.registration_number: {reason}"));
        }
        Ok(())
    }
}

impl<R: BufRead> Lines<'_, R> {
    fn parse(&mut self) -> Result<Change, String> {
        let number = self.line;
        let at = move |reason: String| format!("change {number}: {reason}");
        let line: Line = serde_json::from_slice(&self.buffer).map_err(|e| at(format!("not a change line ({e})")))?;
        let origin =
            usize::try_from(line.o).ok().and_then(|i| self.manifest.origins.get(i)).ok_or_else(|| at("o: not an index into manifest.origins".into()))?;
        self.checker.check(line.c, origin, &line.t, line.i, line.d).map_err(at)
    }

    fn finish(&mut self) -> Result<(), String> {
        let hash = format!("{:x}", std::mem::take(&mut self.hash).finalize());
        if hash != self.manifest.sha256 || self.line != self.manifest.changes {
            return Err("the file changed while it was being imported".into());
        }
        if self.tables != self.manifest.tables || self.tombstones != self.manifest.tombstones {
            return Err("manifest.counts: the per-table or tombstone counts do not match the changes".into());
        }
        Ok(())
    }
}

impl<R: BufRead> Iterator for Lines<'_, R> {
    type Item = Result<Change, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        self.buffer.clear();
        let read = (&mut self.reader).take(MAX_LINE + 1).read_until(b'\n', &mut self.buffer);
        let result = match read {
            Err(e) => Err(format!("cannot read ({e})")),
            Ok(0) => match self.finish() {
                Ok(()) => return None,
                Err(e) => Err(e),
            },
            Ok(_) => {
                self.line += 1;
                self.hash.update(&self.buffer);
                self.parse().inspect(|c| {
                    *self.tables.entry(TABLES[c.table].name.to_string()).or_default() += 1;
                    self.tombstones += u64::from(c.data.is_none());
                })
            }
        };
        self.failed = result.is_err();
        Some(result)
    }
}

/// What an import did, as the CLI prints it; `witnessed` says what the sender's audit chain
/// head told (new, same, or rewritten: known before with another hash).
fn import_report(manifest: &Manifest, report: ApplyReport, witnessed: Option<Witnessed>) -> wire::BundleImport {
    let side = |s: madoguchi_store::sync::Side| wire::Side { value: s.value, origin: s.origin, clock: s.hlc };
    wire::BundleImport {
        bundle: manifest.sha256.clone(),
        source: manifest.source.clone(),
        changes: manifest.changes,
        applied: report.applied,
        already_known: report.known,
        rows: report.rows,
        pending: report.pending,
        conflicts: report
            .conflicts
            .into_iter()
            .map(|c| wire::Conflict { table: c.table, id: c.id, field: c.field, kept: side(c.kept), discarded: side(c.discarded) })
            .collect(),
        audit_head: manifest.audit_head.as_ref().map(|h| wire::AuditHeadSeen {
            seq: h.seq,
            hash: h.hash.clone(),
            witnessed: Some(witnessed.map(Witnessed::code)),
        }),
    }
}

/// Checks a bundle whole (format, version, schema, size, hash) and then applies it in one
/// transaction; a bundle that fails any check writes nothing.
pub fn import(
    store: &mut Store,
    path: &Path,
    own: &VerifyingKey,
    now: Moment,
    progress: &mut dyn FnMut(u64, u64) -> bool,
) -> Result<wire::BundleImport, ApiError> {
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).map_err(|e| ApiError::io(path, e))?);
    let manifest = manifest_from(&mut reader)?;
    check_sender(store, own, &manifest)?;
    let schema = store.schema_version()?;
    if manifest.schema > schema {
        return Err(bad(format!(
            "the bundle comes from a newer madoguchi (database schema {}; this one has {schema}): update madoguchi first",
            manifest.schema
        )));
    }
    verify_content(&mut reader, &manifest)?;
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path).map_err(|e| ApiError::io(path, e))?);
    // Past the manifest and the signature.
    for _ in 0..2 {
        reader.skip_until(b'\n').map_err(|e| ApiError::io(path, e))?;
    }
    let revoked = keys::revoked_installations(store)?;
    let checker = ChangeChecker::new(store, now)?;
    let mut lines =
        Lines { reader, manifest: &manifest, hash: Sha256::new(), line: 0, tables: BTreeMap::new(), tombstones: 0, buffer: Vec::new(), failed: false, checker };
    let total = manifest.changes;
    let horizon = manifest.snapshot.then_some(&manifest.known);
    let report = store.apply_changes(&mut lines, &manifest.known, &revoked, horizon, &stamp(now), &mut |done| progress(done, total))?;
    store.record_bundle(&manifest.record("import"), &stamp(now))?;
    // The sender's audit chain head, kept as a witness of its log (not for one's own bundle).
    let witnessed = match &manifest.audit_head {
        Some(head) if manifest.source != store.installation_id()? => Some(store.witness(&manifest.source, head, &manifest.sha256, &stamp(now))?),
        _ => None,
    };
    Ok(import_report(&manifest, report, witnessed))
}

/// The office setup: writes this installation's changes not yet in `dir` as one new bundle,
/// then imports every other installation's bundle it has not read yet. Each file is written
/// under a hidden temporary name and renamed when whole, so two agents may run it at once; a
/// bad file is reported and skipped, the others still apply (each one whole or not at all).
pub fn sync_dir(
    store: &mut Store,
    dir: &Path,
    signer: &Signer,
    now: Moment,
    progress: &mut dyn FnMut(&str, u64, u64) -> bool,
) -> Result<wire::FolderSync, ApiError> {
    if !dir.is_dir() {
        return Err(ApiError::invalid("dir", format!("{} is not a folder", dir.display())));
    }
    let own = store.installation_id()?;
    let after: BTreeMap<String, i64> = store.last_exported_own()?.map(|c| (own.clone(), c)).into_iter().collect();
    let staging = dir.join(format!(".{own}-{}.{EXTENSION}", madoguchi_store::new_id()));
    let manifest = export(store, &staging, &after, Some(&own), signer, now, &mut |done| progress("export", done, 0))?;
    let exported = if manifest.changes == 0 {
        let _ = fs::remove_file(&staging);
        None
    } else {
        let name = format!("{own}-{:016x}.{EXTENSION}", manifest.clock_to);
        fs::rename(&staging, dir.join(&name)).map_err(|e| ApiError::io(&staging, e))?;
        // On disk before `last_exported_own` moves past these changes.
        crate::paths::sync_dir(dir);
        store.record_bundle(&manifest.record("export"), &stamp(now))?;
        Some(wire::ExportedFile { file: name, changes: manifest.changes })
    };
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(|e| ApiError::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| !name.starts_with('.') && name.ends_with(&format!(".{EXTENSION}")) && !name.starts_with(&own))
        .collect();
    names.sort();
    let mut imported = Vec::new();
    let mut failed = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let outcome = read_manifest(&path).and_then(|m| {
            if m.source == own || store.bundle_seen(&m.sha256)? {
                return Ok(None);
            }
            import(store, &path, &signer.public(), now, &mut |done, total| progress(&name, done, total)).map(Some)
        });
        match outcome {
            Ok(Some(report)) => imported.push(wire::ImportedFile { file: name, report }),
            Ok(None) => {}
            Err(e) => failed.push(wire::FailedFile { file: name, error: e.to_string() }),
        }
    }
    let compacted = compact_daily(store, now, |store| Ok::<_, ApiError>(store.known_clocks()?))?;
    Ok(wire::FolderSync { exported, imported, failed, compacted })
}

/// Compacts this installation's change log (`Store::compact_log`) at the first sync of a day
/// (Japan time; reading the whole log is too slow for every sync on a timer), below what every
/// installation it syncs with had seen: `medium` (the hub's record; for a shared folder, this
/// installation's own clocks) and, whatever the medium, what the writer of each bundle read or
/// written here had seen (`Store::bundle_writers_seen`, a revoked sender's left out). Its own
/// changes stay until they are in a bundle it wrote and, once it has pushed to a hub, at the
/// hub. None: compacted today already.
pub fn compact_daily<E: From<ApiError>>(
    store: &mut Store,
    now: Moment,
    medium: impl FnOnce(&Store) -> Result<BTreeMap<String, i64>, E>,
) -> Result<Option<wire::LogCompaction>, E> {
    let today = time::japan_date(now).to_string();
    if store.log_compacted_at().map_err(ApiError::from)?.is_some_and(|at| at.starts_with(&today)) {
        return Ok(None);
    }
    let own = store.installation_id().map_err(ApiError::from)?;
    let revoked = keys::revoked_installations(store)?;
    let writers = store.bundle_writers_seen().map_err(ApiError::from)?;
    let pushed = store.last_pushed().map_err(ApiError::from)?;
    let floors: BTreeMap<String, i64> = medium(store)?
        .into_iter()
        .map(|(origin, mut floor)| {
            for (source, seen) in writers.iter().filter(|(source, _)| !revoked.contains(source)) {
                // This installation's own bundles say how far its own changes went out.
                if *source != own || origin == own {
                    floor = floor.min(seen.get(&origin).copied().unwrap_or(0));
                }
            }
            if origin == own
                && let Some(pushed) = pushed
            {
                floor = floor.min(pushed);
            }
            (origin, floor)
        })
        .collect();
    let done = store.compact_log(&floors, &stamp(now)).map_err(ApiError::from)?;
    Ok(Some(wire::LogCompaction { changes: done.changes, removed: done.removed }))
}

/// The senders of the bundles in a shared folder other than this installation's, each once
/// (by key), with the installation their bundles name; a file that is not a well-signed bundle
/// is passed over (`sync_dir` reports it).
pub fn senders_in(store: &Store, dir: &Path) -> Result<Vec<(Sender, String)>, ApiError> {
    let own = store.installation_id()?;
    let mut found: Vec<(Sender, String)> = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else { return Ok(found) };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.starts_with('.') || !name.ends_with(&format!(".{EXTENSION}")) {
            continue;
        }
        if let Ok(m) = read_manifest(&path)
            && m.source != own
            && !found.iter().any(|(s, _)| s.key == m.signer.key)
        {
            found.push((m.signer, m.source));
        }
    }
    Ok(found)
}

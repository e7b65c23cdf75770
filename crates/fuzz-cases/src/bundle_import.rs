//! Target `bundle_import`: `madoguchi import BUNDLE` (`madoguchi_api::sync::import`) into a
//! database that trusts installation A, with any bytes as the bundle.
//!
//! Input: one mode byte, then the bytes. Mode 0: the bytes are the change lines of a bundle
//! signed by A, under A's manifest with the hash and counts made to match (so the content is
//! what is tried); mode 1: the bytes are the manifest line, signed by A, over A's real
//! content; any other mode: the bytes are the whole file (unsigned, truncated, anything).
//!
//! Properties: the import answers a report or refuses, naming a field; a refused bundle
//! leaves the database exactly as it was (rows, change log, counts, audit head); an applied
//! one leaves a sound database (integrity, search index, audit chain), and importing it
//! again applies nothing.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use ed25519_dalek::VerifyingKey;
use madoguchi_api::keys::{self, Signer};
use madoguchi_api::sync;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::fixtures::{ACTOR, Fingerprint, assert_sound, base_store, empty_store, fingerprint, invalid_field, now, put_back, take};

/// Installation A (the sender), its signer, its manifest and change lines, and the key the
/// receiver signs with (made once per process, in a keys folder of its own).
struct Sender {
    signer: Signer,
    installation: String,
    manifest: Value,
    content: Vec<u8>,
    receiver_key: VerifyingKey,
}

thread_local! {
    static SENDER: Sender = sender();
    /// The receiver, kept while imports leave it as it was.
    static RECEIVER: RefCell<Option<(madoguchi_api::Store, Fingerprint)>> = const { RefCell::new(None) };
}

fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-fuzz-bundle-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn sender() -> Sender {
    let dir = folder();
    let a = base_store();
    let signer = Signer::of(&a, &dir.join("keys"), ACTOR).unwrap_or_else(|e| panic!("A's key: {e}"));
    let path = dir.join("base.mdgb");
    sync::export(&a, &path, &BTreeMap::new(), None, &signer, now(), &mut |_| true).unwrap_or_else(|e| panic!("A exports: {e}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut parts = bytes.splitn(3, |b| *b == b'\n');
    let manifest = serde_json::from_slice(parts.next().unwrap_or_default()).unwrap_or_else(|e| panic!("A's manifest: {e}"));
    parts.next();
    let content = parts.next().unwrap_or_default().to_vec();
    let receiver = Signer::of(&empty_store(), &dir.join("keys"), ACTOR).unwrap_or_else(|e| panic!("the receiver's key: {e}"));
    Sender { installation: a.installation_id().unwrap_or_else(|e| panic!("A's id: {e}")), signer, manifest, content, receiver_key: receiver.public() }
}

/// A new receiver that trusts A.
fn receiver() -> madoguchi_api::Store {
    let mut store = empty_store();
    SENDER.with(|a| {
        keys::trust(&mut store, &a.signer.sender(), &a.installation, &a.receiver_key, ACTOR, now()).unwrap_or_else(|e| panic!("trusting A: {e}"));
    });
    store
}

/// A's manifest with the hash and counts of `content`, as A would have written it.
fn matching(manifest: &Value, content: &[u8]) -> Value {
    let mut m = manifest.clone();
    let lines: Vec<&[u8]> = content.split_inclusive(|b| *b == b'\n').collect();
    let mut tables: BTreeMap<String, u64> = BTreeMap::new();
    let mut tombstones = 0;
    for line in &lines {
        if let Ok(change) = serde_json::from_slice::<Value>(line) {
            if let Some(table) = change.get("t").and_then(Value::as_str) {
                *tables.entry(table.to_string()).or_default() += 1;
            }
            tombstones += u64::from(change.get("d").is_some_and(Value::is_null));
        }
    }
    m["content_sha256"] = json!(format!("{:x}", Sha256::digest(content)));
    m["counts"] = json!({"changes": lines.len(), "tombstones": tombstones, "tables": tables});
    m
}

pub fn bundle_import(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let file = SENDER.with(|a| match mode {
        0 => [sync::signed_header(&matching(&a.manifest, rest), &a.signer).expect("header"), rest.to_vec()].concat(),
        1 => {
            // The manifest as given, signed: a manifest that is not JSON is sent as text.
            let manifest = serde_json::from_slice::<Value>(rest).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(rest).into_owned()));
            [sync::signed_header(&manifest, &a.signer).expect("header"), a.content.clone()].concat()
        }
        _ => rest.to_vec(),
    });
    let path = folder().join("input.mdgb");
    std::fs::write(&path, &file).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (mut store, print) = take(&RECEIVER, receiver);
    let own = SENDER.with(|a| a.receiver_key);
    match sync::import(&mut store, &path, &own, now(), &mut |_, _| true) {
        Err(error) => {
            invalid_field(&error, "a refused bundle");
            assert_eq!(fingerprint(&store), print, "a refused bundle wrote something: {error}");
            put_back(&RECEIVER, store, print);
        }
        Ok(report) => {
            assert_sound(&store, "an applied bundle");
            let again = sync::import(&mut store, &path, &own, now(), &mut |_, _| true).unwrap_or_else(|e| panic!("the same bundle again: {e}"));
            assert_eq!(again.applied, 0, "the same bundle applied twice: {report:?} then {again:?}");
        }
    }
}

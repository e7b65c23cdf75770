//! What the API tests share: moments, fresh folders, databases, customers found by number, and
//! for sync each installation's signing key (in a keys folder of this test process), full
//! bundles, and trust between the installations of a test, given as an agent would give it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use madoguchi_api::Context;
use madoguchi_api::keys::{self, Signer, Standing};
use madoguchi_api::{ApiError, customers, sync};
use madoguchi_domain::time::Moment;
use madoguchi_store::Store;
use serde_json::Value;

/// A moment from its RFC 3339 text.
pub fn at(text: &str) -> Moment {
    chrono::DateTime::parse_from_rfc3339(text).expect("moment")
}

/// Who acts when, under `tariffs`, as a use case takes it.
pub fn by<'a>(tariffs: &'a madoguchi_api::tariffs::Tariffs, actor: &'a str, when: &str) -> Context<'a> {
    Context { tariffs, actor, now: at(when) }
}

/// An empty folder of this test process for one test: `madoguchi-{group}-{pid}-{name}`.
pub fn folder(group: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-{group}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

/// A database (created when new) opened at `now`.
pub fn open(path: &Path, now: &str) -> Store {
    customers::open(path, at(now)).expect("opens")
}

/// The id of the customer a customer number finds first.
pub fn customer_id(store: &Store, number: &str) -> String {
    as_json(customers::lookup(store, number, 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("id").to_string()
}

/// Imports the fixture customers (tests/fixtures/customers.csv), all of them, at `now`.
pub fn import_fixture(store: &mut Store, now: &str) {
    let tariffs = madoguchi_api::tariffs::Tariffs::embedded().expect("tariffs");
    let report = madoguchi_api::import::import_customers(
        store,
        &mut std::io::Cursor::new(include_bytes!("../fixtures/customers.csv")),
        madoguchi_api::import::Encoding::Auto,
        false,
        Context { tariffs: &tariffs, actor: "test", now: at(now) },
        &mut |_| true,
    )
    .expect("imports");
    assert!(report.written, "{:?}", report.errors);
}

/// A bundle of everything the installation holds, signed by it.
pub fn export_all(store: &Store, out: &Path, now: &str) -> sync::Manifest {
    sync::export(store, out, &BTreeMap::new(), None, &signer(store), at(now), &mut |_| true).expect("exports")
}

/// The first line of a bundle as JSON, and the rest.
pub fn split_bundle(path: &Path) -> (Value, String) {
    let text = std::fs::read_to_string(path).expect("bundle");
    let (manifest, rest) = text.split_once('\n').expect("manifest line");
    let (_signature, rest) = rest.split_once('\n').expect("signature line");
    (serde_json::from_str(manifest).expect("manifest"), rest.to_string())
}

/// A bundle with an edited manifest, signed again by its sender (as a sender rewriting its
/// own log would).
pub fn write_bundle(path: &Path, signer: &Signer, manifest: &Value, rest: &str) {
    std::fs::write(path, [sync::signed_header(manifest, signer).expect("header"), rest.as_bytes().to_vec()].concat()).expect("bundle written");
}

/// Imports a bundle, its sender trusted first.
pub fn import_trusted(store: &mut Store, bundle: &Path, now: &str) -> Result<Value, ApiError> {
    trust_sender_of(store, bundle, at(now));
    as_json(sync::import(store, bundle, &signer(store).public(), at(now), &mut |_, _| true))
}

/// The keys folder of this test process.
pub fn keys_dir() -> PathBuf {
    std::env::temp_dir().join(format!("madoguchi-test-keys-{}", std::process::id()))
}

/// An installation's signer (its key is made on first use).
pub fn signer(store: &Store) -> Signer {
    Signer::of(store, &keys_dir(), "test").expect("the installation's key")
}

/// Trusts the sender of a bundle, as an agent does after comparing fingerprints; nothing when
/// it is the installation's own or trusted already.
pub fn trust_sender_of(store: &mut Store, bundle: &Path, now: Moment) {
    let own = signer(store).public();
    let manifest = sync::read_manifest(bundle).expect("a signed bundle");
    if keys::standing(store, &own, &manifest.signer.key).expect("standing") == Standing::Unknown {
        keys::trust(store, &manifest.signer, &manifest.source, &own, "test", now).expect("trusts");
    }
}

/// Each installation trusts every other one's key.
pub fn trust_each_other(stores: &mut [Store], now: Moment) {
    let senders: Vec<(keys::Sender, String)> = stores.iter().map(|s| (signer(s).sender(), s.installation_id().expect("id"))).collect();
    for store in stores.iter_mut() {
        let own = signer(store).public();
        for (sender, installation) in senders.iter().filter(|(s, _)| s.key != own) {
            keys::trust(store, sender, installation, &own, "test", now).expect("trusts");
        }
    }
}

/// An answer as the JSON the CLI prints and the app sends: the tests hold the wire shape.
pub fn as_json<T: serde::Serialize, E>(answer: Result<T, E>) -> Result<Value, E> {
    answer.map(|a| serde_json::to_value(a).expect("an answer is JSON"))
}

//! What the sync tests share: each installation's signing key (in a keys folder of this test
//! process) and trust between the installations of a test, given as an agent would give it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use madoguchi_api::keys::{self, Signer, Standing};
use madoguchi_api::sync;
use madoguchi_domain::time::Moment;
use madoguchi_store::Store;

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

//! The session's own answers (docs/app-commands.md): what only the app has to say (its status,
//! settings, backups, senders, jobs, files written or chosen), as structs deriving
//! `Serialize`. The API's answers are `madoguchi_api::wire`'s; a command returns one of either.

use std::path::PathBuf;

use indexmap::IndexMap;
use madoguchi_api::wire::{Customer, Merged};
use serde::Serialize;
use serde_json::Value;

use crate::CommandError;

/// An answer of a command whose dialog the agent may close: the answer, or `{"cancelled": true}`.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Chosen<T> {
    Done(T),
    Cancelled { cancelled: bool },
}

impl<T> Chosen<T> {
    /// The answer of a closed dialog: nothing changed.
    pub fn cancelled() -> Self {
        Chosen::Cancelled { cancelled: true }
    }
}

/// `{}`: done, nothing to tell.
#[derive(Debug, Clone, Serialize)]
pub struct Done {}

/// `{id}` of what was written.
#[derive(Debug, Clone, Serialize)]
pub struct Id {
    pub id: String,
}

/// `{path}` of a file written, opened or chosen.
#[derive(Debug, Clone, Serialize)]
pub struct FilePath {
    pub path: PathBuf,
}

/// `{job}`: the id of a job started.
#[derive(Debug, Clone, Serialize)]
pub struct JobStarted {
    pub job: String,
}

/// `{warnings}`: what the agent should read.
#[derive(Debug, Clone, Serialize)]
pub struct Warnings {
    pub warnings: Vec<String>,
}

/// The session: the open database, the agent, where things are.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub db_path: PathBuf,
    pub customers: u64,
    pub agent: String,
    pub installation: String,
    pub version: &'static str,
    pub documents_dir: PathBuf,
    pub log_dir: Option<PathBuf>,
    pub notice: Option<String>,
}

/// `restore_backup`: the status after it, with where the backup came from and where the
/// replaced database was put.
#[derive(Debug, Clone, Serialize)]
pub struct RestoredStatus {
    #[serde(flatten)]
    pub status: Status,
    pub restored_from: PathBuf,
    pub replaced: Option<PathBuf>,
}

/// `edit_customer`: how many fields changed, and the customer after the change.
#[derive(Debug, Clone, Serialize)]
pub struct Edited {
    pub changed: usize,
    pub customer: Customer,
}

/// `merge_customers`: what moved, and the kept customer afterwards.
#[derive(Debug, Clone, Serialize)]
pub struct MergedCustomer {
    pub merged: Merged,
    pub customer: Customer,
}

/// An issued PDF as written into the documents folder.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedFile {
    pub number: String,
    pub path: PathBuf,
    pub pages: usize,
    pub bytes: usize,
    pub warnings: Vec<String>,
}

/// 設定: the agent, the installation, the folders, the hub, each service's issuer (null when
/// none is set).
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub agent_name: String,
    pub installation: String,
    pub db_path: PathBuf,
    pub documents_dir: PathBuf,
    pub sync_dir: Option<String>,
    pub sync_hub: Option<String>,
    pub sync_hub_every: u32,
    pub sync_hub_last: Option<String>,
    pub log_dir: Option<PathBuf>,
    /// By service, in the order of `Service::ALL`.
    pub issuers: IndexMap<&'static str, Option<IssuerInfo>>,
}

/// An issuer as the settings screen shows it; `seal`: whether a seal image is stored.
#[derive(Debug, Clone, Serialize)]
pub struct IssuerInfo {
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub registration_number: Option<String>,
    pub seal: bool,
}

/// The backups folder (none when the session has none), the newest backup's time, and every
/// backup, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Backups {
    pub dir: Option<PathBuf>,
    pub last: Option<String>,
    pub backups: Vec<BackupInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub at: String,
    pub bytes: u64,
}

/// This installation's key, and every sender trusted, revoked or waiting for trust.
#[derive(Debug, Clone, Serialize)]
pub struct Senders {
    pub own: OwnKey,
    pub senders: Vec<SenderInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OwnKey {
    pub fingerprint: String,
    pub name: String,
}

/// A sender: `status` is `trusted`, `revoked` or `unknown`.
#[derive(Debug, Clone, Serialize)]
pub struct SenderInfo {
    pub fingerprint: String,
    pub name: String,
    pub installation: String,
    pub status: &'static str,
    pub trusted_at: Option<String>,
    pub trusted_by: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
}

/// The hub knows this installation's role, among how many installations.
#[derive(Debug, Clone, Serialize)]
pub struct HubChecked {
    pub installation: String,
    pub installations: i64,
}

/// A seed job's result: what was added.
#[derive(Debug, Clone, Serialize)]
pub struct Seeded {
    pub customers: u64,
    pub orders: u64,
    pub documents: u64,
    pub requests: u64,
    pub notes: u64,
}

/// An export job's result: the bundle written.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub path: PathBuf,
    pub changes: u64,
    pub tombstones: u64,
    pub source: String,
    pub snapshot: bool,
}

/// A job's progress and, once finished, its result or error.
#[derive(Debug, Clone, Serialize)]
pub struct JobStatus {
    pub job: String,
    pub kind: crate::jobs::JobKind,
    pub done: u64,
    pub total: Option<u64>,
    pub finished: bool,
    pub cancelled: bool,
    pub result: Option<Value>,
    pub error: Option<CommandError>,
}

//! The desktop app's session: the open database, the tariffs, the agent and the jobs behind
//! the UI, with one method per command of docs/app-commands.md and `dispatch`, the one table
//! from command names to methods. The Tauri shell and the test bridge both call it; it only
//! adapts the API crate (no rule lives here).

mod commands;
mod config;
mod error;
pub mod files;
mod jobs;
pub mod print;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use madoguchi_api::tariffs::Tariffs;
use madoguchi_api::{Store, clock, customers, settings};
use madoguchi_domain::time::Moment;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use commands::*;
pub use config::{default_config_file, default_documents_dir, remember_db_path, remembered_db_path, startup_db_path};
pub use error::{CommandError, ErrorCode, log_failure};
pub use files::{Chosen, Dialogs, FileDialog, NoDialogs, Pick};

/// Opens an issued PDF in the system viewer or prints it (the shell's), or does nothing (the
/// bridge's).
pub type Opener = Box<dyn Fn(&Path) -> Result<(), String> + Send + Sync>;

/// How a session differs from the desktop defaults.
#[derive(Default)]
pub struct Options {
    /// The agent recorded in the audit log until a name is set (`agent.name`); default
    /// `$MADOGUCHI_AGENT`, else `$USER`, else "agent".
    pub agent: Option<String>,
    /// A fixed "now" (tests); default the clock.
    pub now: Option<Moment>,
    /// Where issued PDFs go until `documents.dir` is set; default `default_documents_dir()`.
    pub documents_dir: Option<PathBuf>,
    /// Where `open_database` remembers its path (the shell passes `default_config_file()`);
    /// none: not remembered.
    pub config_file: Option<PathBuf>,
    /// Opens a PDF for `open_document`; default: does nothing.
    pub opener: Option<Opener>,
    /// Prints a PDF for `print_document` (the shell passes `print::print_file`); default: does
    /// nothing.
    pub printer: Option<Opener>,
    /// The file dialogs; default: none (every dialog cancelled).
    pub dialogs: Option<Box<dyn Dialogs>>,
    /// The folder of the app's log files, shown in 設定.
    pub log_dir: Option<PathBuf>,
    /// A message for the agent from the start (the data folder moved, a config file unreadable).
    pub notice: Option<String>,
    /// Where the backups live (the shell passes `madoguchi_api::backup::default_dir()`, where its
    /// backup at start writes); none: `backups` answers no folder and nothing can be restored.
    pub backups_dir: Option<PathBuf>,
    /// The folder of the installations' signing keys; default `madoguchi_api::keys::default_dir()`.
    pub keys_dir: Option<PathBuf>,
}

/// The open database and where it is.
struct Db {
    path: PathBuf,
    store: Store,
}

/// The state behind the desktop app; `Send + Sync`, kept by Tauri as managed state.
pub struct Session {
    db: Mutex<Db>,
    tariffs: Arc<Tariffs>,
    agent: String,
    now: Option<Moment>,
    documents_dir: PathBuf,
    config_file: Option<PathBuf>,
    opener: Opener,
    printer: Opener,
    dialogs: Box<dyn Dialogs>,
    log_dir: Option<PathBuf>,
    notice: Option<String>,
    backups_dir: Option<PathBuf>,
    keys_dir: PathBuf,
    /// Senders of bundles refused in this session for want of trust, for `senders` to offer
    /// (with the installation their bundle named); forgotten when the app closes.
    refused_senders: Mutex<Vec<(madoguchi_api::keys::Sender, String)>>,
    jobs: jobs::Jobs,
}

impl Session {
    /// Opens (creating and migrating as needed) the database at `db_path`.
    pub fn new(db_path: &Path, options: Options) -> Result<Session, CommandError> {
        let tariffs = Tariffs::embedded().map_err(|e| CommandError::failed(e.to_string()))?;
        let now = options.now;
        let path = std::path::absolute(db_path).map_err(|e| CommandError::failed(format!("{}: {e}", db_path.display())))?;
        let store = customers::open(&path, now.unwrap_or_else(clock::now))?;
        let agent = options
            .agent
            .or_else(|| std::env::var("MADOGUCHI_AGENT").ok())
            .or_else(|| std::env::var("USER").ok())
            .filter(|a| !a.trim().is_empty())
            .unwrap_or_else(|| "agent".into());
        let keys_dir = match options.keys_dir {
            Some(dir) => dir,
            None => madoguchi_api::keys::default_dir()?,
        };
        Ok(Session {
            db: Mutex::new(Db { path, store }),
            tariffs: Arc::new(tariffs),
            agent,
            now,
            documents_dir: options.documents_dir.unwrap_or_else(default_documents_dir),
            config_file: options.config_file,
            opener: options.opener.unwrap_or_else(|| Box::new(|_| Ok(()))),
            printer: options.printer.unwrap_or_else(|| Box::new(|_| Ok(()))),
            dialogs: options.dialogs.unwrap_or_else(|| Box::new(NoDialogs)),
            log_dir: options.log_dir,
            notice: options.notice,
            backups_dir: options.backups_dir,
            keys_dir,
            refused_senders: Mutex::new(Vec::new()),
            jobs: jobs::Jobs::default(),
        })
    }

    /// Runs one command by name with its JSON arguments (an object, or null for none); a
    /// failure is logged with its code and field.
    pub fn dispatch(&self, command: &str, args: Value) -> Result<Value, CommandError> {
        self.run(command, args).inspect_err(|e| log_failure(command, e))
    }

    fn run(&self, command: &str, args: Value) -> Result<Value, CommandError> {
        match command {
            "status" => none(args).and_then(|()| self.status()),
            "lookup" => self.lookup(parse(args)?),
            "customer" => self.customer(parse(args)?),
            "add_note" => self.add_note(parse(args)?),
            "quote_kinds" => none(args).and_then(|()| self.quote_kinds()),
            "quote_prefill" => self.quote_prefill(parse(args)?),
            "quote" => self.quote(parse(args)?),
            "save_quote" => self.save_quote(parse(args)?),
            "document_types" => none(args).and_then(|()| self.document_types()),
            "document_draft" => self.document_draft(parse(args)?),
            "issue_document" => self.issue_document(parse(args)?),
            "reissue_document" => self.reissue_document(parse(args)?),
            "save_document" => self.save_document(parse(args)?),
            "open_document" => self.open_document(parse(args)?),
            "print_document" => self.print_document(parse(args)?),
            "request_types" => none(args).and_then(|()| self.request_types()),
            "create_request" => self.create_request(parse(args)?),
            "move_request" => self.move_request(parse(args)?),
            "request" => self.request(parse(args)?),
            "requests" => self.requests(parse(args)?),
            "settings" => none(args).and_then(|()| self.settings()),
            "set_setting" => self.set_setting(parse(args)?),
            "set_issuer" => self.set_issuer(parse(args)?),
            "open_database" => self.open_database(parse(args)?),
            "backups" => none(args).and_then(|()| self.backups()),
            "backup_now" => none(args).and_then(|()| self.backup_now()),
            "restore_backup" => self.restore_backup(parse(args)?),
            "senders" => none(args).and_then(|()| self.senders()),
            "trust_sender" => self.trust_sender(parse(args)?),
            "revoke_sender" => self.revoke_sender(parse(args)?),
            "choose_folder" => self.choose_folder(parse(args)?),
            "set_seal" => self.set_seal(parse(args)?),
            "start_job" => self.start_job(parse(args)?),
            "job" => self.job(parse(args)?),
            "cancel_job" => self.cancel_job(parse(args)?),
            _ => Err(CommandError::invalid("command", format!("unknown command '{command}'"))),
        }
    }

    /// The database, locked for one command.
    fn db(&self) -> MutexGuard<'_, Db> {
        self.db.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The open database's file.
    fn db_path(&self) -> PathBuf {
        self.db().path.clone()
    }

    fn now(&self) -> Moment {
        self.now.unwrap_or_else(clock::now)
    }

    /// The agent's name: the `agent.name` setting, else the session's.
    fn agent(&self, store: &Store) -> Result<String, CommandError> {
        Ok(settings::get(store, "agent.name")?.unwrap_or_else(|| self.agent.clone()))
    }

    /// Where issued PDFs go: the `documents.dir` setting, else the session's folder.
    fn documents_dir(&self, store: &Store) -> Result<PathBuf, CommandError> {
        Ok(settings::get(store, "documents.dir")?.map_or_else(|| self.documents_dir.clone(), PathBuf::from))
    }
}

/// Parses a command's arguments; an error names the argument (`query`, `issuer.name`).
fn parse<T: DeserializeOwned>(args: Value) -> Result<T, CommandError> {
    let args = match args {
        Value::Null => Value::Object(Map::new()),
        Value::Object(_) => args,
        _ => return Err(CommandError::invalid("args", "must be a JSON object")),
    };
    serde_path_to_error::deserialize(args).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let named = message.split('`').nth(1).unwrap_or_default();
        let within = |name: &str| if path == "." { name.to_string() } else { format!("{path}.{name}") };
        if message.starts_with("missing field") {
            CommandError::invalid(within(named), "missing")
        } else if message.starts_with("unknown field") {
            // The path already ends with the unknown key.
            CommandError::invalid(if path == "." { named.to_string() } else { path }, "is not an argument of this command")
        } else {
            CommandError::invalid(if path == "." { "args".to_string() } else { path }, message)
        }
    })
}

/// Checks that a command without arguments got none.
fn none(args: Value) -> Result<(), CommandError> {
    match args {
        Value::Null => Ok(()),
        Value::Object(map) => match map.keys().next() {
            None => Ok(()),
            Some(key) => Err(CommandError::invalid(key.as_str(), "is not an argument of this command")),
        },
        _ => Err(CommandError::invalid("args", "must be a JSON object")),
    }
}

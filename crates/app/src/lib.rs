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
pub mod wire;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use madoguchi_api::input::{self, InputError};
use madoguchi_api::settings::Setting;
use madoguchi_api::tariffs::Tariffs;
use madoguchi_api::{Store, clock, customers, settings};
use madoguchi_domain::time::Moment;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use commands::*;
pub use config::{default_config_file, default_documents_dir, remember_db_path, remembered_db_path, startup_db_path};
use error::log_failure;
pub use error::{CommandError, ErrorCode};
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

/// The one table of the app's commands (docs/app-commands.md): `name(Args)` takes the page's
/// arguments object as that type, a bare `name` takes none. Calls `$callback!` with the list,
/// so each user generates what it needs from this one place: the session its `dispatch` and
/// `COMMANDS`, the Tauri shell its command adapters and its handler list. The lists that
/// cannot be generated (the build script's, the capability, `ui/js/api.js`, the docs) are
/// checked against `COMMANDS` by `tests/command_table.rs`.
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            lookup(LookupArgs),
            customer(IdArgs),
            edit_customer(EditCustomerArgs),
            postal_addresses(PostalArgs),
            customer_duplicates(IdArgs),
            merge_customers(MergeArgs),
            add_note(AddNoteArgs),
            quote_prefill(QuotePrefillArgs),
            quote(QuoteArgs),
            save_quote(SaveQuoteArgs),
            document_draft(DocumentDraftArgs),
            issue_document(IssueDocumentArgs),
            reissue_document(ReissueDocumentArgs),
            save_document(NumberArgs),
            open_document(NumberArgs),
            print_document(NumberArgs),
            create_request(CreateRequestArgs),
            move_request(MoveRequestArgs),
            request(IdArgs),
            requests(RequestsArgs),
            set_setting(SetSettingArgs),
            set_issuer(SetIssuerArgs),
            open_database(OpenDatabaseArgs),
            restore_backup(RestoreBackupArgs),
            trust_sender(FingerprintArgs),
            revoke_sender(FingerprintArgs),
            save_hub_password(HubPasswordArgs),
            choose_folder(ChooseFolderArgs),
            set_seal(ServiceArgs),
            start_job(StartJobArgs),
            job(JobArgs),
            cancel_job(JobArgs);
            status,
            quote_kinds,
            document_types,
            document_forms,
            request_types,
            settings,
            backups,
            backup_now,
            senders,
            check_hub
        }
    };
}

/// `COMMANDS` and the session's command dispatch, from the table.
macro_rules! session_commands {
    ($($name:ident($args:ty)),* ; $($bare:ident),*) => {
        /// Every command's name, as the page calls it.
        pub const COMMANDS: &[&str] = &[$(stringify!($name),)* $(stringify!($bare)),*];

        impl Session {
            fn run(&self, command: &str, args: Value) -> Result<Value, CommandError> {
                match command {
                    $(stringify!($name) => answer(self.$name(<$args as CommandArgs>::read(args)?)),)*
                    $(stringify!($bare) => none(args).and_then(|()| answer(self.$bare())),)*
                    _ => Err(CommandError::invalid("command", format!("unknown command '{command}'"))),
                }
            }
        }
    };
}

for_each_command!(session_commands);

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
        let agent = settings::default_agent(options.agent);
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
        Ok(settings::get(store, Setting::AgentName)?.unwrap_or_else(|| self.agent.clone()))
    }

    /// Where issued PDFs go: the `documents.dir` setting, else the session's folder.
    fn documents_dir(&self, store: &Store) -> Result<PathBuf, CommandError> {
        Ok(settings::get(store, Setting::DocumentsDir)?.map_or_else(|| self.documents_dir.clone(), PathBuf::from))
    }
}

/// A command's arguments, read from the page's JSON object (null: none given); an error names
/// the argument (`query`, `issuer.name`).
pub trait CommandArgs: Sized {
    fn read(args: Value) -> Result<Self, CommandError>;
}

/// Most commands' arguments are one struct, read by serde.
impl<T: DeserializeOwned> CommandArgs for T {
    fn read(args: Value) -> Result<Self, CommandError> {
        parse(Value::Object(arguments(args)?))
    }
}

/// The arguments object of a command (null: none given).
fn arguments(args: Value) -> Result<Map<String, Value>, CommandError> {
    match args {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => Ok(map),
        _ => Err(CommandError::invalid("args", "must be a JSON object")),
    }
}

/// Reads arguments into `T`; an error names the argument.
fn parse<T: DeserializeOwned>(args: Value) -> Result<T, CommandError> {
    input::from_json(args).map_err(|misfit| match &misfit.error {
        InputError::Missing(key) => CommandError::invalid(misfit.within(key), "missing"),
        // The path already ends with the unknown key, but at the top.
        InputError::Unknown { field, .. } => {
            CommandError::invalid(if misfit.path == "." { field.clone() } else { misfit.path }, "is not an argument of this command")
        }
        InputError::Other(message) => CommandError::invalid(if misfit.path == "." { "args".to_string() } else { misfit.path }, message),
    })
}

/// A command's typed answer as the JSON the page reads.
fn answer<T: Serialize>(answer: Result<T, CommandError>) -> Result<Value, CommandError> {
    serde_json::to_value(answer?).map_err(|e| CommandError::failed(format!("the answer: {e}")))
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

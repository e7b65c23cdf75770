//! `madoguchi`: the command line. It defines the interface and glues it to the API crate; no rule lives here.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use madoguchi_api::ApiError;
use madoguchi_api::Context;
use madoguchi_api::backup;
use madoguchi_api::clock;
use madoguchi_api::customers;
use madoguchi_api::documents;
use madoguchi_api::import::{self, Encoding};
use madoguchi_api::keys::{self, Signer};
use madoguchi_api::paths;
use madoguchi_api::pop;
use madoguchi_api::quote::{kinds, quote_json};
use madoguchi_api::requests;
use madoguchi_api::settings;
use madoguchi_api::sync;
use madoguchi_api::tariffs::Tariffs;
use madoguchi_api::wire;
use madoguchi_hub::{HubError, Password};
use serde_json::Value;

/// A request the user can fix (exit 2), or a failure of the installation (exit 1).
enum Failure {
    Request(String),
    Setup(String),
}

impl From<HubError> for Failure {
    fn from(e: HubError) -> Self {
        match e {
            HubError::Api(e) => e.into(),
            HubError::Invalid { .. } | HubError::Refused(_) => Failure::Request(e.to_string()),
            HubError::Unreachable(_) => Failure::Setup(e.to_string()),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Invalid { .. } | ApiError::NotFound(_) => Failure::Request(e.to_string()),
            ApiError::Failed(_) | ApiError::Store(_) | ApiError::Io { .. } => Failure::Setup(e.to_string()),
        }
    }
}

#[derive(Parser)]
#[command(name = "madoguchi", version, about = "窓口: the service counter's back office")]
struct Cli {
    /// The database file (default: the app-data folder, e.g. ~/.local/share/jp.madoguchi.desktop/madoguchi.sqlite3).
    #[arg(long, global = true, value_name = "PATH")]
    db: Option<PathBuf>,
    /// Read the tariffs from this folder (one <service>.toml each) instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    tariffs: Option<PathBuf>,
    /// The folder of the installations' signing keys (default: the app-data folder's `keys`).
    #[arg(long, global = true, value_name = "DIR")]
    keys: Option<PathBuf>,
    /// The agent recorded in the audit log (default: $MADOGUCHI_AGENT, else $USER).
    #[arg(long, global = true, value_name = "NAME")]
    agent: Option<String>,
    /// Act as at this moment (RFC 3339) instead of now: dates of documents, default as_of.
    #[arg(long, global = true, value_name = "MOMENT")]
    as_of: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Quote a fee or deadline: one JSON request on standard input, one JSON answer on standard output.
    Quote {
        /// List every service and kind with its fields instead.
        #[arg(long)]
        kinds: bool,
    },
    /// Create, fill or check the database.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Import another installation's bundle (`import FILE`: checked whole, applied in one
    /// transaction, per field the newer change wins), or data from a file (`import customers`).
    #[command(args_conflicts_with_subcommands = true)]
    Import {
        /// A bundle written by `madoguchi export`.
        bundle: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        command: Option<ImportCommand>,
    },
    /// Write this installation's changes to a bundle file for other installations.
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// `all`, or a bundle received earlier: only what its sender did not have yet.
        #[arg(long, value_name = "BUNDLE|all", default_value = "all", conflicts_with = "snapshot")]
        since: String,
        /// A snapshot for a new installation: every row as it stands (the log compacted: each
        /// row's changes that still set a field), loaded in bulk by `import` into an empty one.
        #[arg(long)]
        snapshot: bool,
    },
    /// Screen-pop: open the link `madoguchi://lookup?phone=…` through the operating system, which
    /// hands it to the desktop app (the running one, or it starts on this caller).
    Pop {
        #[arg(long)]
        phone: String,
    },
    /// Exchange changes with the other installations: through a shared folder (`--dir`: write
    /// this installation's new changes there as a bundle, import everyone else's), or through
    /// the office's PostgreSQL hub (`--hub URL`: push this installation's changes, pull
    /// everyone else's; the password from `--password-file` or the keychain).
    Sync {
        #[arg(long, value_name = "SHARED_FOLDER", required_unless_present = "hub", conflicts_with = "hub")]
        dir: Option<PathBuf>,
        #[arg(long, value_name = "URL")]
        hub: Option<String>,
        /// A file readable by you only whose first line is the hub password (default: the keychain).
        #[arg(long, value_name = "FILE", requires = "hub")]
        password_file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The office's PostgreSQL hub: `hub init` (its schema, as its owner), `hub add-installation`
    /// (a role for one installation), `hub login` (keep a password in the keychain), `hub
    /// identity` (what the hub's owner needs of this installation).
    Hub {
        #[command(subcommand)]
        command: HubCommand,
    },
    /// Whose bundles this installation takes: `trust list`, `trust add BUNDLE` (the key that
    /// signed it), `trust revoke FINGERPRINT`, `trust key` (this installation's own).
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
    /// Find a customer by phone, name (kanji or kana), customer number, email or postal code.
    Lookup {
        query: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// The addresses of a postal code by Japan Post's table, one line each (`postal 1000001`).
    Postal {
        postal_code: String,
        #[arg(long)]
        json: bool,
    },
    /// Show one customer with accounts, orders, documents, requests and notes (`customer ID`),
    /// or change or delete one.
    #[command(args_conflicts_with_subcommands = true)]
    Customer {
        id: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        command: Option<CustomerCommand>,
    },
    /// Call notes.
    Note {
        #[command(subcommand)]
        command: NoteCommand,
    },
    /// List every document type's fields (kind, required, label, choices), as the app's
    /// document form is built from them.
    DocForms,
    /// Issue a document as PDF: estimate, delivery_note, invoice, receipt, cooling_off,
    /// refund_claim or dealer_change_fax.
    Doc {
        r#type: String,
        /// The JSON document (format: README; a sample per type in assets/samples/documents/).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["order", "reissue"])]
        input: Option<PathBuf>,
        /// An order in the database (delivery_note, invoice, receipt).
        #[arg(long, value_name = "ORDER_NUMBER", conflicts_with = "reissue")]
        order: Option<String>,
        /// Re-issue the document of this number, with the data it was issued with (再発行).
        #[arg(long, value_name = "NUMBER")]
        reissue: Option<String>,
        /// お品物名 of a receipt issued from an order.
        #[arg(long)]
        item_name: Option<String>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Help-desk requests: dealer change, catalog stop, contact change, pause, cancellation,
    /// option cancellation, product change; with status history and due dates.
    Request {
        #[command(subcommand)]
        command: RequestCommand,
    },
    /// Settings of this installation (numbering.installation, numbering.prefix.<type>, agent.name).
    Settings {
        #[command(subcommand)]
        command: SettingsCommand,
    },
    /// The issuer printed on a service's documents.
    Issuer {
        #[command(subcommand)]
        command: IssuerCommand,
    },
}

#[derive(Subcommand)]
enum RequestCommand {
    /// File a request for a customer.
    New {
        r#type: String,
        #[arg(long)]
        customer: String,
        /// A field of the type, `key=value` (repeat).
        #[arg(long = "field", value_name = "KEY=VALUE")]
        fields: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Move a request to another status.
    Move {
        id: String,
        #[arg(long)]
        to: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
    /// Show a request with its history.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// List requests by due date.
    List {
        #[arg(long)]
        open: bool,
        #[arg(long)]
        overdue: bool,
        #[arg(long, value_name = "DATE")]
        due_before: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    Set { key: String, value: String },
    Show { key: String },
}

#[derive(Subcommand)]
enum IssuerCommand {
    /// Set the issuer of a service's documents.
    Set {
        service: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        postal_code: String,
        #[arg(long)]
        address: String,
        #[arg(long)]
        phone: String,
        #[arg(long)]
        fax: Option<String>,
        /// 適格請求書発行事業者登録番号: T and 13 digits.
        #[arg(long)]
        registration: Option<String>,
        /// A PNG of the company seal, printed over the name.
        #[arg(long, value_name = "PNG")]
        seal: Option<PathBuf>,
    },
    /// Show the issuer of a service.
    Show { service: String },
}

#[derive(Subcommand)]
enum DbCommand {
    /// Create the database (if missing) and bring its schema up to date.
    Init,
    /// Add synthetic customers (deterministic for a seed and day).
    Seed {
        #[arg(long)]
        customers: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Check a database file as it is (never created or migrated): integrity, foreign keys,
    /// search index, audit chain.
    Check,
    /// Back the database up with SQLite's online backup (consistent while the app writes).
    Backup {
        /// Where to write it (default: <data folder>/backups/madoguchi-YYYYMMDD-HHMMSS.sqlite3).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Replace the database with a backup, checked first as `db check` does (the replaced
    /// database is kept aside as <db>.replaced-YYYYMMDD-HHMMSS). Close the app first.
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
enum CustomerCommand {
    /// Change a customer's fields: name, name_kana, address, postal_code, prefecture, birth_date.
    Edit {
        id: String,
        /// `field=value` (repeat).
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        fields: Vec<String>,
    },
    /// Delete a customer with accounts, orders, requests and notes (issued documents stay, by their number).
    Delete { id: String },
    /// 名寄せ: move OTHER's accounts, orders, documents, requests, notes, phones and emails to KEEP, then delete OTHER.
    Merge {
        keep: String,
        other: String,
        #[arg(long)]
        json: bool,
    },
    /// 名寄せ: the customers likely the same person as this one (a shared phone or email and the same kana or birth date).
    Duplicates {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Customers from a CSV file (columns: see README).
    Customers {
        file: PathBuf,
        /// Write the good rows and report the bad ones (default: write nothing if any row is bad).
        #[arg(long)]
        skip_bad: bool,
        #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
        encoding: EncodingArg,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum TrustCommand {
    /// The trusted and revoked senders, and (with --dir) the unknown ones of a shared folder.
    List {
        #[arg(long, value_name = "SHARED_FOLDER")]
        dir: Option<PathBuf>,
    },
    /// Trust the sender who signed this bundle, once its fingerprint is the one the sender read
    /// out to you (`trust key` on their side): a different one is refused.
    Add {
        bundle: PathBuf,
        #[arg(long, value_name = "FINGERPRINT")]
        fingerprint: String,
    },
    /// Stop taking a sender's bundles.
    Revoke { fingerprint: String },
    /// This installation's own fingerprint and name, for colleagues to compare.
    Key,
}

#[derive(Subcommand)]
enum HubCommand {
    /// Create the hub's schema, or migrate it forward, as the database's owner.
    Init {
        #[arg(long, value_name = "URL")]
        url: String,
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
    /// Give an installation its own role at the hub; its password is written to a new file
    /// readable by you only, to hand to the installation.
    AddInstallation {
        #[arg(long, value_name = "URL")]
        url: String,
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
        /// The installation's id, name and key, as `madoguchi hub identity` prints them there.
        #[arg(long, value_name = "ID")]
        installation: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "HEX")]
        key: String,
        /// Where the new role's password goes (a new file, mode 600).
        #[arg(long, value_name = "FILE")]
        password_out: PathBuf,
    },
    /// Keep the hub password of URL's role in the operating system's keychain (read from
    /// standard input), or remove it (`--forget`).
    Login {
        #[arg(long, value_name = "URL")]
        url: String,
        #[arg(long)]
        forget: bool,
    },
    /// This installation's id, name and public key, for the hub's owner (`hub add-installation`).
    Identity,
    /// Delete the hub's changes no field takes any more once every installation has seen past
    /// them (tombstones kept), as the hub's owner.
    Compact {
        #[arg(long, value_name = "URL")]
        url: String,
        #[arg(long, value_name = "FILE")]
        password_file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum NoteCommand {
    /// Add a call note to a customer.
    Add { customer: String, text: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    Auto,
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "shift_jis")]
    ShiftJis,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(output) => {
            // A reader that stops early (`| head`) closes the pipe: what it did not read is
            // not an error of the command, which has done its work; any other failure to
            // write the answer (a full disk) is.
            let written = if output.is_empty() { Ok(()) } else { writeln!(std::io::stdout(), "{output}") };
            match written {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("cannot write the answer ({e})");
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(Failure::Request(line)) => {
            eprintln!("{line}");
            ExitCode::from(2)
        }
        Err(Failure::Setup(line)) => {
            eprintln!("{line}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<String, Failure> {
    let now = match &cli.as_of {
        Some(text) => madoguchi_api::quote::parse_moment(text).map_err(|reason| Failure::Request(format!("as_of: {reason}")))?,
        None => clock::now(),
    };
    let tariffs = match &cli.tariffs {
        Some(dir) => Tariffs::from_dir(dir),
        None => Tariffs::embedded(),
    }
    .map_err(|e| Failure::Setup(e.to_string()))?;
    let agent = settings::default_agent(cli.agent.clone());
    let keys_dir = match &cli.keys {
        Some(dir) => dir.clone(),
        None => keys::default_dir()?,
    };
    let signer = |store: &madoguchi_api::Store| -> Result<Signer, Failure> { Ok(Signer::of(store, &keys_dir, &agent)?) };
    let db = || -> Result<PathBuf, Failure> {
        Ok(match &cli.db {
            Some(path) => path.clone(),
            None => {
                // The default database, after the one-time move of the old data folder.
                if let Some(notice) = paths::prepare(now)? {
                    eprintln!("{notice}");
                }
                paths::default_db_path()?
            }
        })
    };
    match cli.command {
        Command::Quote { kinds: true } => pretty(&kinds(&tariffs)),
        Command::DocForms => pretty(&documents::forms()),
        Command::Quote { kinds: false } => {
            let mut request = String::new();
            std::io::stdin().read_to_string(&mut request).map_err(|e| Failure::Request(format!("request: cannot read standard input ({e})")))?;
            let answer = quote_json(&request, now, &tariffs).map_err(|e| Failure::Request(e.to_string()))?;
            pretty(&answer)
        }
        Command::Db { command } => {
            let path = db()?;
            let open = || customers::open(&path, now);
            match command {
                DbCommand::Init => {
                    let store = open()?;
                    Ok(format!(
                        "{}: schema {}, installation {}",
                        path.display(),
                        store.schema_version().map_err(ApiError::from)?,
                        store.installation_id().map_err(ApiError::from)?
                    ))
                }
                DbCommand::Seed { customers: count, seed } => {
                    let mut store = open()?;
                    let started = clock::stopwatch();
                    let report = customers::seed(&mut store, count, seed, now, &mut progress("seed", count))?;
                    Ok(format!(
                        "{}: {} customers, {} orders, {} documents, {} requests, {} notes in {:.1} s",
                        path.display(),
                        report.customers,
                        report.orders,
                        report.documents,
                        report.requests,
                        report.notes,
                        started.elapsed().as_secs_f64()
                    ))
                }
                DbCommand::Check => {
                    let problems = backup::check_file(&path)?;
                    if problems.is_empty() {
                        Ok(format!("{}: ok", path.display()))
                    } else {
                        Err(Failure::Setup(format!("{}:\n{}", path.display(), problems.join("\n"))))
                    }
                }
                DbCommand::Backup { out } => {
                    let out = match out {
                        Some(out) => out,
                        None => backup::default_dir()?.join(backup::file_name(now)),
                    };
                    let made = backup::backup(&open()?, &path, &out)?;
                    Ok(format!("{} → {} ({} bytes, sha256 {})", path.display(), made.path.display(), made.bytes, made.sha256))
                }
                // The database stays closed until the checked backup is in place.
                DbCommand::Restore { file } => {
                    let restored = backup::restore(&path, &file, now)?;
                    let customers = customers::customer_count(&open()?)?;
                    let aside = restored
                        .replaced
                        .map_or_else(|| "there was no database before".to_string(), |p| format!("the replaced database is kept as {}", p.display()));
                    Ok(format!(
                        "{}: restored from {} ({customers} customers); {aside}; it is now installation {} with a new signing key: the other installations trust it again (`madoguchi trust key` shows its fingerprint)",
                        path.display(),
                        file.display(),
                        restored.installation
                    ))
                }
            }
        }
        Command::Import { bundle: Some(file), json, command: None } => {
            let mut store = customers::open(&db()?, now)?;
            let own = signer(&store)?.public();
            let report = sync::import(&mut store, &file, &own, now, &mut counted("import"))?;
            if json { pretty(&report) } else { Ok(import_summary(&report)) }
        }
        Command::Import { bundle: None, command: None, .. } => Err(Failure::Request("import: give a bundle FILE, or `import customers FILE`".into())),
        Command::Export { out, since, snapshot } => {
            let store = customers::open(&db()?, now)?;
            let mut report = progress("export", 0);
            let manifest = if snapshot {
                sync::export_snapshot(&store, &out, &signer(&store)?, now, &mut report)?
            } else {
                let after = sync::since(&store, &signer(&store)?.public(), if since == "all" { None } else { Some(std::path::Path::new(&since)) })?;
                sync::export(&store, &out, &after, None, &signer(&store)?, now, &mut report)?
            };
            Ok(format!(
                "{}: {}{} changes ({} deletions) from installation {}",
                out.display(),
                if snapshot { "snapshot, " } else { "" },
                manifest.changes,
                manifest.tombstones,
                manifest.source
            ))
        }
        Command::Trust { command } => {
            let mut store = customers::open(&db()?, now)?;
            let own = signer(&store)?;
            match command {
                TrustCommand::Key => {
                    Ok(format!("{}  {} (this installation, {})", own.sender().fingerprint(), own.name, store.installation_id().map_err(ApiError::from)?))
                }
                TrustCommand::Add { bundle, fingerprint } => {
                    let manifest = sync::read_manifest(&bundle)?;
                    let given =
                        keys::normalize_fingerprint(&fingerprint).ok_or_else(|| ApiError::invalid("fingerprint", "is not 32 hex digits (as 3F2A-91C0-…)"))?;
                    if given != manifest.signer.fingerprint() {
                        return Err(ApiError::invalid(
                            "fingerprint",
                            format!("{given} is not the key that signed {}: compare again with the sender; nothing was trusted", bundle.display()),
                        )
                        .into());
                    }
                    keys::trust(&mut store, &manifest.signer, &manifest.source, &own.public(), &agent, now)?;
                    Ok(format!(
                        "trusted {}  {} (installation {}): its bundles are taken from now on",
                        manifest.signer.fingerprint(),
                        manifest.signer.name,
                        manifest.source
                    ))
                }
                TrustCommand::Revoke { fingerprint } => {
                    let sender = keys::revoke(&mut store, &fingerprint, &agent, now)?;
                    Ok(format!("revoked {}  {}: its bundles are refused from now on", sender.fingerprint(), sender.name))
                }
                TrustCommand::List { dir } => {
                    let mut lines = Vec::new();
                    for (sender, row) in keys::trusted(&store)? {
                        lines.push(match &row.revoked_at {
                            None => format!("trusted  {}  {} (since {}, by {})", sender.fingerprint(), sender.name, row.trusted_at, row.trusted_by),
                            Some(at) => format!("revoked  {}  {} (on {at}, by {})", sender.fingerprint(), sender.name, row.revoked_by.as_deref().unwrap_or("")),
                        });
                    }
                    if let Some(dir) = dir {
                        for (sender, source) in sync::senders_in(&store, &dir)? {
                            if keys::standing(&store, &own.public(), &sender.key)? == keys::Standing::Unknown {
                                lines.push(format!(
                                    "unknown  {}  {} (installation {source}): `madoguchi trust add` one of its bundles to take them",
                                    sender.fingerprint(),
                                    sender.name
                                ));
                            }
                        }
                    }
                    Ok(if lines.is_empty() { "no senders trusted yet".to_string() } else { lines.join("\n") })
                }
            }
        }
        Command::Pop { phone } => {
            let link = pop::link_of_phone(&pop::checked_phone(&phone)?);
            // The operating system hands the link to the registered app (the running one, or it
            // starts), exactly as a phone system's link would go.
            open::that_detached(&link).map_err(|e| Failure::Setup(format!("cannot open {link} ({e}); is the desktop app installed?")))?;
            Ok(format!("{link}: handed to the desktop app"))
        }
        Command::Sync { hub: Some(url), password_file, json, .. } => {
            let mut store = customers::open(&db()?, now)?;
            let password = password_file.map_or(Password::Keychain, Password::File);
            let mut client = madoguchi_hub::connect(&url, &password)?;
            let show = std::io::stderr().is_terminal();
            let report = madoguchi_hub::sync(&mut store, &mut client, &agent, now, &mut |phase, done, _| {
                if show {
                    eprint!("\r{phase}: {done} changes");
                }
                true
            })?;
            if show {
                eprintln!();
            }
            if json {
                return serde_json::to_string_pretty(&report).map_err(|e| Failure::Setup(e.to_string()));
            }
            let mut lines = vec![format!("pushed: {} changes (installation {}, document code {})", report.pushed, report.installation, report.doc_code)];
            for p in &report.pulled {
                lines.push(format!("pulled from {}: {} new, {} already here, {} conflicts", p.origin, p.applied, p.already_known, p.conflicts));
            }
            if report.pending > 0 {
                lines.push(format!("waiting for their parent: {} rows", report.pending));
            }
            lines.extend(report.compacted.map(compaction_line));
            Ok(lines.join("\n"))
        }
        Command::Hub { command } => match command {
            HubCommand::Init { url, password_file } => {
                let mut client = madoguchi_hub::connect(&url, &password_file.map_or(Password::Keychain, Password::File))?;
                let (before, after) = madoguchi_hub::init(&mut client)?;
                Ok(if before == after {
                    format!("the hub's schema is version {after} already")
                } else {
                    format!("the hub's schema: version {before} → {after}")
                })
            }
            HubCommand::AddInstallation { url, password_file, installation, name, key, password_out } => {
                // The password file first, empty and readable by the user only: a hub role is
                // never made whose password could not be kept.
                let mut out = new_private_file(&password_out)?;
                let added = madoguchi_hub::connect(&url, &password_file.map_or(Password::Keychain, Password::File))
                    .and_then(|mut client| madoguchi_hub::add_installation(&mut client, &installation, &name, &key))
                    .inspect_err(|_| {
                        let _ = std::fs::remove_file(&password_out);
                    })?;
                out.write_all(format!("{}\n", added.password).as_bytes())
                    .and_then(|()| out.sync_all())
                    .map_err(|e| Failure::Setup(format!("{}: {e}", password_out.display())))?;
                Ok(format!("installation {} is role {} at the hub; its password is in {}", added.installation, added.role, password_out.display()))
            }
            HubCommand::Login { url, forget } => {
                if forget {
                    madoguchi_hub::forget_password(&url)?;
                    return Ok("the hub password is no longer in the keychain".into());
                }
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| Failure::Setup(e.to_string()))?;
                madoguchi_hub::save_password(&url, line.trim_end_matches(['\r', '\n']))?;
                Ok("the hub password is kept in the keychain".into())
            }
            HubCommand::Compact { url, password_file } => {
                let mut client = madoguchi_hub::connect(&url, &password_file.map_or(Password::Keychain, Password::File))?;
                let done = madoguchi_hub::compact(&mut client)?;
                Ok(format!("the hub's log: {} changes, {} no longer needed removed", done.changes, done.removed))
            }
            HubCommand::Identity => {
                let store = customers::open(&db()?, now)?;
                let own = signer(&store)?;
                let key: String = own.public().as_bytes().iter().map(|b| format!("{b:02x}")).collect();
                Ok(format!("installation: {}\nname: {}\nkey: {key}", store.installation_id().map_err(ApiError::from)?, own.name))
            }
        },
        Command::Sync { dir, json, .. } => {
            let dir = dir.ok_or_else(|| Failure::Request("dir: give --dir SHARED_FOLDER or --hub URL".into()))?;
            let mut store = customers::open(&db()?, now)?;
            let mut show = counted("sync");
            let signer = signer(&store)?;
            let report = sync::sync_dir(&mut store, &dir, &signer, now, &mut |_, done, total| show(done, total))?;
            let text = if json {
                pretty(&report)?
            } else {
                let mut lines = vec![match &report.exported {
                    None => "exported: nothing new".to_string(),
                    Some(e) => format!("exported: {} ({} changes)", e.file, e.changes),
                }];
                for i in &report.imported {
                    lines.push(format!("imported {}: {}", i.file, import_summary(&i.report)));
                }
                for f in &report.failed {
                    lines.push(format!("refused {}: {}", f.file, f.error));
                }
                lines.extend(report.compacted.map(compaction_line));
                lines.join("\n")
            };
            if report.failed.is_empty() { Ok(text) } else { Err(Failure::Request(text)) }
        }
        Command::Customer { command: Some(CustomerCommand::Edit { id, fields }), .. } => {
            let mut store = customers::open(&db()?, now)?;
            let n = customers::edit(&mut store, &id, &key_values(&fields)?, &agent, now)?;
            Ok(format!("customer {id}: {n} fields changed"))
        }
        Command::Customer { command: Some(CustomerCommand::Delete { id }), .. } => {
            let mut store = customers::open(&db()?, now)?;
            customers::delete(&mut store, &id, &agent, now)?;
            Ok(format!("customer {id} deleted"))
        }
        Command::Customer { command: Some(CustomerCommand::Merge { keep, other, json }), .. } => {
            let mut store = customers::open(&db()?, now)?;
            let moved = customers::merge(&mut store, &keep, &other, &agent, now)?;
            if json {
                return pretty(&moved);
            }
            Ok([
                format!("customer {other} ({}) merged into {keep} and deleted; moved:", moved.other_name),
                format!("  accounts: {} (orders: {})", moved.accounts, moved.orders),
                format!("  documents: {}", moved.documents),
                format!("  requests: {} (history: {})", moved.requests, moved.request_history),
                format!("  call notes: {}", moved.call_notes),
                format!("  phones: {} ({} already held, deleted)", moved.phones.moved, moved.phones.dropped),
                format!("  emails: {} ({} already held, deleted)", moved.emails.moved, moved.emails.dropped),
            ]
            .into_iter()
            .chain((!moved.filled.is_empty()).then(|| format!("  taken from the other, the kept one's were empty: {}", moved.filled.join(", "))))
            .collect::<Vec<_>>()
            .join("\n"))
        }
        Command::Customer { command: Some(CustomerCommand::Duplicates { id, json }), .. } => {
            let store = customers::open(&db()?, now)?;
            let found = customers::duplicates(&store, &id)?;
            if json {
                return pretty(&found);
            }
            if found.is_empty() {
                return Ok(format!("customer {id}: no likely duplicates"));
            }
            Ok(found
                .iter()
                .map(|d| {
                    let accounts: Vec<String> = d.accounts.iter().map(|a| format!("{} {}", a.service, a.customer_number)).collect();
                    format!("{} {} ({}): {}", d.id, d.name, accounts.join(", "), d.reason_ja)
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        Command::Customer { id: None, .. } => Err(Failure::Request("customer: give a customer ID".into())),
        Command::Import { command: Some(ImportCommand::Customers { file, skip_bad, encoding, json }), .. } => {
            let mut source = std::fs::File::open(&file).map_err(|e| Failure::Request(format!("file: {}: {e}", file.display())))?;
            let mut store = customers::open(&db()?, now)?;
            let encoding = match encoding {
                EncodingArg::Auto => Encoding::Auto,
                EncodingArg::Utf8 => Encoding::Utf8,
                EncodingArg::ShiftJis => Encoding::ShiftJis,
            };
            let report = import::import_customers(
                &mut store,
                &mut source,
                encoding,
                skip_bad,
                Context { tariffs: &tariffs, actor: &agent, now },
                &mut progress("import", 0),
            )?;
            if std::io::stderr().is_terminal() {
                eprintln!();
            }
            let text = if json {
                pretty(&report.wire())?
            } else {
                let mut lines = vec![format!(
                    "{}: {} rows ({}): {} created, {} updated, {} unchanged, {} errors{}{}{}",
                    file.display(),
                    report.rows,
                    report.encoding,
                    report.created,
                    report.updated,
                    report.unchanged,
                    report.error_count,
                    if report.warning_count == 0 { String::new() } else { format!(", {} warnings", report.warning_count) },
                    if report.duplicate_count == 0 { String::new() } else { format!(", {} likely duplicates", report.duplicate_count) },
                    if report.written { "" } else { "; nothing was written" }
                )];
                lines.extend(report.errors.iter().map(|e| format!("line {}: {}: {}", e.line, e.field, e.message)));
                if report.error_count > report.errors.len() as u64 {
                    lines.push(format!("… and {} more errors", report.error_count - report.errors.len() as u64));
                }
                lines.extend(report.warnings.iter().map(|w| format!("line {}: {}: warning: {}", w.line, w.field, w.message)));
                if report.warning_count > report.warnings.len() as u64 {
                    lines.push(format!("… and {} more warnings", report.warning_count - report.warnings.len() as u64));
                }
                lines.extend(report.duplicates.iter().map(|d| {
                    let accounts: Vec<String> = d.other_accounts.iter().map(|(service, number)| format!("{service} {number}")).collect();
                    format!(
                        "line {}: {} {}: likely the same person as {} ({}; customer {}): {} (madoguchi customer merge)",
                        d.line,
                        d.service,
                        d.customer_number,
                        d.other_name,
                        accounts.join(", "),
                        d.other_id,
                        d.reason_ja
                    )
                }));
                if report.duplicate_count > report.duplicates.len() as u64 {
                    lines.push(format!("… and {} more likely duplicates", report.duplicate_count - report.duplicates.len() as u64));
                }
                lines.join("\n")
            };
            if report.written { Ok(text) } else { Err(Failure::Request(text)) }
        }
        Command::Postal { postal_code, json } => {
            let found = customers::postal_addresses(&postal_code)?;
            if json {
                return pretty(&found);
            }
            let code = &found.postal_code;
            if found.addresses.is_empty() {
                return Ok(format!("〒{code} は郵便番号データ（{}、{}）にありません", found.table.package, found.table.data_date));
            }
            Ok(found
                .addresses
                .iter()
                .map(|a| {
                    let note = if a.note.is_empty() { String::new() } else { format!("（{}）", a.note) };
                    let office = if a.office { "　[事業所]" } else { "" };
                    format!("〒{code} {}{}{}{note}{office}", a.prefecture, a.city, a.town)
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        Command::Lookup { query, json, limit } => {
            let store = customers::open(&db()?, now)?;
            let found = customers::lookup(&store, &query, limit)?;
            if json {
                return pretty(&found);
            }
            if found.results.is_empty() {
                return Ok(format!("「{query}」に一致するお客様はいません"));
            }
            Ok(found
                .results
                .iter()
                .map(|r| format!("{}  {}（{}）{}  [{}: {}]", r.customer_id, r.name, r.name_kana, r.prefecture, r.matched_label, r.matched))
                .collect::<Vec<_>>()
                .join("\n"))
        }
        Command::Customer { id: Some(id), json, command: None } => {
            let store = customers::open(&db()?, now)?;
            let view = customers::customer(&store, &id)?;
            if json { pretty(&view) } else { Ok(summary(&view)) }
        }
        Command::Note { command: NoteCommand::Add { customer, text } } => {
            let mut store = customers::open(&db()?, now)?;
            let id = customers::add_note(&mut store, &customer, &agent, &text, now)?;
            Ok(format!("note {id} added"))
        }
        Command::Doc { r#type, input, order, reissue, item_name, out } => {
            let mut store = customers::open(&db()?, now)?;
            // The PDF is made durable in place (temporary file, fsync, rename, folder fsync)
            // before the document is committed; if the commit then fails, the file goes.
            let mut written = false;
            let mut write = |d: &documents::Delivery| {
                paths::replace_durably(&out, d.pdf).map_err(|e| e.to_string())?;
                written = true;
                Ok(())
            };
            let issued = match (input, order, reissue) {
                (Some(path), None, None) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| Failure::Request(format!("input: {}: {e}", path.display())))?;
                    let request: Value = serde_json::from_str(&text).map_err(|e| Failure::Request(format!("input: not valid JSON ({e})")))?;
                    documents::issue(&mut store, &r#type, &request, Context { tariffs: &tariffs, actor: &agent, now }, &mut write)
                }
                (None, Some(order), None) => {
                    documents::issue_for_order(&mut store, &r#type, &order, item_name.as_deref(), Context { tariffs: &tariffs, actor: &agent, now }, &mut write)
                }
                (None, None, Some(number)) => documents::reissue(&mut store, &r#type, &number, Context { tariffs: &tariffs, actor: &agent, now }, &mut write),
                _ => return Err(Failure::Request("input: give one of --input FILE, --order NUMBER or --reissue NUMBER".into())),
            };
            let issued = issued.inspect_err(|_| {
                if written {
                    let _ = std::fs::remove_file(&out);
                }
            })?;
            let done = format!("{} → {} ({} bytes, sha256 {})", issued.number, out.display(), issued.pdf.len(), issued.sha256);
            Ok(std::iter::once(done).chain(issued.warnings.iter().map(|w| format!("注意: {w}"))).collect::<Vec<_>>().join("\n"))
        }
        Command::Request { command } => {
            let mut store = customers::open(&db()?, now)?;
            let (view, json) = match command {
                RequestCommand::New { r#type, customer, fields, json } => {
                    (requests::create(&mut store, &r#type, &customer, &key_values(&fields)?, Context { tariffs: &tariffs, actor: &agent, now })?, json)
                }
                RequestCommand::Move { id, to, note, json } => {
                    (requests::move_to(&mut store, &id, &to, &note, Context { tariffs: &tariffs, actor: &agent, now })?, json)
                }
                RequestCommand::Show { id, json } => (requests::show(&store, &id, now)?, json),
                RequestCommand::List { open, overdue, due_before, json } => {
                    let listed = requests::list(&store, open, overdue, due_before.as_deref(), now)?;
                    if json {
                        return pretty(&listed);
                    }
                    let rows: Vec<String> = listed.requests.iter().map(request_line).collect();
                    return Ok(if rows.is_empty() { "該当する依頼はありません".into() } else { rows.join("\n") });
                }
            };
            if json {
                return pretty(&view);
            }
            let mut lines = vec![request_line(&view.summary)];
            if let Some(warning) = view.machine.as_ref().and_then(|m| m.warning) {
                lines.push(format!("注意: {warning}"));
            }
            for h in &view.history {
                lines.push(format!("  {} {} → {} {} {}", h.at, h.from.as_deref().unwrap_or("—"), h.to, h.actor, h.comment));
            }
            Ok(lines.join("\n"))
        }
        Command::Settings { command } => {
            let mut store = customers::open(&db()?, now)?;
            match command {
                SettingsCommand::Set { key, value } => {
                    settings::set(&mut store, &key, &value, &agent, now)?;
                    Ok(format!("{key} = {value}"))
                }
                SettingsCommand::Show { key } => Ok(settings::get(&store, settings::Setting::parse(&key)?)?.unwrap_or_else(|| "（未設定）".into())),
            }
        }
        Command::Issuer { command } => {
            let mut store = customers::open(&db()?, now)?;
            match command {
                IssuerCommand::Set { service, name, postal_code, address, phone, fax, registration, seal } => {
                    let seal_png = match seal {
                        Some(path) => Some(std::fs::read(&path).map_err(|e| Failure::Request(format!("seal: {}: {e}", path.display())))?),
                        None => None,
                    };
                    let record = documents::IssuerRecord { name, postal_code, address, phone, fax, registration_number: registration, seal_png };
                    let warnings = documents::set_issuer(&mut store, &service, record, &agent, now)?;
                    Ok(std::iter::once(format!("issuer of {service} set")).chain(warnings.iter().map(|w| format!("注意: {w}"))).collect::<Vec<_>>().join("\n"))
                }
                IssuerCommand::Show { service } => {
                    let issuer = documents::issuer(&store, &service)?.ok_or_else(|| Failure::Request(format!("service: no issuer set for {service}")))?;
                    Ok(format!(
                        "{}\n〒{} {}\nTEL {}{}\n登録番号 {}\n印影 {}",
                        issuer.name,
                        issuer.postal_code,
                        issuer.address,
                        issuer.phone,
                        issuer.fax.map(|f| format!(" FAX {f}")).unwrap_or_default(),
                        issuer.registration_number.unwrap_or_else(|| "（なし）".into()),
                        if issuer.seal_png.is_some() { "あり" } else { "なし" }
                    ))
                }
            }
        }
    }
}

/// Progress on standard error when it is a terminal (the line ends when `total` is
/// reached); never cancels.
fn progress(what: &'static str, total: u64) -> impl FnMut(u64) -> bool {
    let show = std::io::stderr().is_terminal();
    move |done| {
        if show {
            match total {
                0 => eprint!("\r{what}: {done} rows"),
                _ if done >= total => eprintln!("\r{what}: {done} / {total}"),
                _ => eprint!("\r{what}: {done} / {total}"),
            }
        }
        true
    }
}

/// `key=value` arguments as pairs.
fn key_values(given: &[String]) -> Result<Vec<(String, String)>, Failure> {
    given
        .iter()
        .map(|field| {
            let (key, value) = field.split_once('=').ok_or_else(|| Failure::Request(format!("field: '{field}' is not key=value")))?;
            Ok((key.trim().to_string(), value.to_string()))
        })
        .collect()
}

/// A new file readable by its owner only (refused when it exists: a password is never written
/// over something else).
fn new_private_file(path: &Path) -> Result<std::fs::File, Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|e| Failure::Request(format!("password-out: {}: {e}", path.display())))
}

/// Progress of work that knows its total (bundles), on standard error when it is a terminal.
fn counted(what: &'static str) -> impl FnMut(u64, u64) -> bool {
    let show = std::io::stderr().is_terminal();
    move |done, total| {
        if show {
            eprint!("\r{what}: {done} / {total} changes");
            if done >= total && total > 0 {
                eprintln!();
            }
        }
        true
    }
}

/// One line about a request: its id, type, status and due date.
fn request_line(r: &wire::RequestSummary) -> String {
    format!("{}  {}  {}  期限 {}{}", r.id, r.type_label, r.status_label, r.due_on.as_deref().unwrap_or("—"), if r.overdue { "  【期限超過】" } else { "" })
}

/// The day's compaction of the change log, as `sync` reports it.
fn compaction_line(c: wire::LogCompaction) -> String {
    format!("log compacted: {} of {} changes removed (replaced in every field, and seen by every installation)", c.removed, c.changes)
}

/// One line about an imported bundle.
fn import_summary(r: &wire::BundleImport) -> String {
    let mut line = format!(
        "{} changes from {}: {} applied, {} already known, {} conflicts, {} waiting for their parent row",
        r.changes,
        r.source,
        r.applied,
        r.already_known,
        r.conflicts.len(),
        r.pending
    );
    for c in &r.conflicts {
        line.push_str(&format!(
            "\n  conflict {} {} {}: kept {} (from {}), discarded {} (from {})",
            c.table, c.id, c.field, c.kept.value, c.kept.origin, c.discarded.value, c.discarded.origin
        ));
    }
    line
}

/// A readable summary of a customer for the terminal.
fn summary(c: &wire::Customer) -> String {
    let mut lines = vec![format!("{}（{}）  {}", c.name, c.name_kana, c.id), format!("〒{} {}{}", c.postal_code, c.prefecture, c.address)];
    for phone in &c.phones {
        lines.push(format!("電話 {} {}", phone.number, phone.label.as_deref().unwrap_or("")));
    }
    for email in &c.emails {
        lines.push(format!("メール {email}"));
    }
    for account in &c.accounts {
        lines.push(format!("{} {} ({}) 注文{}件", account.service, account.customer_number, account.status, account.orders.len()));
    }
    for (count, label) in [(c.documents.len(), "書類"), (c.requests.len(), "依頼"), (c.notes.len(), "メモ")] {
        lines.push(format!("{label} {count}件"));
    }
    lines.join("\n")
}

fn pretty(value: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string_pretty(value).map_err(|e| Failure::Setup(format!("cannot write the answer ({e})")))
}

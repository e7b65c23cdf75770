//! The commands of docs/app-commands.md: each takes its arguments as a struct (deserialised
//! from the UI's JSON, unknown keys refused) and returns a typed answer (the API's `wire`, or
//! the session's own), calling the API crate as the CLI does, so that both give the same JSON.

use std::path::{Path, PathBuf};

use madoguchi_api::Context;
use madoguchi_api::documents::{self, Delivery, Issued, IssuerRecord};
use madoguchi_api::import::{self, Encoding};
use madoguchi_api::keys::{self, Signer, Standing};
use madoguchi_api::settings::Setting;
use madoguchi_api::wire as api;
use madoguchi_api::{backup, customers, paths, quote, requests, settings, sync};
use madoguchi_domain::tariff::Service;
use madoguchi_domain::time::Moment;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::files::{self, FileDialog};
use crate::jobs::{self, JobKind};
use crate::{CommandArgs, CommandError, Db, Session, config, wire};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupArgs {
    pub query: String,
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdArgs {
    pub id: String,
}

/// A customer's own fields to change, `{field: value}` (the fields `madoguchi customer edit`
/// takes: name, name_kana, postal_code, prefecture, address, birth_date).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditCustomerArgs {
    pub id: String,
    pub fields: std::collections::BTreeMap<String, String>,
}

/// 名寄せ: the customer to keep and the one merged into it (then gone).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeArgs {
    pub keep: String,
    pub other: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostalArgs {
    pub postal_code: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddNoteArgs {
    pub customer_id: String,
    pub body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotePrefillArgs {
    pub customer_id: String,
    pub service: String,
    pub kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteArgs {
    pub request: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveQuoteArgs {
    pub customer_id: String,
    pub request: Value,
    pub answer: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDraftArgs {
    pub doc_type: String,
    pub customer_id: String,
    /// The order's id (or its order number).
    pub order_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueDocumentArgs {
    pub doc_type: String,
    pub document: Value,
    /// Records the document as this customer's (as `document_draft` drafted it).
    pub customer_id: Option<String>,
    /// …and as this order's.
    pub order_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReissueDocumentArgs {
    pub doc_type: String,
    pub number: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberArgs {
    pub number: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateRequestArgs {
    #[serde(rename = "type")]
    pub request_type: String,
    pub customer_id: String,
    #[serde(default)]
    pub fields: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRequestArgs {
    pub id: String,
    pub to: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestsArgs {
    #[serde(default)]
    pub open_only: bool,
    #[serde(default)]
    pub overdue_only: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetSettingArgs {
    pub key: String,
    pub value: String,
}

/// An issuer as the settings screen edits it. `seal`: false removes the stored seal image;
/// absent or true keeps it (seals are set with `madoguchi issuer set --seal`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerArgs {
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub registration_number: Option<String>,
    pub seal: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetIssuerArgs {
    pub service: String,
    pub issuer: IssuerArgs,
}

/// `create`: false opens an existing database, true makes a new one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDatabaseArgs {
    pub create: bool,
}

/// `path`: one of the backups `backups` lists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreBackupArgs {
    pub path: PathBuf,
}

/// `purpose`: `documents` (where issued PDFs go) or `sync` (the shared folder).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChooseFolderArgs {
    pub purpose: String,
}

/// `fingerprint`: as `senders` shows it (case, hyphens and spaces do not matter).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FingerprintArgs {
    pub fingerprint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceArgs {
    pub service: String,
}

/// A job to start, by its `kind` (`{kind: "seed", count, seed?}`, `{kind: "import_customers",
/// skip_bad?, encoding?}`, `{kind: "export_bundle", since? | snapshot?}`, `{kind:
/// "import_bundle"}`, `{kind: "sync_folder"}`, `{kind: "sync_hub"}`); files are chosen in
/// dialogs. The kind is read first, then the arguments as that kind's own (an argument of
/// another kind is refused naming it, as is one of the wrong type).
#[derive(Debug)]
pub enum StartJobArgs {
    /// `count` synthetic customers from `seed` (default 1).
    Seed {
        count: u64,
        seed: Option<u64>,
    },
    /// `encoding`: `auto` (default), `utf-8` or `shift_jis`.
    ImportCustomers {
        skip_bad: bool,
        encoding: Option<String>,
    },
    /// `since`: only what the sender of an earlier bundle (chosen in a dialog) lacked;
    /// `snapshot`: every row as it stands, for a new installation.
    ExportBundle {
        since: bool,
        snapshot: bool,
    },
    ImportBundle,
    SyncFolder,
    SyncHub,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedJob {
    count: u64,
    seed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportJob {
    #[serde(default)]
    skip_bad: bool,
    encoding: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportJob {
    #[serde(default)]
    since: bool,
    #[serde(default)]
    snapshot: bool,
}

/// A job that takes no argument but its kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KindOnly {}

impl CommandArgs for StartJobArgs {
    fn read(args: Value) -> Result<Self, CommandError> {
        let mut args = crate::arguments(args)?;
        let kind: String = match args.remove("kind") {
            None => return Err(CommandError::invalid("kind", "missing")),
            Some(kind) => madoguchi_api::input::from_json(kind).map_err(|misfit| CommandError::invalid("kind", misfit.error))?,
        };
        let rest = Value::Object(args);
        Ok(match JobKind::ALL.into_iter().find(|k| k.to_string() == kind) {
            Some(JobKind::Seed) => {
                let SeedJob { count, seed } = crate::parse(rest)?;
                StartJobArgs::Seed { count, seed }
            }
            Some(JobKind::ImportCustomers) => {
                let ImportJob { skip_bad, encoding } = crate::parse(rest)?;
                StartJobArgs::ImportCustomers { skip_bad, encoding }
            }
            Some(JobKind::ExportBundle) => {
                let ExportJob { since, snapshot } = crate::parse(rest)?;
                StartJobArgs::ExportBundle { since, snapshot }
            }
            Some(other) => {
                let KindOnly {} = crate::parse(rest)?;
                match other {
                    JobKind::ImportBundle => StartJobArgs::ImportBundle,
                    JobKind::SyncFolder => StartJobArgs::SyncFolder,
                    _ => StartJobArgs::SyncHub,
                }
            }
            None => {
                let known: Vec<String> = JobKind::ALL.iter().map(ToString::to_string).collect();
                return Err(CommandError::invalid("kind", format!("'{kind}' is not a job ({})", known.join(", "))));
            }
        })
    }
}

/// The hub password to keep in the keychain for the `sync.hub` URL; empty: forget it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HubPasswordArgs {
    /// Read as any JSON value, so that a wrong type is refused without its value in the error.
    pub password: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobArgs {
    pub job: String,
}

/// An empty optional text is absent (forms send "").
fn given(text: Option<String>) -> Option<String> {
    text.filter(|t| !t.trim().is_empty())
}

/// Document numbers become file names: only letters, digits and hyphens.
fn check_number(number: &str) -> Result<(), CommandError> {
    if number.is_empty() || number.len() > 40 || !number.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(CommandError::invalid("number", format!("'{number}' is not a document number")));
    }
    Ok(())
}

fn io_failed(path: &Path, e: std::io::Error) -> CommandError {
    CommandError::failed(format!("{}: {e}", path.display()))
}

impl Session {
    fn status_of(&self, db: &Db) -> Result<wire::Status, CommandError> {
        Ok(wire::Status {
            db_path: db.path.clone(),
            customers: customers::customer_count(&db.store)?,
            agent: self.agent(&db.store)?,
            installation: documents::installation_code(&db.store)?,
            version: env!("CARGO_PKG_VERSION"),
            documents_dir: self.documents_dir(&db.store)?,
            log_dir: self.log_dir.clone(),
            notice: self.notice.clone(),
        })
    }

    /// `{db_path, customers, agent, installation, version, documents_dir, log_dir, notice}`.
    pub fn status(&self) -> Result<wire::Status, CommandError> {
        self.status_of(&self.db())
    }

    /// As `madoguchi lookup --json` (20 results unless `limit`).
    pub fn lookup(&self, args: LookupArgs) -> Result<api::Lookup, CommandError> {
        Ok(customers::lookup(&self.db().store, &args.query, args.limit.unwrap_or(20))?)
    }

    /// As `madoguchi customer --json`.
    pub fn customer(&self, args: IdArgs) -> Result<api::Customer, CommandError> {
        Ok(customers::customer(&self.db().store, &args.id)?)
    }

    /// As `madoguchi customer edit`, checked the same way (each value a `FreeText`: capped, no
    /// card number; the first bad one refused naming its field, nothing written): `{changed,
    /// customer}`, the customer as `customer` answers it after the change.
    pub fn edit_customer(&self, args: EditCustomerArgs) -> Result<wire::Edited, CommandError> {
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        let given: Vec<(String, String)> = args.fields.into_iter().collect();
        let changed = customers::edit(&mut db.store, &args.id, &given, &agent, self.now())?;
        Ok(wire::Edited { changed, customer: customers::customer(&db.store, &args.id)? })
    }

    /// As `madoguchi postal --json`: a postal code's addresses (none when unknown).
    pub fn postal_addresses(&self, args: PostalArgs) -> Result<api::PostalAddresses, CommandError> {
        Ok(customers::postal_addresses(&args.postal_code)?)
    }

    /// As `madoguchi customer duplicates --json`: the customers likely the same person.
    pub fn customer_duplicates(&self, args: IdArgs) -> Result<Vec<api::Duplicate>, CommandError> {
        Ok(customers::duplicates(&self.db().store, &args.id)?)
    }

    /// As `madoguchi customer merge KEEP OTHER --json`, by the agent of this session: `{merged,
    /// customer}`, what moved and the kept customer as `customer` answers it afterwards.
    pub fn merge_customers(&self, args: MergeArgs) -> Result<wire::MergedCustomer, CommandError> {
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        let merged = customers::merge(&mut db.store, &args.keep, &args.other, &agent, self.now())?;
        Ok(wire::MergedCustomer { merged, customer: customers::customer(&db.store, args.keep.trim())? })
    }

    /// `{id}` of the new call note; a card number is refused naming `body`.
    pub fn add_note(&self, args: AddNoteArgs) -> Result<wire::Id, CommandError> {
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        let id =
            customers::add_note(&mut db.store, &args.customer_id, &agent, &args.body, self.now()).map_err(|e| CommandError::from(e).renamed("note", "body"))?;
        Ok(wire::Id { id })
    }

    /// As `madoguchi quote --kinds`.
    pub fn quote_kinds(&self) -> Result<api::Kinds, CommandError> {
        Ok(quote::kinds(&self.tariffs))
    }

    /// A partial quote request from the customer's account at the service.
    pub fn quote_prefill(&self, args: QuotePrefillArgs) -> Result<api::QuoteDraft, CommandError> {
        Ok(quote::draft(&self.db().store, &args.customer_id, &args.service, &args.kind, &self.tariffs)?)
    }

    /// The answer of `madoguchi quote`.
    pub fn quote(&self, args: QuoteArgs) -> Result<api::QuoteAnswer, CommandError> {
        Ok(quote::quote(&args.request, self.now(), &self.tariffs)?)
    }

    /// `{id}` of a call note summarising the quote given.
    pub fn save_quote(&self, args: SaveQuoteArgs) -> Result<wire::Id, CommandError> {
        let body = quote::summary(&args.request, &args.answer, &self.tariffs)?;
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        let id =
            customers::add_note(&mut db.store, &args.customer_id, &agent, &body, self.now()).map_err(|e| CommandError::from(e).renamed("note", "answer"))?;
        Ok(wire::Id { id })
    }

    /// `{common_fields, types: [{type, fields}]}`: the fields of each document form.
    pub fn document_forms(&self) -> Result<api::DocumentForms, CommandError> {
        Ok(documents::forms())
    }

    /// `[{type, label, prefix, from_order}]`.
    pub fn document_types(&self) -> Result<Vec<api::DocumentType>, CommandError> {
        Ok(documents::types(&self.db().store)?)
    }

    /// A document JSON filled from the customer, the order and the issuer.
    pub fn document_draft(&self, args: DocumentDraftArgs) -> Result<documents::DocInput, CommandError> {
        let order = given(args.order_id);
        Ok(documents::draft(&self.db().store, &args.doc_type, &args.customer_id, order.as_deref(), &self.tariffs, self.now())?)
    }

    /// Writes an issued PDF as `<documents_dir>/<file_name(number)>` and answers `{number, path,
    /// pages, bytes}`. The file is made durable in place (temporary file, fsync, rename, folder
    /// fsync) inside the issue's transaction, before the commit; if the issue then fails, the
    /// file is removed, so a PDF on disk is always one the database recorded.
    fn write_issued(
        &self,
        db: &mut Db,
        file_name: impl Fn(&str) -> String,
        issue: impl FnOnce(&mut Db, documents::Deliver) -> Result<Issued, madoguchi_api::ApiError>,
    ) -> Result<wire::IssuedFile, CommandError> {
        let dir = self.documents_dir(&db.store)?;
        std::fs::create_dir_all(&dir).map_err(|e| io_failed(&dir, e))?;
        let mut placed: Option<PathBuf> = None;
        let mut deliver = |d: &Delivery| {
            let path = dir.join(file_name(d.number));
            paths::write_durably(&path, d.pdf).map_err(|e| e.to_string())?;
            placed = Some(path);
            Ok(())
        };
        let issued = issue(db, &mut deliver);
        let issued = match issued {
            Ok(issued) => issued,
            Err(e) => {
                // Nothing was recorded: the file (if it was written) is not a document.
                if let Some(path) = &placed {
                    let _ = std::fs::remove_file(path);
                }
                return Err(e.into());
            }
        };
        let path = placed.unwrap_or_else(|| dir.join(file_name(&issued.number)));
        Ok(wire::IssuedFile { pages: issued.pages, bytes: issued.pdf.len(), number: issued.number, path, warnings: issued.warnings })
    }

    /// Issues a document; the PDF is written as `<documents_dir>/<number>.pdf`.
    pub fn issue_document(&self, args: IssueDocumentArgs) -> Result<wire::IssuedFile, CommandError> {
        let now = self.now();
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        let customer = given(args.customer_id);
        let order = given(args.order_id);
        if order.is_some() && customer.is_none() {
            return Err(CommandError::invalid("customer_id", "missing: an order_id is given with its customer"));
        }
        self.write_issued(
            &mut db,
            |number| format!("{number}.pdf"),
            |db, deliver| match &customer {
                Some(customer) => documents::issue_for_customer(
                    &mut db.store,
                    &args.doc_type,
                    &args.document,
                    customer,
                    order.as_deref(),
                    Context { tariffs: &self.tariffs, actor: &agent, now },
                    deliver,
                ),
                None => documents::issue(&mut db.store, &args.doc_type, &args.document, Context { tariffs: &self.tariffs, actor: &agent, now }, deliver),
            },
        )
        .map_err(|e| e.renamed("type", "doc_type"))
    }

    /// Re-issues a document (再発行); the PDF is written as `<number>-reissue.pdf`.
    pub fn reissue_document(&self, args: ReissueDocumentArgs) -> Result<wire::IssuedFile, CommandError> {
        documents::check_type("doc_type", &args.doc_type)?;
        check_number(&args.number)?;
        let now = self.now();
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        self.write_issued(
            &mut db,
            |number| format!("{number}-reissue.pdf"),
            |db, deliver| documents::reissue(&mut db.store, &args.doc_type, &args.number, Context { tariffs: &self.tariffs, actor: &agent, now }, deliver),
        )
    }

    /// The latest print of a document number in the documents folder: its re-issue (再発行)
    /// when there is one, else the original.
    fn issued_pdf(&self, number: &str) -> Result<PathBuf, CommandError> {
        check_number(number)?;
        let dir = self.documents_dir(&self.db().store)?;
        [format!("{number}-reissue.pdf"), format!("{number}.pdf")]
            .into_iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
            .ok_or_else(|| CommandError::not_found(format!("the PDF of {number} is not in {}; re-issue it", dir.display())))
    }

    /// Copies the issued PDF where the agent chooses in a save dialog; `{path}` or cancelled.
    pub fn save_document(&self, args: NumberArgs) -> Result<wire::Chosen<wire::FilePath>, CommandError> {
        let source = self.issued_pdf(&args.number)?;
        let Some(target) = files::save_target(self.dialogs.as_ref(), &FileDialog::pdf_copy(&args.number), &self.db_path())? else {
            return Ok(wire::Chosen::cancelled());
        };
        if !same_file::is_same_file(&source, &target).unwrap_or(false) {
            let bytes = std::fs::read(&source).map_err(|e| io_failed(&source, e))?;
            paths::write_durably(&target, &bytes)?;
        }
        Ok(wire::Chosen::Done(wire::FilePath { path: target }))
    }

    /// Sends the latest print of a number to the system's printing; `{path}`.
    pub fn print_document(&self, args: NumberArgs) -> Result<wire::FilePath, CommandError> {
        let path = self.issued_pdf(&args.number)?;
        (self.printer)(&path).map_err(|e| CommandError::failed(format!("{}: {e}", path.display())))?;
        Ok(wire::FilePath { path })
    }

    /// Opens the issued PDF with the session's opener; `{path}`.
    pub fn open_document(&self, args: NumberArgs) -> Result<wire::FilePath, CommandError> {
        let path = self.issued_pdf(&args.number)?;
        (self.opener)(&path).map_err(|e| CommandError::failed(format!("{}: {e}", path.display())))?;
        Ok(wire::FilePath { path })
    }

    /// Every request type with its fields, statuses and transitions.
    pub fn request_types(&self) -> Result<Vec<api::RequestTypeInfo>, CommandError> {
        Ok(requests::types())
    }

    /// As `madoguchi request new --json`; field values may be strings, numbers or booleans
    /// (null: not given).
    pub fn create_request(&self, args: CreateRequestArgs) -> Result<api::Request, CommandError> {
        let mut pairs = Vec::new();
        for (key, value) in args.fields {
            let text = match value {
                Value::Null => continue,
                Value::String(text) => text,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return Err(CommandError::invalid(key, "must be a string, a number or a boolean")),
            };
            pairs.push((key, text));
        }
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        Ok(requests::create(&mut db.store, &args.request_type, &args.customer_id, &pairs, Context { tariffs: &self.tariffs, actor: &agent, now: self.now() })?)
    }

    /// As `madoguchi request move --json`.
    pub fn move_request(&self, args: MoveRequestArgs) -> Result<api::Request, CommandError> {
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        Ok(requests::move_to(
            &mut db.store,
            &args.id,
            &args.to,
            args.note.as_deref().unwrap_or(""),
            Context { tariffs: &self.tariffs, actor: &agent, now: self.now() },
        )?)
    }

    /// As `madoguchi request show --json`.
    pub fn request(&self, args: IdArgs) -> Result<api::Request, CommandError> {
        Ok(requests::show(&self.db().store, &args.id, self.now())?)
    }

    /// As `madoguchi request list --json` (with `--open`, `--overdue`).
    pub fn requests(&self, args: RequestsArgs) -> Result<api::RequestList, CommandError> {
        Ok(requests::list(&self.db().store, args.open_only, args.overdue_only, None, self.now())?)
    }

    /// `{agent_name, installation, db_path, documents_dir, sync_dir, sync_hub, sync_hub_every,
    /// sync_hub_last, log_dir, issuers: {service: issuer | null}}`.
    pub fn settings(&self) -> Result<wire::Settings, CommandError> {
        let db = self.db();
        let mut issuers = indexmap::IndexMap::new();
        for service in Service::ALL {
            let issuer = documents::issuer(&db.store, service.id())?.map(|i| wire::IssuerInfo {
                seal: i.seal_png.is_some(),
                name: i.name,
                postal_code: i.postal_code,
                address: i.address,
                phone: i.phone,
                fax: i.fax,
                registration_number: i.registration_number,
            });
            issuers.insert(service.id(), issuer);
        }
        Ok(wire::Settings {
            agent_name: self.agent(&db.store)?,
            installation: documents::installation_code(&db.store)?,
            db_path: db.path.clone(),
            documents_dir: self.documents_dir(&db.store)?,
            sync_dir: settings::get(&db.store, Setting::SyncDir)?,
            sync_hub: settings::get(&db.store, Setting::SyncHub)?,
            sync_hub_every: settings::get(&db.store, Setting::SyncHubEvery)?.and_then(|m| m.parse::<u32>().ok()).unwrap_or(0),
            sync_hub_last: settings::get(&db.store, Setting::SyncHubLast)?,
            log_dir: self.log_dir.clone(),
            issuers,
        })
    }

    /// Sets `agent.name`, `numbering.installation`, `numbering.prefix.<type>`, `sync.hub` or
    /// `sync.hub.every`; the folders are refused here (`invalid` on `key`): they are chosen with
    /// `choose_folder`.
    pub fn set_setting(&self, args: SetSettingArgs) -> Result<wire::Done, CommandError> {
        // A folder is only ever what the agent chose in a folder dialog (`choose_folder`): the
        // page never names a path.
        match Setting::parse(&args.key) {
            Ok(Setting::DocumentsDir | Setting::SyncDir) => {
                return Err(CommandError::invalid("key", format!("{} is chosen in a folder dialog (choose_folder), not typed", args.key)));
            }
            Ok(Setting::SyncHubLast) => return Err(CommandError::invalid("key", "sync.hub.last is written by a hub sync, not typed")),
            _ => {}
        }
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        settings::set(&mut db.store, &args.key, args.value.trim(), &agent, self.now())?;
        Ok(wire::Done {})
    }

    /// Sets a service's issuer (its seal image kept unless `seal` is false).
    pub fn set_issuer(&self, args: SetIssuerArgs) -> Result<wire::Warnings, CommandError> {
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        let i = args.issuer;
        let seal_png = match i.seal {
            Some(false) => None,
            _ => documents::issuer(&db.store, &args.service)?.and_then(|old| old.seal_png),
        };
        let record = IssuerRecord {
            name: i.name,
            postal_code: i.postal_code,
            address: i.address,
            phone: i.phone,
            fax: i.fax,
            registration_number: i.registration_number,
            seal_png,
        };
        let warnings = documents::set_issuer(&mut db.store, &args.service, record, &agent, self.now())?;
        Ok(wire::Warnings { warnings })
    }

    /// Switches to a database the agent chooses: an existing one (`create: false`, an open
    /// dialog) or a new file (a save dialog; an existing file is refused, never replaced);
    /// remembered for the next start; answers as `status`, or cancelled.
    pub fn open_database(&self, args: OpenDatabaseArgs) -> Result<wire::Chosen<wire::Status>, CommandError> {
        let path = if args.create {
            let Some(chosen) = self.dialogs.choose(&FileDialog::new_database()) else { return Ok(wire::Chosen::cancelled()) };
            let path = std::path::absolute(&chosen.path).map_err(|e| CommandError::invalid("path", e))?;
            if path.exists() {
                return Err(CommandError::invalid(
                    "path",
                    format!("{} already exists; open it with 「データベースを開く」 or choose a new name", path.display()),
                ));
            }
            path
        } else {
            let Some(path) = files::open_target(self.dialogs.as_ref(), &FileDialog::open_database())? else { return Ok(wire::Chosen::cancelled()) };
            path
        };
        let store = customers::open(&path, self.now())?;
        let mut db = self.db();
        *db = Db { path, store };
        if let Some(file) = &self.config_file {
            config::remember_db_path(file, &db.path)?;
        }
        self.status_of(&db).map(wire::Chosen::Done)
    }

    /// `{dir, last, backups: [{path, at, bytes}]}`: the backups folder (null when the session
    /// has none), the newest backup's time (null when there is none) and every backup, newest
    /// first.
    pub fn backups(&self) -> Result<wire::Backups, CommandError> {
        let Some(dir) = &self.backups_dir else { return Ok(wire::Backups { dir: None, last: None, backups: Vec::new() }) };
        let listed = backup::list(dir)?;
        Ok(wire::Backups {
            dir: Some(dir.clone()),
            last: listed.first().map(backup::Backup::at_text),
            backups: listed.iter().map(|b| wire::BackupInfo { path: b.path.clone(), at: b.at_text(), bytes: b.bytes }).collect(),
        })
    }

    /// Backs the open database up now, into the backups folder (named by the time, rotated as
    /// the daily backup is); answers as `backups`.
    pub fn backup_now(&self) -> Result<wire::Backups, CommandError> {
        let dir = self.backups_dir.as_ref().ok_or_else(|| CommandError::invalid("path", "this session has no backups folder"))?;
        {
            let db = self.db();
            backup::backup(&db.store, &db.path, &dir.join(backup::file_name(self.now())))?;
        }
        backup::rotate(dir)?;
        self.backups()
    }

    /// Restores one of the listed backups (no other path is accepted): checked as `db check`
    /// checks, the open database closed and kept aside as `<db>.replaced-YYYYMMDD-HHMMSS`, the
    /// backup put in place and opened. Answers as `status`, with `restored_from` and `replaced`.
    /// Refused while a job runs; a backup that fails its checks changes nothing.
    pub fn restore_backup(&self, args: RestoreBackupArgs) -> Result<wire::RestoredStatus, CommandError> {
        let dir = self.backups_dir.as_ref().ok_or_else(|| CommandError::invalid("path", "this session has no backups folder"))?;
        let listed = backup::list(dir)?;
        let chosen = listed
            .iter()
            .find(|b| b.path == args.path)
            .ok_or_else(|| CommandError::invalid("path", format!("{} is not one of the backups in {}", args.path.display(), dir.display())))?;
        if self.jobs.running(None) {
            return Err(CommandError::invalid("path", "a job is running; restore when it has finished"));
        }
        let now = self.now();
        let mut db = self.db();
        // Close the database (an in-memory one stands in) so that its files can be moved.
        let standin = madoguchi_api::Store::open_in_memory(&customers::stamp(now)).map_err(madoguchi_api::ApiError::from)?;
        drop(std::mem::replace(&mut db.store, standin));
        let restored = backup::restore(&db.path, &chosen.path, now);
        // Reopen whatever is in place now: the restored backup, or the database as it was.
        db.store = customers::open(&db.path, now)
            .map_err(|e| CommandError::failed(format!("{} could not be opened again ({e}); restart madoguchi", db.path.display())))?;
        let restored = restored.map_err(|e| CommandError::from(e).renamed("backup", "path"))?;
        Ok(wire::RestoredStatus { status: self.status_of(&db)?, restored_from: chosen.path.clone(), replaced: restored.replaced })
    }

    /// Chooses a folder in a dialog: where issued PDFs go (`documents`) or the shared sync
    /// folder (`sync`); stored as `documents.dir` / `sync.dir`; `{path}` or cancelled.
    pub fn choose_folder(&self, args: ChooseFolderArgs) -> Result<wire::Chosen<wire::FilePath>, CommandError> {
        let (setting, dialog) = match args.purpose.as_str() {
            "documents" => (Setting::DocumentsDir, FileDialog::documents_folder()),
            "sync" => (Setting::SyncDir, FileDialog::sync_folder()),
            other => return Err(CommandError::invalid("purpose", format!("'{other}' is not documents or sync"))),
        };
        let Some(path) = files::open_target(self.dialogs.as_ref(), &dialog)? else { return Ok(wire::Chosen::cancelled()) };
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        let key = setting.key();
        settings::set(&mut db.store, &key, &path.to_string_lossy(), &agent, self.now()).map_err(|e| CommandError::from(e).renamed(&key, "path"))?;
        Ok(wire::Chosen::Done(wire::FilePath { path }))
    }

    /// Replaces a service's seal image with a PNG the agent chooses; `{}` or cancelled.
    pub fn set_seal(&self, args: ServiceArgs) -> Result<wire::Chosen<wire::Done>, CommandError> {
        if documents::issuer(&self.db().store, &args.service)?.is_none() {
            return Err(CommandError::invalid("service", format!("{} has no issuer yet: save the issuer first", args.service)));
        }
        let Some(path) = files::open_target(self.dialogs.as_ref(), &FileDialog::seal_image())? else { return Ok(wire::Chosen::cancelled()) };
        let size = std::fs::metadata(&path).map_err(|e| io_failed(&path, e))?.len();
        if size > documents::MAX_SEAL_BYTES {
            return Err(CommandError::invalid("seal", format!("{} is {size} bytes; a seal image may be at most 1 MiB", path.display())));
        }
        let png = std::fs::read(&path).map_err(|e| io_failed(&path, e))?;
        let mut db = self.db();
        let agent = self.agent(&db.store)?;
        let mut issuer = documents::issuer(&db.store, &args.service)?.ok_or_else(|| CommandError::invalid("service", "has no issuer"))?;
        issuer.seal_png = Some(png);
        documents::set_issuer(&mut db.store, &args.service, issuer, &agent, self.now())?;
        Ok(wire::Chosen::Done(wire::Done {}))
    }

    /// Starts a seed or a customer import on its own connection; `{job}`.
    pub fn start_job(&self, args: StartJobArgs) -> Result<wire::Chosen<wire::JobStarted>, CommandError> {
        let (path, agent) = {
            let db = self.db();
            (db.path.clone(), self.agent(&db.store)?)
        };
        let now = self.now();
        let job = match args {
            StartJobArgs::Seed { count, seed } => {
                if count == 0 {
                    return Err(CommandError::invalid("count", "must be at least 1"));
                }
                let seed = seed.unwrap_or(1);
                self.jobs.start(JobKind::Seed, Some(count), move |progress| {
                    let fail = |e: madoguchi_api::ApiError| Box::new((None, CommandError::from(e).renamed("customers", "count")));
                    let mut store = customers::open(&path, now).map_err(fail)?;
                    let report = customers::seed(&mut store, count, seed, now, progress).map_err(fail)?;
                    jobs::result(&wire::Seeded {
                        customers: report.customers,
                        orders: report.orders,
                        documents: report.documents,
                        requests: report.requests,
                        notes: report.notes,
                    })
                })?
            }
            StartJobArgs::ImportCustomers { skip_bad, encoding } => {
                let encoding = match encoding.as_deref() {
                    None | Some("auto") => Encoding::Auto,
                    Some("utf-8") => Encoding::Utf8,
                    Some("shift_jis") => Encoding::ShiftJis,
                    Some(other) => return Err(CommandError::invalid("encoding", format!("'{other}' is not auto, utf-8 or shift_jis"))),
                };
                let Some(file) = files::open_target(self.dialogs.as_ref(), &FileDialog::customer_csv())? else { return Ok(wire::Chosen::cancelled()) };
                let mut source = std::fs::File::open(&file).map_err(|e| CommandError::invalid("path", format!("{}: {e}", file.display())))?;
                let tariffs = self.tariffs.clone();
                self.jobs.start(JobKind::ImportCustomers, None, move |progress| {
                    let fail = |e: madoguchi_api::ApiError| Box::new((None, CommandError::from(e)));
                    let mut store = customers::open(&path, now).map_err(fail)?;
                    let report =
                        import::import_customers(&mut store, &mut source, encoding, skip_bad, Context { tariffs: &tariffs, actor: &agent, now }, progress)
                            .map_err(fail)?;
                    if report.written {
                        jobs::result(&report.wire())
                    } else {
                        let error = CommandError::invalid("file", format!("{} rows have errors; nothing was written", report.bad_rows));
                        Err(Box::new((jobs::result(&report.wire()).ok(), error)))
                    }
                })?
            }
            StartJobArgs::ExportBundle { since: true, snapshot: true } => {
                return Err(CommandError::invalid("snapshot", "a snapshot holds every row; it is not the difference from an earlier file (since)"));
            }
            StartJobArgs::ExportBundle { since, snapshot } => match self.bundle_target(JobKind::ExportBundle, since, snapshot, &path)? {
                Some((target, since)) => self.bundle_job(JobKind::ExportBundle, path, target, since, snapshot, now)?,
                None => return Ok(wire::Chosen::cancelled()),
            },
            StartJobArgs::ImportBundle | StartJobArgs::SyncFolder => {
                let kind = if matches!(args, StartJobArgs::ImportBundle) { JobKind::ImportBundle } else { JobKind::SyncFolder };
                match self.bundle_target(kind, false, false, &path)? {
                    Some((target, since)) => self.bundle_job(kind, path, target, since, false, now)?,
                    None => return Ok(wire::Chosen::cancelled()),
                }
            }
            StartJobArgs::SyncHub => {
                let url = self.hub_url()?;
                if self.jobs.running(Some(JobKind::SyncHub)) {
                    return Err(CommandError::invalid("kind", "a hub sync is running already; wait for it to end"));
                }
                self.jobs.start(JobKind::SyncHub, None, move |progress| {
                    let fail = |e: madoguchi_hub::HubError| Box::new((None, CommandError::from(e)));
                    let mut store = customers::open(&path, now).map_err(|e| fail(e.into()))?;
                    let mut client = madoguchi_hub::connect(&url, &madoguchi_hub::Password::Keychain).map_err(fail)?;
                    let mut done = 0;
                    let report = madoguchi_hub::sync(&mut store, &mut client, &agent, now, &mut |_, batch, _| {
                        done += batch;
                        progress(done)
                    })
                    .map_err(fail)?;
                    settings::set(&mut store, &Setting::SyncHubLast.key(), &customers::stamp(now), &agent, now).map_err(|e| fail(e.into()))?;
                    jobs::result(&report)
                })?
            }
        };
        Ok(wire::Chosen::Done(wire::JobStarted { job }))
    }

    /// The file or folder a sync job works on, and the earlier bundle of an incremental export:
    /// chosen in dialogs (the shared folder is the `sync.dir` setting once chosen); `None` when
    /// the agent cancels.
    fn bundle_target(&self, kind: JobKind, since: bool, snapshot: bool, db: &Path) -> Result<Option<(PathBuf, Option<PathBuf>)>, CommandError> {
        let dialogs = self.dialogs.as_ref();
        match kind {
            JobKind::ExportBundle => {
                let earlier = if since {
                    let Some(earlier) = files::open_target(dialogs, &FileDialog::earlier_bundle())? else { return Ok(None) };
                    Some(earlier)
                } else {
                    None
                };
                let name = format!(
                    "madoguchi-{}-{}{}.mdgb",
                    documents::installation_code(&self.db().store)?,
                    madoguchi_domain::time::japan_date(self.now()),
                    if snapshot { "-snapshot" } else { "" }
                );
                Ok(files::save_target(dialogs, &FileDialog::bundle_to_export(name), db)?.map(|target| (target, earlier)))
            }
            JobKind::ImportBundle => Ok(files::open_target(dialogs, &FileDialog::bundle_to_import())?.map(|file| (file, None))),
            _ => {
                let remembered = settings::get(&self.db().store, Setting::SyncDir)?.map(PathBuf::from).filter(|dir| dir.is_dir());
                match remembered {
                    Some(dir) => Ok(Some((dir, None))),
                    None => match self.choose_folder(ChooseFolderArgs { purpose: "sync".into() })? {
                        wire::Chosen::Done(chosen) => Ok(Some((chosen.path, None))),
                        wire::Chosen::Cancelled { .. } => Ok(None),
                    },
                }
            }
        }
    }

    /// Sync jobs (docs/bundle-format.md): write a bundle, apply one, or exchange through a
    /// shared folder; each counts changes as it goes and may be cancelled (nothing written).
    fn bundle_job(&self, kind: JobKind, db: PathBuf, target: PathBuf, since: Option<PathBuf>, snapshot: bool, now: Moment) -> Result<String, CommandError> {
        let fail = |e: madoguchi_api::ApiError| Box::new((None, CommandError::from(e)));
        let signer = self.signer()?;
        match kind {
            JobKind::ExportBundle => {
                let after = sync::since(&self.db().store, &signer.public(), since.as_deref())?;
                self.jobs.start(kind, None, move |progress| {
                    let store = customers::open(&db, now).map_err(fail)?;
                    let m = if snapshot {
                        sync::export_snapshot(&store, &target, &signer, now, progress)
                    } else {
                        sync::export(&store, &target, &after, None, &signer, now, progress)
                    }
                    .map_err(fail)?;
                    jobs::result(&wire::Exported { path: target, changes: m.changes, tombstones: m.tombstones, source: m.source, snapshot: m.snapshot })
                })
            }
            JobKind::ImportBundle => {
                let manifest = sync::read_manifest(&target).map_err(|e| CommandError::from(e).renamed("bundle", "path"))?;
                // A sender not trusted yet is offered in 設定 → 同期 (the import itself refuses it).
                if keys::standing(&self.db().store, &signer.public(), &manifest.signer.key)? == Standing::Unknown {
                    let mut refused = self.refused_senders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    if !refused.iter().any(|(s, _)| s.key == manifest.signer.key) {
                        refused.push((manifest.signer.clone(), manifest.source.clone()));
                    }
                }
                let own = signer.public();
                self.jobs.start(kind, Some(manifest.changes), move |progress| {
                    let mut store = customers::open(&db, now).map_err(fail)?;
                    jobs::result(&sync::import(&mut store, &target, &own, now, &mut |done, _| progress(done)).map_err(fail)?)
                })
            }
            _ => self.jobs.start(JobKind::SyncFolder, None, move |progress| {
                let mut store = customers::open(&db, now).map_err(fail)?;
                jobs::result(&sync::sync_dir(&mut store, &target, &signer, now, &mut |_, done, _| progress(done)).map_err(fail)?)
            }),
        }
    }

    /// `{job, kind, done, total, finished, cancelled, result, error}`.
    pub fn job(&self, args: JobArgs) -> Result<wire::JobStatus, CommandError> {
        self.jobs.status(&args.job)
    }

    /// Cancels a job; the seed or import then writes nothing. `{}`.
    pub fn cancel_job(&self, args: JobArgs) -> Result<wire::Done, CommandError> {
        self.jobs.cancel(&args.job)?;
        Ok(wire::Done {})
    }

    /// This installation's signing identity: its key in the keys folder, the agent's name.
    fn signer(&self) -> Result<Signer, CommandError> {
        let db = self.db();
        let agent = self.agent(&db.store)?;
        Ok(Signer::of(&db.store, &self.keys_dir, &agent)?)
    }

    /// `{own: {fingerprint, name}, senders: [{fingerprint, name, installation, status, trusted_at,
    /// trusted_by, revoked_at, revoked_by}]}`: every sender trusted or revoked here, then the
    /// unknown ones (status `unknown`) of the shared folder's bundles and of the bundles refused
    /// in this session, for the agent to compare fingerprints and trust.
    pub fn senders(&self) -> Result<wire::Senders, CommandError> {
        let signer = self.signer()?;
        let db = self.db();
        let mut listed = Vec::new();
        let mut keys_seen = Vec::new();
        for (sender, row) in keys::trusted(&db.store)? {
            keys_seen.push(sender.key);
            listed.push(wire::SenderInfo {
                fingerprint: sender.fingerprint(),
                name: sender.name,
                installation: row.installation,
                status: if row.revoked_at.is_some() { "revoked" } else { "trusted" },
                trusted_at: Some(row.trusted_at),
                trusted_by: Some(row.trusted_by),
                revoked_at: row.revoked_at,
                revoked_by: row.revoked_by,
            });
        }
        for (sender, installation) in self.unknown_senders(&db.store)? {
            if keys_seen.contains(&sender.key) || sender.key == signer.public() {
                continue;
            }
            keys_seen.push(sender.key);
            listed.push(wire::SenderInfo {
                fingerprint: sender.fingerprint(),
                name: sender.name,
                installation,
                status: "unknown",
                trusted_at: None,
                trusted_by: None,
                revoked_at: None,
                revoked_by: None,
            });
        }
        Ok(wire::Senders { own: wire::OwnKey { fingerprint: signer.sender().fingerprint(), name: signer.name }, senders: listed })
    }

    /// The senders of the shared folder's bundles and of this session's refused ones.
    fn unknown_senders(&self, store: &madoguchi_api::Store) -> Result<Vec<(keys::Sender, String)>, CommandError> {
        let mut found = self.refused_senders.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        if let Some(dir) = settings::get(store, Setting::SyncDir)?.map(PathBuf::from) {
            found.extend(sync::senders_in(store, &dir)?);
        }
        Ok(found)
    }

    /// The office hub's URL (`sync.hub`); `invalid` on `sync.hub` when none is set.
    fn hub_url(&self) -> Result<String, CommandError> {
        settings::get(&self.db().store, Setting::SyncHub)?.ok_or_else(|| CommandError::invalid("sync.hub", "no hub is set: enter its URL first"))
    }

    /// Keeps the hub password in the operating system's keychain (never in the database or a
    /// log), or forgets it when empty; `{}`.
    pub fn save_hub_password(&self, args: HubPasswordArgs) -> Result<wire::Done, CommandError> {
        let url = self.hub_url()?;
        let Some(password) = args.password.as_str() else { return Err(CommandError::invalid("password", "must be text")) };
        if password.is_empty() {
            madoguchi_hub::forget_password(&url)?;
        } else {
            madoguchi_hub::save_password(&url, password)?;
        }
        Ok(wire::Done {})
    }

    /// Tests the connection to the hub with the keychain's password, changing nothing:
    /// `{installation, installations}` when the hub knows this installation's role.
    pub fn check_hub(&self) -> Result<wire::HubChecked, CommandError> {
        let url = self.hub_url()?;
        let installation = self.db().store.installation_id().map_err(madoguchi_api::ApiError::from)?;
        // The database is not held while the hub answers (or does not).
        let mut client = madoguchi_hub::connect(&url, &madoguchi_hub::Password::Keychain)?;
        let check = madoguchi_hub::check(&installation, &mut client)?;
        Ok(wire::HubChecked { installation: check.installation, installations: check.installations })
    }

    /// Trusts a sender `senders` lists (unknown or revoked): its bundles are taken from now on,
    /// audited. Answers as `senders`.
    pub fn trust_sender(&self, args: FingerprintArgs) -> Result<wire::Senders, CommandError> {
        let wanted =
            keys::normalize_fingerprint(&args.fingerprint).ok_or_else(|| CommandError::invalid("fingerprint", "is not 32 hex digits (as 3F2A-91C0-…)"))?;
        let own = self.signer()?.public();
        let now = self.now();
        {
            let mut db = self.db();
            // Only a sender not trusted now: a revoked one, or an unknown one of the listed bundles.
            let revoked = keys::trusted(&db.store)?.into_iter().filter(|(_, row)| row.revoked_at.is_some()).map(|(sender, row)| (sender, row.installation));
            let mut candidates: Vec<(keys::Sender, String)> = revoked.collect();
            for (sender, installation) in self.unknown_senders(&db.store)? {
                if keys::standing(&db.store, &own, &sender.key)? == Standing::Unknown {
                    candidates.push((sender, installation));
                }
            }
            let (sender, installation) = candidates
                .into_iter()
                .find(|(s, _)| s.fingerprint() == wanted)
                .ok_or_else(|| CommandError::invalid("fingerprint", format!("{wanted} is not a sender waiting for trust here")))?;
            let agent = self.agent(&db.store)?;
            keys::trust(&mut db.store, &sender, &installation, &own, &agent, now)?;
        }
        self.refused_senders.lock().unwrap_or_else(std::sync::PoisonError::into_inner).retain(|(s, _)| s.fingerprint() != wanted);
        self.senders()
    }

    /// Revokes a trusted sender: its bundles are refused from now on (what they brought stays),
    /// audited. Answers as `senders`.
    pub fn revoke_sender(&self, args: FingerprintArgs) -> Result<wire::Senders, CommandError> {
        let now = self.now();
        {
            let mut db = self.db();
            let agent = self.agent(&db.store)?;
            keys::revoke(&mut db.store, &args.fingerprint, &agent, now)?;
        }
        self.senders()
    }
}

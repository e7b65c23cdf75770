//! The API's answers as the CLI prints them and the app sends them to the page: plain structs
//! deriving `Serialize`, one per answer, each field in the order the JSON has it (the hub's
//! sync report is the hub crate's `HubReport`); docs/app-commands.md describes the same shapes.

use indexmap::IndexMap;
use madoguchi_domain::document::PartyKind;
use madoguchi_domain::duplicates::Likeness;
use madoguchi_domain::postal::{Address, TableInfo};
use madoguchi_domain::text::format_postal;
use madoguchi_store::merge::{DuplicateView, MergeReport};
use madoguchi_store::{AccountView, CustomerView, LookupHit, OrderLineView, OrderView};
use serde::Serialize;

use crate::import::{ImportReport, RowError, RowWarning};

/// `lookup`: the query and its ranked results.
#[derive(Debug, Clone, Serialize)]
pub struct Lookup {
    pub query: String,
    pub results: Vec<Hit>,
}

/// One result of the search box, saying which field matched.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub customer_id: String,
    pub name: String,
    pub name_kana: String,
    pub prefecture: String,
    pub customer_numbers: Vec<String>,
    pub phone: Option<String>,
    pub matched_field: &'static str,
    pub matched_label: &'static str,
    pub matched: String,
    pub exact: bool,
    pub variant: bool,
    pub rank: u8,
}

impl From<&LookupHit> for Hit {
    fn from(hit: &LookupHit) -> Self {
        Hit {
            customer_id: hit.customer_id.clone(),
            name: hit.name.clone(),
            name_kana: hit.name_kana.clone(),
            prefecture: hit.prefecture.clone(),
            customer_numbers: hit.customer_numbers.clone(),
            phone: hit.phone.clone(),
            matched_field: hit.field.code(),
            matched_label: hit.field.label(),
            matched: hit.matched.clone(),
            exact: hit.exact,
            variant: hit.variant,
            rank: hit.rank,
        }
    }
}

/// `customer`: one customer with everything filed under them.
#[derive(Debug, Clone, Serialize)]
pub struct Customer {
    pub id: String,
    pub kind: String,
    /// 様 or 御中, by `kind` (`PartyKind::honorific`): the screen writes what the documents print.
    pub honorific: &'static str,
    pub name: String,
    pub name_kana: String,
    pub birth_date: Option<String>,
    pub prefecture: String,
    /// `123-4567`.
    pub postal_code: String,
    pub address: String,
    pub created_at: String,
    pub updated_at: String,
    pub phones: Vec<Phone>,
    pub emails: Vec<String>,
    pub accounts: Vec<Account>,
    pub documents: Vec<DocumentRow>,
    pub requests: Vec<RequestRow>,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Phone {
    pub number: String,
    pub label: Option<String>,
}

/// An account at a service, with its orders.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub id: String,
    pub service: String,
    pub customer_number: String,
    pub status: String,
    pub plan: Option<String>,
    pub server_model: Option<String>,
    pub servers: Option<i64>,
    pub first_delivery: Option<String>,
    pub last_shipment: Option<String>,
    pub dealer: Option<String>,
    pub monthly_limit: Option<String>,
    pub billing_cycle: Option<String>,
    pub paid_through: Option<String>,
    pub terminals: Option<i64>,
    pub np_terms: Option<String>,
    pub points: Option<i64>,
    pub member: Option<bool>,
    pub orders: Vec<Order>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Order {
    pub id: String,
    pub order_number: String,
    pub ordered_at: String,
    pub payment_method: String,
    pub shipped_on: Option<String>,
    pub status: String,
    pub lines: Vec<OrderLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderLine {
    pub line_no: i64,
    pub product_code: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: String,
    pub tax: String,
    pub delivery_note: bool,
}

/// A document issued to the customer.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub id: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub number: String,
    pub issued_at: String,
    pub reissue_of: Option<String>,
    pub pdf_sha256: String,
}

/// A request filed for the customer.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRow {
    pub id: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub status: String,
    pub due_on: Option<String>,
    pub created_at: String,
}

/// A call note.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: String,
    pub author: String,
    pub at: String,
    pub body: String,
}

impl From<&OrderLineView> for OrderLine {
    fn from(l: &OrderLineView) -> Self {
        OrderLine {
            line_no: l.line_no,
            product_code: l.product_code.clone(),
            name: l.name.clone(),
            quantity: l.quantity,
            unit_price: l.unit_price.clone(),
            tax: l.tax.clone(),
            delivery_note: l.delivery_note,
        }
    }
}

impl From<&OrderView> for Order {
    fn from(o: &OrderView) -> Self {
        Order {
            id: o.id.clone(),
            order_number: o.order_number.clone(),
            ordered_at: o.ordered_at.clone(),
            payment_method: o.payment_method.clone(),
            shipped_on: o.shipped_on.clone(),
            status: o.status.clone(),
            lines: o.lines.iter().map(OrderLine::from).collect(),
        }
    }
}

impl From<&AccountView> for Account {
    fn from(a: &AccountView) -> Self {
        let r = a.record.clone();
        Account {
            id: a.id.clone(),
            service: r.service,
            customer_number: r.customer_number,
            status: r.status,
            plan: r.plan,
            server_model: r.server_model,
            servers: r.servers,
            first_delivery: r.first_delivery,
            last_shipment: r.last_shipment,
            dealer: r.dealer,
            monthly_limit: r.monthly_limit,
            billing_cycle: r.billing_cycle,
            paid_through: r.paid_through,
            terminals: r.terminals,
            np_terms: r.np_terms,
            points: r.points,
            member: r.member,
            orders: a.orders.iter().map(Order::from).collect(),
        }
    }
}

impl From<&CustomerView> for Customer {
    fn from(v: &CustomerView) -> Self {
        Customer {
            id: v.id.clone(),
            kind: v.kind.clone(),
            honorific: PartyKind::from_code(&v.kind).unwrap_or_default().honorific(),
            name: v.name.clone(),
            name_kana: v.name_kana.clone(),
            birth_date: v.birth_date.clone(),
            prefecture: v.prefecture.clone(),
            postal_code: format_postal(&v.postal_code),
            address: v.address.clone(),
            created_at: v.created_at.clone(),
            updated_at: v.updated_at.clone(),
            phones: v.phones.iter().map(|p| Phone { number: p.number.clone(), label: p.label.clone() }).collect(),
            emails: v.emails.clone(),
            accounts: v.accounts.iter().map(Account::from).collect(),
            documents: v
                .documents
                .iter()
                .map(|d| DocumentRow {
                    id: d.id.clone(),
                    doc_type: d.doc_type.clone(),
                    number: d.number.clone(),
                    issued_at: d.issued_at.clone(),
                    reissue_of: d.reissue_of.clone(),
                    pdf_sha256: d.pdf_sha256.clone(),
                })
                .collect(),
            requests: v
                .requests
                .iter()
                .map(|r| RequestRow {
                    id: r.id.clone(),
                    request_type: r.request_type.clone(),
                    status: r.status.clone(),
                    due_on: r.due_on.clone(),
                    created_at: r.created_at.clone(),
                })
                .collect(),
            notes: v.notes.iter().map(|n| Note { id: n.id.clone(), author: n.author.clone(), at: n.at.clone(), body: n.body.clone() }).collect(),
        }
    }
}

/// (service, customer number) of an account, as the duplicate and import answers list them.
#[derive(Debug, Clone, Serialize)]
pub struct AccountNumber {
    pub service: String,
    pub customer_number: String,
}

impl AccountNumber {
    pub fn list(pairs: &[(String, String)]) -> Vec<AccountNumber> {
        pairs.iter().map(|(s, n)| AccountNumber { service: s.clone(), customer_number: n.clone() }).collect()
    }
}

/// 名寄せ: a customer likely the same person, with the reasons.
#[derive(Debug, Clone, Serialize)]
pub struct Duplicate {
    pub id: String,
    pub name: String,
    pub name_kana: String,
    pub accounts: Vec<AccountNumber>,
    pub reasons: Vec<&'static str>,
    pub reason_ja: String,
}

impl From<&DuplicateView> for Duplicate {
    fn from(d: &DuplicateView) -> Self {
        let likeness: &Likeness = &d.likeness;
        Duplicate {
            id: d.id.clone(),
            name: d.name.clone(),
            name_kana: d.name_kana.clone(),
            accounts: AccountNumber::list(&d.accounts),
            reasons: likeness.codes(),
            reason_ja: likeness.reason_ja(),
        }
    }
}

/// Moved and dropped contacts of a merge.
#[derive(Debug, Clone, Serialize)]
pub struct MovedDropped {
    pub moved: u64,
    pub dropped: u64,
}

/// 名寄せ: what a merge moved.
#[derive(Debug, Clone, Serialize)]
pub struct Merged {
    pub keep: String,
    pub other: String,
    pub other_name: String,
    pub accounts: u64,
    pub orders: u64,
    pub documents: u64,
    pub requests: u64,
    pub request_history: u64,
    pub call_notes: u64,
    pub phones: MovedDropped,
    pub emails: MovedDropped,
    pub filled: Vec<&'static str>,
}

impl From<MergeReport> for Merged {
    fn from(r: MergeReport) -> Self {
        Merged {
            keep: r.keep,
            other: r.other,
            other_name: r.other_name,
            accounts: r.accounts,
            orders: r.orders,
            documents: r.documents,
            requests: r.requests,
            request_history: r.request_history,
            call_notes: r.call_notes,
            phones: MovedDropped { moved: r.phones_moved, dropped: r.phones_dropped },
            emails: MovedDropped { moved: r.emails_moved, dropped: r.emails_dropped },
            filled: r.filled,
        }
    }
}

/// The addresses of a postal code by Japan Post's table.
#[derive(Debug, Clone, Serialize)]
pub struct PostalAddresses {
    /// `123-4567`.
    pub postal_code: String,
    pub addresses: Vec<PostalAddress>,
    pub table: PostalTable,
}

#[derive(Debug, Clone, Serialize)]
pub struct PostalAddress {
    pub prefecture: &'static str,
    pub city: &'static str,
    pub town: &'static str,
    pub note: &'static str,
    pub office: bool,
}

impl From<&Address> for PostalAddress {
    fn from(a: &Address) -> Self {
        PostalAddress { prefecture: a.prefecture.name(), city: a.city, town: a.town, note: a.note, office: a.office }
    }
}

/// Where the postal table comes from.
#[derive(Debug, Clone, Serialize)]
pub struct PostalTable {
    pub package: &'static str,
    pub data_date: &'static str,
}

impl From<TableInfo> for PostalTable {
    fn from(info: TableInfo) -> Self {
        PostalTable { package: info.package, data_date: info.data_date }
    }
}

/// A request type as the app builds its forms from it.
#[derive(Debug, Clone, Serialize)]
pub struct RequestTypeInfo {
    #[serde(rename = "type")]
    pub request_type: &'static str,
    pub label: &'static str,
    pub services: Vec<&'static str>,
    pub fields: Vec<RequestField>,
    pub initial: &'static str,
    pub statuses: Vec<StatusInfo>,
    pub transitions: Vec<Transition>,
    pub warning: Option<&'static str>,
}

/// A field of a request type; `choices` only for a choice.
#[derive(Debug, Clone, Serialize)]
pub struct RequestField {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub required: bool,
    pub label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusInfo {
    pub status: &'static str,
    pub label: &'static str,
    #[serde(rename = "final")]
    pub last: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub from: &'static str,
    pub to: &'static str,
}

/// A request in a list: its type and status with their labels, whether it is open and overdue.
#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    #[serde(rename = "type")]
    pub request_type: String,
    pub type_label: String,
    pub status: String,
    pub status_label: String,
    pub open: bool,
    pub due_on: Option<String>,
    pub overdue: bool,
    pub created_at: String,
}

/// One request whole: the summary, its fields and computed dates as filed, where it may go
/// next, and its history.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    #[serde(flatten)]
    pub summary: RequestSummary,
    /// The stored body's parts, as filed (`null` when the body is unreadable).
    pub service: serde_json::Value,
    pub fields: serde_json::Value,
    pub computed: serde_json::Value,
    /// Absent for a type this madoguchi does not know.
    #[serde(flatten)]
    pub machine: Option<NextSteps>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextSteps {
    pub next: Vec<NextStatus>,
    pub warning: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextStatus {
    pub status: &'static str,
    pub label: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub from: Option<String>,
    pub to: String,
    pub actor: String,
    pub at: String,
    pub comment: String,
}

/// Requests by due date, as of a day.
#[derive(Debug, Clone, Serialize)]
pub struct RequestList {
    pub as_of: String,
    pub requests: Vec<RequestSummary>,
}

/// The answer of `quote` (docs/quote-api.md): yen as strings, dates `YYYY-MM-DD`, moments
/// RFC 3339 in +09:00; a kind's own results (`extras`) between `flags` and `notes`. The maps
/// keep the order the kind's rule gives its keys.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteAnswer {
    pub service: &'static str,
    pub kind: &'static str,
    pub as_of: String,
    pub total: String,
    pub lines: Vec<QuoteLine>,
    pub dates: IndexMap<&'static str, String>,
    pub flags: IndexMap<&'static str, bool>,
    #[serde(flatten)]
    pub extras: IndexMap<&'static str, ExtraValue>,
    pub notes: Vec<String>,
    pub tariff: TariffInfo,
}

/// A fee or refund line; `due` and the period `from`–`to` only where the rule gives them.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteLine {
    pub code: &'static str,
    pub label: String,
    pub quantity: u32,
    pub unit: String,
    pub amount: String,
    pub tax: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A kind's own result beside the dates and flags.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ExtraValue {
    Integer(i64),
    Text(String),
    Texts(Vec<String>),
    Bills(Vec<QuoteBill>),
}

/// One month's invoice of a billing schedule.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteBill {
    pub month: String,
    pub posted: String,
    pub lines: Vec<QuoteLine>,
    pub total: String,
}

/// The tariff an answer used.
#[derive(Debug, Clone, Serialize)]
pub struct TariffInfo {
    pub id: &'static str,
    pub version: String,
    pub effective_from: String,
    pub sample_prices: bool,
}

/// `quote --kinds`: the fields every request may carry, and each service's kinds.
#[derive(Debug, Clone, Serialize)]
pub struct Kinds {
    pub common_fields: Vec<FieldInfo>,
    pub services: Vec<ServiceKinds>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceKinds {
    pub id: &'static str,
    pub name: String,
    pub seed: &'static str,
    pub tariff: TariffInfo,
    pub kinds: Vec<KindInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindInfo {
    pub kind: &'static str,
    pub label: &'static str,
    pub fields: Vec<FieldInfo>,
}

/// A partial quote request (docs/quote-api.md) filled from a customer's account: the fields
/// the account knows, each as `quote` reads it.
#[derive(Debug, Clone, Serialize)]
pub struct QuoteDraft {
    pub service: String,
    pub kind: String,
    pub prefecture: String,
    #[serde(flatten)]
    pub fields: IndexMap<&'static str, serde_json::Value>,
}

/// A request field: `default` when it has one, `choices` for a choice, `earliest`/`latest`
/// for a date, moment or month.
#[derive(Debug, Clone, Serialize)]
pub struct FieldInfo {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub ty: &'static str,
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
    pub label: &'static str,
}

/// A bundle's first line (docs/bundle-format.md), as written; reading checks each field
/// by hand (`sync::read_manifest`), naming what is wrong.
#[derive(Debug, Clone, Serialize)]
pub struct BundleManifest<'a> {
    pub format: &'static str,
    pub version: i64,
    pub schema: i64,
    pub source: &'a str,
    pub created_at: &'a str,
    pub clock: ClockRange,
    pub known: &'a std::collections::BTreeMap<String, i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen: Option<&'a std::collections::BTreeMap<String, i64>>,
    pub origins: &'a [String],
    pub counts: BundleCounts<'a>,
    pub content_sha256: &'a str,
    pub audit_head: Option<AuditHeadSeen>,
    pub signer: SignerInfo,
    pub snapshot: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClockRange {
    pub from: i64,
    pub to: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleCounts<'a> {
    pub changes: u64,
    pub tombstones: u64,
    pub tables: &'a std::collections::BTreeMap<String, u64>,
}

/// The head of a writer's audit chain; `witnessed` (in an import's report only) says what it
/// told this installation: new, same, or rewritten.
#[derive(Debug, Clone, Serialize)]
pub struct AuditHeadSeen {
    pub seq: i64,
    pub hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witnessed: Option<Option<&'static str>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignerInfo {
    /// The public key in hex.
    pub key: String,
    pub name: String,
}

/// What a bundle's import did.
#[derive(Debug, Clone, Serialize)]
pub struct BundleImport {
    /// The bundle's content hash.
    pub bundle: String,
    pub source: String,
    pub changes: u64,
    pub applied: u64,
    pub already_known: u64,
    pub rows: std::collections::BTreeMap<&'static str, u64>,
    pub pending: u64,
    pub conflicts: Vec<Conflict>,
    pub audit_head: Option<AuditHeadSeen>,
}

/// Two installations set one field; the newer change is kept.
#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub table: &'static str,
    pub id: String,
    pub field: String,
    pub kept: Side,
    pub discarded: Side,
}

#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub value: serde_json::Value,
    pub origin: String,
    pub clock: i64,
}

/// `sync --dir`: the bundle written (none when nothing was new), those imported, those refused.
#[derive(Debug, Clone, Serialize)]
pub struct FolderSync {
    pub exported: Option<ExportedFile>,
    pub imported: Vec<ImportedFile>,
    pub failed: Vec<FailedFile>,
    /// The day's compaction of the change log, when this sync ran it.
    pub compacted: Option<LogCompaction>,
}

/// A compaction of this installation's change log: the changes it held, and those removed
/// (replaced in every field, and seen by every installation syncing through the same folder
/// or hub).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct LogCompaction {
    pub changes: u64,
    pub removed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportedFile {
    pub file: String,
    pub changes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportedFile {
    pub file: String,
    pub report: BundleImport,
}

#[derive(Debug, Clone, Serialize)]
pub struct FailedFile {
    pub file: String,
    pub error: String,
}

/// A bundle's second line: the manifest's signature in hex.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureLine {
    pub signature: String,
}

/// What a customer import did: counts first, then the first problems of each kind.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerImport<'a> {
    pub encoding: &'static str,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub bad_rows: u64,
    pub error_count: u64,
    pub warning_count: u64,
    pub duplicate_count: u64,
    pub written: bool,
    pub errors: &'a [RowError],
    pub warnings: &'a [RowWarning],
    pub duplicates: Vec<ImportDuplicate<'a>>,
}

/// A written row likely the same person as another customer.
#[derive(Debug, Clone, Serialize)]
pub struct ImportDuplicate<'a> {
    pub line: u64,
    pub service: &'a str,
    pub customer_number: &'a str,
    pub customer_id: &'a str,
    pub other: OtherCustomer<'a>,
    pub reasons: &'a [&'static str],
    pub reason_ja: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct OtherCustomer<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub accounts: Vec<AccountNumber>,
}

impl<'a> From<&'a ImportReport> for CustomerImport<'a> {
    fn from(r: &'a ImportReport) -> Self {
        CustomerImport {
            encoding: r.encoding,
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            bad_rows: r.bad_rows,
            error_count: r.error_count,
            warning_count: r.warning_count,
            duplicate_count: r.duplicate_count,
            written: r.written,
            errors: &r.errors,
            warnings: &r.warnings,
            duplicates: r
                .duplicates
                .iter()
                .map(|d| ImportDuplicate {
                    line: d.line,
                    service: &d.service,
                    customer_number: &d.customer_number,
                    customer_id: &d.customer_id,
                    other: OtherCustomer { id: &d.other_id, name: &d.other_name, accounts: AccountNumber::list(&d.other_accounts) },
                    reasons: &d.reasons,
                    reason_ja: &d.reason_ja,
                })
                .collect(),
        }
    }
}

/// The document forms (`document_forms`): the fields every document has, then each type's own,
/// as declared by `madoguchi_domain::issue`.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentForms {
    pub common_fields: Vec<DocumentField>,
    pub types: Vec<DocumentForm>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentForm {
    #[serde(rename = "type")]
    pub doc_type: &'static str,
    pub fields: Vec<DocumentField>,
}

/// One field of a document form: what it holds (`date`, `month`, `yen`, `count`, `text`,
/// `flag`, `choice`, `party`, `issuer`, `lines`), whether required, its Japanese label, the
/// choices of a `choice`, the fields of a party or of each line.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentField {
    pub name: &'static str,
    pub kind: &'static str,
    pub required: bool,
    pub label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<DocumentField>>,
}

/// A value to pick and what the agent reads for it.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// A document type: its Japanese name, the number prefix in force, whether it is issued from
/// an order.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentType {
    #[serde(rename = "type")]
    pub doc_type: &'static str,
    pub label: &'static str,
    pub prefix: String,
    pub from_order: bool,
}

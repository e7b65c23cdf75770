//! `import customers`: an office's customer list as CSV (UTF-8, or Shift_JIS/CP932 as Excel
//! writes it), one row per account. Every row is checked and every bad row reported with its
//! line and field; nothing is written unless all rows are good (or `skip_bad`, which writes
//! the good ones). Every cell is a `FreeText` first (capped, no card number). Importing the
//! same file again changes nothing. A postal code Japan Post's table does not have, or has
//! in another prefecture than the row's, is a warning naming the row: the row is written.
//! Each written row's customer is compared with the others (名寄せ, `duplicates::likely_same`):
//! the likely duplicates are listed in the report, never merged.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::rc::Rc;

use chrono::{Datelike, NaiveDate};
use madoguchi_domain::customer;
use madoguchi_domain::money::Yen;
use madoguchi_domain::postal::{self, PostalCheck};
use madoguchi_domain::prefecture::Prefecture;
use madoguchi_domain::tariff::{Rules, Service};
use madoguchi_domain::text::{FreeText, caps, format_postal, valid_email, valid_phone};
use madoguchi_domain::time;
use madoguchi_store::{AccountRecord, CustomerRecord, ImportOutcome, PhoneRecord, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::customers::stamp;
use crate::tariffs::Tariffs;
use crate::wire;
use crate::{ApiError, Context};

/// The columns, with the Japanese header each may also have. The README documents them.
const COLUMNS: [(&str, &str, bool); 24] = [
    ("service", "サービス", true),
    ("customer_number", "お客様番号", true),
    ("kind", "区分", false),
    ("name", "氏名", true),
    ("name_kana", "フリガナ", true),
    ("birth_date", "生年月日", false),
    ("prefecture", "都道府県", true),
    ("postal_code", "郵便番号", true),
    ("address", "住所", true),
    ("phone1", "電話番号1", true),
    ("phone2", "電話番号2", false),
    ("email", "メールアドレス", false),
    ("status", "状態", false),
    ("plan", "プラン", false),
    ("server_model", "サーバー機種", false),
    ("servers", "台数", false),
    ("first_delivery", "初回配送日", false),
    ("last_shipment", "最終出荷日", false),
    ("dealer", "担当販売店", false),
    ("monthly_limit", "月間購入上限金額", false),
    ("billing_cycle", "支払サイクル", false),
    ("paid_through", "前払い済み月", false),
    ("terminals", "端末台数", false),
    ("np_terms", "NP支払条件", false),
];

/// The longest email address (RFC 5321); every other cell is at most `caps::LINE`.
const MAX_EMAIL: usize = 254;

/// The file's text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 when the bytes are valid UTF-8, else Shift_JIS (CP932).
    Auto,
    Utf8,
    ShiftJis,
}

/// One bad row: where and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

/// A row written but worth a look: where, what and why, in English (the CLI) and in Japanese
/// (the app).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowWarning {
    pub line: u64,
    pub field: String,
    /// `unknown_postal_code` or `postal_code_prefecture`.
    pub reason: &'static str,
    pub message: String,
    pub message_ja: String,
}

/// A written row whose customer is likely the same person as another customer (名寄せ): the
/// row's line and account, the other customer, and why. Nothing is merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikelyDuplicate {
    pub line: u64,
    pub service: String,
    pub customer_number: String,
    /// The row's customer.
    pub customer_id: String,
    pub other_id: String,
    pub other_name: String,
    /// The other customer's accounts as (service, customer number).
    pub other_accounts: Vec<(String, String)>,
    /// `phone`/`email` then `name_kana`/`birth_date`.
    pub reasons: Vec<&'static str>,
    /// 「電話番号＋フリガナ」.
    pub reason_ja: String,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub encoding: &'static str,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// The first `LISTED` problems of the bad rows, in file order.
    pub errors: Vec<RowError>,
    /// How many problems the bad rows have, and how many rows have one.
    pub error_count: u64,
    pub bad_rows: u64,
    /// The first `LISTED` rows whose postal code is not Japan Post's or not of their
    /// prefecture (written all the same), and how many there are.
    pub warnings: Vec<RowWarning>,
    pub warning_count: u64,
    /// The first `LISTED` written rows likely the same person as another customer, each pair
    /// once, and how many pairs there are.
    pub duplicates: Vec<LikelyDuplicate>,
    pub duplicate_count: u64,
    /// False when bad rows stopped the import and nothing was written.
    pub written: bool,
}

impl ImportReport {
    /// The report as the CLI prints it and the app shows it.
    pub fn wire(&self) -> wire::CustomerImport<'_> {
        wire::CustomerImport::from(self)
    }
}

/// How many errors, warnings and likely duplicates a report lists (all are counted): a file of a million bad rows
/// is reported by its first thousand problems, not by a million held in memory.
pub const LISTED: usize = 1_000;

/// The UTF-8 byte-order mark, dropped where a file starts with it.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a first read of the file's bytes found: whether it is blank, starts with a BOM, and
/// is valid UTF-8 (else the offset of the first byte that is not).
struct Scan {
    blank: bool,
    bom: bool,
    utf8: Result<(), u64>,
    /// SHA-256 of the bytes after the BOM: each later read must find the same file.
    digest: [u8; 32],
}

/// Reads the file once, in blocks (memory bounded whatever its size).
fn scan(source: &mut dyn ReadSeek) -> Result<Scan, ApiError> {
    let io = |e: std::io::Error| ApiError::invalid("file", format!("cannot read it ({e})"));
    let mut head = [0u8; 3];
    source.seek(SeekFrom::Start(0)).map_err(io)?;
    let bom = source.read_exact(&mut head).is_ok() && head == BOM;
    source.seek(SeekFrom::Start(if bom { BOM.len() as u64 } else { 0 })).map_err(io)?;
    let mut block = vec![0u8; 1 << 16];
    // `carried`: the start of a UTF-8 sequence the block before ended in; `offset`: where
    // `block` starts in the text after the BOM.
    let (mut carried, mut offset, mut blank, mut utf8) = (0usize, 0u64, true, Ok(()));
    let mut digest = Sha256::new();
    loop {
        let read = source.read(&mut block[carried..]).map_err(io)?;
        if read == 0 {
            if carried > 0 && utf8.is_ok() {
                utf8 = Err(offset);
            }
            break;
        }
        let filled = carried + read;
        blank &= block[carried..filled].iter().all(u8::is_ascii_whitespace);
        digest.update(&block[carried..filled]);
        let mut keep = 0;
        if utf8.is_ok() {
            match std::str::from_utf8(&block[..filled]) {
                Ok(_) => {}
                Err(e) if e.error_len().is_none() => keep = filled - e.valid_up_to(),
                Err(e) => utf8 = Err(offset + e.valid_up_to() as u64),
            }
        }
        offset += (filled - keep) as u64;
        block.copy_within(filled - keep..filled, 0);
        carried = keep;
    }
    Ok(Scan { blank, bom, utf8, digest: digest.finalize().into() })
}

/// The file's bytes as they pass, digested: `text` reads through it, so that a file changed
/// between the check and the write (a sync client, Excel saving) is refused, not written
/// unchecked.
struct Digesting<'a> {
    inner: &'a mut dyn ReadSeek,
    digest: Rc<RefCell<Sha256>>,
}

impl Read for Digesting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.digest.borrow_mut().update(&buf[..read]);
        Ok(read)
    }
}

/// Refuses a file whose bytes, read to its end (`digest`), are not those `scan` read.
fn unchanged(scan: &Scan, digest: &Rc<RefCell<Sha256>>) -> Result<(), ApiError> {
    let read: [u8; 32] = digest.borrow().clone().finalize().into();
    if read == scan.digest { Ok(()) } else { Err(ApiError::invalid("file", "changed while it was being imported; nothing was written")) }
}

/// A CSV file read twice (checked, then written): a file, or bytes in memory.
pub trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// The file's text as UTF-8 from its start (after a BOM): as it is, or decoded from
/// Shift_JIS as it streams.
fn text<'a>(source: &'a mut dyn ReadSeek, scan: &Scan, shift_jis: bool, digest: &Rc<RefCell<Sha256>>) -> Result<Lines<Box<dyn Read + 'a>>, ApiError> {
    let start = if scan.bom { BOM.len() as u64 } else { 0 };
    source.seek(SeekFrom::Start(start)).map_err(|e| ApiError::invalid("file", format!("cannot read it ({e})")))?;
    let source = Digesting { inner: source, digest: Rc::clone(digest) };
    let inner: Box<dyn Read + 'a> = if shift_jis {
        Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding_rs::SHIFT_JIS)).bom_sniffing(false).build(source))
    } else {
        Box::new(source)
    };
    Ok(Lines { inner: BufReader::with_capacity(1 << 16, inner), offset: 0, after_cr: false, breaks: RefCell::default(), passed: Cell::new(0) })
}

/// The text passed through to the CSV reader, noting where its lines end so that a record's
/// line is the one an editor shows: a line ends at LF, CRLF or a lone CR (old Mac files and
/// some exports end lines with CR only, which the csv crate's own line count, LF only, would
/// put all on line 1). Only the breaks not yet passed are kept.
struct Lines<R> {
    inner: BufReader<R>,
    offset: u64,
    after_cr: bool,
    breaks: RefCell<VecDeque<u64>>,
    passed: Cell<u64>,
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        let mut breaks = self.breaks.borrow_mut();
        for (i, &b) in buf[..read].iter().enumerate() {
            if b == b'\r' || (b == b'\n' && !self.after_cr) {
                breaks.push_back(self.offset + i as u64);
            }
            self.after_cr = b == b'\r';
        }
        self.offset += read as u64;
        Ok(read)
    }
}

impl<R> Lines<R> {
    /// The line of the record starting at `byte` (records asked for in file order).
    fn line_at(&self, byte: u64) -> u64 {
        let mut breaks = self.breaks.borrow_mut();
        while breaks.front().is_some_and(|&b| b < byte) {
            breaks.pop_front();
            self.passed.set(self.passed.get() + 1);
        }
        self.passed.get() + 1
    }
}

/// Whether the file is Shift_JIS text throughout: decoded, a byte sequence Shift_JIS does not
/// have comes out as U+FFFD, which no Shift_JIS text holds.
fn shift_jis_clean(source: &mut dyn ReadSeek, scan: &Scan) -> Result<bool, ApiError> {
    const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();
    let mut text = text(source, scan, true, &Rc::default())?;
    let mut block = vec![0u8; 1 << 16];
    let mut kept = 0;
    loop {
        let read = text.read(&mut block[kept..]).map_err(|e| ApiError::invalid("file", format!("cannot read it ({e})")))?;
        if read == 0 {
            return Ok(true);
        }
        let filled = kept + read;
        if block[..filled].windows(REPLACEMENT.len()).any(|w| w == REPLACEMENT) {
            return Ok(false);
        }
        kept = filled.min(REPLACEMENT.len() - 1);
        block.copy_within(filled - kept..filled, 0);
    }
}

/// The key of a pair of texts (a service and a customer number among the file's rows, two
/// customer ids of a likely duplicate): 128 bits of two SipHash digests, so a million take
/// 16 bytes each instead of two strings.
fn pair_key(first: &str, second: &str) -> u128 {
    let digest = |salt: u8| {
        let mut hasher = DefaultHasher::new();
        (salt, first, second).hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(digest(0)) << 64) | u128::from(digest(1))
}

/// Maps each known column to its index in the header; unknown headers are refused.
fn header_map(headers: &csv::StringRecord) -> Result<HashMap<&'static str, usize>, ApiError> {
    let mut map = HashMap::new();
    for (index, header) in headers.iter().enumerate() {
        let header = header.trim();
        let column = COLUMNS.iter().find(|(en, ja, _)| *en == header || *ja == header).map(|c| c.0);
        match column {
            Some(column) if map.insert(column, index).is_some() => {
                return Err(ApiError::invalid("header", format!("column '{header}' appears twice")));
            }
            Some(_) => {}
            None => return Err(ApiError::invalid("header", format!("unknown column '{header}' (see README: import columns)"))),
        }
    }
    if let Some((en, ja, _)) = COLUMNS.iter().find(|(en, _, required)| *required && !map.contains_key(en)) {
        return Err(ApiError::invalid("header", format!("required column '{en}' ({ja}) is missing")));
    }
    Ok(map)
}

/// Reads one row against the header, collecting every problem.
struct Row<'a> {
    record: &'a csv::StringRecord,
    columns: &'a HashMap<&'static str, usize>,
    line: u64,
    errors: Vec<RowError>,
    warnings: Vec<RowWarning>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        self.columns.get(column).and_then(|i| self.record.get(*i)).map(str::trim).filter(|v| !v.is_empty())
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(RowError { line: self.line, field: field.to_string(), message: message.into() });
    }

    /// Checks every cell of the row as free text, in column order: at most its cap (checked
    /// before anything reads it further), no card number. False when any is refused.
    fn free_text_cells(&mut self) -> bool {
        let mut good = true;
        for (column, _, _) in COLUMNS {
            let Some(value) = self.get(column) else { continue };
            let cap = if column == "email" { MAX_EMAIL } else { caps::LINE };
            if let Err(e) = FreeText::new(column, value, cap) {
                self.error(column, e.reason());
                good = false;
            }
        }
        good
    }

    /// Warns when the postal code is not in Japan Post's table, or only in other prefectures
    /// than the row's (issue 15, item 4); the row stays good.
    fn postal_warning(&mut self, digits: &str, prefecture: Prefecture) {
        let info = postal::table_info();
        let shown = format_postal(digits);
        let (reason, message, message_ja) = match postal::check(digits, prefecture) {
            PostalCheck::Agrees => return,
            PostalCheck::Unknown => (
                "unknown_postal_code",
                format!("{shown} is not in Japan Post's postal-code table ({})", info.data_date),
                format!("郵便番号 {shown} は日本郵便の郵便番号データ（{}版）にありません。入力の誤りでないかご確認ください。", info.data_date),
            ),
            PostalCheck::OtherPrefecture(found) => {
                let places: Vec<String> = postal::lookup(digits).iter().map(|a| format!("{}{}", a.prefecture, a.city)).fold(Vec::new(), |mut v, p| {
                    if !v.contains(&p) {
                        v.push(p);
                    }
                    v
                });
                let names: Vec<&str> = found.iter().map(|p| p.name()).collect();
                (
                    "postal_code_prefecture",
                    format!("{shown} is a postal code of {} ({}), not of {prefecture}", names.join(", "), places.join(", ")),
                    format!("郵便番号 {shown} は{}の番号です（この行の都道府県は{prefecture}）。どちらかの誤りでないかご確認ください。", places.join("・")),
                )
            }
        };
        self.warnings.push(RowWarning { line: self.line, field: "postal_code".into(), reason, message, message_ja });
    }

    fn required(&mut self, column: &str) -> String {
        match self.get(column).map(str::to_string) {
            Some(value) => value,
            None => {
                self.error(column, "is empty");
                String::new()
            }
        }
    }

    /// A date written YYYY-MM-DD or YYYY/M/D (as Excel writes it).
    fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let text = self.get(column)?.to_string();
        let parts: Vec<&str> = text.split(['-', '/']).collect();
        let parsed = match parts.as_slice() {
            [y, m, d] if y.len() == 4 => match (y.parse(), m.parse(), d.parse()) {
                (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
                _ => None,
            },
            _ => None,
        };
        if parsed.is_none() {
            self.error(column, format!("'{text}' is not a date (YYYY-MM-DD or YYYY/MM/DD)"));
        }
        parsed
    }

    /// `date` within `years`, as stored.
    fn date_within(&mut self, column: &str, years: std::ops::RangeInclusive<i32>) -> Option<String> {
        let date = self.date(column)?;
        if !years.contains(&date.year()) {
            let text = self.get(column).unwrap_or_default().to_string();
            self.error(column, format!("'{text}' is outside {}–{}", years.start(), years.end()));
            return None;
        }
        Some(date.to_string())
    }

    fn count(&mut self, column: &str, max: i64) -> Option<i64> {
        let text = self.get(column)?.to_string();
        match text.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => {
                self.error(column, format!("'{text}' is not a whole number from 1 to {max}"));
                None
            }
        }
    }

    /// One of the service's values; with none (a column of another service, refused
    /// already), nothing.
    fn choice(&mut self, column: &str, values: &[String]) -> Option<String> {
        let text = self.get(column)?.to_string();
        if values.is_empty() {
            None
        } else if values.contains(&text) {
            Some(text)
        } else {
            self.error(column, format!("'{text}' is not one of {}", values.join(", ")));
            None
        }
    }
}

/// The choices of a service's tariff for a column (plans, models, cycles, NP terms).
fn tariff_choices(tariffs: &Tariffs, service: Service, column: &str) -> Vec<String> {
    match (tariffs.get(service).map(|t| &t.rules), column) {
        (Some(Rules::PlusAqua(r)), "plan") => r.plans.iter().map(|p| p.id.clone()).collect(),
        (Some(Rules::PlusAqua(r)), "server_model") => r.models.iter().map(|m| m.id.clone()).collect(),
        (Some(Rules::Alwater(r)), "server_model") => r.exchange_models.iter().map(|m| m.id.clone()).collect(),
        (Some(Rules::Allwatch(r)), "billing_cycle") => r.cycles.iter().map(|c| c.id.clone()).collect(),
        (Some(Rules::AmanoShop(r)), "np_terms") => r.np_terms.iter().map(|t| t.id.clone()).collect(),
        _ => Vec::new(),
    }
}

/// Checks one row and builds its record; `None` when any field is bad (all reported; a cell
/// too long or holding a card number stops the row's other checks).
fn parse_row(row: &mut Row, tariffs: &Tariffs, today: NaiveDate) -> Option<CustomerRecord> {
    if !row.free_text_cells() {
        return None;
    }
    let service_text = row.required("service");
    let service = Service::from_id(&service_text);
    if service.is_none() && !service_text.is_empty() {
        let known: Vec<&str> = Service::ALL.iter().map(|s| s.id()).collect();
        row.error("service", format!("'{service_text}' is not one of {}", known.join(", ")));
    }
    let customer_number = row.required("customer_number");
    if customer_number.chars().any(char::is_whitespace) {
        row.error("customer_number", "must not contain spaces");
    }
    let kind = match row.get("kind") {
        None | Some("person" | "個人") => "person",
        Some("company" | "法人") => "company",
        Some(other) => {
            let other = other.to_string();
            row.error("kind", format!("'{other}' is not person/個人 or company/法人"));
            "person"
        }
    };
    let name = row.required("name");
    let name_kana = row.required("name_kana");
    if let Err(reason) = Some(name_kana.as_str()).filter(|k| !k.is_empty()).map_or(Ok(()), customer::check_name_kana) {
        row.error("name_kana", reason);
    }
    let birth_date = row.date("birth_date");
    if let Some(Err(reason)) = birth_date.map(|d| customer::check_birth_date(d, today)) {
        row.error("birth_date", reason);
    }
    let birth_date = birth_date.map(|d| d.to_string());
    let prefecture = row.required("prefecture");
    if let Some(Err(reason)) = Some(prefecture.as_str()).filter(|p| !p.is_empty()).map(customer::check_prefecture) {
        row.error("prefecture", reason);
    }
    let postal_text = row.required("postal_code");
    let postal_code = match Some(postal_text.as_str()).filter(|p| !p.is_empty()).map(customer::check_postal_code) {
        Some(Ok(digits)) => Some(digits),
        Some(Err(reason)) => {
            row.error("postal_code", reason);
            None
        }
        None => None,
    };
    if let (Some(digits), Some(prefecture)) = (postal_code.as_deref(), Prefecture::from_name(&prefecture)) {
        row.postal_warning(digits, prefecture);
    }
    let address = row.required("address");
    let mut phones = Vec::new();
    for (column, label) in [("phone1", "電話番号1"), ("phone2", "電話番号2")] {
        let Some(number) = row.get(column).map(str::to_string) else {
            if column == "phone1" {
                row.error(column, "is empty");
            }
            continue;
        };
        if valid_phone(&number).is_none() {
            row.error(column, format!("'{number}' is not a Japanese phone number of 10 or 11 digits"));
        }
        phones.push(PhoneRecord { number, label: Some(label.to_string()) });
    }
    let mut emails = Vec::new();
    if let Some(email) = row.get("email").map(str::to_string) {
        if !valid_email(&email) {
            row.error("email", format!("'{email}' is not an email address"));
        }
        emails.push(email);
    }

    let mut account = AccountRecord { service: service_text.clone(), customer_number, ..AccountRecord::default() };
    account.status = match row.get("status") {
        None | Some("active" | "契約中") => "active",
        Some("paused" | "休止中") => "paused",
        Some("cancelled" | "解約") => "cancelled",
        Some(other) => {
            let other = other.to_string();
            row.error("status", format!("'{other}' is not active/契約中, paused/休止中 or cancelled/解約"));
            "active"
        }
    }
    .to_string();
    if let Some(service) = service {
        // A value of a field the service's accounts do not have: a shifted column.
        for (column, _) in customer::SERVICE_FIELDS {
            if row.get(column).is_some() && !customer::account_has(service, column) {
                row.error(column, format!("is not a field of {} accounts", service.id()));
            }
        }
        account.plan = row.choice("plan", &tariff_choices(tariffs, service, "plan"));
        account.server_model = row.choice("server_model", &tariff_choices(tariffs, service, "server_model"));
        account.billing_cycle = row.choice("billing_cycle", &tariff_choices(tariffs, service, "billing_cycle"));
        account.np_terms = row.choice("np_terms", &tariff_choices(tariffs, service, "np_terms"));
    }
    account.servers = row.count("servers", 99);
    account.terminals = row.count("terminals", 10_000);
    account.first_delivery = row.date_within("first_delivery", 1970..=2099);
    account.last_shipment = row.date_within("last_shipment", 1970..=2099);
    account.dealer = row.get("dealer").map(str::to_string);
    if let Some(limit) = row.get("monthly_limit").map(str::to_string) {
        match Yen::parse(&limit) {
            Ok(yen) if !yen.is_negative() => account.monthly_limit = Some(yen.to_string()),
            _ => row.error("monthly_limit", format!("'{limit}' is not whole yen (digits only, e.g. 100000)")),
        }
    }
    if let Some(month) = row.get("paid_through").map(str::to_string) {
        match crate::quote::parse_month(&month) {
            Ok(m) => account.paid_through = Some(m.to_string()),
            Err(reason) => row.error("paid_through", reason),
        }
    }
    if !row.errors.is_empty() {
        return None;
    }
    Some(CustomerRecord {
        kind: kind.to_string(),
        name,
        name_kana,
        birth_date,
        prefecture,
        postal_code: postal_code.unwrap_or_default(),
        address,
        phones,
        emails,
        accounts: vec![account],
    })
}

/// Imports the CSV read from `source` (read twice, in blocks: memory does not grow with the
/// file). With `skip_bad` false, any bad row stops everything and the
/// database is left as it was; with it, the good rows are written and the bad reported.
/// `progress(rows_done)` is called every 10,000 rows while writing and may return false to
/// cancel, which writes nothing.
pub fn import_customers(
    store: &mut Store,
    source: &mut dyn ReadSeek,
    encoding: Encoding,
    skip_bad: bool,
    ctx: Context,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<ImportReport, ApiError> {
    let Context { tariffs, actor, now } = ctx;
    let scan = scan(source)?;
    if scan.blank {
        return Err(ApiError::invalid("file", "is empty"));
    }
    let shift_jis = match (encoding, scan.utf8) {
        (Encoding::Auto | Encoding::Utf8, Ok(())) => false,
        (Encoding::Utf8, Err(at)) => return Err(ApiError::invalid("file", format!("not valid UTF-8 at byte {at}"))),
        (Encoding::Auto | Encoding::ShiftJis, _) => {
            if !shift_jis_clean(source, &scan)? {
                return Err(ApiError::invalid("file", "neither UTF-8 nor Shift_JIS (CP932) text"));
            }
            true
        }
    };
    let today = time::japan_date(now);
    let mut report = ImportReport { encoding: if shift_jis { "shift_jis" } else { "utf-8" }, ..ImportReport::default() };
    let not_csv = |e: csv::Error| ApiError::invalid("file", format!("not valid CSV ({e})"));

    // Pass 1: check every row, keeping only what is needed to write the good ones.
    let digest = Rc::default();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text(source, &scan, shift_jis, &digest)?);
    let headers = reader.headers().map_err(|e| ApiError::invalid("file", format!("cannot read the header row ({e})")))?.clone();
    let columns = header_map(&headers)?;
    let mut seen: HashMap<u128, u64> = HashMap::new();
    let mut good: Vec<bool> = Vec::new();
    let mut row_lines: Vec<u64> = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(not_csv)? {
        let line = reader.get_ref().line_at(record.position().map_or(0, csv::Position::byte));
        let mut row = Row { record: &record, columns: &columns, line, errors: Vec::new(), warnings: Vec::new() };
        if record.len() != headers.len() {
            row.error("row", format!("has {} fields, the header {}", record.len(), headers.len()));
        }
        let parsed = parse_row(&mut row, tariffs, today);
        if let Some(number) = row.get("customer_number") {
            let service = row.get("service").unwrap_or_default();
            match seen.entry(pair_key(service, number)) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    let message = format!("'{number}' of {service} appears again (first on line {})", first.get());
                    row.error("customer_number", message);
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(line);
                }
            }
        }
        good.push(parsed.is_some() && row.errors.is_empty());
        row_lines.push(line);
        report.bad_rows += u64::from(!row.errors.is_empty());
        report.error_count += row.errors.len() as u64;
        report.warning_count += row.warnings.len() as u64;
        report.errors.extend(row.errors.into_iter().take(LISTED.saturating_sub(report.errors.len())));
        report.warnings.extend(row.warnings.into_iter().take(LISTED.saturating_sub(report.warnings.len())));
        report.rows += 1;
    }
    drop(reader);
    drop(seen);
    unchanged(&scan, &digest)?;
    if report.rows == 0 {
        return Err(ApiError::invalid("file", "has a header but no rows"));
    }
    if report.bad_rows > 0 && !skip_bad {
        return Ok(report);
    }

    // Pass 2: write the good rows in one transaction.
    let at = stamp(now);
    let digest = Rc::default();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text(source, &scan, shift_jis, &digest)?);
    let (created, updated, unchanged_rows, duplicates, duplicate_count) = store.bulk_load(|tx| -> Result<_, ApiError> {
        let mut counts = (0u64, 0u64, 0u64, Vec::new(), 0u64);
        // Each pair once, as 16 bytes: a file of a million rows may hold a hundred thousand.
        let mut pairs: HashSet<u128> = HashSet::new();
        let mut ids = madoguchi_store::new_id;
        for (index, result) in reader.records().enumerate() {
            if index % 10_000 == 0 && !progress(index as u64) {
                return Err(ApiError::invalid("import", "cancelled; nothing was written"));
            }
            if !good.get(index).copied().unwrap_or(false) {
                continue;
            }
            let record = result.map_err(|e| ApiError::invalid("file", e.to_string()))?;
            let mut row = Row { record: &record, columns: &columns, line: 0, errors: Vec::new(), warnings: Vec::new() };
            let Some(customer) = parse_row(&mut row, tariffs, today) else {
                return Err(ApiError::invalid("file", "changed while it was being imported; nothing was written"));
            };
            let carried = |column: &str| columns.contains_key(column);
            let (outcome, customer_id) = madoguchi_store::customers::import_row(tx, &customer, &carried, &mut ids, actor, &at)?;
            match outcome {
                ImportOutcome::Created => counts.0 += 1,
                ImportOutcome::Updated(_) => counts.1 += 1,
                ImportOutcome::Unchanged => counts.2 += 1,
            }
            let Some(account) = customer.accounts.first() else { continue };
            for other in madoguchi_store::merge::likely_duplicates(tx, &customer_id)? {
                let pair = if customer_id < other.id { pair_key(&customer_id, &other.id) } else { pair_key(&other.id, &customer_id) };
                if !pairs.insert(pair) {
                    continue;
                }
                counts.4 += 1;
                if counts.3.len() >= LISTED {
                    continue;
                }
                counts.3.push(LikelyDuplicate {
                    line: row_lines.get(index).copied().unwrap_or_default(),
                    service: account.service.clone(),
                    customer_number: account.customer_number.clone(),
                    customer_id: customer_id.clone(),
                    reasons: other.likeness.codes(),
                    reason_ja: other.likeness.reason_ja(),
                    other_id: other.id,
                    other_name: other.name,
                    other_accounts: other.accounts,
                });
            }
        }
        unchanged(&scan, &digest).map_err(|_| ApiError::invalid("file", "changed while it was being imported; nothing was written"))?;
        Ok(counts)
    })?;
    report.duplicates = duplicates;
    report.duplicate_count = duplicate_count;
    progress(report.rows);
    report.created = created;
    report.updated = updated;
    report.unchanged = unchanged_rows;
    report.written = true;
    if created > 0 {
        store.optimize()?;
    }
    Ok(report)
}

//! `import customers`: an office's customer list as CSV (UTF-8, or Shift_JIS/CP932 as Excel
//! writes it), one row per account. Every row is checked and every bad row reported with its
//! line and field; nothing is written unless all rows are good (or `skip_bad`, which writes
//! the good ones). Every cell is a `FreeText` first (capped, no card number). Importing the
//! same file again changes nothing. A postal code Japan Post's table does not have, or has
//! in another prefecture than the row's, is a warning naming the row: the row is written.
//! Each written row's customer is compared with the others (名寄せ, `duplicates::likely_same`):
//! the likely duplicates are listed in the report, never merged.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use madoguchi_domain::money::Yen;
use madoguchi_domain::postal::{self, PostalCheck};
use madoguchi_domain::prefecture::Prefecture;
use madoguchi_domain::tariff::{Rules, Service};
use madoguchi_domain::text::{FreeText, caps, format_postal, is_kana, postal_digits, valid_email, valid_phone};
use madoguchi_domain::time::{self, Moment};
use madoguchi_store::{AccountRecord, CustomerRecord, ImportOutcome, PhoneRecord, Store};
use serde_json::{Value, json};

use crate::customers::{ApiError, stamp};
use crate::tariffs::Tariffs;

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

/// Columns that only some services use; a value elsewhere is refused (a shifted column).
const SERVICE_COLUMNS: [(&str, &[&str]); 11] = [
    ("plan", &["plus-aqua"]),
    ("server_model", &["alwater", "plus-aqua"]),
    ("servers", &["alwater", "plus-aqua"]),
    ("last_shipment", &["alwater", "plus-aqua"]),
    ("first_delivery", &["alwater", "plus-aqua", "allwatch"]),
    ("dealer", &["kaunet"]),
    ("monthly_limit", &["kaunet"]),
    ("billing_cycle", &["allwatch"]),
    ("paid_through", &["allwatch"]),
    ("terminals", &["allwatch"]),
    ("np_terms", &["amano-shop"]),
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub message: String,
}

/// A row written but worth a look: where, what and why, in English (the CLI) and in Japanese
/// (the app).
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl LikelyDuplicate {
    pub fn to_json(&self) -> Value {
        json!({
            "line": self.line,
            "service": self.service,
            "customer_number": self.customer_number,
            "customer_id": self.customer_id,
            "other": {
                "id": self.other_id,
                "name": self.other_name,
                "accounts": self.other_accounts.iter().map(|(s, n)| json!({"service": s, "customer_number": n})).collect::<Vec<_>>(),
            },
            "reasons": self.reasons,
            "reason_ja": self.reason_ja,
        })
    }
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub encoding: &'static str,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub errors: Vec<RowError>,
    /// Rows whose postal code is not Japan Post's or not of their prefecture (written all the same).
    pub warnings: Vec<RowWarning>,
    /// Written rows likely the same person as another customer, each pair once.
    pub duplicates: Vec<LikelyDuplicate>,
    /// False when bad rows stopped the import and nothing was written.
    pub written: bool,
}

impl ImportReport {
    pub fn to_json(&self) -> Value {
        json!({
            "encoding": self.encoding,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad_rows": self.errors.iter().map(|e| e.line).collect::<std::collections::BTreeSet<_>>().len(),
            "written": self.written,
            "errors": self.errors.iter().map(|e| json!({"line": e.line, "field": e.field, "message": e.message})).collect::<Vec<_>>(),
            "warnings": self
                .warnings
                .iter()
                .map(|w| json!({"line": w.line, "field": w.field, "reason": w.reason, "message": w.message, "message_ja": w.message_ja}))
                .collect::<Vec<_>>(),
            "duplicates": self.duplicates.iter().map(LikelyDuplicate::to_json).collect::<Vec<_>>(),
        })
    }
}

/// Decodes the file's bytes (borrowing them when they are UTF-8 already); a BOM is dropped.
fn decode(bytes: &[u8], encoding: Encoding) -> Result<(Cow<'_, str>, &'static str), ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8 = std::str::from_utf8(bytes);
    match (encoding, utf8) {
        (Encoding::Auto | Encoding::Utf8, Ok(text)) => Ok((Cow::Borrowed(text), "utf-8")),
        (Encoding::Utf8, Err(e)) => Err(ApiError::invalid("file", format!("not valid UTF-8 at byte {}", e.valid_up_to()))),
        (Encoding::Auto | Encoding::ShiftJis, _) => {
            let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(ApiError::invalid("file", "neither UTF-8 nor Shift_JIS (CP932) text"));
            }
            Ok((Cow::Owned(text.into_owned()), "shift_jis"))
        }
    }
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

    /// A date written YYYY-MM-DD or YYYY/M/D (as Excel writes it), within `years`.
    fn date(&mut self, column: &str, years: std::ops::RangeInclusive<i32>) -> Option<String> {
        let text = self.get(column)?.to_string();
        let parts: Vec<&str> = text.split(['-', '/']).collect();
        let parsed = match parts.as_slice() {
            [y, m, d] if y.len() == 4 => match (y.parse(), m.parse(), d.parse()) {
                (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d),
                _ => None,
            },
            _ => None,
        };
        match parsed {
            Some(date) if years.contains(&date.year()) => Some(date.to_string()),
            Some(_) => {
                self.error(column, format!("'{text}' is outside {}–{}", years.start(), years.end()));
                None
            }
            None => {
                self.error(column, format!("'{text}' is not a date (YYYY-MM-DD or YYYY/MM/DD)"));
                None
            }
        }
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

/// The line a record starts on, as an editor numbers lines: a line ends at LF, CRLF or a lone
/// CR (old Mac files and some exports end lines with CR only, which the csv crate's own line
/// count, LF only, would put all on line 1). Fed the records' byte offsets in file order.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    breaks: u64,
    after_cr: bool,
}

impl LineCounter {
    fn line_at(&mut self, text: &[u8], byte: usize) -> u64 {
        let end = byte.min(text.len());
        for &b in text.get(self.offset..end).unwrap_or_default() {
            match b {
                b'\r' => self.breaks += 1,
                b'\n' if !self.after_cr => self.breaks += 1,
                _ => {}
            }
            self.after_cr = b == b'\r';
        }
        self.offset = self.offset.max(end);
        self.breaks + 1
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
    if !name_kana.is_empty() && !is_kana(&name_kana) {
        row.error("name_kana", format!("'{name_kana}' is not kana (カタカナ or ひらがな)"));
    }
    let birth_date = row.date("birth_date", 1900..=today.year());
    if birth_date.as_deref().is_some_and(|d| d > today.to_string().as_str()) {
        row.error("birth_date", "is in the future");
    }
    let prefecture = row.required("prefecture");
    if !prefecture.is_empty() && Prefecture::from_name(&prefecture).is_none() {
        row.error("prefecture", format!("'{prefecture}' is not a prefecture (write it in full: 東京都, 北海道, 大阪府…)"));
    }
    let postal_text = row.required("postal_code");
    let postal_code = postal_digits(&postal_text);
    if postal_code.is_none() && !postal_text.is_empty() {
        row.error("postal_code", format!("'{postal_text}' is not a postal code of 7 digits"));
    }
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
        for (column, services) in SERVICE_COLUMNS {
            if row.get(column).is_some() && !services.contains(&service.id()) {
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
    account.first_delivery = row.date("first_delivery", 1970..=2099);
    account.last_shipment = row.date("last_shipment", 1970..=2099);
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

/// Imports the CSV `bytes`. With `skip_bad` false, any bad row stops everything and the
/// database is left as it was; with it, the good rows are written and the bad reported.
/// `progress(rows_done)` is called every 10,000 rows while writing and may return false to
/// cancel, which writes nothing.
#[allow(clippy::too_many_arguments)]
pub fn import_customers(
    store: &mut Store,
    bytes: &[u8],
    encoding: Encoding,
    skip_bad: bool,
    tariffs: &Tariffs,
    actor: &str,
    now: Moment,
    progress: &mut dyn FnMut(u64) -> bool,
) -> Result<ImportReport, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::invalid("file", "is empty"));
    }
    let (text, encoding_name) = decode(bytes, encoding)?;
    let today = time::japan_date(now);
    let mut report = ImportReport { encoding: encoding_name, ..ImportReport::default() };

    // Pass 1: check every row, keeping only what is needed to find duplicates.
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| ApiError::invalid("file", format!("cannot read the header row ({e})")))?.clone();
    let columns = header_map(&headers)?;
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut good: Vec<bool> = Vec::new();
    let mut row_lines: Vec<u64> = Vec::new();
    let mut lines = LineCounter::default();
    for result in reader.records() {
        let record = result.map_err(|e| ApiError::invalid("file", format!("not valid CSV ({e})")))?;
        let line = lines.line_at(text.as_bytes(), record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX)));
        let mut row = Row { record: &record, columns: &columns, line, errors: Vec::new(), warnings: Vec::new() };
        if record.len() != headers.len() {
            row.error("row", format!("has {} fields, the header {}", record.len(), headers.len()));
        }
        let parsed = parse_row(&mut row, tariffs, today);
        if let Some(number) = row.get("customer_number") {
            let key = (row.get("service").unwrap_or_default().to_string(), number.to_string());
            if let Some(first) = seen.get(&key) {
                row.error("customer_number", format!("'{}' of {} appears again (first on line {first})", key.1, key.0));
            } else {
                seen.insert(key, line);
            }
        }
        good.push(parsed.is_some() && row.errors.is_empty());
        row_lines.push(line);
        report.errors.extend(row.errors);
        report.warnings.extend(row.warnings);
        report.rows += 1;
    }
    if report.rows == 0 {
        return Err(ApiError::invalid("file", "has a header but no rows"));
    }
    if !report.errors.is_empty() && !skip_bad {
        return Ok(report);
    }

    // Pass 2: write the good rows in one transaction.
    let at = stamp(now);
    let (created, updated, unchanged, duplicates) = store.bulk_load(|tx| {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let mut counts = (0u64, 0u64, 0u64, Vec::new());
        let mut pairs: HashSet<(String, String)> = HashSet::new();
        let mut ids = madoguchi_store::new_id;
        for (index, result) in reader.records().enumerate() {
            if index % 10_000 == 0 && !progress(index as u64) {
                return Err(madoguchi_store::StoreError::invalid("import", "cancelled; nothing was written"));
            }
            if !good.get(index).copied().unwrap_or(false) {
                continue;
            }
            let record = result.map_err(|e| madoguchi_store::StoreError::invalid("file", e.to_string()))?;
            let mut row = Row { record: &record, columns: &columns, line: 0, errors: Vec::new(), warnings: Vec::new() };
            let Some(customer) = parse_row(&mut row, tariffs, today) else { continue };
            let carried = |column: &str| columns.contains_key(column);
            let (outcome, customer_id) = madoguchi_store::customers::import_row(tx, &customer, &carried, &mut ids, actor, &at)?;
            match outcome {
                ImportOutcome::Created => counts.0 += 1,
                ImportOutcome::Updated(_) => counts.1 += 1,
                ImportOutcome::Unchanged => counts.2 += 1,
            }
            let Some(account) = customer.accounts.first() else { continue };
            for other in madoguchi_store::merge::likely_duplicates(tx, &customer_id)? {
                let pair = if customer_id < other.id { (customer_id.clone(), other.id.clone()) } else { (other.id.clone(), customer_id.clone()) };
                if !pairs.insert(pair) {
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
        Ok(counts)
    })?;
    report.duplicates = duplicates;
    progress(report.rows);
    report.created = created;
    report.updated = updated;
    report.unchanged = unchanged;
    report.written = true;
    if created > 0 {
        store.optimize()?;
    }
    Ok(report)
}

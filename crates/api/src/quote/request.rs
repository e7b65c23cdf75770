//! Request fields: their declared types, and the strict parsing that turns JSON into typed
//! arguments or one error naming the field.

use chrono::{DateTime, NaiveDate};
use madoguchi_domain::calendar::YearMonth;
use madoguchi_domain::money::Yen;
use madoguchi_domain::time::{self, Moment};
use serde_json::{Map, Value};

use super::RequestError;

/// Dates a request may name: the calendar is checked over this range.
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 2099;
/// Birth dates need no calendar rule, and customers may be born long before 1970.
pub const FIRST_BIRTH_YEAR: i32 = 1900;
/// The most servers, deliveries or terminals one request may count.
const MAX_COUNT: u64 = 10_000;
/// The longest free-text field (a password to check).
const MAX_TEXT_CHARS: usize = 256;

/// What a field holds. `--kinds` prints these so the UI can build its forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DD` from 1900: only compared, never put through the business calendar.
    BirthDate,
    /// `YYYY-MM-DD` or null.
    NullableDate,
    /// RFC 3339 with an offset.
    Moment,
    /// `YYYY-MM`.
    Month,
    /// Whole yen as a string of digits.
    Yen,
    /// A whole number from 1.
    Count,
    Bool,
    Text,
    /// Text the customer keeps secret (a password to check): used for the answer only, never
    /// put into a summary, a note, the audit log, a log line, a bundle or a document.
    Secret,
    /// ISO 3166-1 alpha-2, e.g. `JP`.
    Country,
    /// One of the listed values, each with its Japanese label.
    Choice(Vec<(String, String)>),
}

impl FieldType {
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::Date | FieldType::BirthDate => "date",
            FieldType::NullableDate => "date_or_null",
            FieldType::Moment => "moment",
            FieldType::Month => "month",
            FieldType::Yen => "yen",
            FieldType::Count => "count",
            FieldType::Bool => "bool",
            FieldType::Text => "text",
            FieldType::Secret => "secret",
            FieldType::Country => "country",
            FieldType::Choice(_) => "choice",
        }
    }
}

/// One field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    /// What an absent optional field means, as the user would read it.
    pub default: Option<String>,
    /// The Japanese label for forms.
    pub label: &'static str,
}

impl Field {
    pub fn required(name: &'static str, ty: FieldType, label: &'static str) -> Field {
        Field { name, ty, required: true, default: None, label }
    }

    pub fn optional(name: &'static str, ty: FieldType, label: &'static str, default: &str) -> Field {
        Field { name, ty, required: false, default: Some(default.to_string()), label }
    }

    /// A choice of (value, label) pairs.
    pub fn choice(name: &'static str, choices: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>, label: &'static str) -> Field {
        Field::required(name, FieldType::Choice(choices.into_iter().map(|(v, l)| (v.into(), l.into())).collect()), label)
    }
}

/// A parsed argument.
#[derive(Debug, Clone, PartialEq)]
enum Arg {
    Date(NaiveDate),
    Moment(Moment),
    Month(YearMonth),
    Yen(Yen),
    Count(u32),
    Bool(bool),
    Text(String),
    Null,
}

/// The typed arguments of a request, checked against its fields.
#[derive(Debug, Default)]
pub struct Args {
    values: Vec<(&'static str, Arg)>,
}

fn undeclared(name: &'static str, what: &str) -> RequestError {
    RequestError::new(name, format!("internal error: not declared as a {what} field"))
}

impl Args {
    /// Checks every field of `request` against `fields`: unknown keys, missing required
    /// fields and ill-typed values are refused, naming the field. `skip` are keys handled elsewhere.
    pub fn parse(request: &Map<String, Value>, fields: &[Field], skip: &[&str], context: &str) -> Result<Args, RequestError> {
        if let Some(unknown) = request.keys().find(|k| !skip.contains(&k.as_str()) && !fields.iter().any(|f| f.name == k.as_str())) {
            // A key that cannot stand as the field of a one-line refusal (empty, blank, or
            // holding a line break) is named by the request, and shown quoted.
            if unknown.trim().is_empty() || unknown.chars().any(super::breaks_line) {
                return Err(RequestError::new("request", format!("has the key {unknown:?}, which is not a field of {context}")));
            }
            return Err(RequestError::new(unknown.clone(), format!("unknown field for {context}")));
        }
        let mut args = Args::default();
        for field in fields {
            let arg = match request.get(field.name) {
                None if field.required => return Err(RequestError::new(field.name, "missing")),
                None => continue,
                Some(value) => parse_value(field, value)?,
            };
            args.values.push((field.name, arg));
        }
        Ok(args)
    }

    fn get(&self, name: &str) -> Option<&Arg> {
        self.values.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }

    pub fn date(&self, name: &'static str) -> Result<NaiveDate, RequestError> {
        match self.get(name) {
            Some(Arg::Date(d)) => Ok(*d),
            _ => Err(undeclared(name, "required date")),
        }
    }

    pub fn optional_date(&self, name: &'static str) -> Result<Option<NaiveDate>, RequestError> {
        match self.get(name) {
            Some(Arg::Date(d)) => Ok(Some(*d)),
            Some(Arg::Null) | None => Ok(None),
            _ => Err(undeclared(name, "date")),
        }
    }

    pub fn moment(&self, name: &'static str) -> Result<Moment, RequestError> {
        match self.get(name) {
            Some(Arg::Moment(m)) => Ok(*m),
            _ => Err(undeclared(name, "required moment")),
        }
    }

    pub fn month(&self, name: &'static str) -> Result<YearMonth, RequestError> {
        match self.get(name) {
            Some(Arg::Month(m)) => Ok(*m),
            _ => Err(undeclared(name, "required month")),
        }
    }

    pub fn yen(&self, name: &'static str) -> Result<Yen, RequestError> {
        self.optional_yen(name)?.ok_or_else(|| undeclared(name, "required yen"))
    }

    pub fn optional_yen(&self, name: &'static str) -> Result<Option<Yen>, RequestError> {
        match self.get(name) {
            Some(Arg::Yen(y)) => Ok(Some(*y)),
            None => Ok(None),
            _ => Err(undeclared(name, "yen")),
        }
    }

    pub fn count(&self, name: &'static str) -> Result<u32, RequestError> {
        match self.get(name) {
            Some(Arg::Count(c)) => Ok(*c),
            _ => Err(undeclared(name, "required count")),
        }
    }

    pub fn optional_count(&self, name: &'static str) -> Result<Option<u32>, RequestError> {
        match self.get(name) {
            Some(Arg::Count(c)) => Ok(Some(*c)),
            None => Ok(None),
            _ => Err(undeclared(name, "count")),
        }
    }

    /// A boolean; absent means false.
    pub fn flag(&self, name: &'static str) -> Result<bool, RequestError> {
        match self.get(name) {
            Some(Arg::Bool(b)) => Ok(*b),
            None => Ok(false),
            _ => Err(undeclared(name, "bool")),
        }
    }

    /// Text or a choice; `default` when the optional field is absent.
    pub fn text(&self, name: &'static str, default: Option<&str>) -> Result<String, RequestError> {
        match (self.get(name), default) {
            (Some(Arg::Text(t)), _) => Ok(t.clone()),
            (None, Some(d)) => Ok(d.to_string()),
            _ => Err(undeclared(name, "text")),
        }
    }
}

fn parse_value(field: &Field, value: &Value) -> Result<Arg, RequestError> {
    let name = field.name;
    let error = |reason: String| RequestError::new(name, reason);
    let text = || value.as_str().ok_or_else(|| error(format!("must be a string, not {}", json_kind(value))));
    Ok(match &field.ty {
        FieldType::NullableDate if value.is_null() => Arg::Null,
        FieldType::Date | FieldType::NullableDate => Arg::Date(parse_date(text()?).map_err(error)?),
        FieldType::BirthDate => Arg::Date(parse_date_from(text()?, FIRST_BIRTH_YEAR).map_err(error)?),
        FieldType::Moment => Arg::Moment(parse_moment(text()?).map_err(error)?),
        FieldType::Month => Arg::Month(parse_month(text()?).map_err(error)?),
        FieldType::Yen => {
            let yen = Yen::parse(text()?).map_err(|e| error(e.to_string()))?;
            if yen.is_negative() {
                return Err(error("must not be negative".into()));
            }
            Arg::Yen(yen)
        }
        FieldType::Count => Arg::Count(parse_count(value).map_err(error)?),
        FieldType::Bool => Arg::Bool(value.as_bool().ok_or_else(|| error(format!("must be true or false, not {}", json_kind(value))))?),
        FieldType::Text | FieldType::Secret => {
            let t = text()?;
            if t.chars().count() > MAX_TEXT_CHARS {
                return Err(error(format!("must be at most {MAX_TEXT_CHARS} characters")));
            }
            Arg::Text(t.to_string())
        }
        FieldType::Country => {
            let t = text()?;
            if t.len() != 2 || !t.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(error(format!("'{t}' is not a two-letter country code such as JP")));
            }
            Arg::Text(t.to_string())
        }
        FieldType::Choice(choices) => {
            let t = text()?;
            if !choices.iter().any(|(v, _)| v == t) {
                return Err(error(format!("'{t}' is not one of {}", choice_values(choices))));
            }
            Arg::Text(t.to_string())
        }
    })
}

/// A choice's values, as a refusal lists them.
pub fn choice_values(choices: &[(String, String)]) -> String {
    choices.iter().map(|(v, _)| v.as_str()).collect::<Vec<_>>().join(", ")
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn in_range(year: i32, first: i32) -> Result<(), String> {
    if !(first..=LAST_YEAR).contains(&year) {
        return Err(format!("must be between {first} and {LAST_YEAR}"));
    }
    Ok(())
}

/// Strict `YYYY-MM-DD` (no other widths), a real date, within the supported years.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    parse_date_from(text, FIRST_YEAR)
}

fn parse_date_from(text: &str, first_year: i32) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(format!("'{text}' is not a date YYYY-MM-DD"));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("'{text}' is not a real date"))?;
    in_range(chrono::Datelike::year(&date), first_year)?;
    Ok(date)
}

/// RFC 3339 with an explicit offset, seen in Japan time, within the supported years.
pub fn parse_moment(text: &str) -> Result<Moment, String> {
    let moment = DateTime::parse_from_rfc3339(text).map_err(|_| format!("'{text}' is not an RFC 3339 moment such as 2026-11-20T17:00:00+09:00"))?;
    let moment = time::in_japan(moment);
    in_range(chrono::Datelike::year(&moment), FIRST_YEAR)?;
    Ok(moment)
}

/// Strict `YYYY-MM` within the supported years.
pub fn parse_month(text: &str) -> Result<YearMonth, String> {
    let bad = || format!("'{text}' is not a month YYYY-MM");
    let b = text.as_bytes();
    if b.len() != 7 || b[4] != b'-' || !b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit()) {
        return Err(bad());
    }
    let year: i32 = text[..4].parse().map_err(|_| bad())?;
    let month: u32 = text[5..].parse().map_err(|_| bad())?;
    let month = YearMonth::new(year, month).ok_or_else(bad)?;
    in_range(year, FIRST_YEAR)?;
    Ok(month)
}

fn parse_count(value: &Value) -> Result<u32, String> {
    if let Some(n) = value.as_i64()
        && n < 1
    {
        return Err("must be at least 1".into());
    }
    let n = value.as_u64().ok_or_else(|| format!("must be a whole number, not {}", json_kind(value)))?;
    if n > MAX_COUNT {
        return Err(format!("must be at most {MAX_COUNT}"));
    }
    u32::try_from(n).map_err(|_| format!("must be at most {MAX_COUNT}"))
}

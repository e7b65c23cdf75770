//! Quotes: every fee and deadline the seeds define, as pure functions of a request, `as_of` and a tariff.
//!
//! Each service has a module; each kind is one function taking the [`Context`] and a typed
//! input, returning a [`Quote`] or a [`QuoteError`] naming the request field at fault.

pub mod allwatch;
pub mod alwater;
pub mod amano_shop;
pub mod kaunet;
pub mod pause;
pub mod plus_aqua;

use chrono::NaiveDate;

use crate::calendar::YearMonth;
use crate::money::{TaxCategory, Yen};
use crate::prefecture::Prefecture;
use crate::tariff::{Fee, Tariff};
use crate::time::{self, Moment};

/// What every quote is computed against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The moment the customer called (Japan time).
    pub as_of: Moment,
    pub prefecture: Prefecture,
    pub tariff: &'a Tariff,
}

impl Context<'_> {
    pub fn as_of_date(&self) -> NaiveDate {
        time::japan_date(self.as_of)
    }

    /// The moment of "N (Hokkaido N+1) business days before `date`, by the end of
    /// customer-center hours" (seed 000 交換; seed 004 第8, 11, 13条).
    pub fn lead_deadline(&self, date: NaiveDate, field: &'static str) -> Result<Moment, QuoteError> {
        let lead = self.tariff.lead;
        let days = if self.prefecture.is_hokkaido() { lead.hokkaido_business_days } else { lead.business_days };
        let day = self.tariff.calendar.business_days_before(date, days).ok_or_else(|| out_of_range(field))?;
        time::japan_moment(day, self.tariff.cutoff).ok_or_else(|| out_of_range(field))
    }
}

/// A request field that breaks a rule, and why: printed as `field: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct QuoteError {
    pub field: &'static str,
    pub reason: String,
}

impl QuoteError {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        QuoteError { field, reason: reason.into() }
    }
}

/// For date arithmetic that leaves the calendar's range; inputs are bounded to 1970–2099,
/// so this only guards the functions' totality.
pub(crate) fn out_of_range(field: &'static str) -> QuoteError {
    QuoteError::new(field, "date arithmetic left the supported calendar range")
}

/// One line of a quote or bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub code: &'static str,
    pub label: String,
    pub quantity: u32,
    pub unit: Yen,
    pub amount: Yen,
    pub tax: TaxCategory,
    /// When the fee falls due, where a rule says (e.g. each pause fee's month-end).
    pub due: Option<NaiveDate>,
    /// The months a periodic fee or refund covers, both included.
    pub period: Option<(YearMonth, YearMonth)>,
}

impl Line {
    /// `quantity` × the fee.
    pub fn of_fee(code: &'static str, fee: &Fee, quantity: u32) -> Line {
        Line::priced(code, &fee.label, fee.amount, fee.tax, quantity)
    }

    pub fn priced(code: &'static str, label: &str, unit: Yen, tax: TaxCategory, quantity: u32) -> Line {
        Line { code, label: label.to_string(), quantity, unit, amount: unit.times(quantity), tax, due: None, period: None }
    }

    pub fn due(mut self, date: NaiveDate) -> Line {
        self.due = Some(date);
        self
    }
}

/// A date-like value of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Date(NaiveDate),
    Moment(Moment),
    Month(YearMonth),
}

/// One bill of a billing schedule (allwatch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub month: YearMonth,
    /// The day the invoice is posted.
    pub posted: NaiveDate,
    pub lines: Vec<Line>,
}

impl Bill {
    pub fn total(&self) -> Yen {
        self.lines.iter().map(|l| l.amount).sum()
    }
}

/// Kind-specific parts of an answer beyond lines, dates, flags and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extra {
    Integer(i64),
    Yen(Yen),
    Month(YearMonth),
    Codes(Vec<String>),
    Months(Vec<YearMonth>),
    Bills(Vec<Bill>),
}

/// The answer to one request. The total is always the sum of the lines: it is computed, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Quote {
    pub lines: Vec<Line>,
    pub dates: Vec<(&'static str, When)>,
    pub flags: Vec<(&'static str, bool)>,
    pub extras: Vec<(&'static str, Extra)>,
    /// What to tell the customer or watch for, in Japanese.
    pub notes: Vec<String>,
}

impl Quote {
    pub fn total(&self) -> Yen {
        self.lines.iter().map(|l| l.amount).sum()
    }

    pub fn date(mut self, key: &'static str, value: When) -> Self {
        self.dates.push((key, value));
        self
    }

    pub fn flag(mut self, key: &'static str, value: bool) -> Self {
        self.flags.push((key, value));
        self
    }

    pub fn extra(mut self, key: &'static str, value: Extra) -> Self {
        self.extras.push((key, value));
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    pub fn line(mut self, line: Line) -> Self {
        self.lines.push(line);
        self
    }
}

/// Refuses a date after `as_of` for facts that must already have happened (a receipt, a return).
pub(crate) fn not_after_as_of(ctx: &Context, field: &'static str, date: NaiveDate) -> Result<(), QuoteError> {
    if date > ctx.as_of_date() {
        return Err(QuoteError::new(field, format!("{date} is after the as_of date {}", ctx.as_of_date())));
    }
    Ok(())
}

/// `YYYY年M月D日` for notes.
pub(crate) fn japanese_date(date: NaiveDate) -> String {
    crate::calendar::seireki(date)
}

/// `YYYY年M月D日 HH:MM` for notes.
pub(crate) fn japanese_moment(moment: Moment) -> String {
    format!("{} {}", japanese_date(time::japan_date(moment)), time::japan_time(moment).format("%H:%M"))
}

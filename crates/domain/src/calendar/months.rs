//! Calendar months (YYYY-MM), month arithmetic, day counts and anniversaries.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate};

/// A calendar month, e.g. 2026-11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: i32,
    month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(YearMonth { year, month })
    }

    pub fn of(date: NaiveDate) -> Self {
        YearMonth { year: date.year(), month: date.month() }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// Months since year 0, for arithmetic.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(index: i64) -> Option<Self> {
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = u32::try_from(index.rem_euclid(12) + 1).ok()?;
        Some(YearMonth { year, month })
    }

    /// This month moved by `months` (negative for earlier months).
    pub fn plus(self, months: i64) -> Option<Self> {
        Self::from_index(self.index().checked_add(months)?)
    }

    /// Months from `self` to `later` (0 for the same month).
    pub fn months_until(self, later: YearMonth) -> i64 {
        later.index() - self.index()
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }

    pub fn last_day(self) -> Option<NaiveDate> {
        self.plus(1)?.first_day()?.pred_opt()
    }

    /// The given day of this month, if the month has it.
    pub fn day(self, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, day)
    }

    /// Every month from `self` to `last`, both included.
    pub fn through(self, last: YearMonth) -> impl Iterator<Item = YearMonth> {
        let count = self.months_until(last).max(-1) + 1;
        (0..count).filter_map(move |i| self.plus(i))
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// `date` plus `days` calendar days. DOMAIN.md day counts: "8 days including the application
/// date" ends on `add_days(application, 7)`; "180 days from the last purchase" (HC, 民法 140条:
/// the first day is not counted) ends on `add_days(purchase, 180)`.
pub fn add_days(date: NaiveDate, days: u32) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(u64::from(days)))
}

/// The date `years` years after `start`. HC: a start of Feb 29 has its anniversary on Mar 1
/// in common years, as 年齢計算ニ関スル法律 gives for ages.
pub fn anniversary(start: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = start.year().checked_add(i32::try_from(years).ok()?)?;
    NaiveDate::from_ymd_opt(year, start.month(), start.day()).or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
}

/// Whole years passed from `start` to `on`: N years have passed when `on` ≥ the Nth
/// anniversary (a person's age, years since a server was received). 0 before `start`.
pub fn years_completed(start: NaiveDate, on: NaiveDate) -> u32 {
    if on < start {
        return 0;
    }
    let mut years = u32::try_from(on.year() - start.year()).unwrap_or(0);
    while years > 0 && anniversary(start, years).is_none_or(|a| a > on) {
        years -= 1;
    }
    years
}

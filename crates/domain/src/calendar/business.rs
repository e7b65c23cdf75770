//! Business days (営業日): Monday to Friday, not a holiday, not in the service's year-end closure.

use chrono::{Datelike, NaiveDate, Weekday};

use super::{YearMonth, is_holiday};

/// How far a search for a business day may go. A closure is at most 14 days (checked when a
/// tariff is loaded), so any real search ends within a few weeks; the bound keeps every
/// function total.
const SEARCH_LIMIT_DAYS: u32 = 400;

/// A day of the year, without the year (e.g. 12-29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    pub fn of(date: NaiveDate) -> Self {
        MonthDay { month: date.month(), day: date.day() }
    }
}

/// A closure from one day of the year to another, both included; it may wrap over New Year
/// (12-29 → 01-03, the house convention of DOMAIN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closure {
    pub from: MonthDay,
    pub to: MonthDay,
}

impl Closure {
    pub fn contains(&self, date: NaiveDate) -> bool {
        let day = MonthDay::of(date);
        if self.from <= self.to { self.from <= day && day <= self.to } else { day >= self.from || day <= self.to }
    }

    /// Days in the closure in a common year (used to bound it when a tariff is loaded).
    pub fn length_days(&self) -> i64 {
        let on = |md: MonthDay, year| NaiveDate::from_ymd_opt(year, md.month, md.day);
        let to_year = if self.from <= self.to { 2001 } else { 2002 };
        match (on(self.from, 2001), on(self.to, to_year)) {
            (Some(a), Some(b)) => (b - a).num_days() + 1,
            _ => i64::MAX,
        }
    }
}

/// The business-day calendar of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    closure: Option<Closure>,
}

impl BusinessCalendar {
    pub fn new(closure: Option<Closure>) -> Self {
        BusinessCalendar { closure }
    }

    pub fn closure(&self) -> Option<Closure> {
        self.closure
    }

    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_holiday(date) && !self.closure.is_some_and(|c| c.contains(date))
    }

    /// The first business day strictly after `date` (翌営業日).
    pub fn next_business_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        let mut day = date;
        for _ in 0..SEARCH_LIMIT_DAYS {
            day = day.succ_opt()?;
            if self.is_business_day(day) {
                return Some(day);
            }
        }
        None
    }

    /// The `n`th business day counted strictly before `date` (X営業日前): for 2026-11-30 and
    /// n = 5 this is 2026-11-20, since 11-23 is 勤労感謝の日.
    pub fn business_days_before(&self, date: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut day = date;
        let mut counted = 0;
        for _ in 0..SEARCH_LIMIT_DAYS.saturating_add(n.saturating_mul(2)) {
            day = day.pred_opt()?;
            if self.is_business_day(day) {
                counted += 1;
                if counted == n {
                    return Some(day);
                }
            }
        }
        None
    }

    /// Business days strictly between `from` and `to` (for checks and tests).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days().skip(1).take_while(|d| *d < to).filter(|d| self.is_business_day(*d)).count() as u32
    }

    /// The `n`th business day of a month (第n営業日), 1-based.
    pub fn nth_business_day_of_month(&self, month: YearMonth, n: u32) -> Option<NaiveDate> {
        let first = month.first_day()?;
        if n == 0 {
            return None;
        }
        first.iter_days().take_while(|d| YearMonth::of(*d) == month).filter(|d| self.is_business_day(*d)).nth((n - 1) as usize)
    }

    /// The last business day of a month (月末最終営業日).
    pub fn last_business_day_of_month(&self, month: YearMonth) -> Option<NaiveDate> {
        let last = month.last_day()?;
        last.iter_days().rev().take_while(|d| YearMonth::of(*d) == month).find(|d| self.is_business_day(*d))
    }
}

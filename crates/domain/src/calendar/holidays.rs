//! Japanese national holidays by rule (国民の祝日に関する法律), including 振替休日, 国民の休日,
//! the equinox days and the one-off holidays of 1989, 1990, 1993, 2019, 2020 and 2021.
//!
//! Checked day by day for 1970–2050 against the independent table of `@holiday-jp/holiday_jp`
//! (tests/fixtures/holidays_1970_2050.tsv). The equinox days after 2050 follow the
//! astronomical approximation; the government announces them a year ahead.

use chrono::{Datelike, NaiveDate, Weekday};

/// What made a day a holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HolidayKind {
    /// A 国民の祝日 named by the law or by a one-off law (e.g. 即位礼正殿の儀).
    National,
    /// 振替休日: the day after a national holiday that fell on a Sunday (Art. 3 ¶2).
    Substitute,
    /// 国民の休日: a weekday between two national holidays (Art. 3 ¶3).
    Citizens,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    pub name: &'static str,
    pub kind: HolidayKind,
}

/// The holiday on `date`, if any.
pub fn holiday(date: NaiveDate) -> Option<Holiday> {
    if let Some(name) = national_holiday(date) {
        return Some(Holiday { name, kind: HolidayKind::National });
    }
    if is_substitute_holiday(date) {
        return Some(Holiday { name: "振替休日", kind: HolidayKind::Substitute });
    }
    if is_citizens_holiday(date) {
        return Some(Holiday { name: "国民の休日", kind: HolidayKind::Citizens });
    }
    None
}

pub fn is_holiday(date: NaiveDate) -> bool {
    holiday(date).is_some()
}

/// 振替休日 began with the amendment in force from 1973-04-12.
fn substitute_rule_start() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1973, 4, 12)
}

/// 国民の休日 began with the amendment in force from 1985-12-27.
fn citizens_rule_start() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1985, 12, 27)
}

/// Since 2007 a Sunday holiday moves to the nearest following non-holiday (before, to Monday
/// only; no two national holidays were adjacent then, so one walk serves both eras).
fn is_substitute_holiday(date: NaiveDate) -> bool {
    let Some(start) = substitute_rule_start() else { return false };
    let mut day = date;
    while let Some(previous) = day.pred_opt() {
        if national_holiday(previous).is_none() {
            return false;
        }
        if previous.weekday() == Weekday::Sun {
            return previous >= start;
        }
        day = previous;
    }
    false
}

/// A day whose previous and next days are national holidays. Until 2006 the law excluded
/// Sundays; from 2007 it only requires that the day is not itself a national holiday.
fn is_citizens_holiday(date: NaiveDate) -> bool {
    let Some(start) = citizens_rule_start() else { return false };
    if date < start || (date.year() < 2007 && date.weekday() == Weekday::Sun) {
        return false;
    }
    let between = |a: Option<NaiveDate>, b: Option<NaiveDate>| match (a, b) {
        (Some(a), Some(b)) => national_holiday(a).is_some() && national_holiday(b).is_some(),
        _ => false,
    };
    between(date.pred_opt(), date.succ_opt())
}

/// The day of month of the `n`th `weekday` (0 when there is none).
fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> u32 {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n).map_or(0, |d| d.day())
}

/// 国民の祝日 on `date` (Art. 2 and the one-off laws), not counting 振替休日 or 国民の休日.
fn national_holiday(date: NaiveDate) -> Option<&'static str> {
    let (y, m, d) = (date.year(), date.month(), date.day());
    let name = match (y, m, d) {
        (1989, 2, 24) => "大喪の礼",
        (1990, 11, 12) => "即位礼正殿の儀",
        (1993, 6, 9) => "結婚の儀",
        (2019, 5, 1) => "天皇の即位の日",
        (2019, 10, 22) => "即位礼正殿の儀",
        (_, 1, 1) => "元日",
        (..=1999, 1, 15) => "成人の日",
        (2000.., 1, _) if d == nth_weekday(y, 1, Weekday::Mon, 2) => "成人の日",
        (_, 2, 11) => "建国記念の日",
        (2020.., 2, 23) => "天皇誕生日",
        (_, 3, _) if d == vernal_equinox_day(y) => "春分の日",
        (..=1988, 4, 29) => "天皇誕生日",
        (1989..=2006, 4, 29) => "みどりの日",
        (2007.., 4, 29) => "昭和の日",
        (_, 5, 3) => "憲法記念日",
        (2007.., 5, 4) => "みどりの日",
        (_, 5, 5) => "こどもの日",
        // The Olympic years moved 海の日, スポーツの日 and 山の日 by special law.
        (2020, 7, 23) | (2021, 7, 22) => "海の日",
        (2020, 7, 24) | (2021, 7, 23) => "スポーツの日",
        (2020, 8, 10) | (2021, 8, 8) => "山の日",
        (2020 | 2021, 7 | 8 | 10, _) => return None,
        (1996..=2002, 7, 20) => "海の日",
        (2003.., 7, _) if d == nth_weekday(y, 7, Weekday::Mon, 3) => "海の日",
        (2016.., 8, 11) => "山の日",
        (..=2002, 9, 15) => "敬老の日",
        (2003.., 9, _) if d == nth_weekday(y, 9, Weekday::Mon, 3) => "敬老の日",
        (_, 9, _) if d == autumnal_equinox_day(y) => "秋分の日",
        (..=1999, 10, 10) => "体育の日",
        (2000..=2019, 10, _) if d == nth_weekday(y, 10, Weekday::Mon, 2) => "体育の日",
        (2022.., 10, _) if d == nth_weekday(y, 10, Weekday::Mon, 2) => "スポーツの日",
        (_, 11, 3) => "文化の日",
        (_, 11, 23) => "勤労感謝の日",
        (1989..=2018, 12, 23) => "天皇誕生日",
        _ => return None,
    };
    Some(name)
}

fn vernal_equinox_day(year: i32) -> u32 {
    equinox_day(year, [20_835_700, 20_843_100, 21_851_000])
}

fn autumnal_equinox_day(year: i32) -> u32 {
    equinox_day(year, [23_258_800, 23_248_800, 24_248_800])
}

/// The usual approximation of the equinox day (as used to announce 春分日/秋分日), in
/// integers: `base` is the constant of each era (1900–1979, 1980–2099, 2100–2150) × 10⁶.
/// Rust's integer division truncates toward zero, as the published formula's INT does.
fn equinox_day(year: i32, base: [i64; 3]) -> u32 {
    let y = i64::from(year);
    let (constant, leap_anchor) = match year {
        ..=1979 => (base[0], 1983),
        1980..=2099 => (base[1], 1980),
        _ => (base[2], 1980),
    };
    let micro_days = constant + 242_194 * (y - 1980) - (y - leap_anchor) / 4 * 1_000_000;
    u32::try_from(micro_days / 1_000_000).unwrap_or(0)
}

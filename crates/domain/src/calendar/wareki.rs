//! 和暦: dates in the Japanese era calendar, as customers expect them on documents (令和8年11月21日).

use chrono::{Datelike, NaiveDate};

/// (era, first day). Enough for every date a document can carry (from 1926-12-25).
const ERAS: [(&str, i32, u32, u32); 4] = [("令和", 2019, 5, 1), ("平成", 1989, 1, 8), ("昭和", 1926, 12, 25), ("大正", 1912, 7, 30)];

/// `令和8年11月21日`; the first year of an era is 元年 (令和元年5月1日). `None` before 大正.
pub fn wareki(date: NaiveDate) -> Option<String> {
    let (era, start_year, ..) = ERAS.iter().find(|(_, y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d).is_some_and(|start| date >= start))?;
    let year = date.year() - start_year + 1;
    let year_text = if year == 1 { "元".to_string() } else { year.to_string() };
    Some(format!("{era}{year_text}年{}月{}日", date.month(), date.day()))
}

/// `2026年11月21日`, the Western calendar as documents write it.
pub fn seireki(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

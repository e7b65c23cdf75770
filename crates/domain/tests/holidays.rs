//! Every day from 1970 to 2050 against the independent holiday table of `@holiday-jp/holiday_jp`.

use chrono::NaiveDate;
use madoguchi_domain::calendar::{HolidayKind, holiday};

fn oracle() -> Vec<(NaiveDate, String)> {
    include_str!("fixtures/holidays_1970_2050.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let (date, name) = l.split_once('\t').expect("date<TAB>name");
            (NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a date"), name.to_string())
        })
        .collect()
}

#[test]
fn every_day_1970_to_2050_matches_the_published_table() {
    let oracle = oracle();
    assert!(oracle.len() > 1300, "the fixture holds the whole table");
    let start = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let end = NaiveDate::from_ymd_opt(2050, 12, 31).unwrap();
    let mut mismatches = Vec::new();
    for day in start.iter_days().take_while(|d| *d <= end) {
        let expected = oracle.iter().find(|(d, _)| *d == day).map(|(_, n)| n.as_str());
        let actual = holiday(day);
        let agrees = match (expected, actual) {
            (None, None) => true,
            (Some(name), Some(h)) => match h.kind {
                HolidayKind::Substitute => name.ends_with("振替休日"),
                HolidayKind::Citizens => name == "休日",
                HolidayKind::National => !name.ends_with("振替休日") && name != "休日",
            },
            _ => false,
        };
        if !agrees {
            mismatches.push(format!("{day}: table {expected:?}, rules {actual:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[test]
fn national_holiday_names_match_the_table_where_the_law_names_them() {
    // The table writes 体育の日 2020 oddly and names the 2019 accession day 休日（祝日扱い）;
    // every other national holiday carries the law's own name.
    for (day, name) in oracle() {
        if let Some(h) = holiday(day)
            && h.kind == HolidayKind::National
            && !name.contains('（')
            && !name.contains("儀")
            && name != "大喪の礼"
        {
            assert_eq!(h.name, name, "{day}");
        }
    }
}

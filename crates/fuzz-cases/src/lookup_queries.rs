//! Target `lookup_queries`: the one search box (`Store::lookup`) on a small database seeded
//! once per process through the CSV import: names in kanji and kana of every width, companies,
//! customer numbers written in several ways, phones written in several ways (some shared by
//! customers, some written twice by one customer), emails, postal codes.
//!
//! Input: one byte for the limit (0–16), then the query as UTF-8 (invalid bytes replaced).
//!
//! Properties: the lookup answers (never fails) and the same again; an empty query or limit
//! finds nothing; at most `limit` hits, each customer once, ordered by rank, `exact` exactly
//! for the exact ranks; an exact phone or customer-number hit matches the query's digits or
//! number key; and every customer whose phone or customer number the query is exactly (by a
//! naive scan of the seeded rows) is among the hits when there are at most `limit` of them.

use std::collections::BTreeSet;

use madoguchi_api::Store;
use madoguchi_domain::text::{nfkc, phone_digits};
use madoguchi_store::{LookupHit, MatchedField};

use crate::fixtures::{empty_store, import};

/// One seeded customer, as the naive scan sees it.
struct Seeded {
    customer_number: String,
    phones: Vec<String>,
}

const FAMILIES: [(&str, &str); 8] = [
    ("佐藤", "サトウ"),
    ("鈴木", "すずき"),
    ("髙橋", "ﾀｶﾊｼ"),
    ("𠮷田", "ヨシダ"),
    ("山﨑", "ヤマサキ"),
    ("森", "モリ"),
    ("渡邊", "ワタナベ"),
    ("伊藤", "イトウ"),
];
const GIVEN: [(&str, &str); 6] = [("太郎", "タロウ"), ("花子", "ハナコ"), ("愛", "アイ"), ("健一", "ケンイチ"), ("美咲", "ミサキ"), ("一", "ハジメ")];
const COMPANIES: [(&str, &str); 4] = [
    ("株式会社アマノ商事", "アマノショウジ"),
    ("有限会社\"丸文堂\"", "マルブンドウ"),
    ("合同会社100%_ラボ", "ヒャクパーセントラボ"),
    ("(株)ＡＢＣ物産", "エービーシーブッサン"),
];
const SERVICES: [(&str, &str); 5] = [("alwater", "AW"), ("plus-aqua", "PA"), ("kaunet", "KN"), ("allwatch", "M2M"), ("amano-shop", "AM")];
const PREFECTURES: [(&str, &str); 4] = [("東京都", "100-0001"), ("北海道", "〒060-0001"), ("大阪府", "5300001"), ("沖縄県", "９００－０００１")];

/// The seeded rows: a CSV for the import, and what the naive scan knows of each customer.
fn seed_rows() -> (String, Vec<Seeded>) {
    let mut csv = String::from("service,customer_number,kind,name,name_kana,prefecture,postal_code,address,phone1,phone2,email\n");
    let mut seeded = Vec::new();
    for n in 0..120_usize {
        let (service, prefix) = SERVICES[n % SERVICES.len()];
        // Customer numbers as offices write them: plain, with hyphens, lower case, full width.
        let customer_number = match n % 4 {
            0 => format!("{prefix}{n:08}"),
            1 => format!("{prefix}-{:04}-{:04}", n / 10, n % 10),
            2 => format!("{}{n:06}", prefix.to_lowercase()),
            _ => nfkc_wide(&format!("{prefix}{n:05}")),
        };
        let (kind, name, kana) = if n % 9 == 4 {
            let (name, kana) = COMPANIES[n / 9 % COMPANIES.len()];
            ("company", name.to_string(), kana.to_string())
        } else {
            let (family, family_kana) = FAMILIES[n % FAMILIES.len()];
            let (given, given_kana) = GIVEN[n / FAMILIES.len() % GIVEN.len()];
            ("person", format!("{family}　{given}"), format!("{family_kana} {given_kana}"))
        };
        let (prefecture, postal) = PREFECTURES[n % PREFECTURES.len()];
        // Every seventh customer shares the phone of the one before (a family, an office).
        let line = if n % 7 == 6 { n - 1 } else { n };
        let phone1 = match line % 3 {
            0 => format!("03-1234-{line:04}"),
            1 => format!("090{line:08}"),
            _ => format!("(06)6000-{line:04}"),
        };
        // Every fifth writes the same number again as the second phone, in another format.
        let phone2 = match n % 5 {
            0 => phone_digits(&phone1).unwrap_or_default(),
            3 => format!("080-{:04}-{line:04}", n % 10),
            _ => String::new(),
        };
        let email = match n % 4 {
            0 => format!("User{n}@Example.com"),
            1 => "info@shared.example.jp".to_string(),
            _ => String::new(),
        };
        let row = [service, &customer_number, kind, &name, &kana, prefecture, postal, &format!("中央区1-{n}"), &phone1, &phone2, &email];
        csv.push_str(&row.iter().map(|cell| format!("\"{}\"", cell.replace('"', "\"\""))).collect::<Vec<_>>().join(","));
        csv.push('\n');
        seeded.push(Seeded { customer_number, phones: [phone1, phone2].into_iter().filter(|p| !p.is_empty()).collect() });
    }
    (csv, seeded)
}

/// ASCII letters and digits in full width (ＡＷ００１２３).
fn nfkc_wide(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { char::from_u32(u32::from(c) + 0xFEE0).unwrap_or(c) } else { c }).collect()
}

/// The search key of a customer number, written out from its rule: NFKC, no spaces or
/// hyphens, upper case.
fn number_key(text: &str) -> String {
    nfkc(text).chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect()
}

thread_local! {
    static SEEDED: (Store, Vec<Seeded>) = {
        let (csv, seeded) = seed_rows();
        let mut store = empty_store();
        let report = import(&mut store, csv.as_bytes(), false).unwrap_or_else(|e| panic!("the lookup rows import: {e}"));
        assert!(report.written && report.created == 120, "the lookup rows import: {:?}", report.errors);
        (store, seeded)
    };
}

fn customer_number(hit: &LookupHit) -> &str {
    match hit.customer_numbers.as_slice() {
        [number] => number,
        other => panic!("a seeded customer has one account, not {other:?}"),
    }
}

pub fn lookup_queries(data: &[u8]) {
    let Some((&limit, query)) = data.split_first() else { return };
    let limit = usize::from(limit % 17);
    let query = String::from_utf8_lossy(query);
    SEEDED.with(|(store, seeded)| {
        let hits = store.lookup(&query, limit).unwrap_or_else(|e| panic!("the lookup of {query:?} failed: {e}"));
        let again = store.lookup(&query, limit).unwrap_or_else(|e| panic!("the lookup of {query:?} failed the second time: {e}"));
        assert_eq!(hits, again, "the same lookup gave other hits");
        let trimmed = query.trim();
        if trimmed.is_empty() || limit == 0 {
            assert!(hits.is_empty(), "an empty query or limit found {hits:?}");
            return;
        }
        assert!(hits.len() <= limit, "{} hits for limit {limit}", hits.len());
        let ids: BTreeSet<&str> = hits.iter().map(|h| h.customer_id.as_str()).collect();
        assert_eq!(ids.len(), hits.len(), "a customer is listed twice: {hits:?}");
        assert!(hits.windows(2).all(|w| w[0].rank <= w[1].rank), "hits out of rank order: {hits:?}");
        let digits = phone_digits(trimmed).filter(|d| d.len() >= 4);
        let key = number_key(trimmed);
        let key_searched = key.len() >= 3 && key.chars().any(|c| c.is_ascii_digit());
        for hit in &hits {
            assert!(hit.rank <= 9, "rank {} out of range", hit.rank);
            assert_eq!(hit.exact, hit.rank <= 3, "exact is {} at rank {}", hit.exact, hit.rank);
            if hit.rank == 0 {
                match hit.field {
                    MatchedField::Phone => assert_eq!(phone_digits(&hit.matched), digits, "an exact phone hit {:?} for {query:?}", hit.matched),
                    MatchedField::CustomerNumber => assert_eq!(number_key(&hit.matched), key, "an exact number hit {:?} for {query:?}", hit.matched),
                    other => panic!("rank 0 for a {other:?} match"),
                }
            }
        }
        // The naive scan: every customer the query names exactly by phone or customer number.
        let exact: BTreeSet<&str> = seeded
            .iter()
            .filter(|s| {
                let phone = digits.as_ref().is_some_and(|d| s.phones.iter().any(|p| phone_digits(p).as_ref() == Some(d)));
                phone || (key_searched && number_key(&s.customer_number) == key)
            })
            .map(|s| s.customer_number.as_str())
            .collect();
        if exact.len() <= limit {
            let found: BTreeSet<&str> = hits.iter().filter(|h| h.rank == 0).map(customer_number).collect();
            assert_eq!(found, exact, "the exact hits for {query:?} (limit {limit}) are not the customers it names exactly");
        }
    });
}

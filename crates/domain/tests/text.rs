//! Tables of search keys, phone and postal normalization, kana checks and card detection
//! (with a slow reference scanner the fast one is checked against, `support/card_reference.rs`),
//! and `FreeText`.

use madoguchi_domain::text::{
    self, FreeText, TextRefusal, caps, contains_card_number, is_card_separator, is_kana, phone_digits, postal_digits, query_gram, search_grams, search_key,
    valid_phone,
};
use proptest::prelude::*;

/// The slow reference scanner, shared with the fuzzer (crates/fuzz-cases).
#[path = "support/card_reference.rs"]
mod card_reference;

use card_reference::{SEPARATORS, contains_card_number as reference, luhn};

#[test]
fn names_in_any_script_and_width_share_one_key() {
    for (a, b) in [
        ("サトウ　タロウ", "さとうたろう"),
        ("ｻﾄｳ ﾀﾛｳ", "さとうたろう"),
        ("ガッコウ", "がっこう"),
        ("ｶﾞｯｺｳ", "がっこう"),
        ("佐藤　太郎", "佐藤太郎"),
        ("ＡＢＣ商事", "abc商事"),
        ("コーヒー", "こーひー"),
        ("ヴァイオリン", "ゔぁいおりん"),
        ("マイケル・ジョーダン", "まいけるじょーだん"),
    ] {
        assert_eq!(search_key(a), b, "{a}");
    }
}

#[test]
fn kana_fields() {
    for good in ["サトウ タロウ", "さとう", "ｻﾄｳ", "ジョーダン・マイケル"] {
        assert!(is_kana(good), "{good}");
    }
    for bad in ["佐藤", "sato", "", "サトウ1", "  "] {
        assert!(!is_kana(bad), "{bad:?}");
    }
}

#[test]
fn phone_numbers_in_every_format() {
    let cases = [
        ("03-1234-5678", Some("0312345678")),
        ("0312345678", Some("0312345678")),
        ("０３－１２３４－５６７８", Some("0312345678")),
        ("03 1234 5678", Some("0312345678")),
        ("(03)1234-5678", Some("0312345678")),
        ("（０３）１２３４ー５６７８", Some("0312345678")),
        ("+81 3 1234 5678", Some("0312345678")),
        ("+81-3-1234-5678", Some("0312345678")),
        ("+81 (0)3 1234 5678", Some("0312345678")),
        ("＋８１９０１２３４５６７８", Some("09012345678")),
        ("0081-90-1234-5678", Some("09012345678")),
        ("090.1234.5678", Some("09012345678")),
        ("0086", Some("0086")),
        ("0081", Some("0")),
        ("03-1234-567x", None),
        ("+1 212 555 0100", None),
    ];
    for (text, digits) in cases {
        assert_eq!(phone_digits(text).as_deref(), digits, "{text}");
    }
    assert_eq!(valid_phone("03-1234-567").as_deref(), None, "too short");
    assert_eq!(valid_phone("090-1234-5678").as_deref(), Some("09012345678"));
}

#[test]
fn postal_codes() {
    for (text, digits) in [
        ("100-0001", Some("1000001")),
        ("〒100-0001", Some("1000001")),
        ("１００００１", None),
        ("１００００１１", Some("1000011")),
        ("1000001", Some("1000001")),
        ("100-001", None),
    ] {
        assert_eq!(postal_digits(text).as_deref(), digits, "{text}");
    }
}

/// Card spellings an agent could type: every separator, both widths, inside Japanese text,
/// behind brand names and `EC`-prefixed tokens; Visa 13 and 16, Amex 15, Diners 14, 19 digits.
const CARDS: [&str; 46] = [
    "4111111111111111",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "カード番号は４１１１ １１１１ １１１１ １１１１です",
    "3782 822463 10005",
    "3530111333300000",
    "5555555555554444 を控えました",
    "card:4242424242424242.",
    "JCB3530111333300000",
    "VISA4111111111111111",
    "４１１１ー１１１１ー１１１１ー１１１１",
    "4111ｰ1111ｰ1111ｰ1111",
    "4111−1111−1111−1111",
    "4111‐1111‐1111‐1111",
    "4111‒1111‒1111‒1111",
    "4111–1111–1111–1111",
    "4111—1111—1111—1111",
    "4111―1111―1111―1111",
    "5555－5555－5555－4444",
    "4111/1111/1111/1111",
    "４１１１／１１１１／１１１１／１１１１",
    "4111.1111.1111.1111",
    "6011。1111。1111。1117",
    "4111、1111、1111、1111",
    "4012，8888，8888，1881",
    "４０１２・８８８８・８８８８・１８８１",
    "ｶｰﾄﾞ 4111･1111･1111･1111",
    "４１１１　１１１１　１１１１　１１１１",
    "4111  1111  1111  1111",
    "4111 - 1111 - 1111 - 1111",
    "4111 ー1111/1111.1111",
    "4111\u{200B}1111\u{200B}1111\u{200B}1111",
    "お客様のカードは 5105 1051 0510 5100、有効期限は12/28とのこと",
    "電話は03-1234-5678、カードは4111111111111111です",
    "EC 4111-1111-1111-1111",
    "注文 EC0000000002 4111 1111 1111 1111 で決済",
    "EC4111-1111-1111-1111",
    "ＥＣ０００００１２３４５　４２４２　４２４２　４２４２　４２４２",
    "Ｔ4111111111111111",
    "Amex 3714 496353 98431",
    "13桁 4222 2222 2222 2",
    "19桁 6217 0000 0000 0000 004",
    "JCB ３５６６／００２０／２０３６／０５０５",
    "Diners 3622 720627 1667",
    "MC 2223 0031 2200 3222",
    "T 5163879988799",
];

/// Texts that must pass: phone numbers in every format, postal codes, dates, order, customer
/// and registration numbers, amounts, masked cards.
const NOT_CARDS: [&str; 30] = [
    "4111 1111 1111 1112",
    "03-1234-5678 と 090-1234-5678 に連絡",
    "090 1234 5678 03 1234 5678",
    "０３ー１２３４ー５６７８",
    "（０３）１２３４−５６７８",
    "+81 90 1234 5678",
    "0120-123-456",
    "電話 03-1234-5678 FAX 03-1234-5679",
    "〒100-0001 東京都千代田区1-1-1",
    "〒１００ー０００１",
    "2026/12/02 に配送",
    "２０２６／１２／０２",
    "2026-12-02T10:00:00+09:00",
    "令和8年12月2日",
    "注文番号 EC20261121000123",
    "EC0000000002",
    "ご注文EC0000012345の件",
    "ec20261121000123",
    "AW00000001",
    "お客様番号 KN00000001",
    "M2M0000001",
    "15,000円",
    "1,234,567円（税込）",
    "T7000012050002",
    "T5163879988799",
    "Ｔ5163879988799 の登録番号",
    "4111-****-****-1111",
    "下4桁 1111",
    "411111111111",
    "",
];

#[test]
fn card_numbers_are_detected_however_written() {
    for text in CARDS {
        assert!(contains_card_number(text), "{text}");
        assert!(reference(text), "the reference agrees: {text}");
    }
    for text in NOT_CARDS {
        assert!(!contains_card_number(text), "{text}");
        assert!(!reference(text), "the reference agrees: {text}");
    }
}

#[test]
fn free_text_is_capped_before_it_is_scanned_and_names_its_field() {
    let note = FreeText::new("note", "配送日の変更を受付。", caps::NOTE).expect("a note");
    assert_eq!(note.as_str(), "配送日の変更を受付。");
    assert_eq!(note.into_string(), "配送日の変更を受付。");
    let card = FreeText::new("lines[0].name", "４１１１ー１１１１ー１１１１ー１１１１", caps::ITEM_NAME).expect_err("a card");
    assert_eq!(card.refusal, TextRefusal::CardNumber);
    assert!(card.to_string().starts_with("lines[0].name: looks like a payment-card number"), "{card}");
    // Too long is said first, without a scan: the oversized text holds a card too.
    let long = "4111 1111 1111 1111 ".repeat(200);
    let error = FreeText::new("note", &long, caps::NOTE).expect_err("too long");
    assert_eq!(error.refusal, TextRefusal::TooLong { max_chars: caps::NOTE });
    assert_eq!(error.to_string(), "note: is longer than 2000 characters");
    // The cap counts characters, not bytes: 200 kanji are 600 bytes and fit a line.
    assert!(FreeText::new("address", &"東".repeat(caps::LINE), caps::LINE).is_ok());
    assert!(FreeText::new("address", &"東".repeat(caps::LINE + 1), caps::LINE).is_err());
}

/// A Luhn-valid number of 13–19 digits starting with an issuer digit, from proptest's draws.
fn luhn_number(first: u8, body: &[u8]) -> Vec<u8> {
    let mut digits = vec![first];
    digits.extend_from_slice(body);
    let check = (0..10).find(|d| luhn(&[digits.as_slice(), &[*d]].concat())).expect("one check digit fits");
    digits.push(check);
    digits
}

/// Writes digits with a run of separators (or none) after each, each digit in either width.
fn spelled(digits: &[u8], wide: &[bool], gaps: &[Vec<char>]) -> String {
    let mut text = String::new();
    for (i, d) in digits.iter().enumerate() {
        text.push(if wide[i % wide.len()] { char::from_u32('０' as u32 + u32::from(*d)).expect("digit") } else { char::from(b'0' + d) });
        if i + 1 < digits.len() {
            text.extend(&gaps[i % gaps.len()]);
        }
    }
    text
}

const AROUND: [(&str, &str); 6] = [
    ("", ""),
    ("カード番号は", "です"),
    ("お客様より ", " を伺いました。"),
    ("控え：", "（有効期限12/28）"),
    ("ＶＩＳＡ", "、折り返し希望"),
    ("注文EC0000000002 ", ""),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_scanner_agrees_with_the_reference(text in proptest::collection::vec(prop_oneof![
        4 => proptest::sample::select(vec!['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']),
        2 => proptest::sample::select(vec!['０', '３', '４', '５', '９']),
        3 => proptest::sample::select(SEPARATORS.to_vec()),
        1 => proptest::sample::select(vec!['あ', 'カ', '番', 'E', 'C', 'c', 'T', 'Ｔ', 'x', '\n', '円']),
    ], 0..48)) {
        let text: String = text.into_iter().collect();
        prop_assert_eq!(contains_card_number(&text), reference(&text), "{:?}", text);
    }

    #[test]
    fn the_scanner_agrees_with_the_reference_around_real_numbers(
        first in 2u8..=6,
        body in proptest::collection::vec(0u8..10, 11..=17),
        wide in proptest::collection::vec(any::<bool>(), 1..8),
        gaps in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(SEPARATORS.to_vec()), 0..3), 1..8),
        before in proptest::collection::vec(proptest::sample::select(vec!['1', '0', 'E', 'C', 'T', ' ', 'ー', 'あ']), 0..6),
        after in proptest::collection::vec(proptest::sample::select(vec!['1', '7', ' ', '-', 'x', '円']), 0..6),
    ) {
        let text = format!("{}{}{}", before.iter().collect::<String>(), spelled(&luhn_number(first, &body), &wide, &gaps), after.iter().collect::<String>());
        prop_assert_eq!(contains_card_number(&text), reference(&text), "{:?}", text);
    }

    #[test]
    fn any_luhn_valid_number_with_any_mix_of_separators_is_refused(
        first in 2u8..=6,
        body in proptest::collection::vec(0u8..10, 11..=17),
        wide in proptest::collection::vec(any::<bool>(), 1..8),
        gaps in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(SEPARATORS.to_vec()), 0..4), 1..8),
        around in proptest::sample::select(AROUND.to_vec()),
    ) {
        let text = format!("{}{}{}", around.0, spelled(&luhn_number(first, &body), &wide, &gaps), around.1);
        prop_assert!(contains_card_number(&text), "{:?}", text);
        prop_assert!(FreeText::new("note", &text, caps::NOTE).is_err());
    }
}

#[test]
fn the_scanner_joins_groups_across_exactly_the_separators_of_the_rule() {
    let differ: Vec<String> = (0..=0x10FFFF_u32)
        .filter_map(char::from_u32)
        .filter(|c| is_card_separator(*c) != SEPARATORS.contains(c))
        .map(|c| format!("U+{:04X} (scanner {}, rule {})", u32::from(c), is_card_separator(c), SEPARATORS.contains(&c)))
        .collect();
    assert!(differ.is_empty(), "separators the scanner and the rule disagree on: {differ:?}");
}

#[test]
fn short_parts_are_looked_up_by_grams_each_kanji_and_each_two_neighbours() {
    assert_eq!(search_grams(&search_key("小林　一郎")), ["小", "小林", "林", "林一", "一", "一郎", "郎"]);
    // Runs of letters and digits only: a hyphen or a space ends one; kana are never alone.
    assert_eq!(search_grams("梅田1-1"), ["梅", "梅田", "田", "田1"]);
    assert_eq!(search_grams("さとう"), ["さと", "とう"]);
    assert_eq!(search_grams(""), Vec::<String>::new());
    assert_eq!(search_grams("林林"), ["林", "林林"], "each once");
    // What a short query is looked up as: one kanji, or two letters or digits.
    for (key, gram) in
        [("林", Some("林")), ("𠮷", Some("𠮷")), ("梅田", Some("梅田")), ("さと", Some("さと")), ("さ", None), ("a", None), ("-1", None), ("小林一", None)]
    {
        assert_eq!(query_gram(key), gram, "{key}");
    }
    // Every gram a query could be is stored for the text it is part of.
    let key = search_key("株式会社髙﨑商店");
    for part in ["髙", "崎", "商店", "会社"] {
        let part = search_key(part);
        assert!(search_grams(&key).contains(&query_gram(&part).expect("a gram").to_string()), "{part}");
    }
}

#[test]
fn the_search_columns_of_numbers_phones_and_emails() {
    assert_eq!(text::number_key("ec-0000 12"), "EC000012");
    assert_eq!(text::number_key("ＡＷ００００１"), "AW00001");
    assert_eq!(text::phone_keys("03-1234-5678"), ("0312345678".to_string(), "8765432130".to_string()));
    assert_eq!(text::phone_keys("not a phone"), (String::new(), String::new()));
    assert_eq!(text::email_key("Taro.Yamada@Example.JP"), "taro.yamada@example.jp");
}

#[test]
fn a_name_is_found_whole_by_part_and_without_its_legal_form() {
    let person = text::name_tokens("森　愛", "モリ アイ");
    for part in ["森愛", "森", "愛"] {
        assert!(person.contains(&text::search_key(part)), "{part}: {person:?}");
    }
    let company = text::name_tokens("株式会社アマノ", "カブシキガイシャ アマノ");
    assert!(company.contains(&text::search_key("アマノ")), "{company:?}");
    assert_eq!(company.iter().filter(|t| **t == text::search_key("アマノ")).count(), 1, "each token once: {company:?}");
}

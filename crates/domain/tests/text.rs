//! Tables of search keys, phone and postal normalization, kana checks and card detection.

use madoguchi_domain::text::{contains_card_number, is_kana, phone_digits, postal_digits, search_key, valid_phone};

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
    for (text, digits) in [("100-0001", Some("1000001")), ("〒100-0001", Some("1000001")), ("１００００１", None), ("１００００１１", Some("1000011")), ("1000001", Some("1000001")), ("100-001", None)] {
        assert_eq!(postal_digits(text).as_deref(), digits, "{text}");
    }
}

#[test]
fn card_numbers_are_detected_however_written() {
    let cards = [
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
    ];
    for text in cards {
        assert!(contains_card_number(text), "{text}");
    }
    let not_cards = [
        "4111 1111 1111 1112",
        "03-1234-5678 と 090-1234-5678 に連絡",
        "090 1234 5678 03 1234 5678",
        "注文番号 EC20261121000123",
        "〒100-0001 東京都千代田区1-1-1",
        "411111111111",
        "",
    ];
    for text in not_cards {
        assert!(!contains_card_number(text), "{text}");
    }
}

#[test]
fn registration_numbers_carry_the_corporate_number_check_digit() {
    use madoguchi_domain::text::valid_registration_number;
    // 7000012050002 is the 法人番号 of 国税庁.
    assert!(valid_registration_number("T7000012050002"));
    for bad in ["T8000012050002", "7000012050002", "T700001205000", "T70000120500020", "T700001205000X", "t7000012050002"] {
        assert!(!valid_registration_number(bad), "{bad}");
    }
}

//! Tables of the documents' legal rules: honorific by kind, a receipt's content over reduced-rate
//! items, the T-number check digit for corporations and individuals, the postcard's frames.

use madoguchi_domain::document::{
    POSTAL_FRAME_RIGHT, POSTAL_FRAME_SIZE, PartyKind, ReceiptContent, RegistrationNumber, check_registration_number, is_corporation_name, postal_frames,
    receipt_content,
};
use madoguchi_domain::money::TaxCategory::{self, NonTaxable, Reduced, Standard};

#[test]
fn the_honorific_follows_the_kind_not_the_words_of_the_name() {
    assert_eq!(PartyKind::Person.honorific(), "様");
    assert_eq!(PartyKind::Company.honorific(), "御中");
    assert_eq!(PartyKind::default(), PartyKind::Person);
    for kind in PartyKind::ALL {
        assert_eq!(PartyKind::from_code(kind.code()), Some(kind));
    }
    assert_eq!(PartyKind::from_code("法人"), None);
}

/// A receipt case: the お品物名 given, the items' rates, the content (`Err(())`: refused).
type ReceiptCase<'a> = (Option<&'a str>, &'a [TaxCategory], Result<ReceiptContent, ()>);

#[test]
fn a_receipt_never_hides_reduced_rate_items_behind_one_name() {
    let named = |name: &str, reduced| Ok(ReceiptContent::Named { name: name.to_string(), reduced });
    let cases: [ReceiptCase; 9] = [
        (None, &[Standard, Standard], named("お品代", false)),
        (Some("タイムレコーダー一式"), &[Standard, NonTaxable], named("タイムレコーダー一式", false)),
        (Some("天然水"), &[Reduced, Reduced], named("天然水", true)),
        (Some("  "), &[Standard], named("お品代", false)),
        (None, &[Standard, Reduced], Ok(ReceiptContent::Listed)),
        (None, &[Reduced], Ok(ReceiptContent::Listed)),
        (Some("お品代"), &[Standard, Reduced], Err(())),
        (Some("タイムレコーダー一式"), &[Reduced, Standard, Standard], Err(())),
        (None, &[Reduced; 13], Err(())),
    ];
    for (name, items, expected) in cases {
        let got = receipt_content(name, items);
        match (&got, &expected) {
            (Ok(got), Ok(expected)) => assert_eq!(got, expected, "{name:?} {items:?}"),
            (Err(reason), Err(())) => assert!(reason.contains("reduced-rate"), "{name:?}: {reason}"),
            _ => panic!("{name:?} {items:?}: {got:?}, expected {expected:?}"),
        }
    }
    assert_eq!(receipt_content(None, &[Reduced; 12]), Ok(ReceiptContent::Listed), "12 items fit");
}

#[test]
fn a_corporations_t_number_must_pass_the_check_digit_an_individuals_may_not() {
    // 7000012050002 is the 法人番号 of 国税庁; 8000012050002 fails the check digit.
    assert_eq!(RegistrationNumber::of("T7000012050002"), RegistrationNumber::Valid);
    assert_eq!(RegistrationNumber::of("T8000012050002"), RegistrationNumber::NoCheckDigit);
    for malformed in ["7000012050002", "T700001205000", "T70000120500020", "T700001205000X", "t7000012050002", "Ｔ7000012050002", ""] {
        assert_eq!(RegistrationNumber::of(malformed), RegistrationNumber::Malformed, "{malformed}");
        assert!(check_registration_number(malformed, "山田商店").is_err(), "{malformed}");
    }
    assert_eq!(check_registration_number("T7000012050002", "アマノ株式会社"), Ok(None));
    for corporation in [
        "アマノ株式会社",
        "合名会社山田屋",
        "合資会社丸善",
        "一般社団法人日本協会",
        "特定非営利活動法人みらい",
        "㈱アマノ",
        "アマノ（株）",
        "アマノ(株)",
        "（有）山田商会",
        "㈲山田商会",
        "(同)みらい",
        "NPO法人みらい",
        "ＮＰＯ法人みらい",
        "弁護士法人山田綜合",
        "税理士法人佐藤会計",
        "有限責任監査法人トーマツ",
        "日本生命保険相互会社",
        "農事組合法人さくら",
        "山田生活協同組合",
        "城南信用金庫",
    ] {
        assert!(is_corporation_name(corporation), "{corporation}");
        let refusal = check_registration_number("T8000012050002", corporation).expect_err("a corporation's wrong number is refused");
        assert!(refusal.contains("法人番号"), "{refusal}");
    }
    for individual in ["山田商店", "佐藤　太郎", "やまだ工房", "株田商店", "有田　花子", "(旧)山田屋"] {
        assert!(!is_corporation_name(individual), "{individual}");
        let warning = check_registration_number("T8000012050002", individual).expect("an individual's number is issued").expect("with a warning");
        assert!(warning.contains("国税庁"), "{warning}");
    }
}

#[test]
fn the_postcard_frames_sit_where_japan_post_puts_them() {
    let lefts = postal_frames(100.0);
    let (w, _) = POSTAL_FRAME_SIZE;
    let close = |a: f32, b: f32| (a - b).abs() < 0.001;
    assert!(close(lefts[6] + w, 100.0 - POSTAL_FRAME_RIGHT), "8.0 mm from the right edge: {lefts:?}");
    let gaps: Vec<f32> = lefts.windows(2).map(|p| p[1] - p[0] - w).collect();
    for (gap, expected) in gaps.iter().zip([1.3, 1.3, 1.9, 1.1, 1.1, 1.1]) {
        assert!(close(*gap, expected), "gaps {gaps:?}");
    }
    assert!(close(lefts[0], 44.3), "{lefts:?}");
}

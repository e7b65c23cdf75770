//! Tables of yen parsing and consumption tax per rate (DOMAIN.md "Money and tax").

use madoguchi_domain::money::{PriceBasis, Rounding, TaxCategory, TaxPolicy, Yen};
use rust_decimal::Decimal;

fn policy(rounding: Rounding) -> TaxPolicy {
    TaxPolicy { standard_percent: Decimal::from(10), reduced_percent: Decimal::from(8), rounding }
}

#[test]
fn yen_parsing_accepts_only_whole_yen_digits() {
    let good = [
        ("0", "0"),
        ("15000", "15000"),
        ("-3300", "-3300"),
        ("007", "7"),
        ("999999999999999999", "999999999999999999"),
        ("9007199254740993", "9007199254740993"),
    ];
    for (text, shown) in good {
        assert_eq!(Yen::parse(text).map(|y| y.to_string()).as_deref(), Ok(shown), "{text}");
    }
    for bad in ["", "-", "1,100", "1100.0", "1e3", " 1100", "１１００", "+5", "1000000000000000000"] {
        assert!(Yen::parse(bad).is_err(), "{bad:?} must be refused");
    }
}

#[test]
fn computed_yen_parse_past_the_input_bound() {
    // A product of an 18-digit input and a count: 12 prepaid months of the largest monthly fee.
    let refund = Yen::parse("-999999999999999999").expect("an input").times(12);
    assert_eq!(refund.to_string(), "-11999999999999999988");
    assert!(Yen::parse(&refund.to_string()).is_err(), "past what an input may be");
    assert_eq!(Yen::parse_computed(&refund.to_string()), Ok(refund));
    assert_eq!(Yen::parse_computed("007").map(|y| y.to_string()).as_deref(), Ok("7"));
    for bad in ["", "-", "1,100", "1e3", "+5", &"9".repeat(40)] {
        assert!(Yen::parse_computed(bad).is_err(), "{bad:?} must be refused");
    }
}

#[test]
fn yen_with_thousands_separators() {
    for (yen, grouped) in [(0, "0"), (999, "999"), (1000, "1,000"), (15000, "15,000"), (1234567, "1,234,567"), (-3300, "-3,300")] {
        assert_eq!(Yen::new(yen).grouped(), grouped);
    }
}

#[test]
fn tax_is_computed_once_per_rate_and_rounded_down() {
    let lines = [
        (TaxCategory::Standard, Yen::new(1100)),
        (TaxCategory::Reduced, Yen::new(1080)),
        (TaxCategory::Standard, Yen::new(999)),
        (TaxCategory::NonTaxable, Yen::new(15000)),
        (TaxCategory::Reduced, Yen::new(1)),
    ];
    let totals = policy(Rounding::Down).totals(lines, PriceBasis::TaxIncluded);
    let summary: Vec<(TaxCategory, String, String)> = totals.iter().map(|t| (t.category, t.amount.to_string(), t.tax.to_string())).collect();
    assert_eq!(
        summary,
        vec![
            // 2,099 × 10/110 = 190.81… → 190 (per line it would be 100 + 90 = 190 too, but see below)
            (TaxCategory::Standard, "2099".into(), "190".into()),
            // 1,081 × 8/108 = 80.07… → 80
            (TaxCategory::Reduced, "1081".into(), "80".into()),
            (TaxCategory::NonTaxable, "15000".into(), "0".into()),
        ]
    );
}

#[test]
fn rounding_once_per_document_differs_from_rounding_per_line() {
    // Three lines of 105 yen (tax included, 10%): per line 9.54… → 9 each, 27 in all;
    // once per rate 315 × 10/110 = 28.63… → 28.
    let lines = [(TaxCategory::Standard, Yen::new(105)); 3];
    let totals = policy(Rounding::Down).totals(lines, PriceBasis::TaxIncluded);
    assert_eq!(totals[0].tax, Yen::new(28));
}

#[test]
fn rounding_and_price_basis_are_configurable() {
    let lines = [(TaxCategory::Standard, Yen::new(1005))];
    let cases = [
        (Rounding::Down, PriceBasis::TaxExcluded, 100),
        (Rounding::Up, PriceBasis::TaxExcluded, 101),
        (Rounding::HalfUp, PriceBasis::TaxExcluded, 101),
        (Rounding::Down, PriceBasis::TaxIncluded, 91),
        (Rounding::HalfUp, PriceBasis::TaxIncluded, 91),
        (Rounding::Up, PriceBasis::TaxIncluded, 92),
    ];
    for (rounding, basis, tax) in cases {
        assert_eq!(policy(rounding).totals(lines, basis)[0].tax, Yen::new(tax), "{rounding:?} {basis:?}");
    }
}

#[test]
fn revenue_stamps_for_receipts() {
    use madoguchi_domain::money::stamp_duty;
    // 第17号文書: under 50,000 none; up to 1,000,000 → 200; … over 1,000,000,000 → 200,000.
    let cases = [(49_999, None), (50_000, Some(200)), (1_000_000, Some(200)), (1_000_001, Some(400)), (5_000_000, Some(1_000)), (1_000_000_001, Some(200_000))];
    for (amount, duty) in cases {
        assert_eq!(stamp_duty(Yen::new(amount)), duty.map(Yen::new), "{amount}");
    }
}

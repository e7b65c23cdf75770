//! Yen as exact decimals, and consumption tax computed once per rate per document.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount of whole yen. Never a float; crosses every boundary as a string ("15000", "-3300").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Yen(Decimal);

/// The most digits a yen amount may have: far past any real bill and past 2^53 (so no
/// float could carry it), while every product with a count stays far inside `Decimal`'s range.
const MAX_DIGITS: usize = 18;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("must be whole yen written as digits, e.g. \"1100\"")]
    NotWholeYen,
    #[error("must have at most 18 digits")]
    TooLarge,
}

impl Yen {
    pub const ZERO: Yen = Yen(Decimal::ZERO);

    pub fn new(yen: i64) -> Self {
        Yen(Decimal::from(yen))
    }

    /// Parses whole yen: optional minus sign, then ASCII digits only (no separators, no decimals).
    pub fn parse(text: &str) -> Result<Yen, MoneyError> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotWholeYen);
        }
        if digits.trim_start_matches('0').len() > MAX_DIGITS {
            return Err(MoneyError::TooLarge);
        }
        text.parse::<Decimal>().map(Yen).map_err(|_| MoneyError::NotWholeYen)
    }

    /// Parses an amount this program computed and wrote out (a quote's total, as a call note
    /// reads it back): whole yen as `parse` takes them, without the 18-digit bound of inputs,
    /// which a product of an input and a count may pass (12 months of an 18-digit fee); at most
    /// what `Decimal` holds.
    pub fn parse_computed(text: &str) -> Result<Yen, MoneyError> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotWholeYen);
        }
        text.parse::<Decimal>().map(Yen).map_err(|_| MoneyError::TooLarge)
    }

    pub fn times(self, count: u32) -> Yen {
        Yen(self.0 * Decimal::from(count))
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// The amount with thousands separators, for documents ("15,000").
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (sign, digits) = plain.strip_prefix('-').map_or(("", plain.as_str()), |d| ("-", d));
        let mut out = String::with_capacity(plain.len() + plain.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        format!("{sign}{out}")
    }
}

impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl Add for Yen {
    type Output = Yen;
    fn add(self, other: Yen) -> Yen {
        Yen(self.0 + other.0)
    }
}

impl Sub for Yen {
    type Output = Yen;
    fn sub(self, other: Yen) -> Yen {
        Yen(self.0 - other.0)
    }
}

impl Neg for Yen {
    type Output = Yen;
    fn neg(self) -> Yen {
        Yen(-self.0)
    }
}

impl Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        iter.fold(Yen::ZERO, Add::add)
    }
}

/// How a line is taxed: the seeds quote fees 税込 unless marked 不課税.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TaxCategory {
    /// 10%, included in the amount.
    Standard,
    /// 8% 軽減税率 (food and drink, bottled water), included in the amount.
    Reduced,
    /// 不課税: outside consumption tax (e.g. a cancellation fee, which is compensation).
    NonTaxable,
}

impl TaxCategory {
    pub fn code(self) -> &'static str {
        match self {
            TaxCategory::Standard => "standard",
            TaxCategory::Reduced => "reduced",
            TaxCategory::NonTaxable => "non_taxable",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [TaxCategory::Standard, TaxCategory::Reduced, TaxCategory::NonTaxable].into_iter().find(|c| c.code() == code)
    }
}

/// How the once-per-rate tax is rounded to whole yen. HC: down (切り捨て).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    Down,
    Up,
    HalfUp,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "down" => Some(Rounding::Down),
            "up" => Some(Rounding::Up),
            "half_up" => Some(Rounding::HalfUp),
            _ => None,
        }
    }
}

/// Whether line amounts include the tax (税込, as the seeds quote) or not (税抜).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriceBasis {
    TaxIncluded,
    TaxExcluded,
}

/// The tax rates and rounding a service's documents use (tariff data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxPolicy {
    /// Percent, e.g. 10.
    pub standard_percent: Decimal,
    /// Percent, e.g. 8.
    pub reduced_percent: Decimal,
    pub rounding: Rounding,
}

/// The totals of one tax rate on a document (適格請求書: 税率ごとに区分した合計と消費税額).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateTotal {
    pub category: TaxCategory,
    /// The rate in percent; zero for 不課税.
    pub percent: Decimal,
    /// The sum of the lines at this rate, on the document's price basis.
    pub amount: Yen,
    /// The consumption tax of those lines, computed once and rounded once.
    pub tax: Yen,
}

impl TaxPolicy {
    pub fn percent(&self, category: TaxCategory) -> Decimal {
        match category {
            TaxCategory::Standard => self.standard_percent,
            TaxCategory::Reduced => self.reduced_percent,
            TaxCategory::NonTaxable => Decimal::ZERO,
        }
    }

    /// Sums the lines per tax category and computes each category's tax once, rounded once
    /// (DOMAIN.md "Money and tax"; 消費税法 57条の4). Categories with no lines are left out;
    /// the order is standard, reduced, non-taxable.
    pub fn totals(&self, lines: impl IntoIterator<Item = (TaxCategory, Yen)>, basis: PriceBasis) -> Vec<RateTotal> {
        let mut sums: Vec<(TaxCategory, Yen)> = Vec::new();
        for (category, amount) in lines {
            match sums.iter_mut().find(|(c, _)| *c == category) {
                Some((_, sum)) => *sum = *sum + amount,
                None => sums.push((category, amount)),
            }
        }
        sums.sort_by_key(|(c, _)| *c);
        sums.into_iter()
            .map(|(category, amount)| {
                let percent = self.percent(category);
                let tax = self.tax_of(amount, percent, basis);
                RateTotal { category, percent, amount, tax }
            })
            .collect()
    }

    fn tax_of(&self, amount: Yen, percent: Decimal, basis: PriceBasis) -> Yen {
        let hundred = Decimal::ONE_HUNDRED;
        let exact = match basis {
            PriceBasis::TaxIncluded => amount.0 * percent / (hundred + percent),
            PriceBasis::TaxExcluded => amount.0 * percent / hundred,
        };
        Yen(exact.round_dp_with_strategy(0, self.rounding.strategy()).normalize())
    }
}

/// 印紙税 on a receipt (印紙税法 別表第一 第17号文書, 売上代金の受取書): the stamp for the
/// amount received, tax excluded when the tax is stated. `None` under 50,000 yen (非課税).
/// A receipt that states a credit-card payment is not a receipt of money and bears none;
/// the caller decides that.
pub fn stamp_duty(amount: Yen) -> Option<Yen> {
    /// (up to and including, duty) from 50,000 yen; above the last bracket, 200,000.
    const BRACKETS: [(i64, i64); 13] = [
        (1_000_000, 200),
        (2_000_000, 400),
        (3_000_000, 600),
        (5_000_000, 1_000),
        (10_000_000, 2_000),
        (20_000_000, 4_000),
        (30_000_000, 6_000),
        (50_000_000, 10_000),
        (100_000_000, 20_000),
        (200_000_000, 40_000),
        (300_000_000, 60_000),
        (500_000_000, 100_000),
        (1_000_000_000, 150_000),
    ];
    if amount < Yen::new(50_000) {
        return None;
    }
    let duty = BRACKETS.iter().find(|(up_to, _)| amount <= Yen::new(*up_to)).map_or(200_000, |(_, duty)| *duty);
    Some(Yen::new(duty))
}

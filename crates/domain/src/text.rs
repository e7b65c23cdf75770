//! Japanese text as agents type it: search keys (NFKC, kana folded), phone numbers and
//! postal codes in any format, kana checks, and payment-card numbers that must never be stored.

use unicode_normalization::UnicodeNormalization;

/// NFKC: full-width digits and letters to ASCII, half-width katakana to full width (ｶﾞ → ガ).
/// Lossy, so only for keys and checks, never for what is stored and shown.
pub fn nfkc(text: &str) -> String {
    text.nfkc().collect()
}

/// Katakana to hiragana (アイ → あい), so either script finds the other.
fn fold_kana(c: char) -> char {
    match c {
        'ァ'..='ヶ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

/// The search key of a name: NFKC, ASCII lowercased, katakana folded to hiragana, spaces
/// and middle dots removed. 「サトウ　タロウ」, 「さとうたろう」 and 「ｻﾄｳ ﾀﾛｳ」 share one key.
pub fn search_key(text: &str) -> String {
    nfkc(text)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '・' | '･'))
        .map(|c| fold_kana(c.to_ascii_lowercase()))
        .collect()
}

/// True when the text is made of kana (either script, either width), the prolonged sound
/// mark, spaces and middle dots only: what a フリガナ field holds.
pub fn is_kana(text: &str) -> bool {
    let key = search_key(text);
    !key.is_empty() && key.chars().all(|c| matches!(c, 'ぁ'..='ゖ' | 'ゝ' | 'ゞ' | 'ー' | 'ヷ'..='ヺ'))
}

/// Separators people put in numbers: spaces, hyphens and dashes of every width, dots, brackets.
fn is_number_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' | '.' | '(' | ')')
}

/// The digits of a Japanese phone number as dialled at home, from any way of writing it:
/// 03-1234-5678, ０３（１２３４）５６７８, +81 3 1234 5678, +81-(0)3-1234-5678 all give 0312345678.
/// `None` when anything but digits and separators remains.
pub fn phone_digits(text: &str) -> Option<String> {
    let normalized = nfkc(text.trim());
    // "+81…" or, dialled from abroad, "0081…"; a bare "00…" is just digits (下4桁 "0086").
    let international = normalized.strip_prefix('+').or_else(|| normalized.strip_prefix("00").filter(|rest| rest.starts_with("81")));
    let body = international.unwrap_or(&normalized);
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if !is_number_separator(c) {
            return None;
        }
    }
    if international.is_some() {
        let national = digits.strip_prefix("81")?;
        // "+81 (0)3 …": the trunk 0 written in brackets is dropped by the international form.
        let national = national.strip_prefix('0').unwrap_or(national);
        return Some(format!("0{national}"));
    }
    Some(digits)
}

/// A phone number worth storing: 10 or 11 digits starting with 0 (固定 10, 携帯・IP 11).
pub fn valid_phone(text: &str) -> Option<String> {
    phone_digits(text).filter(|d| d.starts_with('0') && (10..=11).contains(&d.len()))
}

/// The seven digits of a postal code (〒100-0001, １００００１, 100 0001).
pub fn postal_digits(text: &str) -> Option<String> {
    let normalized = nfkc(text.trim());
    let body = normalized.trim_start_matches('〒').trim();
    let digits: String = body.chars().filter(|c| !is_number_separator(*c)).collect();
    (digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// `1000001` → `100-0001`.
pub fn format_postal(digits: &str) -> String {
    match (digits.get(..3), digits.get(3..)) {
        (Some(a), Some(b)) if digits.len() == 7 => format!("{a}-{b}"),
        _ => digits.to_string(),
    }
}

/// The Luhn check of a string of ASCII digits.
fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let n = u32::from(d - b'0');
            if i % 2 == 1 { if n * 2 > 9 { n * 2 - 9 } else { n * 2 } } else { n }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// True when the text holds what looks like a payment-card number: 13–19 digits starting
/// with an issuer digit (2–6: Mastercard, Amex, JCB, Diners, Visa, UnionPay…), written
/// together or in groups split by single spaces or hyphens (any width), passing the Luhn
/// check. Japanese phone numbers start with 0, so they never match. Card data lives with the
/// payment processor (seeds 000, 001), never in this database.
pub fn contains_card_number(text: &str) -> bool {
    digit_runs(&nfkc(text)).iter().any(|groups| {
        (0..groups.len()).filter(|s| matches!(groups[*s].first(), Some(b'2'..=b'6'))).any(|start| {
            let mut digits: Vec<u8> = Vec::new();
            groups[start..].iter().any(|group| {
                digits.extend_from_slice(group);
                (13..=19).contains(&digits.len()) && luhn_valid(&digits)
            })
        })
    })
}

/// Runs of digit groups joined by single spaces or hyphens: "a 4111-1111 b" → [[4111, 1111]].
/// A run right after "EC" is an amano-shop order or estimate number (seed 001: EC で始まる番号),
/// not a card, and is dropped; a brand glued to a card number (JCB3530…) is still a card.
fn digit_runs(text: &str) -> Vec<Vec<Vec<u8>>> {
    let mut runs: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut run: Vec<Vec<u8>> = Vec::new();
    let mut group: Vec<u8> = Vec::new();
    let mut order_number = false;
    let mut previous = [' ', ' '];
    for c in text.chars() {
        if c.is_ascii_digit() {
            if group.is_empty() && run.is_empty() {
                order_number = previous[0].eq_ignore_ascii_case(&'e') && previous[1].eq_ignore_ascii_case(&'c');
            }
            group.push(c as u8);
        } else if matches!(c, ' ' | '-') && !group.is_empty() {
            // One separator continues the run; a second in a row ends it (the group is empty).
            run.push(std::mem::take(&mut group));
        } else {
            if !group.is_empty() {
                run.push(std::mem::take(&mut group));
            }
            if !run.is_empty() && !order_number {
                runs.push(std::mem::take(&mut run));
            }
            run.clear();
        }
        previous = [previous[1], c];
    }
    if !group.is_empty() {
        run.push(group);
    }
    if !run.is_empty() && !order_number {
        runs.push(run);
    }
    runs
}

/// A qualified-invoice registration number (適格請求書発行事業者登録番号): `T` and 13 digits
/// whose first digit is the check digit of the 法人番号 scheme: 9 − (Σ Pn × Qn mod 9), Pn the
/// n-th of the other 12 digits from the right, Qn 1 for odd n and 2 for even n.
pub fn valid_registration_number(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('T') else { return false };
    if digits.len() != 13 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let bytes = digits.as_bytes();
    let sum: u32 = bytes[1..].iter().rev().enumerate().map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 2 }).sum();
    u32::from(bytes[0] - b'0') == 9 - sum % 9
}

//! Japanese text as agents type it: search keys (NFKC, kana and variant kanji folded), phone numbers and
//! postal codes in any format, kana checks, and `FreeText`: text capped in length and holding
//! no payment-card number, the only text the entry points store.

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

/// The Jōyō kanji a variant kanji (異体字) stands for in search keys (髙 → 高, 﨑 → 崎, 邊 → 辺,
/// 澤 → 沢), or the character itself; the table is derived from Unihan and ja-itaiji
/// (`variants.rs`, scripts/refresh-variants).
pub fn fold_variant(c: char) -> char {
    match crate::variants::VARIANTS.binary_search_by_key(&c, |(variant, _)| *variant) {
        Ok(i) => crate::variants::VARIANTS[i].1,
        Err(_) => c,
    }
}

/// The search key of a name: NFKC, ASCII lowercased, katakana folded to hiragana, spaces
/// and middle dots removed, variant kanji folded. 「サトウ　タロウ」, 「さとうたろう」 and
/// 「ｻﾄｳ ﾀﾛｳ」 share one key; so do 髙橋 and 高橋. The stored name stays as it was given.
pub fn search_key(text: &str) -> String {
    literal_key(text).chars().map(fold_variant).collect()
}

/// `search_key` without the variant folding: tells a match through a variant kanji from a
/// match of what was typed.
pub fn literal_key(text: &str) -> String {
    nfkc(text).chars().filter(|c| !c.is_whitespace() && !matches!(c, '・' | '･')).map(|c| fold_kana(c.to_ascii_lowercase())).collect()
}

/// The search key of a customer or order number: NFKC, upper case, no spaces or hyphens.
pub fn number_key(text: &str) -> String {
    nfkc(text).chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect()
}

/// The search columns of a phone number: its digits, and the digits reversed (for a search by
/// the last digits).
pub fn phone_keys(number: &str) -> (String, String) {
    let digits = phone_digits(number).unwrap_or_default();
    let reversed = digits.chars().rev().collect();
    (digits, reversed)
}

/// The search key of an email address.
pub fn email_key(address: &str) -> String {
    address.to_lowercase()
}

/// Legal-entity words left out of a company's second name token, so 「アマノ」 finds 株式会社アマノ.
const ENTITY_WORDS: [&str; 8] = ["株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "(株)", "(有)", "一般社団法人"];

/// The name tokens of a customer: the whole name, each part (family, given), and for a
/// company the name without its legal-entity word; in both scripts. The whole name is a
/// token so that short full names (森　愛 → 森愛) are found below the trigram index's reach.
pub fn name_tokens(name: &str, kana: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    for text in [name, kana] {
        let normalized = nfkc(text);
        let mut stripped = normalized.clone();
        for word in ENTITY_WORDS {
            stripped = stripped.replace(word, " ");
        }
        let whole = std::iter::once(normalized.as_str());
        for part in whole.chain(normalized.split_whitespace()).chain(stripped.split_whitespace()) {
            let key = search_key(part);
            if !key.is_empty() && !tokens.contains(&key) {
                tokens.push(key);
            }
        }
    }
    tokens
}

/// A kanji (CJK unified ideograph, its extensions and compatibility forms).
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// The pieces of a search key that a short query is looked up by, below the trigram index's
/// reach: every kanji alone (林 finds 小林) and every two neighbouring letters or digits (a
/// two-character part of a name or an address), within runs of letters and digits; each once.
pub fn search_grams(key: &str) -> Vec<String> {
    let mut grams: Vec<String> = Vec::new();
    let mut push = |gram: String| {
        if !grams.contains(&gram) {
            grams.push(gram);
        }
    };
    for run in key.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if is_ideograph(*c) {
                push(c.to_string());
            }
            if let Some(next) = chars.get(i + 1) {
                push([*c, *next].iter().collect());
            }
        }
    }
    grams
}

/// The gram a short query key is looked up as: one kanji, or two letters or digits; `None`
/// for anything else (longer keys go to the trigram index).
pub fn query_gram(key: &str) -> Option<&str> {
    let chars: Vec<char> = key.chars().collect();
    match chars.as_slice() {
        [c] if is_ideograph(*c) => Some(key),
        [a, b] if a.is_alphanumeric() && b.is_alphanumeric() => Some(key),
        _ => None,
    }
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

/// An email address worth storing: at most 254 bytes, no spaces, one `@` with a local part
/// before it and a dotted domain after it.
pub fn valid_email(text: &str) -> bool {
    text.len() <= 254
        && !text.chars().any(char::is_whitespace)
        && text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@') && !domain.starts_with('.') && !domain.ends_with('.')
        })
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

/// The most characters of each kind of free text, checked before any scan (`FreeText::new`).
/// Defined here once; the entry points pick the kind.
pub mod caps {
    /// A call note or a request's move comment.
    pub const NOTE: usize = 2000;
    /// A name, address, dealer, request text field, CSV text column, issuer field or any text
    /// of a document JSON other than an item name.
    pub const LINE: usize = 200;
    /// A document line's item name or a receipt's お品物名: two printed lines of a table row.
    pub const ITEM_NAME: usize = 100;
    /// A setting's value (a folder path at most).
    pub const SETTING: usize = 1000;
    /// The longest text a synced row may hold in one value: the longest of the kinds above
    /// that is synced (notes). Every string of a bundle row is held to it.
    pub const SYNCED: usize = NOTE;
}

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextRefusal {
    /// Longer than the field's cap (in characters); the text was not scanned.
    TooLong { max_chars: usize },
    /// It holds what looks like a payment-card number (`contains_card_number`).
    CardNumber,
}

/// A refused text: the field it was given for, and why. Displays as `field: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {}", self.reason())]
pub struct TextError {
    pub field: String,
    pub refusal: TextRefusal,
}

impl TextError {
    /// The reason without the field, as the API's `field: reason` errors carry it.
    pub fn reason(&self) -> String {
        match self.refusal {
            TextRefusal::TooLong { max_chars } => format!("is longer than {max_chars} characters"),
            TextRefusal::CardNumber => {
                "looks like a payment-card number; card data stays with the payment processor and is never stored here (seeds 000, 001)".to_string()
            }
        }
    }
}

/// Free text that may be stored: at most its field's number of characters, and holding no
/// payment-card number. `FreeText::new` is the only way to make one, so a store function
/// that takes `&FreeText` cannot be handed unchecked text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FreeText(String);

impl FreeText {
    /// Checks `text` for `field`: its length first (so an oversized text is never scanned),
    /// then `contains_card_number`. The text is kept as given (callers trim).
    pub fn new(field: &str, text: &str, max_chars: usize) -> Result<FreeText, TextError> {
        let refuse = |refusal| Err(TextError { field: field.to_string(), refusal });
        // A char is at most 4 bytes and at least 1: the byte length bounds the count both ways.
        if text.len() > max_chars && (text.len() > max_chars.saturating_mul(4) || text.chars().count() > max_chars) {
            return refuse(TextRefusal::TooLong { max_chars });
        }
        if contains_card_number(text) {
            return refuse(TextRefusal::CardNumber);
        }
        Ok(FreeText(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl AsRef<str> for FreeText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for FreeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The value of a digit as agents type it: ASCII or full-width (０–９).
#[inline]
fn card_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => u8::try_from(c as u32 - '０' as u32).ok(),
        _ => None,
    }
}

/// What may stand between the digit groups of a card number as an agent types it, in either
/// input mode: spaces of every width (and the invisible ones a paste brings), every hyphen,
/// dash and minus, the prolonged sound mark (ー ｰ, the IME's "-" key), slashes, dots, commas
/// and the middle dot (the IME's "/" key), each in ASCII, full and half width. A line break
/// is not one: it ends the number.
#[inline]
pub fn is_card_separator(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, ' ' | '\t' | '-' | '/' | '.' | ',');
    }
    matches!(
        c,
        '\u{00A0}' | '\u{2000}'..='\u{200D}' | '\u{202F}' | '\u{205F}' | '\u{2060}' | '\u{3000}' | '\u{FEFF}'
            | '\u{00AD}' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' | 'ー' | 'ｰ'
            | '／' | '．' | '。' | '｡' | '，' | '、' | '､' | '・' | '･'
    )
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// The doubled digit of the Luhn check.
const LUHN_DOUBLE: [u8; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/// The window the scanner remembers, in digits: more than the longest card (19) plus one.
const RING: usize = 32;

/// What a candidate's first digit group is glued to (no separator between).
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Glued {
    #[default]
    Nothing,
    /// `EC` (any case and width) not inside a word: an amano-shop order or estimate number.
    OrderNumber,
    /// `T` (either width) not inside a word: a registration number (適格請求書発行事業者登録番号)
    /// when it is 13 digits with a valid check digit.
    RegistrationNumber,
}

/// The card scanner's state: the digit groups of the current candidate (groups joined by
/// runs of separators), remembered only as far back as the longest card reaches.
#[derive(Default)]
struct CardScan {
    /// Digits in the current candidate so far.
    digits: usize,
    /// Luhn prefix sums (mod 10) of the candidate's digits, at digit index `k & (RING - 1)`:
    /// `odd` doubles the digits at odd indexes, `even` those at even ones.
    odd: [u8; RING],
    even: [u8; RING],
    /// Whether the digit at an index starts a group with an issuer digit (2–6).
    start: [bool; RING],
    /// The previous char was a digit.
    in_group: bool,
    /// The digits, at `k & (RING - 1)` (for the registration-number check).
    values: [u8; RING],
    /// What the candidate's first group is glued to, and where that group ended.
    glued: Glued,
    first_group_end: Option<usize>,
    /// The last two chars before the current one, and the one before them.
    previous: [char; 3],
}

impl CardScan {
    fn digit(&mut self, d: u8) {
        let k = self.digits;
        if !self.in_group {
            if k == 0 {
                let [before, e, c] = self.previous;
                self.glued = if matches!(e, 'E' | 'e' | 'Ｅ' | 'ｅ') && matches!(c, 'C' | 'c' | 'Ｃ' | 'ｃ') && !is_latin_letter(before) {
                    Glued::OrderNumber
                } else if matches!(c, 'T' | 'Ｔ') && !is_latin_letter(e) {
                    Glued::RegistrationNumber
                } else {
                    Glued::Nothing
                };
                self.first_group_end = None;
            }
            self.start[k % RING] = (2..=6).contains(&d);
        } else {
            self.start[k % RING] = false;
        }
        self.values[k % RING] = d;
        let doubled = LUHN_DOUBLE[usize::from(d)];
        let (odd, even) = if k % 2 == 1 { (doubled, d) } else { (d, doubled) };
        let add = |sum: u8, d: u8| if sum + d >= 10 { sum + d - 10 } else { sum + d };
        self.odd[(k + 1) % RING] = add(self.odd[k % RING], odd);
        self.even[(k + 1) % RING] = add(self.even[k % RING], even);
        self.digits = k + 1;
        self.in_group = true;
    }

    /// A group ended: is any run of whole groups ending here, 13–19 digits long and starting
    /// with an issuer digit, a Luhn-valid number? At most 7 windows, each O(1).
    fn group_end(&mut self) -> bool {
        self.in_group = false;
        let end = self.digits;
        let first = *self.first_group_end.get_or_insert(end);
        // The last digit is never doubled: with it at an even index, odd indexes are.
        let sums = if end % 2 == 1 { &self.odd } else { &self.even };
        let exempt = end == first
            && match self.glued {
                Glued::Nothing => false,
                Glued::OrderNumber => true,
                Glued::RegistrationNumber => end == 13 && registration_check_digit_holds(&self.values[..13]),
            };
        // Both prefix sums are digits mod 10: the window's sum is 0 mod 10 when they are equal.
        let last = sums[end % RING];
        (13..=19.min(end)).any(|len| {
            let start = end - len;
            self.start[start % RING] && sums[start % RING] == last && !(exempt && start == 0)
        })
    }

    /// Feeds one char; true when a card number has just ended.
    #[inline]
    fn push(&mut self, c: char) -> bool {
        let found = match card_digit(c) {
            Some(d) => {
                self.digit(d);
                false
            }
            None => {
                let found = self.in_group && self.group_end();
                if !is_card_separator(c) {
                    self.digits = 0;
                }
                found
            }
        };
        self.previous = [self.previous[1], self.previous[2], c];
        found
    }

    fn finish(&mut self) -> bool {
        self.in_group && self.group_end()
    }
}

/// True when the text holds what looks like a payment-card number: 13–19 digits (ASCII or
/// full width) starting with an issuer digit (2–6: Mastercard, Amex, JCB, Diners, Visa,
/// UnionPay…) and passing the Luhn check, written together or in groups joined by runs of
/// separators (`is_card_separator`), made of whole groups: a number glued to more digits is
/// not a card. Japanese phone numbers start with 0, so they never start one. An amano-shop
/// order number (seed 001: EC で始まる番号) is `EC` and digits with no separator; that one
/// group is not a card, but digits joined to it by a separator, or after an `EC` and a
/// space, are checked as any others. So is a registration number: `T` and 13 digits with
/// the 法人番号 check digit (`document::RegistrationNumber::Valid`), glued. Linear in the text: one pass, at most 7 checks of O(1)
/// per digit group. Card data lives with the payment processor (seeds 000, 001), never in
/// this database.
pub fn contains_card_number(text: &str) -> bool {
    let mut scan = CardScan { previous: [' '; 3], ..CardScan::default() };
    text.chars().any(|c| scan.push(c)) || scan.finish()
}

/// The 13 digit values of a registration number (適格請求書発行事業者登録番号) written `T` and
/// 13 ASCII digits; how they stand is `document::RegistrationNumber`.
pub(crate) fn registration_digits(text: &str) -> Option<Vec<u8>> {
    let digits = text.strip_prefix('T')?;
    (digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.bytes().map(|b| b - b'0').collect())
}

/// The 法人番号 check of 13 digit values: the first is 9 − (Σ Pn × Qn mod 9), Pn the n-th of
/// the other 12 digits from the right, Qn 1 for odd n and 2 for even n.
pub(crate) fn registration_check_digit_holds(values: &[u8]) -> bool {
    let Some((check, rest)) = values.split_first() else { return false };
    let sum: u32 = rest.iter().rev().enumerate().map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 1 } else { 2 }).sum();
    u32::from(*check) == 9 - sum % 9
}

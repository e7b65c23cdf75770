//! The slow, obviously correct definition of a payment-card number in free text, which the
//! one-pass scanner `text::contains_card_number` is held to: by the proptests of
//! `tests/text.rs` and by the fuzzer (`crates/fuzz-cases`, which includes this file).
//!
//! A card is some run of whole digit groups (a group: a maximal run of ASCII or full-width
//! digits), consecutive groups joined by separators only, holding 13–19 digits in all, the
//! first an issuer digit (2–6), passing the Luhn check. The only exemptions are one group
//! glued (no separator) to `EC` not inside a word (an order number) and one group of 13
//! digits glued to `T` not inside a word with the 法人番号 check digit (a registration number).

/// What may join digit groups, written out from the rule (`text::is_card_separator`'s
/// documentation and ARCHITECTURE.md), not computed: spaces of every width and the invisible
/// ones a paste brings, every hyphen, dash and minus, the prolonged sound mark, slashes,
/// dots, commas and the middle dot, in ASCII, full and half width. No line break.
#[rustfmt::skip]
pub const SEPARATORS: &[char] = &[
    // Spaces: ASCII, tab, no-break, the typographic ones (en quad … hair space), the invisible
    // ones (zero width space, non-joiner, joiner), narrow no-break, medium mathematical,
    // word joiner, ideographic, zero width no-break (BOM).
    ' ', '\t', '\u{00A0}', '\u{2000}', '\u{2001}', '\u{2002}', '\u{2003}', '\u{2004}', '\u{2005}', '\u{2006}', '\u{2007}', '\u{2008}',
    '\u{2009}', '\u{200A}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{202F}', '\u{205F}', '\u{2060}', '\u{3000}', '\u{FEFF}',
    // Hyphens, dashes and minus signs: ASCII, soft hyphen, hyphen, non-breaking hyphen, figure
    // dash, en dash, em dash, horizontal bar, minus, small and full-width hyphen-minus.
    '-', '\u{00AD}', '‐', '‑', '‒', '–', '—', '―', '−', '﹣', '－',
    // The prolonged sound mark, full and half width (the IME's "-" key).
    'ー', 'ｰ',
    // Slashes, dots, commas and middle dots, in every width (the IME's "/" key gives ・).
    '/', '／', '.', '．', '。', '｡', ',', '，', '、', '､', '・', '･',
];

/// A separator of the rule.
pub fn is_separator(c: char) -> bool {
    SEPARATORS.contains(&c)
}

/// The value of a digit: ASCII or full width.
pub fn digit(c: char) -> Option<u8> {
    const WIDE: [char; 10] = ['０', '１', '２', '３', '４', '５', '６', '７', '８', '９'];
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        _ => WIDE.iter().position(|w| *w == c).and_then(|i| u8::try_from(i).ok()),
    }
}

/// The Luhn check: from the right, every second digit doubled (minus 9 when over 9), the sum
/// a multiple of 10.
pub fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(*d);
            if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A Latin letter, ASCII or full width: what makes `EC` or `T` part of a word.
fn latin(c: char) -> bool {
    c.is_ascii_alphabetic() || ('Ａ'..='Ｚ').contains(&c) || ('ａ'..='ｚ').contains(&c)
}

/// The 法人番号 check of a registration number's 13 digits: the first is 9 − (Σ Pn × Qn mod 9),
/// Pn the n-th of the other 12 digits counted from the right, Qn 1 for odd n and 2 for even n.
fn corporate_check_digit_holds(digits: &[u8]) -> bool {
    if digits.len() != 13 {
        return false;
    }
    let sum: u32 = (1..=12).map(|n| u32::from(digits[13 - n]) * if n % 2 == 1 { 1 } else { 2 }).sum();
    u32::from(digits[0]) == 9 - sum % 9
}

/// Whether the one group `chars[start..end]` is exempt: glued to `EC` (an order number) or,
/// 13 digits with a valid check digit, to `T` (a registration number), neither inside a word.
fn exempt(chars: &[char], start: usize, digits: &[u8]) -> bool {
    let before = |k: usize| start.checked_sub(k).map(|i| chars[i]);
    let outside_word = |k: usize| before(k).is_none_or(|c| !latin(c));
    let order_number = matches!(before(2), Some('E' | 'e' | 'Ｅ' | 'ｅ')) && matches!(before(1), Some('C' | 'c' | 'Ｃ' | 'ｃ')) && outside_word(3);
    let registration = matches!(before(1), Some('T' | 'Ｔ')) && outside_word(2) && corporate_check_digit_holds(digits);
    order_number || registration
}

/// True when `text` holds a card number by the rule above: every run of consecutive whole
/// groups is tried, from every group, until the groups stop being joined or pass 19 digits.
pub fn contains_card_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_some() {
            let start = i;
            while i < chars.len() && digit(chars[i]).is_some() {
                i += 1;
            }
            groups.push((start, i));
        } else {
            i += 1;
        }
    }
    for first in 0..groups.len() {
        let mut digits: Vec<u8> = Vec::new();
        for last in first..groups.len() {
            if last > first && !chars[groups[last - 1].1..groups[last].0].iter().all(|c| is_separator(*c)) {
                break;
            }
            let (start, end) = groups[last];
            digits.extend(chars[start..end].iter().filter_map(|c| digit(*c)));
            if digits.len() > 19 {
                break;
            }
            let card = digits.len() >= 13 && (2..=6).contains(&digits[0]) && luhn(&digits);
            if card && !(last == first && exempt(&chars, groups[first].0, &digits)) {
                return true;
            }
        }
    }
    false
}

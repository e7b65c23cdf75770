//! Target `card_detection`: the one-pass card scanner (`text::contains_card_number`) and
//! `FreeText::new` against the slow reference of `card_reference` (shared with the domain's
//! proptests).
//!
//! Input: read twice, as UTF-8 text (invalid bytes replaced) and, byte by byte, as text over
//! an alphabet of the chars the rule is about (digits of both widths, every separator, `E`,
//! `C`, `T` of both widths, letters, a line break, kana), so the fuzzer meets card shapes often.
//!
//! Properties: the scanner and the reference agree on every text; the scanner joins groups
//! across exactly the reference's separators; `FreeText::new` refuses a text over its cap as
//! too long (before any scan), else a text the reference calls a card as a card number, naming
//! the field, and keeps any other text as given.

use madoguchi_domain::text::{FreeText, TextRefusal, caps, contains_card_number, is_card_separator};

use crate::card_reference;

/// The chars the byte-wise reading draws from; ASCII digits twice, as cards are mostly digits.
const OTHERS: [char; 14] = ['E', 'C', 'e', 'c', 'Ｅ', 'Ｃ', 'T', 'Ｔ', 'x', 'Ａ', '\n', 'あ', '円', '('];

fn alphabet() -> Vec<char> {
    let ascii = '0'..='9';
    let wide = '０'..='９';
    ascii.clone().chain(ascii).chain(wide).chain(card_reference::SEPARATORS.iter().copied()).chain(OTHERS).collect()
}

fn check(text: &str) {
    let reference = card_reference::contains_card_number(text);
    assert_eq!(contains_card_number(text), reference, "the scanner and the reference disagree on {text:?}");
    for c in text.chars() {
        assert_eq!(is_card_separator(c), card_reference::is_separator(c), "the scanner and the rule disagree on U+{:04X} as a separator", u32::from(c));
    }
    let chars = text.chars().count();
    for cap in [caps::ITEM_NAME, caps::LINE, caps::NOTE] {
        match FreeText::new("note", text, cap) {
            Ok(kept) => {
                assert!(chars <= cap && !reference, "FreeText kept {text:?} (cap {cap}, {chars} chars, card {reference})");
                assert_eq!(kept.as_str(), text, "FreeText changed the text");
            }
            Err(e) => {
                assert_eq!(e.field, "note", "the refusal names another field");
                let expected = if chars > cap { TextRefusal::TooLong { max_chars: cap } } else { TextRefusal::CardNumber };
                assert!(chars > cap || reference, "FreeText refused {text:?} that is no card and fits its cap {cap}");
                assert_eq!(e.refusal, expected, "FreeText refused {text:?} (cap {cap}, {chars} chars) for another reason");
            }
        }
    }
}

pub fn card_detection(data: &[u8]) {
    check(&String::from_utf8_lossy(data));
    let alphabet = alphabet();
    let spelled: String = data.iter().map(|b| alphabet[usize::from(*b) % alphabet.len()]).collect();
    check(&spelled);
}

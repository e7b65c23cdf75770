//! Screen-pop links: a phone system hands the caller's number to the desktop app as a deep
//! link `madoguchi://lookup?phone=…`, which the operating system delivers to the app (the
//! installers register the scheme; the app's single-instance and deep-link plugins take it).
//! This module builds and checks those links; nothing here listens or sends.

use madoguchi_domain::text::phone_digits;

use crate::ApiError;

/// The deep-link scheme the app is registered for.
pub const SCHEME: &str = "madoguchi";

/// The caller's number, checked: digits (any width), hyphens, spaces, brackets, a leading +.
pub fn checked_phone(text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 40 || phone_digits(text).is_none_or(|d| d.is_empty()) {
        return Err(ApiError::invalid("phone", format!("'{text}' is not a phone number")));
    }
    Ok(text.to_string())
}

/// The phone number of a deep link `madoguchi://lookup?phone=…` (percent-encoded).
pub fn phone_of_link(link: &str) -> Result<String, ApiError> {
    let rest = link
        .strip_prefix(&format!("{SCHEME}://lookup?"))
        .or_else(|| link.strip_prefix(&format!("{SCHEME}://lookup/?")))
        .ok_or_else(|| ApiError::invalid("link", format!("'{link}' is not a {SCHEME}://lookup?phone=… link")))?;
    let value = rest.split('&').find_map(|pair| pair.strip_prefix("phone=")).ok_or_else(|| ApiError::invalid("link", "the link has no phone="))?;
    checked_phone(&percent_decode(value)?)
}

/// A deep link for a phone number.
pub fn link_of_phone(phone: &str) -> String {
    format!("{SCHEME}://lookup?phone={}", encode(phone))
}

/// Percent-encodes a value for a URL's query (everything but ASCII letters, digits and `-`).
pub fn encode(value: &str) -> String {
    value.bytes().map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Decodes `%XX` escapes (exactly two hex digits, RFC 3986: `u8::from_str_radix` alone would
/// take `%+c` for 0x0C, a sign and one digit) and `+` as a space; the result must be UTF-8.
fn percent_decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let value = hex(i + 1).zip(hex(i + 2)).and_then(|(high, low)| u8::try_from(high * 16 + low).ok());
                out.push(value.ok_or_else(|| ApiError::invalid("link", "a bad %-escape"))?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| ApiError::invalid("link", "not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_links_carry_a_phone_number() {
        for (link, phone) in [
            ("madoguchi://lookup?phone=0312345678", "0312345678"),
            ("madoguchi://lookup?phone=03-1234-5678", "03-1234-5678"),
            ("madoguchi://lookup?phone=%2B81%203%201234%205678", "+81 3 1234 5678"),
            ("madoguchi://lookup?phone=%EF%BC%90%EF%BC%93%EF%BC%91%EF%BC%92", "０３１２"),
            ("madoguchi://lookup/?x=1&phone=0901111", "0901111"),
        ] {
            assert_eq!(phone_of_link(link).expect(link), phone);
            assert_eq!(phone_of_link(&link_of_phone(phone)).expect(phone), phone);
        }
        for bad in [
            "madoguchi://lookup?name=x",
            "https://lookup?phone=03",
            "madoguchi://lookup?phone=abc",
            "madoguchi://lookup?phone=%ZZ",
            "madoguchi://lookup?phone=",
            // Found by the fuzzer (fuzz/artifacts/link_parsing): a sign is no hex digit.
            "madoguchi://lookup?phone=1%+c",
            "madoguchi://lookup?phone=03%+91234%+95678",
        ] {
            assert!(phone_of_link(bad).is_err(), "{bad}");
        }
    }
}

//! Target `link_parsing`: screen-pop links (`madoguchi_api::pop`): `phone_of_link`, the link
//! the OS hands the app, and `link_of_phone`, the link `madoguchi pop` builds.
//!
//! Input: UTF-8 text (invalid bytes replaced), taken as a whole link, as the value of a
//! `phone=` of a link, and as a phone number.
//!
//! Properties: `phone_of_link` never panics, refuses naming `link` or `phone`, and agrees with
//! a strict reference reading (the query of `madoguchi://lookup?` or `madoguchi://lookup/?`,
//! the first `phone=`, RFC 3986 percent-escapes of exactly two hex digits, `+` a space, UTF-8,
//! then `checked_phone`); `link_of_phone` writes only unreserved ASCII and escapes, and
//! `phone_of_link(link_of_phone(p))` is `checked_phone(p)` for every text, so every phone
//! `checked_phone` accepts goes through a link unchanged.

use madoguchi_api::pop::{SCHEME, checked_phone, link_of_phone, phone_of_link};

use crate::fixtures::invalid_field;

/// The value of a hex digit.
fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decoding as RFC 3986 and HTML forms define it: `%` and exactly two hex digits,
/// `+` a space, every other byte itself; the result must be UTF-8.
fn decode(value: &str) -> Option<String> {
    let mut bytes = value.bytes();
    let mut out = Vec::new();
    while let Some(b) = bytes.next() {
        match b {
            b'%' => {
                let high = hex(bytes.next()?)?;
                let low = hex(bytes.next()?)?;
                out.push(high * 16 + low);
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
    }
    String::from_utf8(out).ok()
}

/// The phone a link carries, by the reading above.
fn reference(link: &str) -> Option<String> {
    let rest = link.strip_prefix(&format!("{SCHEME}://lookup?")).or_else(|| link.strip_prefix(&format!("{SCHEME}://lookup/?")))?;
    let value = rest.split('&').find_map(|pair| pair.strip_prefix("phone="))?;
    checked_phone(&decode(value)?).ok()
}

fn parse(link: &str) -> Option<String> {
    match phone_of_link(link) {
        Ok(phone) => Some(phone),
        Err(e) => {
            let field = invalid_field(&e, "a refused link");
            assert!(field == "link" || field == "phone", "a refused link names '{field}': {e}");
            None
        }
    }
}

fn check_link(link: &str) {
    assert_eq!(parse(link), reference(link), "phone_of_link and the strict reading disagree on {link:?}");
}

pub fn link_parsing(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_link(&text);
    check_link(&format!("{SCHEME}://lookup?phone={text}"));

    let link = link_of_phone(&text);
    let value = link.strip_prefix(&format!("{SCHEME}://lookup?phone=")).unwrap_or_else(|| panic!("link_of_phone wrote {link:?}"));
    assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'%'), "link_of_phone left a reserved char in {link:?}");
    let checked = checked_phone(&text).ok();
    assert_eq!(parse(&link), checked, "the link of {text:?} does not carry what checked_phone makes of it");
    if let Some(phone) = checked {
        assert_eq!(checked_phone(&phone).ok().as_deref(), Some(phone.as_str()), "checked_phone is not idempotent on {phone:?}");
        assert_eq!(parse(&link_of_phone(&phone)).as_deref(), Some(phone.as_str()), "{phone:?} does not go through a link unchanged");
    }
}

//! Screen-pop: a phone system hands the caller's number to the running desktop app, through a
//! deep link (`madoguchi://lookup?phone=…`) or `madoguchi pop --phone …`. The app listens on
//! a local socket (127.0.0.1, its port in a file of the app-data folder); a second launch or
//! the CLI sends it one line and stops.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

use madoguchi_domain::text::phone_digits;

use crate::customers::{APP_ID, ApiError};

/// The deep-link scheme the app is registered for.
pub const SCHEME: &str = "madoguchi";

/// Where the running app writes its pop port.
pub fn port_file() -> Result<PathBuf, ApiError> {
    let base = dirs::data_dir().ok_or_else(|| ApiError::Failed("no data folder on this platform".into()))?;
    Ok(base.join(APP_ID).join("pop.port"))
}

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
    let value = rest
        .split('&')
        .find_map(|pair| pair.strip_prefix("phone="))
        .ok_or_else(|| ApiError::invalid("link", "the link has no phone="))?;
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

fn percent_decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
                out.push(hex.ok_or_else(|| ApiError::invalid("link", "a bad %-escape"))?);
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

/// Starts listening for pops (the app, once), writing the port to `file` (`port_file()`);
/// each received number goes to `on_pop`.
pub fn listen(file: &Path, on_pop: impl Fn(String) + Send + 'static) -> Result<SocketAddr, ApiError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| ApiError::Failed(format!("pop listener: {e}")))?;
    let address = listener.local_addr().map_err(|e| ApiError::Failed(format!("pop listener: {e}")))?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| ApiError::Failed(format!("{}: {e}", dir.display())))?;
    }
    std::fs::write(file, address.port().to_string()).map_err(|e| ApiError::Failed(format!("{}: {e}", file.display())))?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if let Some(phone) = receive(stream) {
                on_pop(phone);
            }
        }
    });
    Ok(address)
}

/// Reads one `pop PHONE` line (at most 200 bytes) and answers `ok`.
fn receive(mut stream: TcpStream) -> Option<String> {
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let mut line = String::new();
    BufReader::new(Read::take(&stream, 200)).read_line(&mut line).ok()?;
    let phone = checked_phone(line.trim_end().strip_prefix("pop ")?).ok()?;
    stream.write_all(b"ok\n").ok()?;
    Some(phone)
}

/// Hands a number to the running app whose port is in `file`; false when no app answers.
pub fn send(file: &Path, phone: &str) -> Result<bool, ApiError> {
    let phone = checked_phone(phone)?;
    let Ok(port) = std::fs::read_to_string(file) else { return Ok(false) };
    let Ok(port) = port.trim().parse::<u16>() else { return Ok(false) };
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(500)) else { return Ok(false) };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(format!("pop {phone}\n").as_bytes()).is_err() {
        return Ok(false);
    }
    let mut answer = String::new();
    let _ = BufReader::new(stream).read_line(&mut answer);
    Ok(answer.trim() == "ok")
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
        for bad in ["madoguchi://lookup?name=x", "https://lookup?phone=03", "madoguchi://lookup?phone=abc", "madoguchi://lookup?phone=%ZZ", "madoguchi://lookup?phone="] {
            assert!(phone_of_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_pop_goes_from_a_sender_to_the_listener() {
        let file = std::env::temp_dir().join(format!("madoguchi-pop-{}", std::process::id())).join("pop.port");
        assert!(!send(&file, "0312345678").expect("no app yet"), "nobody listens before the app starts");
        let (tx, rx) = std::sync::mpsc::channel();
        let address = listen(&file, move |phone| tx.send(phone).expect("channel")).expect("listens");
        assert!(address.ip().is_loopback());
        assert!(send(&file, "090-1234-5678").expect("sends"));
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)).expect("received"), "090-1234-5678");
        assert!(send(&file, "not a phone").is_err());
    }
}

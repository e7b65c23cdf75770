//! `madoguchi-bridge`: the TEST bridge between a browser and the app's commands. It serves the
//! UI folder and `POST /invoke/<command>` (JSON in, JSON out) on 127.0.0.1 only, so that
//! browser tests drive the same `Session` as the desktop shell, and answers the session's file
//! dialogs with a test double (`/test/dialogs`). Never part of the release app.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use madoguchi_session::{Chosen, CommandError, Dialogs, ErrorCode, FileDialog, Options, Session};
use serde_json::Value;

/// The largest request body accepted (a document JSON is a few KiB).
const MAX_BODY: usize = 16 * 1024 * 1024;
/// The request line and headers together are at most this long.
const MAX_HEAD: u64 = 64 * 1024;
/// The only address the bridge listens on.
const HOST: &str = "127.0.0.1";

const USAGE: &str =
    "usage: madoguchi-bridge --db FILE --ui DIR [--port N] [--host 127.0.0.1] [--as-of RFC3339] [--documents DIR] [--backups DIR] [--keys DIR] [--agent NAME]";

/// The dialogs' test double: answers queued by `POST /test/dialogs` (a path, null for
/// cancelled, a boolean for a question), taken in order; every dialog asked is listed.
#[derive(Default)]
struct Double {
    answers: Mutex<VecDeque<Value>>,
    asked: Mutex<Vec<Value>>,
}

impl Double {
    fn next(&self, asked: Value) -> Value {
        self.asked.lock().unwrap_or_else(PoisonError::into_inner).push(asked);
        self.answers.lock().unwrap_or_else(PoisonError::into_inner).pop_front().unwrap_or(Value::Null)
    }
}

/// The double as the session's dialogs (the session owns its dialogs; the server keeps the other `Arc`).
struct SharedDouble(Arc<Double>);

impl Dialogs for SharedDouble {
    fn choose(&self, dialog: &FileDialog) -> Option<Chosen> {
        let asked = serde_json::json!({"kind": dialog.pick.name(), "title": dialog.title, "message": dialog.file_name});
        // A native save dialog confirms overwriting itself; the double never does, so the
        // session's own question is what the tests see.
        self.0.next(asked).as_str().map(|path| Chosen { path: PathBuf::from(path), overwrite_confirmed: false })
    }

    fn confirm(&self, title: &str, message: &str) -> bool {
        self.0.next(serde_json::json!({"kind": "confirm", "title": title, "message": message})).as_bool().unwrap_or(false)
    }
}

/// What the command line asks for.
struct Config {
    db: PathBuf,
    ui: PathBuf,
    port: u16,
    options: Options,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Config, String> {
    let (mut db, mut ui, mut port, mut options) = (None, None, 0u16, Options::default());
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag}: missing value"));
        match flag.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--ui" => ui = Some(PathBuf::from(value()?)),
            "--port" => port = value()?.parse().map_err(|_| "--port: not a port number (0 picks a free one)".to_string())?,
            "--host" => {
                let host = value()?;
                if host != HOST && host != "localhost" {
                    return Err(format!("--host: {host} refused: the test bridge listens on {HOST} only"));
                }
            }
            "--as-of" => options.now = Some(madoguchi_api::quote::parse_moment(&value()?).map_err(|reason| format!("--as-of: {reason}"))?),
            "--documents" => options.documents_dir = Some(PathBuf::from(value()?)),
            "--backups" => options.backups_dir = Some(PathBuf::from(value()?)),
            "--keys" => options.keys_dir = Some(PathBuf::from(value()?)),
            "--agent" => options.agent = Some(value()?),
            "--help" | "-h" => return Err(USAGE.to_string()),
            other => return Err(format!("{other}: unknown option\n{USAGE}")),
        }
    }
    let db = db.ok_or_else(|| format!("--db is required\n{USAGE}"))?;
    let ui = ui.ok_or_else(|| format!("--ui is required\n{USAGE}"))?;
    if !ui.is_dir() {
        return Err(format!("--ui: {} is not a folder", ui.display()));
    }
    // Issued PDFs, backups and signing keys go beside the database unless told otherwise, never
    // into the user's folders.
    let beside = db.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
    options.documents_dir.get_or_insert_with(|| beside.join("madoguchi-documents"));
    options.backups_dir.get_or_insert_with(|| beside.join("madoguchi-backups"));
    options.keys_dir.get_or_insert_with(|| beside.join("madoguchi-keys"));
    Ok(Config { db, ui, port, options })
}

fn main() -> ExitCode {
    let config = match parse_args(std::env::args().skip(1)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let double = Arc::new(Double::default());
    let options = Options { dialogs: Some(Box::new(SharedDouble(Arc::clone(&double)))), ..config.options };
    let session = match Session::new(&config.db, options) {
        Ok(session) => Arc::new(session),
        Err(e) => {
            eprintln!("{}: {e}", config.db.display());
            return ExitCode::from(1);
        }
    };
    let listener = match TcpListener::bind((HOST, config.port)) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("{HOST}:{}: {e}", config.port);
            return ExitCode::from(1);
        }
    };
    let Ok(address) = listener.local_addr() else {
        eprintln!("not listening on an IP address");
        return ExitCode::from(1);
    };
    let ui = Arc::new(config.ui);
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "http://{address}/").and_then(|()| stdout.flush()).is_err() {
        return ExitCode::from(1);
    }
    // One thread per connection, one request per connection: a slow command never holds up
    // the page's other requests, and no kept-alive connection waits on a busy worker.
    for stream in listener.incoming().flatten() {
        let (session, ui, double) = (Arc::clone(&session), Arc::clone(&ui), Arc::clone(&double));
        std::thread::spawn(move || serve(stream, &session, &double, &ui, address.port()));
    }
    ExitCode::SUCCESS
}

/// One HTTP request as read from the connection.
struct Request {
    method: String,
    path: String,
    host: Option<String>,
    origin: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// Reads the request line, the headers and a body of Content-Length bytes.
fn read_request(stream: &TcpStream) -> Result<Request, Answer> {
    let bad = |reason: &str| text_response(400, reason);
    let mut reader = BufReader::new(Read::take(stream, MAX_HEAD + MAX_BODY as u64));
    let mut head = String::new();
    let mut line = String::new();
    let mut lines = Vec::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|_| bad("unreadable request"))?;
        head.push_str(&line);
        if n == 0 || head.len() as u64 > MAX_HEAD {
            return Err(bad("incomplete or oversized request head"));
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        lines.push(line.trim_end().to_string());
    }
    let mut first = lines.first().map(|l| l.split(' ')).ok_or_else(|| bad("no request line"))?;
    let (method, target) = (first.next().unwrap_or_default().to_string(), first.next().unwrap_or_default().to_string());
    let header = |name: &str| {
        lines.iter().skip(1).find_map(|l| l.split_once(':').filter(|(n, _)| n.trim().eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string()))
    };
    let length: usize = header("Content-Length").map_or(Ok(0), |v| v.parse()).map_err(|_| bad("bad Content-Length"))?;
    if length > MAX_BODY {
        return Err(error_response(&CommandError::invalid("body", "larger than 16 MiB")));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|_| bad("the body is shorter than its Content-Length"))?;
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    Ok(Request { method, path, host: header("Host"), origin: header("Origin"), content_type: header("Content-Type"), body })
}

/// An answer: status, content type, body.
struct Answer {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

fn answer(status: u16, content_type: &'static str, body: Vec<u8>) -> Answer {
    Answer { status, content_type, body }
}

/// Writes an answer, never cached, and closes the connection.
fn write_answer(mut stream: &TcpStream, answer: &Answer, head_only: bool) -> std::io::Result<()> {
    let reason = match answer.status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        415 => "Unsupported Media Type",
        _ => "Internal Server Error",
    };
    write!(
        stream,
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        answer.status,
        answer.content_type,
        answer.body.len()
    )?;
    if !head_only {
        stream.write_all(&answer.body)?;
    }
    stream.flush()
}

fn json_response(status: u16, value: &impl serde::Serialize) -> Answer {
    answer(status, "application/json; charset=utf-8", serde_json::to_vec(value).expect("an answer is plain JSON"))
}

/// 400 for invalid input, 404 for something not found, 500 for a failure.
fn error_response(error: &CommandError) -> Answer {
    let status = match error.code {
        ErrorCode::Invalid => 400,
        ErrorCode::NotFound => 404,
        ErrorCode::Failed => 500,
    };
    json_response(status, error)
}

fn text_response(status: u16, text: &str) -> Answer {
    answer(status, "text/plain; charset=utf-8", text.as_bytes().to_vec())
}

/// Answers the one request of a connection. A failure to write the answer (the client went
/// away) is dropped.
fn serve(stream: TcpStream, session: &Session, double: &Double, ui: &Path, port: u16) {
    let loopback = stream.peer_addr().is_ok_and(|a| a.ip().is_loopback());
    let (response, head_only) = match read_request(&stream) {
        Err(refused) => (refused, false),
        Ok(request) => {
            // A page of another site that resolves its name to 127.0.0.1 sends its own Host: refused.
            let host_ok = request.host.as_deref().is_some_and(|h| {
                let (name, given_port) = h.split_once(':').unwrap_or((h, "80"));
                (name == HOST || name == "localhost") && given_port == port.to_string()
            });
            // A POST (a command, the dialogs' double) must be the page's own: JSON, from its
            // own origin, so no other page or form in the browser can drive the session.
            let own_origin = request.origin.as_deref().is_some_and(|o| o == format!("http://{HOST}:{port}") || o == format!("http://localhost:{port}"));
            let json = request.content_type.as_deref().is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
            let response = if !loopback || !host_ok {
                text_response(403, "forbidden: the test bridge answers 127.0.0.1 only")
            } else if request.method == "POST" && !own_origin {
                text_response(403, "forbidden: a POST must come from the bridge's own origin")
            } else if request.method == "POST" && !json {
                text_response(415, "a POST carries application/json")
            } else if let Some(command) = request.path.strip_prefix("/invoke/") {
                if request.method != "POST" { text_response(405, "use POST for /invoke/<command>") } else { invoke(&request.body, session, command) }
            } else if request.path == "/test/dialogs" {
                dialogs(&request, double)
            } else if request.method == "GET" || request.method == "HEAD" {
                static_file(ui, &request.path)
            } else {
                text_response(405, "method not allowed")
            };
            (response, request.method == "HEAD")
        }
    };
    let _ = write_answer(&stream, &response, head_only);
}

/// `POST /test/dialogs {"answers": […]}` queues answers; `GET` lists the dialogs asked.
fn dialogs(request: &Request, double: &Double) -> Answer {
    match request.method.as_str() {
        "GET" => json_response(200, &Value::Array(double.asked.lock().unwrap_or_else(PoisonError::into_inner).clone())),
        "POST" => match serde_json::from_slice::<Value>(&request.body).ok().and_then(|v| v.get("answers").and_then(Value::as_array).cloned()) {
            Some(answers) if answers.iter().all(|a| a.is_null() || a.is_string() || a.is_boolean()) => {
                double.answers.lock().unwrap_or_else(PoisonError::into_inner).extend(answers);
                json_response(200, &serde_json::json!({}))
            }
            _ => error_response(&CommandError::invalid("answers", "must be a list of paths, nulls and booleans")),
        },
        _ => text_response(405, "use GET or POST for /test/dialogs"),
    }
}

fn invoke(body: &[u8], session: &Session, command: &str) -> Answer {
    let args = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(body) {
            Ok(args) => args,
            Err(e) => return error_response(&CommandError::invalid("body", format!("not valid JSON ({e})"))),
        }
    };
    match session.dispatch(command, args) {
        Ok(result) => json_response(200, &result),
        Err(error) => error_response(&error),
    }
}

/// Percent-decodes a URL path; `None` when it is not valid UTF-8 or escapes badly.
fn decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The file under `ui` a URL path names (`/` → index.html); `None` for `..`, `.`, backslashes
/// or anything else that could leave the folder.
fn resolve(ui: &Path, path: &str) -> Option<PathBuf> {
    let decoded = decode(path)?;
    let relative = decoded.strip_prefix('/')?;
    let mut file = ui.to_path_buf();
    for segment in relative.split('/') {
        if segment == ".." || segment == "." || segment.contains(['\\', '\0', ':']) {
            return None;
        }
        if !segment.is_empty() {
            file.push(segment);
        }
    }
    if decoded.ends_with('/') {
        file.push("index.html");
    }
    Some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "woff2" => "font/woff2",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn static_file(ui: &Path, path: &str) -> Answer {
    let Some(file) = resolve(ui, path) else {
        return text_response(403, "forbidden: the path leaves the UI folder");
    };
    match std::fs::read(&file) {
        Ok(bytes) => answer(200, content_type(&file), bytes),
        Err(_) => text_response(404, "not found"),
    }
}

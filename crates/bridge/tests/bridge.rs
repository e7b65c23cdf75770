//! The bridge as a browser test meets it: the real binary on 127.0.0.1, its URL on the first
//! line of standard output, static files from the UI folder (never outside it), and commands
//! as `POST /invoke/<command>` with the app's JSON and HTTP statuses.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

/// A running bridge, stopped when dropped.
struct Bridge {
    child: Child,
    address: String,
    dir: PathBuf,
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-bridge-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ui/js")).expect("temp dir");
    std::fs::write(dir.join("ui/index.html"), "<!doctype html><title>窓口</title>").expect("index");
    std::fs::write(dir.join("ui/js/app.js"), "export const ok = true;").expect("js");
    std::fs::write(dir.join("secret.txt"), "outside the UI folder").expect("secret");
    dir
}

fn start(name: &str) -> Bridge {
    let dir = temp_dir(name);
    let mut child = Command::new(env!("CARGO_BIN_EXE_madoguchi-bridge"))
        .args(["--db", &dir.join("b.sqlite3").to_string_lossy(), "--port", "0", "--ui", &dir.join("ui").to_string_lossy()])
        .args(["--as-of", "2026-11-21T10:00:00+09:00", "--documents", &dir.join("documents").to_string_lossy(), "--agent", "ブリッジ"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the bridge starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the URL line");
    let address = line.trim().strip_prefix("http://").and_then(|a| a.strip_suffix('/')).unwrap_or_else(|| panic!("a URL: {line:?}")).to_string();
    Bridge { child, address, dir }
}

/// One HTTP/1.1 exchange over a plain socket: (status, content type, body).
fn exchange(bridge: &Bridge, request_line: &str, body: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(&bridge.address).expect("connects");
    let request = format!(
        "{request_line} HTTP/1.1\r\nHost: {}\r\nOrigin: http://{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        bridge.address,
        bridge.address,
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let content_type = head.lines().find_map(|l| l.strip_prefix("Content-Type: ")).unwrap_or("").to_string();
    (status, content_type, body.to_string())
}

fn invoke(bridge: &Bridge, command: &str, args: Value) -> (u16, Value) {
    let (status, content_type, body) = exchange(bridge, &format!("POST /invoke/{command}"), &args.to_string());
    assert!(content_type.starts_with("application/json"), "{command}: {content_type}");
    (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{command}: {e}: {body}")))
}

#[test]
fn it_listens_on_127_0_0_1_and_answers_commands_with_json_and_statuses() {
    let bridge = start("invoke");
    assert!(bridge.address.starts_with("127.0.0.1:"), "{}", bridge.address);
    let (status, answer) = invoke(&bridge, "status", json!({}));
    assert_eq!(status, 200, "{answer}");
    assert_eq!((answer["customers"].clone(), answer["agent"].clone()), (json!(0), json!("ブリッジ")));
    assert_eq!(answer["db_path"], json!(bridge.dir.join("b.sqlite3")));
    assert_eq!(answer["documents_dir"], json!(bridge.dir.join("documents")));

    let (status, answer) = invoke(&bridge, "lookup", json!({}));
    assert_eq!((status, answer), (400, json!({"code": "invalid", "field": "query", "message": "query: missing"})));
    let (status, answer) = invoke(&bridge, "customer", json!({"id": "nobody"}));
    assert_eq!((status, answer["code"].clone(), answer["field"].clone()), (404, json!("not_found"), Value::Null));
    let (status, answer) = invoke(&bridge, "no_such_command", json!({}));
    assert_eq!((status, answer["field"].clone()), (400, json!("command")));
    let (status, _, body) = exchange(&bridge, "POST /invoke/lookup", "{not json");
    assert_eq!(status, 400, "{body}");

    let (status, answer) = invoke(&bridge, "start_job", json!({"kind": "seed", "count": 3}));
    assert_eq!(status, 200, "{answer}");
    let job = answer["job"].clone();
    let finished = (0..600).find_map(|_| {
        let (_, state) = invoke(&bridge, "job", json!({"job": job}));
        if state["finished"] == true {
            return Some(state);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        None
    });
    assert_eq!(finished.expect("the seed finishes")["result"]["customers"], 3);
    assert_eq!(invoke(&bridge, "status", Value::Null).1["customers"], 3);
}

#[test]
fn it_serves_the_ui_folder_and_nothing_outside_it() {
    let bridge = start("static");
    let (status, content_type, body) = exchange(&bridge, "GET /", "");
    assert_eq!((status, content_type.as_str()), (200, "text/html; charset=utf-8"));
    assert!(body.contains("窓口"), "{body}");
    let (status, content_type, _) = exchange(&bridge, "GET /index.html?pop=0312345678", "");
    assert_eq!((status, content_type.as_str()), (200, "text/html; charset=utf-8"));
    let (status, content_type, body) = exchange(&bridge, "GET /js/app.js", "");
    assert_eq!((status, content_type.as_str(), body.as_str()), (200, "text/javascript; charset=utf-8", "export const ok = true;"));
    assert_eq!(exchange(&bridge, "GET /missing.css", "").0, 404);
    for path in ["/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt", "/js/%2E%2E/%2E%2E/secret.txt", "/..%5csecret.txt"] {
        let (status, _, body) = exchange(&bridge, &format!("GET {path}"), "");
        assert_eq!(status, 403, "{path} is refused");
        assert!(!body.contains("outside the UI folder"), "{path}");
    }
    assert_eq!(exchange(&bridge, "GET /invoke/status", "").0, 405, "commands are POSTed");
    assert_eq!(exchange(&bridge, "DELETE /index.html", "").0, 405);
}

/// A raw POST with the given extra headers: its status.
fn post_status(bridge: &Bridge, headers: &str) -> u16 {
    let mut stream = TcpStream::connect(&bridge.address).expect("connects");
    let body = "{}";
    write!(stream, "POST /invoke/status HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", bridge.address, body.len())
        .expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[test]
fn a_post_must_be_json_from_the_bridges_own_origin() {
    let bridge = start("origin");
    let own = format!("Origin: http://{}\r\n", bridge.address);
    assert_eq!(post_status(&bridge, &format!("{own}Content-Type: application/json\r\n")), 200);
    assert_eq!(post_status(&bridge, &format!("{own}Content-Type: application/json; charset=utf-8\r\n")), 200);
    assert_eq!(post_status(&bridge, "Content-Type: application/json\r\n"), 403, "no Origin");
    assert_eq!(post_status(&bridge, "Origin: http://evil.example\r\nContent-Type: application/json\r\n"), 403, "another site");
    assert_eq!(post_status(&bridge, "Origin: null\r\nContent-Type: application/json\r\n"), 403, "a sandboxed page");
    assert_eq!(post_status(&bridge, &format!("{own}Content-Type: text/plain\r\n")), 415, "a form can send text/plain");
    assert_eq!(post_status(&bridge, &format!("{own}Content-Type: application/x-www-form-urlencoded\r\n")), 415);
    assert_eq!(post_status(&bridge, &own), 415, "no type");
}

#[test]
fn another_host_or_address_is_refused() {
    let bridge = start("host");
    let mut stream = TcpStream::connect(&bridge.address).expect("connects");
    stream.write_all(b"GET / HTTP/1.1\r\nHost: evil.example:80\r\nConnection: close\r\n\r\n").expect("sends");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    assert!(response.starts_with("HTTP/1.1 403"), "a foreign Host header is refused: {response}");

    let dir = temp_dir("refused");
    let output = Command::new(env!("CARGO_BIN_EXE_madoguchi-bridge"))
        .args(["--db", &dir.join("x.sqlite3").to_string_lossy(), "--ui", &dir.join("ui").to_string_lossy(), "--host", "0.0.0.0"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "no URL is printed");
    assert!(String::from_utf8_lossy(&output.stderr).contains("127.0.0.1 only"));
}

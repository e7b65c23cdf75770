//! Lookup latency at scale: p50 and p99 of every query form of the search box, side by side
//! with a naive `LIKE '%q%'` scan over the same data. Criterion reports means, not tails, so
//! this harness times each query itself.
//!
//! Run: `MADOGUCHI_BENCH_DB=/path/1m.sqlite3 cargo bench -p madoguchi-store --bench lookup`
//! (the database from `madoguchi db seed --customers 1000000`); `MADOGUCHI_BENCH_FORM=name`
//! runs only the forms whose name contains that text.

use std::time::{Duration, Instant};

use madoguchi_domain::text::phone_digits;
use madoguchi_store::Store;
use madoguchi_store::synth::Rng;
use rusqlite::Connection;

/// Queries per form for the index, and for the naive scan (each scan takes about a second).
const SAMPLES: usize = 1000;
const NAIVE_SAMPLES: usize = 5;

struct Sample {
    name: String,
    name_kana: String,
    phone: String,
    number: String,
    email: Option<String>,
    postal: String,
    address: String,
}

fn samples(conn: &Connection, count: usize, seed: u64) -> Vec<Sample> {
    let max: i64 = conn.query_row("SELECT max(rowid) FROM customers", [], |r| r.get(0)).expect("customers");
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    while out.len() < count {
        let rowid = 1 + rng.below(max as u64) as i64;
        let row = conn.query_row(
            "SELECT c.name, c.name_kana, c.postal_code, c.address,
                    (SELECT number FROM customer_phones WHERE customer_id = c.id LIMIT 1),
                    (SELECT customer_number FROM accounts WHERE customer_id = c.id LIMIT 1),
                    (SELECT address FROM customer_emails WHERE customer_id = c.id LIMIT 1)
             FROM customers c WHERE c.rowid = ?1",
            [rowid],
            |r| {
                Ok(Sample {
                    name: r.get(0)?,
                    name_kana: r.get(1)?,
                    postal: r.get(2)?,
                    address: r.get(3)?,
                    phone: r.get(4)?,
                    number: r.get(5)?,
                    email: r.get(6)?,
                })
            },
        );
        if let Ok(sample) = row {
            out.push(sample);
        }
    }
    out
}

fn full_width(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) } else { c }).collect()
}

fn hiragana(text: &str) -> String {
    text.chars().map(|c| if ('ァ'..='ヶ').contains(&c) { char::from_u32(c as u32 - 0x60).unwrap_or(c) } else { c }).collect()
}

/// Katakana to half-width, as old systems print フリガナ.
fn half_width(text: &str) -> String {
    const FULL: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンーッャュョ ";
    const HALF: &str = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｰｯｬｭｮ ";
    const VOICED: &str = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
    const BASE: &str = "カキクケコサシスセソタチツテトハヒフヘホ";
    let mut out = String::new();
    for c in text.chars() {
        if let Some(i) = FULL.chars().position(|f| f == c) {
            out.extend(HALF.chars().nth(i));
        } else if let Some(i) = VOICED.chars().position(|f| f == c) {
            out.push_str(&half_width(&BASE.chars().nth(i).map(String::from).unwrap_or_default()));
            out.push('ﾞ');
        } else {
            out.push(c);
        }
    }
    out
}

type Form = (&'static str, fn(&Sample) -> Option<String>);

/// Each query form, derived from a real customer: what an agent would type.
fn forms() -> Vec<Form> {
    vec![
        ("phone, digits only", |s| phone_digits(&s.phone)),
        ("phone, hyphens", |s| phone_digits(&s.phone).map(|d| format!("{}-{}-{}", &d[..3], &d[3..6], &d[6..]))),
        ("phone, full-width", |s| phone_digits(&s.phone).map(|d| full_width(&d))),
        ("phone, +81", |s| phone_digits(&s.phone).map(|d| format!("+81 {}", &d[1..]))),
        ("phone, last 4 digits", |s| phone_digits(&s.phone).map(|d| d[d.len() - 4..].to_string())),
        ("name, kanji family", |s| s.name.split('　').next().map(str::to_string)),
        ("name, kanji full", |s| Some(s.name.clone())),
        ("name, katakana part", |s| Some(s.name_kana.chars().take(3).collect())),
        ("name, hiragana full", |s| Some(hiragana(&s.name_kana))),
        ("name, half-width kana", |s| Some(half_width(&s.name_kana))),
        ("customer number", |s| Some(s.number.clone())),
        ("email", |s| s.email.clone()),
        ("postal code, hyphen", |s| Some(format!("{}-{}", &s.postal[..3], &s.postal[3..]))),
        // The partial forms (issue 15): one kanji or two characters inside a name, a postal
        // code's first 3 digits, a part of the address of two and of four characters.
        ("part, one kanji of the name", |s| s.name.chars().rfind(|c| !c.is_whitespace()).map(String::from)),
        ("part, two characters inside the name", |s| {
            let chars: Vec<char> = s.name.chars().filter(|c| !c.is_whitespace()).collect();
            (chars.len() >= 3).then(|| chars[1..3].iter().collect())
        }),
        ("part, postal code's first 3 digits", |s| Some(s.postal[..3].to_string())),
        ("part, address, two characters", |s| Some(s.address.chars().skip(3).take(2).collect())),
        ("part, address, four characters", |s| Some(s.address.chars().skip(2).take(4).collect())),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// What a first implementation would do: LIKE over the stored text, no keys, no index.
const NAIVE: &str = "SELECT DISTINCT c.id FROM customers c
    LEFT JOIN customer_phones p ON p.customer_id = c.id
    LEFT JOIN customer_emails e ON e.customer_id = c.id
    LEFT JOIN accounts a ON a.customer_id = c.id
    WHERE c.name LIKE ?1 OR c.name_kana LIKE ?1 OR p.number LIKE ?1 OR e.address LIKE ?1
       OR a.customer_number LIKE ?1 OR c.postal_code LIKE ?1
    LIMIT 20";

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let Ok(path) = std::env::var("MADOGUCHI_BENCH_DB") else {
        eprintln!("set MADOGUCHI_BENCH_DB to a seeded database (madoguchi db seed --customers 1000000)");
        return;
    };
    let store = Store::open(std::path::Path::new(&path), "2026-11-21T00:00:00+09:00").expect("opens");
    let raw = Connection::open(&path).expect("raw open");
    let customers: i64 = raw.query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).expect("count");
    let samples = samples(&raw, SAMPLES, 20_261_121);
    println!("{customers} customers; {SAMPLES} queries per form (naive scan: {NAIVE_SAMPLES})");
    println!("{:<24} {:>9} {:>9} {:>7} {:>11} {:>11} {:>9}", "form", "p50", "p99", "found", "naive p50", "naive p99", "p50 ratio");
    // MADOGUCHI_BENCH_FORM=katakana runs only the forms whose name contains it.
    let only = std::env::var("MADOGUCHI_BENCH_FORM").ok();
    for (form, make) in forms().into_iter().filter(|(f, _)| only.as_deref().is_none_or(|o| f.contains(o))) {
        let queries: Vec<String> = samples.iter().filter_map(make).collect();
        // A warm-up pass first, as criterion does: the figures are of a database in the page
        // cache, as an agent's is after the first calls of the day (the naive scans below read
        // the whole file and may push the indexes out of the cache between forms).
        for query in &queries {
            std::hint::black_box(store.lookup(query, 20).expect("lookup"));
        }
        let mut times = Vec::with_capacity(queries.len());
        let mut found = 0;
        for query in &queries {
            let started = Instant::now();
            let hits = store.lookup(query, 20).expect("lookup");
            times.push(started.elapsed());
            found += usize::from(!hits.is_empty());
        }
        times.sort();
        let mut naive = Vec::new();
        let mut stmt = raw.prepare(NAIVE).expect("naive");
        for query in queries.iter().take(NAIVE_SAMPLES) {
            let started = Instant::now();
            let rows = stmt.query_map([format!("%{query}%")], |r| r.get::<_, String>(0)).expect("scan").count();
            naive.push(started.elapsed());
            std::hint::black_box(rows);
        }
        naive.sort();
        let (p50, p99) = (percentile(&times, 0.50), percentile(&times, 0.99));
        let (n50, n99) = (percentile(&naive, 0.50), percentile(&naive, 0.99));
        println!(
            "{form:<24} {:>7.3}ms {:>7.3}ms {:>6.1}% {:>9.1}ms {:>9.1}ms {:>8.0}×",
            ms(p50),
            ms(p99),
            100.0 * found as f64 / queries.len().max(1) as f64,
            ms(n50),
            ms(n99),
            n50.as_secs_f64() / p50.as_secs_f64().max(1e-9)
        );
    }
}

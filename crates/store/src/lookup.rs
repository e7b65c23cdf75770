//! The one search box: phone numbers in any format, names in kanji or kana (any script or
//! width, in part, down to one kanji), customer numbers, emails, postal codes (from their
//! first 3 digits) and any part of an address; ranked, saying what matched.

use madoguchi_domain::text::{literal_key, phone_digits, postal_digits, query_gram, search_key};
use rusqlite::{Connection, params};

use crate::{Result, Store};
use madoguchi_domain::text::number_key;

/// Which field of the customer matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedField {
    Phone,
    CustomerNumber,
    Email,
    PostalCode,
    Name,
    NameKana,
    Address,
}

impl MatchedField {
    pub fn code(self) -> &'static str {
        match self {
            MatchedField::Phone => "phone",
            MatchedField::CustomerNumber => "customer_number",
            MatchedField::Email => "email",
            MatchedField::PostalCode => "postal_code",
            MatchedField::Name => "name",
            MatchedField::NameKana => "name_kana",
            MatchedField::Address => "address",
        }
    }

    /// The Japanese label shown beside a result.
    pub fn label(self) -> &'static str {
        match self {
            MatchedField::Phone => "電話番号",
            MatchedField::CustomerNumber => "お客様番号",
            MatchedField::Email => "メールアドレス",
            MatchedField::PostalCode => "郵便番号",
            MatchedField::Name => "氏名・名称",
            MatchedField::NameKana => "フリガナ",
            MatchedField::Address => "住所",
        }
    }
}

/// One result of the search box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupHit {
    pub customer_id: String,
    pub name: String,
    pub name_kana: String,
    pub prefecture: String,
    /// The customer numbers of the customer's accounts, oldest account first.
    pub customer_numbers: Vec<String>,
    /// The first phone number, as written.
    pub phone: Option<String>,
    pub field: MatchedField,
    /// The value that matched, as stored (the phone as written, the account number…).
    pub matched: String,
    /// Lower is better: 0 exact phone or number … 6 part of a name … 9 part of an address.
    pub rank: u8,
    /// True for an exact match of the whole field.
    pub exact: bool,
    /// True when a name matched only through variant kanji (高橋 typed, 髙橋 stored).
    pub variant: bool,
}

/// Ranks: exact phone or customer number first, then exact email, postal code, a whole name
/// part, then prefixes, then any part of a name, the ending of a phone, the start of a postal
/// code, any part of an address.
const RANK_EXACT_ID: u8 = 0;
const RANK_EXACT_EMAIL: u8 = 1;
const RANK_POSTAL: u8 = 2;
const RANK_NAME_TOKEN: u8 = 3;
const RANK_PREFIX: u8 = 4;
const RANK_NAME_PREFIX: u8 = 5;
const RANK_NAME_PART: u8 = 6;
const RANK_PHONE_ENDING: u8 = 7;
const RANK_POSTAL_PREFIX: u8 = 8;
const RANK_ADDRESS: u8 = 9;

/// The fewest digits of a postal code searched as its start (the 3 digits of its area).
const MIN_POSTAL_PREFIX: usize = 3;

/// The smallest number of digits a partial phone number must have to be searched.
const MIN_PHONE_PREFIX: usize = 4;
/// Up to this many digits, a query also finds phones ending with them (下4桁 and a little more).
const MAX_PHONE_ENDING: usize = 8;

/// The first key after every key starting with `prefix` (for index range scans).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

struct Candidate {
    rowid: i64,
    field: MatchedField,
    matched: String,
    rank: u8,
}

impl Store {
    /// Searches the one box. An empty query finds nothing.
    pub fn lookup(&self, query: &str, limit: usize) -> Result<Vec<LookupHit>> {
        let query = query.trim();
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let conn = self.conn();
        let mut found: Vec<Candidate> = Vec::new();
        let limit_sql = i64::try_from(limit).unwrap_or(i64::MAX);

        if let Some(digits) = phone_digits(query).filter(|d| d.len() >= MIN_PHONE_PREFIX) {
            phones(conn, &digits, limit_sql, &mut found)?;
        }
        let number = number_key(query);
        if number.len() >= 3 && number.chars().any(|c| c.is_ascii_digit()) {
            numbers(conn, &number, limit_sql, &mut found)?;
        }
        if query.contains('@') || (query.len() >= 3 && query.bytes().all(|b| b.is_ascii_graphic()) && query.bytes().any(|b| b.is_ascii_alphabetic())) {
            emails(conn, &query.to_lowercase(), limit_sql, &mut found)?;
        }
        if let Some(postal) = postal_digits(query) {
            let mut stmt = conn.prepare_cached("SELECT rowid, postal_code FROM customers WHERE postal_code = ?1 LIMIT ?2")?;
            for row in stmt.query_map(params![postal, limit_sql], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (rowid, matched) = row?;
                found.push(Candidate { rowid, field: MatchedField::PostalCode, matched, rank: RANK_POSTAL });
            }
        }
        if let Some(prefix) = postal_prefix(query) {
            let mut stmt = conn.prepare_cached("SELECT rowid, postal_code FROM customers WHERE postal_code > ?1 AND postal_code < ?2")?;
            let rows = stmt.query_map(params![prefix, prefix_end(&prefix)], |r| Ok((r.get(0)?, r.get(1)?)))?;
            take_customers(rows, limit_sql, MatchedField::PostalCode, RANK_POSTAL_PREFIX, &mut found)?;
        }
        let key = search_key(query);
        if !key.is_empty() && !key.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+') && !query.contains('@') {
            names(conn, &key, limit_sql, &mut found)?;
            if distinct_at_or_above(&found, RANK_ADDRESS) < limit_sql {
                addresses(conn, &key, limit_sql, &mut found)?;
            }
        }
        self.rank(found, &key, &literal_key(query), limit)
    }

    /// Keeps each customer's best match, orders by rank then フリガナ (kana folded), and loads the rows.
    fn rank(&self, mut found: Vec<Candidate>, key: &str, typed: &str, limit: usize) -> Result<Vec<LookupHit>> {
        found.sort_by_key(|c| (c.rank, c.rowid));
        let mut best: Vec<Candidate> = Vec::new();
        for candidate in found {
            if !best.iter().any(|b| b.rowid == candidate.rowid) {
                best.push(candidate);
            }
        }
        // One query for all the rows (a candidate list is at most a few times `limit`).
        let placeholders = vec!["?"; best.len()].join(", ");
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT c.rowid, c.id, c.name, c.name_kana, c.prefecture, c.address,
                 (SELECT group_concat(customer_number, char(31)) FROM (SELECT customer_number FROM accounts a WHERE a.customer_id = c.id ORDER BY a.rowid)),
                 (SELECT number FROM customer_phones p WHERE p.customer_id = c.id ORDER BY p.rowid LIMIT 1)
             FROM customers c WHERE c.rowid IN ({placeholders})"
        ))?;
        type Row = (i64, String, String, String, String, String, Option<String>, Option<String>);
        let mut rows: Vec<Row> = stmt
            .query_map(rusqlite::params_from_iter(best.iter().map(|c| c.rowid)), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut hits = Vec::with_capacity(best.len());
        for c in best {
            let Some(index) = rows.iter().position(|r| r.0 == c.rowid) else { continue };
            let (_, customer_id, name, name_kana, prefecture, address, numbers, phone) = rows.swap_remove(index);
            let customer_numbers = numbers.map(|n| n.split('\u{1f}').map(str::to_string).collect()).unwrap_or_default();
            let (field, matched) = match c.field {
                MatchedField::Name if !search_key(&name).contains(key) => (MatchedField::NameKana, name_kana.clone()),
                MatchedField::Name => (MatchedField::Name, name.clone()),
                MatchedField::Address => (MatchedField::Address, format!("{prefecture}{address}")),
                other => (other, c.matched),
            };
            let exact = matches!(c.rank, RANK_EXACT_ID | RANK_EXACT_EMAIL | RANK_POSTAL | RANK_NAME_TOKEN);
            let variant = field == MatchedField::Name && !literal_key(&name).contains(typed);
            hits.push(LookupHit { customer_id, name, name_kana, prefecture, customer_numbers, phone, field, matched, rank: c.rank, exact, variant });
        }
        // A match through variant kanji comes after the matches of what was typed.
        hits.sort_by_cached_key(|h| (h.rank, h.variant, search_key(&h.name_kana)));
        hits.truncate(limit);
        Ok(hits)
    }
}

/// How many different customers were found at `rank` or better.
fn distinct_at_or_above(found: &[Candidate], rank: u8) -> i64 {
    let mut rowids: Vec<i64> = found.iter().filter(|c| c.rank <= rank).map(|c| c.rowid).collect();
    rowids.sort_unstable();
    rowids.dedup();
    i64::try_from(rowids.len()).unwrap_or(i64::MAX)
}

/// Takes the (customer rowid, matched value) rows of a query, as SQLite steps through them,
/// until `limit` different customers came from it. The limit counts customers, not rows: one
/// customer can match through several rows (the same number as both phones, two name tokens
/// with the prefix), and those must not push out another customer (the lookup fuzz target's
/// naive scan showed it: fuzz/corpus/lookup_queries/shared_phone_written_twice).
fn take_customers(
    rows: impl Iterator<Item = rusqlite::Result<(i64, String)>>,
    limit: i64,
    field: MatchedField,
    rank: u8,
    found: &mut Vec<Candidate>,
) -> Result<()> {
    let mut customers: Vec<i64> = Vec::new();
    for row in rows {
        let (rowid, matched) = row?;
        if !customers.contains(&rowid) {
            if i64::try_from(customers.len()).unwrap_or(i64::MAX) >= limit {
                break;
            }
            customers.push(rowid);
        }
        found.push(Candidate { rowid, field, matched, rank });
    }
    Ok(())
}

/// An index searched by whole key, then by prefix: `select` is a query of (customer rowid,
/// matched value) from tables holding `column`; matches rank `ranks.0` whole, `ranks.1` by prefix.
struct Probe {
    select: &'static str,
    column: &'static str,
    field: MatchedField,
    ranks: (u8, u8),
}

const PHONES: Probe = Probe {
    select: "SELECT c.rowid, p.number FROM customer_phones p JOIN customers c ON c.id = p.customer_id",
    column: "p.digits",
    field: MatchedField::Phone,
    ranks: (RANK_EXACT_ID, RANK_PREFIX),
};

const NUMBERS: Probe = Probe {
    select: "SELECT c.rowid, a.customer_number FROM accounts a JOIN customers c ON c.id = a.customer_id",
    column: "a.number_key",
    field: MatchedField::CustomerNumber,
    ranks: (RANK_EXACT_ID, RANK_PREFIX),
};

const EMAILS: Probe = Probe {
    select: "SELECT c.rowid, e.address FROM customer_emails e JOIN customers c ON c.id = e.customer_id",
    column: "e.address_key",
    field: MatchedField::Email,
    ranks: (RANK_EXACT_EMAIL, RANK_PREFIX),
};

const NAME_TOKENS: Probe = Probe {
    select: "SELECT customer_rowid, '' FROM customer_name_tokens",
    column: "token",
    field: MatchedField::Name,
    ranks: (RANK_NAME_TOKEN, RANK_NAME_PREFIX),
};

/// Runs the probe's exact query, then its prefix range (`> key AND < end`, in index order);
/// each stops after `limit` customers.
fn exact_then_prefix(conn: &Connection, probe: &Probe, key: &str, limit: i64, found: &mut Vec<Candidate>) -> Result<()> {
    let Probe { select, column, field, ranks } = probe;
    let mut exact = conn.prepare_cached(&format!("{select} WHERE {column} = ?1"))?;
    take_customers(exact.query_map(params![key], |r| Ok((r.get(0)?, r.get(1)?)))?, limit, *field, ranks.0, found)?;
    if distinct_at_or_above(found, ranks.0) >= limit {
        // Lower-ranked matches could not enter the first `limit` results.
        return Ok(());
    }
    let mut prefix = conn.prepare_cached(&format!("{select} WHERE {column} > ?1 AND {column} < ?2"))?;
    take_customers(prefix.query_map(params![key, prefix_end(key)], |r| Ok((r.get(0)?, r.get(1)?)))?, limit, *field, ranks.1, found)
}

/// A phone number: whole, its first digits, or — for a few digits — its last ones.
fn phones(conn: &Connection, digits: &str, limit: i64, found: &mut Vec<Candidate>) -> Result<()> {
    exact_then_prefix(conn, &PHONES, digits, limit, found)?;
    if digits.len() <= MAX_PHONE_ENDING {
        let reversed: String = digits.chars().rev().collect();
        let mut stmt = conn.prepare_cached(
            "SELECT c.rowid, p.number FROM customer_phones p JOIN customers c ON c.id = p.customer_id
             WHERE p.digits_reversed >= ?1 AND p.digits_reversed < ?2",
        )?;
        let rows = stmt.query_map(params![reversed, prefix_end(&reversed)], |r| Ok((r.get(0)?, r.get(1)?)))?;
        take_customers(rows, limit, MatchedField::Phone, RANK_PHONE_ENDING, found)?;
    }
    Ok(())
}

fn numbers(conn: &Connection, key: &str, limit: i64, found: &mut Vec<Candidate>) -> Result<()> {
    exact_then_prefix(conn, &NUMBERS, key, limit, found)
}

fn emails(conn: &Connection, key: &str, limit: i64, found: &mut Vec<Candidate>) -> Result<()> {
    exact_then_prefix(conn, &EMAILS, key, limit, found)
}

/// Names: a whole family or given name (either script) first, then name parts that start
/// with the query, then — for three characters or more — any part of the name (trigram index).
fn names(conn: &Connection, key: &str, limit: i64, found: &mut Vec<Candidate>) -> Result<()> {
    exact_then_prefix(conn, &NAME_TOKENS, key, limit, found)?;
    // FTS5 reads its query as a C string: a NUL (pasted or in a link, never typed) would end it
    // inside the quoted phrase, an error; such a key is searched as whole and prefix only.
    if distinct_at_or_above(found, RANK_NAME_PREFIX) < limit {
        part(conn, key, ("customer_name_fts", "customer_name_grams"), limit, MatchedField::Name, RANK_NAME_PART, found)?;
    }
    Ok(())
}

/// Any part of an address (prefecture and address): two characters or one kanji through the
/// gram index, three or more through the address trigram index.
fn addresses(conn: &Connection, key: &str, limit: i64, found: &mut Vec<Candidate>) -> Result<()> {
    part(conn, key, ("customer_address_fts", "customer_address_grams"), limit, MatchedField::Address, RANK_ADDRESS, found)
}

/// Any part of a field: a key of three characters or more in its trigram index, a shorter one
/// (one kanji, two characters) as a token of its gram index; `indexes` = (trigrams, grams).
fn part(conn: &Connection, key: &str, indexes: (&str, &str), limit: i64, field: MatchedField, rank: u8, found: &mut Vec<Candidate>) -> Result<()> {
    let (trigrams, grams) = indexes;
    // FTS5 reads its query as a C string: a NUL (pasted or in a link, never typed) would end it
    // inside the quoted phrase, an error; such a key is searched as whole and prefix only.
    if key.contains('\0') {
        return Ok(());
    }
    let (sql, query) = if key.chars().count() >= 3 {
        (format!("SELECT rowid FROM {trigrams} WHERE {trigrams} MATCH ?1 LIMIT ?2"), format!("\"{}\"", key.replace('"', "\"\"")))
    } else if let Some(gram) = query_gram(key) {
        // A gram is letters and digits only (text::search_grams): quoted, it is one token.
        (format!("SELECT rowid FROM {grams} WHERE {grams} MATCH ?1 LIMIT ?2"), format!("\"{gram}\""))
    } else {
        return Ok(());
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    for row in stmt.query_map(params![query, limit], |r| r.get(0))? {
        found.push(Candidate { rowid: row?, field, matched: String::new(), rank });
    }
    Ok(())
}

/// The start of a postal code typed as 3 to 6 digits (a hyphen after the third allowed):
/// `100`, `1000`, `100-00`, full width too; `None` for anything else (7 digits are exact).
fn postal_prefix(query: &str) -> Option<String> {
    let normalized = madoguchi_domain::text::nfkc(query);
    let (head, tail) = match normalized.split_once(['-', 'ー', '−', '‐']) {
        Some((head, tail)) if head.len() == 3 => (head, tail),
        Some(_) => return None,
        None => (normalized.as_str(), ""),
    };
    let digits = format!("{head}{tail}");
    (digits.bytes().all(|b| b.is_ascii_digit()) && (MIN_POSTAL_PREFIX..7).contains(&digits.len())).then_some(digits)
}

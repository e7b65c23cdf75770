//! Target `csv_import`: `import customers` (`madoguchi_api::import::import_customers`) on a
//! database holding the base customers, with any bytes as the file.
//!
//! Input: one mode byte, then the file's bytes. The mode's bit 0 is `skip_bad`; bits 1–2 the
//! encoding (0 and 3 auto, 1 UTF-8, 2 Shift_JIS).
//!
//! Properties: the import answers a report or refuses the file naming `file` or `header`,
//! never fails otherwise; a refused file, or a report that says nothing was written, leaves
//! the database exactly as it was; every bad row is reported with a line after the header's,
//! lines in file order, one line per row, and a field that is a column (or `row`); a written
//! import wrote only with `skip_bad` or no errors, accounts for every good row, leaves a sound
//! database (integrity, search index, audit chain); importing the same file again reports
//! the same errors and changes nothing.

use std::cell::RefCell;
use std::collections::BTreeSet;

use madoguchi_api::Context;
use madoguchi_api::import::{Encoding, ImportReport, import_customers};

use crate::fixtures::{ACTOR, Fingerprint, assert_sound, base_store, fingerprint, invalid_field, now, put_back, take, tariffs};

thread_local! {
    /// The base database, kept while imports leave it as it was.
    static BASE: RefCell<Option<(madoguchi_api::Store, Fingerprint)>> = const { RefCell::new(None) };
}

/// The import's columns (README: import columns), which a row error may name, and `row` (a
/// row whose number of fields is not the header's).
const FIELDS: [&str; 25] = [
    "service",
    "customer_number",
    "kind",
    "name",
    "name_kana",
    "birth_date",
    "prefecture",
    "postal_code",
    "address",
    "phone1",
    "phone2",
    "email",
    "status",
    "plan",
    "server_model",
    "servers",
    "first_delivery",
    "last_shipment",
    "dealer",
    "monthly_limit",
    "billing_cycle",
    "paid_through",
    "terminals",
    "np_terms",
    "row",
];

fn run(store: &mut madoguchi_api::Store, bytes: &[u8], encoding: Encoding, skip_bad: bool) -> Result<ImportReport, madoguchi_api::ApiError> {
    import_customers(store, &mut std::io::Cursor::new(bytes), encoding, skip_bad, Context { tariffs: tariffs(), actor: ACTOR, now: now() }, &mut |_| true)
}

pub fn csv_import(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else { return };
    let skip_bad = mode & 1 == 1;
    let encoding = match (mode >> 1) & 3 {
        1 => Encoding::Utf8,
        2 => Encoding::ShiftJis,
        _ => Encoding::Auto,
    };
    let (mut store, before) = take(&BASE, base_store);
    let report = match run(&mut store, bytes, encoding, skip_bad) {
        Ok(report) => report,
        Err(e) => {
            let field = invalid_field(&e, "a refused file");
            assert!(field == "file" || field == "header", "a refused file names '{field}', not file or header: {e}");
            assert_eq!(fingerprint(&store), before, "a refused file changed the database: {e}");
            put_back(&BASE, store, before);
            return;
        }
    };
    assert!(report.rows > 0, "a report of no rows: {report:?}");
    let mut previous_line = 1;
    let mut lines = BTreeSet::new();
    for error in &report.errors {
        assert!(FIELDS.contains(&error.field.as_str()), "a row error names '{}', not a column: {error:?}", error.field);
        assert!(!error.message.trim().is_empty(), "a row error without a message: {error:?}");
        assert!(error.line > 1, "a row error on the header's line or before it: {error:?}");
        assert!(error.line >= previous_line, "row errors out of file order: line {} after {previous_line}", error.line);
        previous_line = error.line;
        lines.insert(error.line);
    }
    if !report.written {
        assert!(!skip_bad && !report.errors.is_empty(), "nothing was written with skip_bad {skip_bad} and errors {:?}", report.errors);
        assert_eq!(fingerprint(&store), before, "a report that wrote nothing changed the database");
        put_back(&BASE, store, before);
        return;
    }
    assert!(skip_bad || report.errors.is_empty(), "written despite bad rows without skip_bad: {:?}", report.errors);
    let good = report.created + report.updated + report.unchanged;
    let bad = u64::try_from(lines.len()).unwrap_or(u64::MAX);
    assert_eq!(good + bad, report.rows, "rows {} = good {good} + bad rows (one line each) {bad}: {report:?}", report.rows);
    assert_sound(&store, "an import");

    let after = fingerprint(&store);
    let again = run(&mut store, bytes, encoding, skip_bad).unwrap_or_else(|e| panic!("the same file again was refused: {e}"));
    assert_eq!(again.errors, report.errors, "the same file again reported other errors");
    assert!(again.written, "the same file again was not written");
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, good), "the same file again changed rows: {again:?}");
    assert_eq!(fingerprint(&store), after, "the same file again changed the database");
}

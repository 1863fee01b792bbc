//! The one CSV writer: every CSV file the application writes (the exports, evidence) goes
//! through it, and every one is what Excel on Windows opens as it is: UTF-8 with a byte-order
//! mark (without one Excel reads the file in the computer's code page and garbles `ö` or `’`),
//! lines ended by CRLF, fields quoted where they must be (RFC 4180). pandas and Python's `csv`
//! read the same file (`encoding="utf-8-sig"` drops the mark).
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return)
//! as a formula, so such a cell is written with a leading `'`, as OWASP's CSV-injection guidance
//! advises — unless it is a plain number (`-6%`, `+12`), which no spreadsheet runs. That covers
//! values that are not meant as formulas but that a spreadsheet would still evaluate and ruin
//! (`+44 161 496 0000` becomes `#NULL!`, `-Silva` becomes `#NAME?`): with the `'` they survive a
//! round trip through a spreadsheet, and our importers drop it again. A value that itself begins
//! with `'` before such a character (`'=x`) gets one more `'`, so that dropping one on the way
//! back in restores it exactly; any other `'` (`'t Hart`) is left alone both ways.

use std::borrow::Cow;

use crate::error::AppError;

/// Characters that make a spreadsheet read a cell as a formula (with their full-width forms).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let body = body.strip_suffix('%').unwrap_or(body);
    let mut parts = body.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether a spreadsheet would run the cell, once any `'` marks before it are dropped.
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// The cell as it may be written.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    let escaped_mark = cell.starts_with('\'') && formula_like(cell);
    if escaped_mark || (formula_like(cell) && !is_plain_number(cell)) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A neutralised cell read back: the `'` the writer added is dropped.
pub fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// The byte-order mark that tells Excel the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub struct CsvWriter {
    inner: csv::Writer<Vec<u8>>,
}

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvWriter {
    pub fn new() -> Self {
        Self {
            inner: csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(BOM.to_vec()),
        }
    }

    pub(crate) fn row<I, S>(&mut self, cells: I) -> Result<(), AppError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| neutralised(c.as_ref()).into_owned())
            .collect();
        self.inner
            .write_record(&cells)
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
    }

    pub(crate) fn finish(self) -> Result<Vec<u8>, AppError> {
        self.inner
            .into_inner()
            .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))
    }
}

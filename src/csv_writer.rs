//! The one CSV writer: every CSV file the application writes (the members export, evidence)
//! goes through it. A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or
//! carriage return before one) as a formula, so such a cell is written with a leading `'`, as
//! OWASP advises for CSV injection — unless it is a plain number (`-6%`, `+12`), which no
//! spreadsheet runs. The CSV reader of the imports drops that `'` again, so an exported file
//! imports back unchanged.

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

/// The cell as it may be written.
pub fn neutralised(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A neutralised cell read back: the `'` the writer added is dropped.
pub fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

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
            inner: csv::Writer::from_writer(Vec::new()),
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

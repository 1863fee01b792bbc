//! Reading an uploaded CSV file into named columns, reporting problems by line and column.

use serde::Serialize;

/// One problem in an imported file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: u64,
    pub column: String,
    pub message: String,
}

impl RowError {
    pub fn new(line: u64, column: &str, message: impl Into<String>) -> Self {
        Self {
            line,
            column: column.to_owned(),
            message: message.into(),
        }
    }
}

/// A row of the file with its line number; fields are looked up by column name.
pub struct Row<'t> {
    pub line: u64,
    table: &'t Table,
    fields: &'t [String],
}

impl Row<'_> {
    /// The field under `column` (trimmed, without the `'` our CSV writer puts before a
    /// formula-like cell); `None` when the column is absent or the field blank.
    pub fn get(&self, column: &str) -> Option<&str> {
        let index = self.table.headers.iter().position(|h| h == column)?;
        self.fields
            .get(index)
            .map(|v| crate::csv_writer::restored(v.trim()))
            .filter(|v| !v.is_empty())
    }
}

pub struct Table {
    pub headers: Vec<String>,
    rows: Vec<(u64, Vec<String>)>,
    /// Rows that could not be read at all; the rest are still checked, so that one upload
    /// reports every problem.
    pub unreadable: Vec<RowError>,
}

/// Lines as a spreadsheet user counts them (LF, CRLF or a lone CR each end one), found
/// from a record's byte offset: the reader's own line count is off for CRLF files.
struct Lines<'a> {
    bytes: &'a [u8],
    breaks: Vec<u64>,
}

impl<'a> Lines<'a> {
    fn of(bytes: &'a [u8]) -> Self {
        let breaks = bytes
            .iter()
            .enumerate()
            .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
            .map(|(i, _)| i as u64)
            .collect();
        Lines { bytes, breaks }
    }

    /// A record's position can be the end of the line break before it (the LF of a CRLF):
    /// its line is the one its first character is on.
    fn at(&self, position: Option<&csv::Position>) -> u64 {
        position.map_or(0, |p| {
            let mut start = p.byte() as usize;
            while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            self.breaks.partition_point(|b| *b < start as u64) as u64 + 1
        })
    }
}

/// A record's fields as text; a field that is not UTF-8 is named in `errors` and read as
/// empty.
fn texts(
    record: &csv::ByteRecord,
    headers: &[String],
    line: u64,
    errors: &mut Vec<RowError>,
) -> Vec<String> {
    record
        .iter()
        .enumerate()
        .map(|(i, field)| match std::str::from_utf8(field) {
            Ok(text) => text.to_owned(),
            Err(_) => {
                let column = headers.get(i).map_or("", String::as_str);
                errors.push(RowError::new(line, column, "is not valid UTF-8 text"));
                String::new()
            }
        })
        .collect()
}

impl Table {
    /// Reads a file whose first line names the columns (any order, any case). A UTF-8 byte
    /// order mark, CRLF line ends, quoted fields and blank lines are accepted. `required`
    /// columns must be present; a column not in `allowed` is refused, to catch typos. Problems
    /// with the header are returned as the error; unreadable rows are kept in `unreadable`.
    pub(crate) fn read(
        bytes: &[u8],
        required: &[&str],
        allowed: &[&str],
    ) -> Result<Table, Vec<RowError>> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let lines = Lines::of(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut records = reader.byte_records();
        let headers: Vec<String> = match records.next() {
            None => return Err(vec![RowError::new(1, "", "the file is empty")]),
            Some(Err(e)) => return Err(vec![RowError::new(1, "", format!("unreadable: {e}"))]),
            Some(Ok(record)) => record
                .iter()
                .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
                .collect(),
        };
        let errors = check_headers(&headers, required, allowed);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut errors = Vec::new();
        let mut rows = Vec::new();
        for record in records {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = lines.at(e.position());
                    errors.push(RowError::new(line, "", format!("unreadable: {e}")));
                    continue;
                }
            };
            let line = lines.at(record.position());
            if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
                continue;
            }
            let fields = texts(&record, &headers, line, &mut errors);
            if fields.len() != headers.len() {
                errors.push(RowError::new(
                    line,
                    "",
                    format!(
                        "has {} fields where the header has {}",
                        fields.len(),
                        headers.len()
                    ),
                ));
                continue;
            }
            rows.push((line, fields));
        }
        Ok(Table {
            headers,
            rows,
            unreadable: errors,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, fields)| Row {
            line: *line,
            table: self,
            fields,
        })
    }
}

/// The cell that clears an optional field on import: an empty cell, or no column at all, leaves
/// the field as it is held.
pub const CLEAR: &str = "(clear)";

/// What a file says about an optional field of a record it may update.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Given<T> {
    /// The column is absent or the cell blank: keep what is held.
    Keep,
    /// The cell says `(clear)`.
    Clear,
    Value(T),
}

impl<T> Given<T> {
    /// The field's value once applied to what is held (`None` for a new record).
    pub(crate) fn or_held(self, held: Option<T>) -> Option<T> {
        match self {
            Given::Keep => held,
            Given::Clear => None,
            Given::Value(value) => Some(value),
        }
    }
}

/// Reads an optional field: kept, cleared, or parsed (a failure is a row error naming the
/// column, and the field is then kept).
pub(crate) fn parse_given<T>(
    row: &Row<'_>,
    column: &str,
    errors: &mut Vec<RowError>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Given<T> {
    match row.get(column) {
        None => Given::Keep,
        Some(text) if text.eq_ignore_ascii_case(CLEAR) => Given::Clear,
        Some(text) => match parse(text) {
            Ok(value) => Given::Value(value),
            Err(message) => {
                errors.push(RowError::new(row.line, column, message));
                Given::Keep
            }
        },
    }
}

/// A text field, as [`parse_given`] reads it.
pub(crate) fn text(text: &str) -> Result<String, String> {
    Ok(text.to_owned())
}

/// A row error "is required" for each column that was neither read nor given (a column given
/// but unreadable has its own error already).
pub(crate) fn require(row: &Row<'_>, errors: &mut Vec<RowError>, read: &[(&str, bool)]) {
    for (column, was_read) in read {
        if !was_read && row.get(column).is_none() {
            errors.push(RowError::new(row.line, column, "is required"));
        }
    }
}

/// Parses a field, turning a failure into a row error naming the column.
pub(crate) fn parse_field<T>(
    row: &Row<'_>,
    column: &str,
    errors: &mut Vec<RowError>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    let text = row.get(column)?;
    match parse(text) {
        Ok(value) => Some(value),
        Err(message) => {
            errors.push(RowError::new(row.line, column, message));
            None
        }
    }
}

/// A date as `2026-03-31` or, as people type them in the UK, `31/03/2026`.
pub(crate) fn parse_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map_err(|_| format!("{text:?} is not a date (use YYYY-MM-DD or DD/MM/YYYY)"))
}

pub(crate) fn parse_number(text: &str) -> Result<f64, String> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{text:?} is not a number"))
}

pub(crate) fn parse_whole(text: &str) -> Result<i64, String> {
    text.parse::<i64>()
        .map_err(|_| format!("{text:?} is not a whole number"))
}

/// Problems with a file's header: unknown or repeated columns, required ones missing.
fn check_headers(headers: &[String], required: &[&str], allowed: &[&str]) -> Vec<RowError> {
    let mut errors = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        if !allowed.contains(&header.as_str()) {
            errors.push(RowError::new(
                1,
                header,
                format!("unknown column; expected some of: {}", allowed.join(", ")),
            ));
        } else if headers[..i].contains(header) {
            errors.push(RowError::new(1, header, "the column appears twice"));
        }
    }
    for column in required {
        if !headers.iter().any(|h| h == column) {
            errors.push(RowError::new(1, column, "this column is required"));
        }
    }
    errors
}

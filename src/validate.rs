//! Checks on values people type, each naming its field when it refuses.

use serde::{Deserialize, Deserializer};

use crate::error::AppError;

/// A character that is not printed but changes what is shown around it: controls (newline,
/// BEL, …), line and paragraph separators, bidirectional overrides and isolates, zero-width
/// spaces and the byte-order mark. (Zero-width joiners are allowed: some scripts need them.)
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Why a single-line text (a name, a title) is refused, if it is, once trimmed: empty, longer
/// than `max` characters, or holding a hidden character. The one check every name goes through.
pub(crate) fn line_problem(value: &str, max: usize) -> Option<String> {
    if value.is_empty() {
        Some("is required".into())
    } else if value.chars().count() > max {
        Some(format!("must be at most {max} characters"))
    } else if value.chars().any(is_hidden) {
        Some("must be a single line of visible text (no control, direction or zero-width characters)".into())
    } else {
        None
    }
}

/// Why a text of several lines (a summary, a timeline entry, a note) is refused, if it is,
/// once trimmed: longer than `max` characters, or holding a hidden character other than a line
/// break or a tab. The one check every free text goes through.
pub(crate) fn paragraph_problem(value: &str, max: usize) -> Option<String> {
    if value.chars().count() > max {
        Some(format!("must be at most {max} characters"))
    } else if value
        .chars()
        .any(|c| is_hidden(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        Some(
            "must be visible text (no control, direction or zero-width characters; line breaks are fine)"
                .into(),
        )
    } else {
        None
    }
}

/// An optional text, trimmed (blank is none), through `check`: a place or a name is one line
/// ([`line_problem`]), a note may have several ([`paragraph_problem`]). A problem is added to
/// `errors` under `field`, so that a form's every problem is named at once.
pub(crate) fn optional_text(
    errors: &mut crate::error::FieldErrors,
    field: &str,
    value: Option<String>,
    check: fn(&str, usize) -> Option<String>,
    max: usize,
) -> Option<String> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if let Some(why) = value.as_deref().and_then(|v| check(v, max)) {
        errors.insert(field.into(), why);
    }
    value
}

/// A required single-line text: trimmed, then [`line_problem`].
pub fn text(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    match line_problem(value, max) {
        Some(why) => Err(AppError::invalid(field, why)),
        None => Ok(value.to_owned()),
    }
}

pub const NAME_MAX: usize = 200;

/// An email address reminders can be sent to: one line, at most 254 characters (RFC 5321), and
/// a mailbox an SMTP server accepts (`name@domain`, as the mail library parses it). Blank is
/// none.
pub(crate) fn email(field: &str, value: &str) -> Result<Option<String>, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if let Some(why) = line_problem(value, 254) {
        return Err(AppError::invalid(field, why));
    }
    match value.parse::<lettre::Address>() {
        Ok(_) => Ok(Some(value.to_owned())),
        Err(_) => Err(AppError::invalid(
            field,
            "is not an email address (name@example.org)",
        )),
    }
}

/// A branch code: 2 to 10 letters or digits, stored upper-case (it prefixes case references).
pub(crate) fn branch_code(value: &str) -> Result<String, AppError> {
    let code = value.trim().to_uppercase();
    if !(2..=10).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::invalid(
            "code",
            "must be 2 to 10 letters or digits",
        ));
    }
    Ok(code)
}

/// A username: 3 to 100 of a-z, 0-9, `.`, `_`, `-`, `@`; stored lower-case.
pub(crate) fn username(value: &str) -> Result<String, AppError> {
    let name = value.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if !(3..=100).contains(&name.len()) || !name.chars().all(allowed) {
        return Err(AppError::invalid(
            "username",
            "must be 3 to 100 letters, digits or . _ - @",
        ));
    }
    Ok(name)
}

/// A safe-caseload threshold: more than 0, at most 100 cases per FTE.
pub(crate) fn safe_caseload(field: &str, value: f64) -> Result<f64, AppError> {
    if value.is_finite() && value > 0.0 && value <= 100.0 {
        Ok(value)
    } else {
        Err(AppError::invalid(
            field,
            "must be a number above 0 and at most 100",
        ))
    }
}

/// The range of "regular" for supervision, in days: the same as the setting's.
pub(crate) const REGULAR_DAYS: std::ops::RangeInclusive<i32> = 7..=365;

/// A gap in days between reflective supervisions that counts as regular.
pub(crate) fn regular_days(field: &str, value: i32) -> Result<i32, AppError> {
    if REGULAR_DAYS.contains(&value) {
        Ok(value)
    } else {
        Err(AppError::invalid(
            field,
            format!(
                "must be a whole number of days from {} to {}",
                REGULAR_DAYS.start(),
                REGULAR_DAYS.end()
            ),
        ))
    }
}

/// For PATCH bodies: an absent field is `None`, `null` is `Some(None)`, a value `Some(Some(v))`.
pub(crate) fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

//! The checks on a member's fields, shared by the API, the pages and the CSV import, so a value
//! refused in one is refused in all.

use chrono::{Datelike, NaiveDate, Utc};

use crate::error::FieldErrors;
use crate::models::{AgeBand, EthnicGroup};

pub const FTE_MAX: f64 = 1.5;
pub const MEMBER_FIELD_MAX: usize = 100;

/// A member's own fields (not where they belong), as given.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberFields {
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_role: String,
    pub team: Option<String>,
    pub fte: f64,
    pub start_date: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    pub equality_consent: bool,
    pub age_band: Option<AgeBand>,
    pub ethnic_group: Option<EthnicGroup>,
}

fn required(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if let Some(why) = crate::validate::line_problem(value, max) {
        errors.insert(field.into(), why);
    }
    value.to_owned()
}

fn optional(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let value = value.map(str::trim).filter(|v| !v.is_empty())?;
    Some(required(errors, field, value, max))
}

impl MemberFields {
    /// Trims every text and checks every field, collecting all the problems at once.
    pub(crate) fn checked(mut self) -> Result<MemberFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        self.membership_number = required(
            &mut errors,
            "membership_number",
            &self.membership_number,
            40,
        );
        if !self
            .membership_number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/'))
        {
            errors.insert(
                "membership_number".into(),
                "must be letters, digits, - or /".into(),
            );
        }
        self.first_name = required(
            &mut errors,
            "first_name",
            &self.first_name,
            MEMBER_FIELD_MAX,
        );
        self.last_name = required(&mut errors, "last_name", &self.last_name, MEMBER_FIELD_MAX);
        self.job_role = required(&mut errors, "job_role", &self.job_role, MEMBER_FIELD_MAX);
        self.team = optional(&mut errors, "team", self.team.as_deref(), MEMBER_FIELD_MAX);
        self.email =
            optional(&mut errors, "email", self.email.as_deref(), 254).map(|e| e.to_lowercase());
        if let Some(email) = &self.email
            && !looks_like_email(email)
        {
            errors.insert("email".into(), "is not an email address".into());
        }
        self.phone = optional(&mut errors, "phone", self.phone.as_deref(), 30);
        if let Some(phone) = &self.phone {
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            let allowed = |c: char| c.is_ascii_digit() || " +()-".contains(c);
            if !phone.chars().all(allowed) || !(6..=15).contains(&digits) {
                errors.insert(
                    "phone".into(),
                    "must be a phone number (6 to 15 digits)".into(),
                );
            }
        }
        if !(self.fte.is_finite() && self.fte > 0.0 && self.fte <= FTE_MAX) {
            errors.insert(
                "fte".into(),
                format!("must be more than 0 and at most {FTE_MAX}"),
            );
        }
        if let Some(start) = self.start_date {
            let latest = Utc::now().date_naive().year() + 1;
            if !(1950..=latest).contains(&start.year()) {
                errors.insert(
                    "start_date".into(),
                    format!("must be between 1950 and {latest}"),
                );
            }
        }
        if let (Some(start), Some(left)) = (self.start_date, self.left_on)
            && left < start
        {
            errors.insert(
                "left_on".into(),
                format!("must not be before the start date ({start})"),
            );
        }
        if !self.equality_consent && (self.age_band.is_some() || self.ethnic_group.is_some()) {
            errors.insert(
                "equality_consent".into(),
                "equality data is held only with the member's recorded consent".into(),
            );
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    /// The lower-case text that searches match.
    pub(crate) fn search_text(&self) -> String {
        crate::models::member::search_text(
            &self.first_name,
            &self.last_name,
            &self.membership_number,
        )
    }
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

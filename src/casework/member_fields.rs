//! A member as given (the API's body, the page's form, an import's row) and the checks on it,
//! shared by all three so a value refused in one is refused in all. With `Member` (the row),
//! `NewMember` (the insert) and `UpdateMember` (the change, also the API's PATCH body) it is
//! the one place a member's fields are listed.

use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::models::{
    AgeBand, BranchId, EmployerId, EthnicGroup, Member, NewMember, RecordKey, UpdateMember,
};

/// An FTE is the share of a full-time post a member is contracted for, so at most 1: a
/// caseload is divided by it, and an FTE above 1 would make an overworked member's caseload per
/// FTE look lighter. Hours beyond the contract are recorded as hours worked.
pub const FTE_MAX: f64 = 1.0;

/// The refusal of an FTE out of range, in one wording for every form, import and API.
pub(crate) fn fte_refusal() -> String {
    format!(
        "must be from {FTE_MIN} to {FTE_MAX}: the share of a full-time post (record extra hours \
         as hours worked)"
    )
}
/// The smallest FTE taken (a few minutes a week): a caseload is divided by it.
pub const FTE_MIN: f64 = 0.01;

/// Whether an FTE is one a caseload can be measured against.
pub(crate) fn fte_allowed(fte: f64) -> bool {
    fte.is_finite() && (FTE_MIN..=FTE_MAX).contains(&fte)
}
pub const MEMBER_FIELD_MAX: usize = 100;

/// A member's fields, in the order a change to them is listed.
pub const MEMBER_FIELDS: &[&str] = &[
    "membership_number",
    "first_name",
    "last_name",
    "branch_id",
    "employer_id",
    "job_role",
    "team",
    "fte",
    "email",
    "phone",
    "start_date",
    "left_on",
    "equality_consent",
    "age_band",
    "ethnic_group",
];

/// A member as given: every field, where they belong included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberFields {
    /// Required for administrators; an officer's members are in the officer's branch.
    #[serde(default)]
    pub branch_id: Option<BranchId>,
    pub employer_id: EmployerId,
    #[schema(pattern = "^[A-Za-z0-9/-]{1,40}$", example = "W0042")]
    pub membership_number: String,
    #[schema(min_length = 1, max_length = 100, example = "Ada")]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100, example = "Okafor")]
    pub last_name: String,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[schema(pattern = "^([0-9 +()-]{6,30})?$")]
    pub phone: Option<String>,
    #[schema(min_length = 1, max_length = 100, example = "Social worker")]
    pub job_role: String,
    #[schema(max_length = 100)]
    pub team: Option<String>,
    #[schema(minimum = 0.01, maximum = 1.0, example = 1.0)]
    pub fte: f64,
    pub start_date: Option<NaiveDate>,
    /// When the member left the union or the employer.
    #[serde(default)]
    pub left_on: Option<NaiveDate>,
    #[serde(default)]
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
        if !fte_allowed(self.fte) {
            errors.insert("fte".into(), fte_refusal());
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

impl From<&Member> for MemberFields {
    fn from(m: &Member) -> Self {
        MemberFields {
            branch_id: Some(m.branch_id),
            employer_id: m.employer_id,
            membership_number: m.membership_number.clone(),
            first_name: m.first_name.clone(),
            last_name: m.last_name.clone(),
            email: m.email.clone(),
            phone: m.phone.clone(),
            job_role: m.job_role.clone(),
            team: m.team.clone(),
            fte: m.fte,
            start_date: m.start_date,
            left_on: m.left_on,
            equality_consent: m.equality_consent,
            age_band: m.age_band,
            ethnic_group: m.ethnic_group,
        }
    }
}

impl MemberFields {
    /// The insert of checked fields into `branch` (where the writer may place them).
    pub(crate) fn into_new(self, branch: BranchId) -> NewMember {
        NewMember {
            record_key: RecordKey::random(),
            search_text: self.search_text(),
            branch_id: branch,
            employer_id: self.employer_id,
            membership_number: self.membership_number,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            phone: self.phone,
            job_role: self.job_role,
            team: self.team,
            fte: self.fte,
            start_date: self.start_date,
            left_on: self.left_on,
            equality_consent: self.equality_consent,
            age_band: self.age_band,
            ethnic_group: self.ethnic_group,
        }
    }
}

/// Every field set from the whole member (a form that sends every field, or a change that
/// leaves nothing stale): what is blank is cleared.
impl From<MemberFields> for UpdateMember {
    fn from(f: MemberFields) -> Self {
        UpdateMember {
            search_text: Some(f.search_text()),
            branch_id: f.branch_id,
            employer_id: Some(f.employer_id),
            first_name: Some(f.first_name),
            last_name: Some(f.last_name),
            email: Some(f.email),
            phone: Some(f.phone),
            job_role: Some(f.job_role),
            team: Some(f.team),
            fte: Some(f.fte),
            start_date: Some(f.start_date),
            left_on: Some(f.left_on),
            equality_consent: Some(f.equality_consent),
            age_band: Some(f.age_band),
            ethnic_group: Some(f.ethnic_group),
            updated_at: None,
        }
    }
}

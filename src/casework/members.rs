//! Creating and editing members, for the API and the pages. Each change is checked, scoped,
//! and audited in its own transaction.

use chrono::NaiveDate;
use serde::Deserialize;

use super::member_fields::MemberFields;
use crate::audit::{self, Event};
use diesel::OptionalExtension;

use crate::access::{Actor, RecordScope};
use crate::db::DbConn;
use crate::error::{AppError, FieldErrors};
use crate::models::{
    AgeBand, Branch, BranchId, Employer, EmployerId, EthnicGroup, Member, MemberId, NewMember,
    UpdateMember,
};
use crate::validate::double_option;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// Required for administrators; an officer's members are in the officer's branch.
    pub branch_id: Option<BranchId>,
    pub employer_id: EmployerId,
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_role: String,
    pub team: Option<String>,
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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberChanges {
    pub branch_id: Option<BranchId>,
    pub employer_id: Option<EmployerId>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub phone: Option<Option<String>>,
    pub job_role: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub team: Option<Option<String>>,
    pub fte: Option<f64>,
    #[serde(default, deserialize_with = "double_option")]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    pub left_on: Option<Option<NaiveDate>>,
    pub equality_consent: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    pub age_band: Option<Option<AgeBand>>,
    #[serde(default, deserialize_with = "double_option")]
    pub ethnic_group: Option<Option<EthnicGroup>>,
}

impl MemberChanges {
    /// Every field of a whole form: what is blank is cleared.
    pub(crate) fn whole(input: MemberInput) -> Self {
        Self {
            branch_id: input.branch_id,
            employer_id: Some(input.employer_id),
            first_name: Some(input.first_name),
            last_name: Some(input.last_name),
            email: Some(input.email),
            phone: Some(input.phone),
            job_role: Some(input.job_role),
            team: Some(input.team),
            fte: Some(input.fte),
            start_date: Some(input.start_date),
            left_on: Some(input.left_on),
            equality_consent: Some(input.equality_consent),
            age_band: Some(input.age_band),
            ethnic_group: Some(input.ethnic_group),
        }
    }
}

impl From<&Member> for MemberFields {
    fn from(m: &Member) -> Self {
        MemberFields {
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

fn unprocessable(fields: FieldErrors) -> AppError {
    let message = fields
        .iter()
        .map(|(field, why)| format!("{field}: {why}"))
        .collect::<Vec<_>>()
        .join("; ");
    AppError::Unprocessable { message, fields }
}

/// The branch a member goes to: one the writer may use, and that exists.
fn placement(
    conn: &mut DbConn,
    writer: RecordScope,
    requested: Option<BranchId>,
) -> Result<BranchId, AppError> {
    let branch = match (writer, requested) {
        (RecordScope::Branch(own), None) => own,
        (RecordScope::Branch(own), Some(b)) if b == own => own,
        (RecordScope::Branch(_), Some(_)) => {
            return Err(AppError::invalid("branch_id", "is not your branch"));
        }
        (_, Some(b)) => b,
        (_, None) => return Err(AppError::invalid("branch_id", "is required")),
    };
    if Branch::find(conn, branch).optional()?.is_none() {
        return Err(AppError::invalid("branch_id", "no such branch"));
    }
    Ok(branch)
}

fn check_employer(conn: &mut DbConn, employer: EmployerId) -> Result<(), AppError> {
    match Employer::find(conn, employer).optional()? {
        Some(_) => Ok(()),
        None => Err(AppError::invalid("employer_id", "no such employer")),
    }
}

pub(crate) fn create(
    conn: &mut DbConn,
    actor: Actor,
    input: MemberInput,
) -> Result<Member, AppError> {
    let writer = actor.member_writer()?;
    let actor = actor.id;
    let fields = MemberFields {
        membership_number: input.membership_number,
        first_name: input.first_name,
        last_name: input.last_name,
        email: input.email,
        phone: input.phone,
        job_role: input.job_role,
        team: input.team,
        fte: input.fte,
        start_date: input.start_date,
        left_on: input.left_on,
        equality_consent: input.equality_consent,
        age_band: input.age_band,
        ethnic_group: input.ethnic_group,
    }
    .checked()
    .map_err(unprocessable)?;
    let branch = placement(conn, writer, input.branch_id)?;
    check_employer(conn, input.employer_id)?;
    if Member::find_by_number(conn, &fields.membership_number)?.is_some() {
        return Err(AppError::Conflict(format!(
            "membership number {} is already recorded",
            fields.membership_number
        )));
    }
    let member = Member::create(conn, &new_member(branch, input.employer_id, fields))?;
    audit::record(
        conn,
        Event::new(Some(actor), "create", "member").id(member.id.0),
    )?;
    Ok(member)
}

pub(crate) fn new_member(branch: BranchId, employer: EmployerId, f: MemberFields) -> NewMember {
    NewMember {
        record_key: crate::models::RecordKey::random(),
        search_text: f.search_text(),
        branch_id: branch,
        employer_id: employer,
        membership_number: f.membership_number,
        first_name: f.first_name,
        last_name: f.last_name,
        email: f.email,
        phone: f.phone,
        job_role: f.job_role,
        team: f.team,
        fte: f.fte,
        start_date: f.start_date,
        left_on: f.left_on,
        equality_consent: f.equality_consent,
        age_band: f.age_band,
        ethnic_group: f.ethnic_group,
    }
}

/// Every field of the member set from `f` (an update that leaves nothing stale).
pub(crate) fn full_update(branch: BranchId, employer: EmployerId, f: MemberFields) -> UpdateMember {
    UpdateMember {
        search_text: Some(f.search_text()),
        branch_id: Some(branch),
        employer_id: Some(employer),
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

pub(crate) fn update(
    conn: &mut DbConn,
    actor: Actor,
    id: MemberId,
    changes: MemberChanges,
) -> Result<Member, AppError> {
    let writer = actor.member_writer()?;
    let actor = actor.id;
    let current = writer.member(conn, id)?;
    let withdrawing = changes.equality_consent == Some(false);
    let gives_equality_data =
        matches!(changes.age_band, Some(Some(_))) || matches!(changes.ethnic_group, Some(Some(_)));
    let mut fields = MemberFields::from(&current);
    let mut changed = Vec::new();
    macro_rules! apply {
        ($($name:ident),+) => {$(
            if let Some(value) = changes.$name {
                fields.$name = value;
                changed.push(stringify!($name));
            }
        )+};
    }
    apply!(
        first_name,
        last_name,
        email,
        phone,
        job_role,
        team,
        fte,
        start_date,
        left_on,
        equality_consent,
        age_band,
        ethnic_group
    );
    // Withdrawing consent removes the equality data held with it. Equality data given without
    // consent (now or in this request) is refused by the field checks, as on create, never
    // silently dropped.
    if withdrawing && !gives_equality_data {
        fields.age_band = None;
        fields.ethnic_group = None;
    }
    let fields = fields.checked().map_err(unprocessable)?;
    let branch = match changes.branch_id {
        Some(b) if b != current.branch_id => {
            changed.push("branch_id");
            placement(conn, writer, Some(b))?
        }
        _ => current.branch_id,
    };
    let employer = match changes.employer_id {
        Some(e) => {
            check_employer(conn, e)?;
            changed.push("employer_id");
            e
        }
        None => current.employer_id,
    };
    let member = Member::update(conn, id, full_update(branch, employer, fields))?;
    audit::record(
        conn,
        Event::new(Some(actor), "update", "member")
            .id(id.0)
            .detail(changed.join(",")),
    )?;
    Ok(member)
}

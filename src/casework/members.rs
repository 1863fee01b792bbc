//! Creating and editing members, for the API and the pages. Each change is checked, scoped,
//! and audited in its own transaction.

use super::changes::{self, Change, Entity, Via};
use super::member_fields::{MEMBER_FIELDS, MemberFields};
use crate::audit::{self, Event};
use diesel::OptionalExtension;

use crate::access::{Actor, RecordScope};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Branch, BranchId, Employer, EmployerId, Member, MemberId, UpdateMember};

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
    input: MemberFields,
) -> Result<Member, AppError> {
    let writer = actor.member_writer()?;
    let actor = actor.id;
    let fields = input.checked().map_err(AppError::unprocessable)?;
    let branch = placement(conn, writer, fields.branch_id)?;
    check_employer(conn, fields.employer_id)?;
    if Member::find_by_number(conn, &fields.membership_number)?.is_some() {
        return Err(AppError::Conflict(format!(
            "membership number {} is already recorded",
            fields.membership_number
        )));
    }
    let member = Member::create(conn, &fields.into_new(branch))?;
    audit::record(
        conn,
        Event::new(
            actor,
            crate::audit::Action::Create,
            crate::audit::Entity::Member,
        )
        .id(member.id.0),
    )?;
    Ok(member)
}

/// Every field of the member set from `f`, in `branch` with `employer`.
pub(crate) fn full_update(branch: BranchId, employer: EmployerId, f: MemberFields) -> UpdateMember {
    UpdateMember {
        branch_id: Some(branch),
        employer_id: Some(employer),
        ..UpdateMember::from(f)
    }
}

pub(crate) fn update(
    conn: &mut DbConn,
    actor: Actor,
    id: MemberId,
    changes: UpdateMember,
) -> Result<Member, AppError> {
    let writer = actor.member_writer()?;
    let actor = actor.id;
    let current = writer.member(conn, id)?;
    super::protection::refuse_if_erased(&current)?;
    let withdrawing = changes.equality_consent == Some(false);
    let gives_equality_data =
        matches!(changes.age_band, Some(Some(_))) || matches!(changes.ethnic_group, Some(Some(_)));
    let mut fields = MemberFields::from(&*current);
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
    let fields = fields.checked().map_err(AppError::unprocessable)?;
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
    let before = MemberFields::from(&*current);
    let after = MemberFields {
        branch_id: Some(branch),
        employer_id: employer,
        ..fields.clone()
    };
    let member = Member::update(conn, id, full_update(branch, employer, fields))?;
    if branch != current.branch_id {
        super::cases::follow_member(conn, Some(actor), id, current.branch_id, branch)?;
    }
    let change = Change {
        member: id,
        entity: Entity::Member,
        id: id.0,
        via: Via::Edit,
        by: Some(actor),
    };
    changes::keep(conn, change, &changes::diff(&before, &after, MEMBER_FIELDS))?;
    audit::record(
        conn,
        Event::new(
            actor,
            crate::audit::Action::Update,
            crate::audit::Entity::Member,
        )
        .id(id.0)
        .detail(changed.join(",")),
    )?;
    Ok(member)
}

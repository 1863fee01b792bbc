//! Members as the API and the pages use them: every read and write of a member, their workload
//! records, imports and the export, each in one trip to the database with its audit entry.

use super::import::{self, ImportOptions, ImportReport, NoProgress};
use super::member_fields::MemberFields;
use super::members;
use super::workload::{self, CaseloadHistory, WorkloadChanges, WorkloadInput};
use crate::access::Actor;
use crate::audit::{self, Event};
use crate::error::AppError;
use crate::models::*;
use crate::paging::{ListPage, Paging};
use crate::state::AppState;

/// A member with everything their page shows.
pub struct MemberDetail {
    pub member: Member,
    pub history: CaseloadHistory,
    pub cases: Vec<Case>,
    pub branch: Branch,
    pub employer: Employer,
    /// Workload records the caller deleted in the last minutes, which they can restore.
    pub deleted: Vec<(WorkloadRecordId, NewWorkloadRecord)>,
}

pub(crate) async fn list(
    state: &AppState,
    actor: Actor,
    filter: MemberFilter,
    paging: Paging,
) -> Result<ListPage<Member>, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let (items, total) = Member::list(conn, || records.members(), &filter, paging)?;
            if let Some(event) = audit::listed(
                actor.id,
                audit::Entity::Member,
                items.iter().map(|m| m.id.0),
            ) {
                audit.read(event);
            }
            Ok(ListPage::new(items, total, paging))
        })
        .await
}

/// A member in scope; `purpose` names a read for a particular use in the audit entry
/// (`edit form`).
pub async fn show(
    state: &AppState,
    actor: Actor,
    id: MemberId,
    purpose: Option<&'static str>,
) -> Result<Member, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let member = records.member(conn, id)?;
            let event = Event::new(
                actor.id,
                crate::audit::Action::Read,
                crate::audit::Entity::Member,
            )
            .id(id.0);
            audit.read(match purpose {
                Some(purpose) => event.detail(purpose),
                None => event,
            });
            Ok(member.into_inner())
        })
        .await
}

/// The member, their caseload history, cases, branch and employer (the member page).
pub async fn detail(
    state: &AppState,
    actor: Actor,
    id: MemberId,
) -> Result<MemberDetail, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let member = records.member(conn, id)?;
            let history = workload::history(conn, &member)?;
            let filter = CaseFilter {
                member_id: Some(id),
                ..Default::default()
            };
            let all = Paging::new(1, crate::paging::MAX_PER_PAGE)?;
            let (cases, _) = Case::list(conn, || records.cases(), &filter, all)?;
            let branch = Branch::find(conn, member.branch_id)?;
            let employer = Employer::find(conn, member.employer_id)?;
            let deleted = if actor.member_writer().is_ok() {
                workload::recently_deleted(conn, actor, id)?
            } else {
                Vec::new()
            };
            audit.read(
                Event::new(
                    actor.id,
                    crate::audit::Action::Read,
                    crate::audit::Entity::Member,
                )
                .id(id.0),
            );
            let shown = cases.iter().map(|c| c.id.0);
            if let Some(event) =
                audit::listed_as(actor.id, audit::Entity::Case, "member page", shown)
            {
                audit.read(event);
            }
            Ok(MemberDetail {
                member: member.into_inner(),
                history,
                cases,
                branch,
                employer,
                deleted,
            })
        })
        .await
}

/// A member's workload records with their caseload per FTE.
pub(crate) async fn workload(
    state: &AppState,
    actor: Actor,
    id: MemberId,
) -> Result<CaseloadHistory, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let member = records.member(conn, id)?;
            let history = workload::history(conn, &member)?;
            audit.read(
                Event::new(
                    actor.id,
                    crate::audit::Action::Read,
                    crate::audit::Entity::Member,
                )
                .id(id.0)
                .detail("workload"),
            );
            Ok(history)
        })
        .await
}

pub(crate) async fn create(
    state: &AppState,
    actor: Actor,
    input: MemberFields,
) -> Result<Member, AppError> {
    let answer = state
        .db
        .write(move |conn| members::create(conn, actor, input))
        .await;
    refusal_audited(state, actor, crate::audit::Action::Create, answer)
}

/// A create or import refused because a membership number is held (409) says something about
/// records the caller may not see, so the attempt is audited although nothing was written: its
/// entry goes through the read queue, outside the transaction that rolled back.
fn refusal_audited<T>(
    state: &AppState,
    actor: Actor,
    action: crate::audit::Action,
    answer: Result<T, AppError>,
) -> Result<T, AppError> {
    if let Err(AppError::Conflict(_)) = &answer {
        state.audit.read(
            Event::new(actor.id, action, crate::audit::Entity::Member)
                .detail("refused=conflict membership_number"),
        );
    }
    answer
}

pub(crate) async fn update(
    state: &AppState,
    actor: Actor,
    id: MemberId,
    changes: UpdateMember,
) -> Result<Member, AppError> {
    state
        .db
        .write(move |conn| members::update(conn, actor, id, changes))
        .await
}

pub(crate) async fn add_workload(
    state: &AppState,
    actor: Actor,
    id: MemberId,
    input: WorkloadInput,
) -> Result<WorkloadRecord, AppError> {
    state
        .db
        .write(move |conn| workload::add(conn, actor, id, input))
        .await
}

/// Corrects one of a member's workload records.
pub(crate) async fn change_workload(
    state: &AppState,
    actor: Actor,
    id: MemberId,
    record: WorkloadRecordId,
    changes: WorkloadChanges,
) -> Result<WorkloadRecord, AppError> {
    state
        .db
        .write(move |conn| workload::change(conn, actor, id, record, changes))
        .await
}

/// Deletes one of a member's workload records made in error.
pub(crate) async fn delete_workload(
    state: &AppState,
    actor: Actor,
    id: MemberId,
    record: WorkloadRecordId,
) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| workload::delete(conn, actor, id, record))
        .await
}

/// 422 unless `typed` is the member's full name as the pages show it: the confirmation an
/// administrator gives before exporting or erasing everything held about a member.
fn confirm_name(member: &Member, typed: &str) -> Result<(), AppError> {
    let name = format!("{} {}", member.first_name, member.last_name);
    let typed: Vec<&str> = typed.split_whitespace().collect();
    if typed.join(" ").to_lowercase() == name.to_lowercase() {
        Ok(())
    } else {
        Err(AppError::invalid(
            "confirm_name",
            "type the member's full name exactly as shown to confirm",
        ))
    }
}

/// Everything held about a member, as JSON (a subject access request), for an administrator
/// who typed the member's name.
pub(crate) async fn subject_access(
    state: &AppState,
    actor: Actor,
    id: MemberId,
    typed: String,
) -> Result<serde_json::Value, AppError> {
    actor.require_admin()?;
    let vault = state.vault.clone();
    state
        .db
        .write(move |conn| {
            let member = crate::access::RecordScope::All.member(conn, id)?;
            confirm_name(&member, &typed)?;
            super::protection::export_member(conn, id, Some(actor.id), Some(&vault))
        })
        .await
}

/// Erases a member's identity and free text, for an administrator who typed the member's name.
pub(crate) async fn erase(
    state: &AppState,
    actor: Actor,
    id: MemberId,
    typed: String,
) -> Result<(), AppError> {
    actor.require_admin()?;
    state
        .db
        .write(move |conn| {
            let member = crate::access::RecordScope::All.member(conn, id)?;
            if super::protection::is_erased(&member) {
                return Err(AppError::Conflict(
                    "this member's details are already erased".into(),
                ));
            }
            confirm_name(&member, &typed)?;
            super::protection::erase_member(conn, id, Some(actor.id))
        })
        .await
}

/// Restores a workload record the caller deleted a few minutes ago.
pub(crate) async fn restore_workload(
    state: &AppState,
    actor: Actor,
    id: MemberId,
    record: WorkloadRecordId,
) -> Result<WorkloadRecord, AppError> {
    state
        .db
        .write(move |conn| workload::restore(conn, actor, id, record))
        .await
}

/// The workload records of the filtered members as CSV, audited with the members' ids.
pub(crate) async fn export_workload(
    state: &AppState,
    actor: Actor,
    filter: MemberFilter,
) -> Result<Vec<u8>, AppError> {
    let records = actor.records()?;
    state
        .db
        .write(move |conn| {
            let (csv, ids) = super::export::workload_csv(conn, records, &filter)?;
            audit::record_ids(
                conn,
                actor.id.into(),
                audit::Action::Export,
                audit::Entity::Member,
                "workload",
                &ids,
            )?;
            Ok(csv)
        })
        .await
}

/// Which CSV import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Members,
    Workload,
    Supervision,
}

/// Imports a CSV file: every row or none.
pub(crate) async fn import(
    state: &AppState,
    actor: Actor,
    kind: ImportKind,
    body: Vec<u8>,
    options: ImportOptions,
) -> Result<ImportReport, AppError> {
    let writer = actor.member_writer()?;
    let answer = state
        .db
        .write(move |conn| match kind {
            ImportKind::Members => {
                import::import_members(conn, Some(actor.id), writer, &body, options, &NoProgress)
            }
            ImportKind::Workload => {
                import::import_workload(conn, Some(actor.id), writer, &body, options, &NoProgress)
            }
            ImportKind::Supervision => import::import_supervision(
                conn,
                Some(actor.id),
                writer,
                &body,
                options,
                &NoProgress,
            ),
        })
        .await;
    refusal_audited(state, actor, crate::audit::Action::Import, answer)
}

/// The members CSV of the actor's scope that pass `filter` (the list's search and filters;
/// administrators and officers only), audited with the ids of the members exported.
pub(crate) async fn export(
    state: &AppState,
    actor: Actor,
    filter: MemberFilter,
) -> Result<Vec<u8>, AppError> {
    let scope = actor.member_writer()?;
    let (csv, count) = state
        .db
        .write(move |conn| {
            let (csv, ids) = super::export::members_csv(conn, scope, &filter)?;
            let count = ids.len();
            audit::record_ids(
                conn,
                actor.id.into(),
                audit::Action::Export,
                audit::Entity::Member,
                "",
                &ids,
            )?;
            Ok((csv, count))
        })
        .await?;
    tracing::info!(count, "members exported");
    Ok(csv)
}

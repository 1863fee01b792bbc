//! Cases as the API and the pages use them: every read and write of a case, its timeline and
//! its deadlines, each in one trip to the database with its audit entry. Handlers call these;
//! they never query or audit themselves.

use chrono::{Days, NaiveDate, Utc};
use serde::Serialize;

use super::cases::{self, CaseChanges, CaseInput, CaseView};
use super::dates;
use super::deadlines::{self, DeadlineChanges, DeadlineInput};
use super::timeline::{self, EventCorrection, EventInput};
use crate::access::{Actor, Seen};
use crate::audit::{self, Event};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::*;
use crate::paging::{ListPage, Paging};
use crate::state::AppState;

/// A deadline with how urgent it is today, and its case's reference in lists across cases.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    #[serde(flatten)]
    pub deadline: Deadline,
    pub urgency: dates::Urgency,
    /// Days from today to the due date (negative when overdue).
    pub days: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl DeadlineView {
    pub fn new(deadline: Deadline, reference: Option<String>) -> Self {
        let today = Utc::now().date_naive();
        Self {
            urgency: dates::urgency(deadline.due_on, today),
            days: (deadline.due_on - today).num_days(),
            deadline,
            reference,
        }
    }
}

/// A case with everything its page shows.
pub struct CaseDetail {
    pub view: CaseView,
    pub member: Option<Member>,
    pub events: Vec<CaseEvent>,
    /// Earlier versions of corrected timeline entries, oldest first.
    pub revisions: Vec<CaseEventRevision>,
    pub deadlines: Vec<DeadlineView>,
    /// The display names of everyone who wrote, changed or is assigned anything shown.
    pub people: std::collections::BTreeMap<i64, String>,
}

/// The filter with `assigned_to=me` made the actor's id.
fn resolved(filter: CaseFilter, actor: Actor) -> CaseFilter {
    CaseFilter {
        assigned_to: filter.assigned_to.map(|who| who.resolved(actor.id)),
        ..filter
    }
}

pub(crate) async fn list(
    state: &AppState,
    actor: Actor,
    filter: CaseFilter,
    paging: Paging,
) -> Result<ListPage<CaseListItem>, AppError> {
    let records = actor.records()?;
    let filter = resolved(filter, actor);
    state
        .read_audited(move |conn, audit| {
            let (items, total) = Case::list(conn, || records.cases(), &filter, paging)?;
            if let Some(event) =
                audit::listed(actor.id, audit::Entity::Case, items.iter().map(|c| c.id.0))
            {
                audit.read(event);
            }
            let items = CaseListItem::of(conn, items)?;
            Ok(ListPage::new(items, total, paging))
        })
        .await
}

pub async fn show(state: &AppState, actor: Actor, id: CaseId) -> Result<CaseView, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let case = records.case(conn, id)?;
            audit.read(
                Event::new(
                    actor.id,
                    crate::audit::Action::Read,
                    crate::audit::Entity::Case,
                )
                .id(id.0),
            );
            cases::view(conn, case.into_inner())
        })
        .await
}

/// The case, its member, timeline and deadlines (the case page).
pub async fn detail(state: &AppState, actor: Actor, id: CaseId) -> Result<CaseDetail, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let case = records.case(conn, id)?;
            let member = match case.member_id {
                Some(m) => Some(records.member(conn, m)?.into_inner()),
                None => None,
            };
            let events = case.events(conn)?;
            let revisions = case.revisions(conn)?;
            let deadlines = case.deadlines(conn)?;
            let people = User::names(
                conn,
                events
                    .iter()
                    .filter_map(|e| e.author_id)
                    .chain(revisions.iter().filter_map(|r| r.revised_by))
                    .chain(
                        deadlines
                            .iter()
                            .flat_map(|d| [d.created_by, d.updated_by])
                            .flatten(),
                    )
                    .chain(case.assigned_to),
            )?;
            audit.read(
                Event::new(
                    actor.id,
                    crate::audit::Action::Read,
                    crate::audit::Entity::Case,
                )
                .id(id.0),
            );
            if let Some(m) = &member {
                audit.read(
                    Event::new(
                        actor.id,
                        crate::audit::Action::Read,
                        crate::audit::Entity::Member,
                    )
                    .id(m.id.0),
                );
            }
            Ok(CaseDetail {
                view: cases::view(conn, case.into_inner())?,
                member,
                events,
                revisions,
                people,
                deadlines: deadlines
                    .into_iter()
                    .map(|d| DeadlineView::new(d, None))
                    .collect(),
            })
        })
        .await
}

pub(crate) async fn events(
    state: &AppState,
    actor: Actor,
    id: CaseId,
) -> Result<Vec<CaseEvent>, AppError> {
    of_case(state, actor, id, "events", Seen::<Case>::events).await
}

pub(crate) async fn deadlines(
    state: &AppState,
    actor: Actor,
    id: CaseId,
) -> Result<Vec<DeadlineView>, AppError> {
    let items = of_case(state, actor, id, "deadlines", Seen::<Case>::deadlines).await?;
    Ok(items
        .into_iter()
        .map(|d| DeadlineView::new(d, None))
        .collect())
}

/// The records of one kind (`what`) held on a case in scope, audited as a read of the case.
async fn of_case<T: Send + 'static>(
    state: &AppState,
    actor: Actor,
    id: CaseId,
    what: &'static str,
    load: fn(&Seen<Case>, &mut DbConn) -> diesel::QueryResult<Vec<T>>,
) -> Result<Vec<T>, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let case = records.case(conn, id)?;
            let event = Event::new(
                actor.id,
                crate::audit::Action::Read,
                crate::audit::Entity::Case,
            )
            .id(id.0);
            audit.read(event.detail(what));
            Ok(load(&case, conn)?)
        })
        .await
}

/// Open deadlines in scope due within `within_days` (overdue ones too), soonest first;
/// `mine` keeps those of cases assigned to the actor.
pub(crate) async fn upcoming(
    state: &AppState,
    actor: Actor,
    within_days: u64,
    mine: bool,
) -> Result<Vec<DeadlineView>, AppError> {
    let records = actor.records()?;
    let until = Utc::now().date_naive() + Days::new(within_days);
    let whose = mine.then_some(Assignee::User(actor.id));
    state
        .read_audited(move |conn, audit| {
            let rows = Deadline::upcoming(conn, records.deadlines(), until, whose)?;
            let cases = rows.iter().map(|row| row.deadline.case_id.0);
            if let Some(event) = audit::listed_as(actor.id, audit::Entity::Case, "deadlines", cases)
            {
                audit.read(event);
            }
            Ok(rows
                .into_iter()
                .map(|row| DeadlineView::new(row.deadline, Some(row.reference)))
                .collect())
        })
        .await
}

/// A line of a rep's queue: a deadline or hearing, with its member and the rep working it
/// (none: the case is waiting for one).
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    #[serde(flatten)]
    pub view: DeadlineView,
    pub member_name: Option<String>,
    pub rep: Option<String>,
}

/// A rep's queue on the home page: open cases and their deadlines up to `until`, overdue ones
/// too. Officers see their own and their branch's unassigned cases (no one else is working
/// them); organisers and administrators see their own.
pub struct Queue {
    pub cases: Vec<CaseListItem>,
    pub deadlines: Vec<QueueItem>,
    /// Whether the queue holds unassigned cases as well as the actor's own.
    pub with_unassigned: bool,
}

/// The home page's work (see [`Queue`]).
pub(crate) async fn my_work(
    state: &AppState,
    actor: Actor,
    until: NaiveDate,
) -> Result<Queue, AppError> {
    let records = actor.records()?;
    let with_unassigned = matches!(actor.scope, crate::access::Scope::Branch { .. });
    let whose = if with_unassigned {
        Assignee::UserOrNobody(actor.id)
    } else {
        Assignee::User(actor.id)
    };
    state
        .read_audited(move |conn, audit| {
            let filter = CaseFilter {
                assigned_to: Some(whose),
                status: Some(CaseStatus::Open),
                sort: CaseSort::NextDeadline,
                ..Default::default()
            };
            let first = Paging::new(1, crate::paging::MAX_PER_PAGE)?;
            let (cases, _) = Case::list(conn, || records.cases(), &filter, first)?;
            let cases = CaseListItem::of(conn, cases)?;
            let rows = Deadline::upcoming(conn, records.deadlines(), until, Some(whose))?;
            let members = Member::names(conn, rows.iter().filter_map(|row| row.member_id))?;
            let reps = User::names(conn, rows.iter().filter_map(|row| row.assigned_to))?;
            let shown = cases
                .iter()
                .map(|c| c.case.id.0)
                .chain(rows.iter().map(|row| row.deadline.case_id.0));
            if let Some(event) = audit::listed(actor.id, audit::Entity::Case, shown) {
                audit.read(event);
            }
            let named = cases
                .iter()
                .filter_map(|c| c.case.member_id.filter(|_| c.member_name.is_some()))
                .chain(members.keys().copied())
                .map(|m| m.0);
            if let Some(event) = audit::listed(actor.id, audit::Entity::Member, named) {
                audit.read(event);
            }
            let deadlines = rows
                .into_iter()
                .map(|row| QueueItem {
                    member_name: row.member_id.and_then(|m| members.get(&m).cloned()),
                    rep: row.assigned_to.and_then(|u| reps.get(&u.0).cloned()),
                    view: DeadlineView::new(row.deadline, Some(row.reference)),
                })
                .collect();
            Ok(Queue {
                cases,
                deadlines,
                with_unassigned,
            })
        })
        .await
}

/// The filtered case list as CSV, every page, audited with the ids of the cases exported.
pub(crate) async fn export(
    state: &AppState,
    actor: Actor,
    filter: CaseFilter,
) -> Result<Vec<u8>, AppError> {
    let records = actor.records()?;
    let filter = resolved(filter, actor);
    state
        .db
        .write(move |conn| {
            let (csv, ids) = super::export::cases_csv(conn, records, &filter)?;
            audit::record_ids(
                conn,
                actor.id.into(),
                audit::Action::Export,
                audit::Entity::Case,
                "",
                &ids,
            )?;
            Ok(csv)
        })
        .await
}

/// An organiser's queue: the open cases referred to their region, oldest first.
pub(crate) async fn referred_queue(
    state: &AppState,
    actor: Actor,
) -> Result<Vec<CaseListItem>, AppError> {
    let filter = CaseFilter {
        referred: Some(true),
        status: Some(CaseStatus::Open),
        sort: CaseSort::OldestFirst,
        ..Default::default()
    };
    let first = Paging::new(1, crate::paging::MAX_PER_PAGE)?;
    Ok(list(state, actor, filter, first).await?.items)
}

pub(crate) async fn create(
    state: &AppState,
    actor: Actor,
    input: CaseInput,
) -> Result<CaseView, AppError> {
    state
        .db
        .write(move |conn| cases::create(conn, actor, input))
        .await
}

/// Opens a case for the member with a membership number (the page's form), the member's
/// lookup and the case in one transaction.
pub(crate) async fn create_for_number(
    state: &AppState,
    actor: Actor,
    number: String,
    input: impl FnOnce(MemberId) -> CaseInput + Send + 'static,
) -> Result<CaseView, AppError> {
    let writer = actor.member_writer()?;
    state
        .db
        .write(move |conn| {
            let member = member_by_number(conn, writer, &number)?;
            cases::create(conn, actor, input(member.id))
        })
        .await
}

/// A member in `scope` named by membership number; a number outside it is "no member".
fn member_by_number(
    conn: &mut DbConn,
    scope: crate::access::RecordScope,
    number: &str,
) -> Result<Member, AppError> {
    let number = number.trim();
    if number.is_empty() {
        return Err(AppError::invalid("membership_number", "is required"));
    }
    let missing = || {
        AppError::invalid(
            "membership_number",
            "no member with that number in your scope",
        )
    };
    let found = Member::find_by_number(conn, number)?.ok_or_else(missing)?;
    match scope.member(conn, found.id) {
        Ok(member) => Ok(member.into_inner()),
        Err(AppError::NotFound) => Err(missing()),
        Err(other) => Err(other),
    }
}

pub(crate) async fn update(
    state: &AppState,
    actor: Actor,
    id: CaseId,
    changes: CaseChanges,
) -> Result<CaseView, AppError> {
    state
        .db
        .write(move |conn| cases::update(conn, actor, id, changes))
        .await
}

/// The appeal window and tribunal limitation date an outcome given on `on` would start, for
/// a rep to choose from before recording it (the case must be one the caller works).
pub(crate) async fn outcome_deadlines(
    state: &AppState,
    actor: Actor,
    id: CaseId,
    on: NaiveDate,
) -> Result<(CaseView, Vec<(DeadlineKind, NaiveDate)>), AppError> {
    state
        .db
        .run(move |conn| {
            let case = actor.writable_case(conn, id)?;
            let offers = deadlines::after_outcome(conn, on)?;
            Ok((cases::view(conn, case.into_inner())?, offers))
        })
        .await
}

/// Records an outcome on an open case and, in the same transaction, the deadlines it starts
/// that the rep chose (the appeal window, the tribunal limitation date, counted from its day).
pub(crate) async fn record_outcome(
    state: &AppState,
    actor: Actor,
    id: CaseId,
    outcome: Outcome,
    on: NaiveDate,
    add: Vec<DeadlineKind>,
) -> Result<CaseView, AppError> {
    state
        .db
        .write(move |conn| {
            let changes = CaseChanges {
                outcome: Some(outcome),
                outcome_on: Some(on),
                ..CaseChanges::default()
            };
            let view = cases::update(conn, actor, id, changes)?;
            for kind in add {
                if !matches!(kind, DeadlineKind::Appeal | DeadlineKind::Tribunal) {
                    return Err(AppError::invalid(
                        "add",
                        "an outcome starts an appeal window and a tribunal limitation date only",
                    ));
                }
                let input = DeadlineInput {
                    kind,
                    due_on: None,
                    from: Some(on),
                    acas_day_a: None,
                    acas_day_b: None,
                    note: None,
                    starts_at: None,
                    place: None,
                };
                deadlines::add_deadline(conn, actor, id, input)?;
            }
            Ok(view)
        })
        .await
}

/// Who a case may be assigned to: its branch's officers and its region's organisers.
pub(crate) async fn assignees(
    state: &AppState,
    actor: Actor,
    id: CaseId,
) -> Result<Vec<(UserId, String)>, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, _| {
            let case = records.case(conn, id)?;
            let branch = Branch::find(conn, case.branch_id)?;
            Ok(User::reps_of(conn, branch.id, branch.region_id)?)
        })
        .await
}

pub(crate) async fn add_event(
    state: &AppState,
    actor: Actor,
    id: CaseId,
    input: EventInput,
) -> Result<CaseEvent, AppError> {
    state
        .db
        .write(move |conn| timeline::add_event(conn, actor, id, input))
        .await
}

/// A timeline entry the actor may correct (its author, an entry written by hand), for the
/// correction form: 404 out of scope, 403 or 422 as `Actor::correction` says.
pub(crate) async fn correctable(
    state: &AppState,
    actor: Actor,
    id: CaseId,
    event: CaseEventId,
) -> Result<CaseEvent, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let case = records.case(conn, id)?;
            let entry = case.event(conn, event)?;
            actor.correction(&case, &entry)?;
            audit.read(
                Event::new(
                    actor.id,
                    crate::audit::Action::Read,
                    crate::audit::Entity::Case,
                )
                .id(id.0)
                .detail("correction form"),
            );
            Ok(entry)
        })
        .await
}

/// Corrects a timeline entry (its author only), keeping the earlier version.
pub(crate) async fn correct_event(
    state: &AppState,
    actor: Actor,
    id: CaseId,
    event: CaseEventId,
    correction: EventCorrection,
) -> Result<CaseEvent, AppError> {
    state
        .db
        .write(move |conn| timeline::correct_event(conn, actor, id, event, correction))
        .await
}

pub(crate) async fn add_deadline(
    state: &AppState,
    actor: Actor,
    id: CaseId,
    input: DeadlineInput,
) -> Result<DeadlineView, AppError> {
    let deadline = state
        .db
        .write(move |conn| deadlines::add_deadline(conn, actor, id, input))
        .await?;
    Ok(DeadlineView::new(deadline, None))
}

/// Changes a deadline (its date, time, place, note, or whether it is done); `case`, when given,
/// must be the deadline's case (the page's address names both).
pub(crate) async fn change_deadline(
    state: &AppState,
    actor: Actor,
    case: Option<CaseId>,
    id: DeadlineId,
    changes: DeadlineChanges,
) -> Result<DeadlineView, AppError> {
    let deadline = state
        .db
        .write(move |conn| deadlines::change_deadline(conn, actor, case, id, changes))
        .await?;
    Ok(DeadlineView::new(deadline, None))
}

//! Representation cases: creation with a branch reference, the stage and outcome workflow
//! (each change recorded on the timeline), timeline entries, deadlines, referral to the region.

use chrono::{Datelike, NaiveDate, Utc};
use diesel::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::timeline::system_entry as timeline;
use crate::access::{self, Actor, Scope};
use crate::audit::{self, Event};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::case::next_case_number;
use crate::models::*;
use crate::validate::double_option;

pub const SUMMARY_MAX: usize = 10_000;
/// Longest reason for a referral.
pub const REASON_MAX: usize = 2_000;
pub const EVENT_MAX: usize = 10_000;

/// A case with what is held beside it.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: Case,
    pub workload_factors: Vec<WorkloadFactor>,
}

pub(crate) fn view(conn: &mut DbConn, case: Case) -> Result<CaseView, AppError> {
    let workload_factors = Case::factors(conn, case.id)?;
    Ok(CaseView {
        case,
        workload_factors,
    })
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    pub member_id: MemberId,
    #[serde(rename = "type")]
    pub case_type: CaseType,
    pub opened_on: NaiveDate,
    pub stage: Option<Stage>,
    #[schema(max_length = 10000)]
    pub summary: Option<String>,
    /// Defaults to the officer or organiser opening the case.
    pub assigned_to: Option<UserId>,
    #[serde(default)]
    pub workload_factor: bool,
    #[serde(default)]
    pub workload_factors: Vec<WorkloadFactor>,
    #[serde(default)]
    pub referred_to_region: bool,
    /// Why the case goes to the region: required when `referred_to_region` is true.
    #[schema(max_length = 2000)]
    pub referral_reason: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseChanges {
    #[serde(rename = "type")]
    pub case_type: Option<CaseType>,
    pub stage: Option<Stage>,
    /// `closed` needs an outcome and a closed date; `open` on a closed case reopens it.
    pub status: Option<CaseStatus>,
    /// Recorded on an open case without closing it ("Dismissal — appeal pending"), or with
    /// the closing.
    pub outcome: Option<Outcome>,
    /// The day the outcome was given (default: today, or the closed date when closing).
    pub outcome_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub workload_factor: Option<bool>,
    pub workload_factors: Option<Vec<WorkloadFactor>>,
    #[serde(default, deserialize_with = "double_option")]
    pub assigned_to: Option<Option<UserId>>,
    pub referred_to_region: Option<bool>,
    /// Why the case goes to the region: required when referring it, and may be reworded
    /// while it is referred.
    #[schema(max_length = 2000)]
    pub referral_reason: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 10000)]
    pub summary: Option<Option<String>>,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn check_date(field: &str, date: NaiveDate) -> Result<(), AppError> {
    if date > today() {
        Err(AppError::invalid(field, "must not be in the future"))
    } else if date.year() < 1990 {
        Err(AppError::invalid(field, "must be in 1990 or later"))
    } else {
        Ok(())
    }
}

fn check_summary(summary: Option<String>) -> Result<Option<String>, AppError> {
    let summary = summary
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if let Some(why) = summary
        .as_deref()
        .and_then(|s| crate::validate::paragraph_problem(s, SUMMARY_MAX))
    {
        return Err(AppError::invalid("summary", why));
    }
    Ok(summary)
}

fn check_factors(
    workload_factor: bool,
    factors: &[WorkloadFactor],
) -> Result<Vec<WorkloadFactor>, AppError> {
    if !workload_factor && !factors.is_empty() {
        return Err(AppError::invalid(
            "workload_factors",
            "name factors only when workload is a factor",
        ));
    }
    let mut factors = factors.to_vec();
    factors.sort();
    factors.dedup();
    Ok(factors)
}

/// The assignee must be an active user who can see the case's branch. Every refusal reads the
/// same (why is logged), so the answer does not tell which users exist, are active or work
/// where.
fn check_assignee(conn: &mut DbConn, user: UserId, branch: BranchId) -> Result<(), AppError> {
    let refuse = |why: &str| {
        tracing::info!(assignee = user.0, why, "assignee refused");
        AppError::invalid("assigned_to", "is not a rep who can work this case")
    };
    let Some(assignee) = User::find(conn, user).optional()? else {
        return Err(refuse("no such user"));
    };
    if !assignee.active {
        return Err(refuse("deactivated"));
    }
    if access::sees_branch(&assignee, &Branch::find(conn, branch)?)? {
        Ok(())
    } else {
        Err(refuse("cannot see this branch"))
    }
}

/// A member's cases go with them when they move branch: a member's casework is read by the
/// branch that represents them now, one rule for the case list, the export, the API and the
/// case page (the former branch sees none of it). A rep who cannot see the new branch is taken
/// off the case, which joins the new branch's unassigned work; the timeline says so. The
/// reference keeps its first branch's code: it is the case's name, not its place.
pub(crate) fn follow_member(
    conn: &mut DbConn,
    actor: Option<UserId>,
    member: MemberId,
    from: BranchId,
    to: BranchId,
) -> Result<(), AppError> {
    let (from, to) = (Branch::find(conn, from)?, Branch::find(conn, to)?);
    let moving = Case::of_member(conn, member)?;
    let today = Utc::now().date_naive();
    for case in moving {
        let rep = match case.assigned_to {
            Some(id) => User::find(conn, id).optional()?,
            None => None,
        };
        let released = match &rep {
            Some(rep) => !access::sees_branch(rep, &to)?,
            None => false,
        };
        Case::move_to(conn, case.id, to.id, released)?;
        let mut line = format!("Moved from {} to {} with the member", from.name, to.name);
        if let (true, Some(rep)) = (released, &rep) {
            line.push_str(&format!("; {} is no longer its rep", rep.display_name));
        }
        CaseEvent::create(
            conn,
            &NewCaseEvent {
                case_id: case.id,
                occurred_on: today,
                kind: EventKind::Note,
                text: line,
                author_id: actor,
                system: true,
            },
        )?;
        audit::record(
            conn,
            Event::new(
                audit::Principal::user_or_command_line(actor),
                crate::audit::Action::Update,
                crate::audit::Entity::Case,
            )
            .id(case.id.0)
            .detail(if released {
                "branch_id,assigned_to (member moved)"
            } else {
                "branch_id (member moved)"
            }),
        )?;
    }
    Ok(())
}

/// `LDS-2026-0042`: the branch code, the year, the next number in the branch's sequence. A
/// number already taken (a reference carried over from another system) is passed over.
pub(crate) fn next_reference(
    conn: &mut DbConn,
    branch: &Branch,
    year: i32,
) -> Result<String, AppError> {
    loop {
        let number = next_case_number(conn, branch.id, year)?;
        let reference = format!("{}-{year}-{number:04}", branch.code);
        if !Case::reference_taken(conn, &reference)? {
            return Ok(reference);
        }
    }
}

pub(crate) fn create(
    conn: &mut DbConn,
    actor: Actor,
    input: CaseInput,
) -> Result<CaseView, AppError> {
    let writer = actor.member_writer()?;
    let member = match writer.member(conn, input.member_id) {
        Err(AppError::NotFound) => Err(AppError::invalid(
            "member_id",
            "no such member in your scope",
        )),
        found => found,
    }?;
    super::protection::refuse_if_erased(&member)?;
    check_date("opened_on", input.opened_on)?;
    let stage = input.stage.unwrap_or(Stage::Referral);
    if stage == Stage::Closed {
        return Err(AppError::invalid(
            "stage",
            "open the case first, then close it with an outcome",
        ));
    }
    let factors = check_factors(input.workload_factor, &input.workload_factors)?;
    let referral_reason = reason(input.referred_to_region, input.referral_reason)?;
    let assigned_to = match (input.assigned_to, actor.scope) {
        (Some(user), _) => Some(user),
        (None, Scope::Branch { .. }) => Some(actor.id),
        (None, _) => None,
    };
    if let Some(user) = assigned_to {
        check_assignee(conn, user, member.branch_id)?;
    }
    if let Some(why) =
        super::workload::MemberFacts::from(&*member).outside_membership(input.opened_on)
    {
        return Err(AppError::invalid("opened_on", why));
    }
    let branch = Branch::find(conn, member.branch_id)?;
    let reference = next_reference(conn, &branch, input.opened_on.year())?;
    let case = Case::create(
        conn,
        &NewCase {
            record_key: crate::models::RecordKey::random(),
            reference,
            member_id: Some(member.id),
            branch_id: branch.id,
            employer_id: Some(member.employer_id),
            case_type: input.case_type,
            stage,
            status: CaseStatus::Open,
            opened_on: input.opened_on,
            workload_factor: input.workload_factor,
            assigned_to,
            referred_to_region: input.referred_to_region,
            referral_reason: referral_reason.clone(),
            summary: check_summary(input.summary)?,
        },
    )?;
    Case::set_factors(conn, case.id, &factors)?;
    if case.referred_to_region {
        crate::mail::notices::referred(conn, &case, actor.id)?;
    }
    timeline(
        conn,
        case.id,
        actor.id,
        EventKind::StageChange,
        format!("Case opened at {}", stage.label()),
        input.opened_on,
    )?;
    if let Some(why) = referral_reason {
        timeline(
            conn,
            case.id,
            actor.id,
            EventKind::Note,
            referred_because(&why),
            input.opened_on,
        )?;
    }
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Create,
            crate::audit::Entity::Case,
        )
        .id(case.id.0)
        .detail(format!("member={}", member.id)),
    )?;
    view(conn, case)
}

/// What an update changes: the columns, the fields named in the audit entry, and the lines it
/// adds to the timeline.
#[derive(Default)]
struct Plan {
    update: UpdateCase,
    changed: Vec<&'static str>,
    events: Vec<(EventKind, String)>,
}

pub(crate) fn update(
    conn: &mut DbConn,
    actor: Actor,
    id: CaseId,
    changes: CaseChanges,
) -> Result<CaseView, AppError> {
    let case = actor.writable_case(conn, id)?;
    if changes.outcome_on.is_some() && changes.outcome.is_none() {
        return Err(AppError::invalid(
            "outcome_on",
            "is the day of an outcome: give the outcome with it",
        ));
    }
    // Referring a case to the region, and withdrawing the referral, is the branch's: an
    // organiser works a referred case but cannot send it back.
    if changes
        .referred_to_region
        .is_some_and(|r| r != case.referred_to_region)
        && !actor.may_refer(&case)
    {
        return Err(AppError::Forbidden);
    }
    let mut plan = Plan::default();
    let closing = changes.status == Some(CaseStatus::Closed) && case.status == CaseStatus::Open;
    let reopening = changes.status == Some(CaseStatus::Open) && case.status == CaseStatus::Closed;
    if closing {
        plan_closing(&case, &changes, &mut plan)?;
    } else if reopening {
        plan_reopening(&changes, &mut plan)?;
    } else {
        plan_stage(&case, &changes, &mut plan)?;
    }
    plan_details(conn, &case, changes, &mut plan)?;
    let Plan {
        update,
        mut changed,
        mut events,
    } = plan;
    let closing = update.status == Some(CaseStatus::Closed);
    let reopening = update.status == Some(CaseStatus::Open);
    let referring = update.referred_to_region == Some(true);
    // The region takes a referred case when one of its organisers becomes the rep.
    let taking =
        matches!(actor.scope, Scope::Region { .. }) && update.assigned_to == Some(Some(actor.id));
    let case = Case::update(conn, id, update)?;
    if referring {
        crate::mail::notices::referred(conn, &case, actor.id)?;
    }
    if taking && case.referred_to_region {
        crate::mail::notices::taken(conn, &case, actor.id)?;
    }
    let deadlines = if closing {
        Deadline::close_open(conn, id, actor.id)?
    } else if reopening {
        Deadline::reopen_closed_with_case(conn, id, actor.id)?
    } else {
        Vec::new()
    };
    if !deadlines.is_empty() {
        changed.push("deadlines");
        let with = if closing { "Closed" } else { "Reopened" };
        events.push((EventKind::Note, listed(with, &deadlines)));
    }
    for (kind, body) in events {
        timeline(conn, id, actor.id, kind, body, today())?;
    }
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Update,
            crate::audit::Entity::Case,
        )
        .id(id.0)
        .detail(changed.join(",")),
    )?;
    view(conn, case)
}

/// The timeline line that lists the deadlines closing the case closed (its hearings and other
/// deadlines: appeal windows and tribunal dates stay live), or reopening it reopened.
fn listed(with: &str, deadlines: &[Deadline]) -> String {
    let listed: Vec<String> = deadlines
        .iter()
        .map(|d| format!("{} due {}", d.kind.label(), d.due_on.format("%-d %B %Y")))
        .collect();
    format!("{with} with the case: {}.", listed.join("; "))
}

/// The reason a case goes to the region, trimmed: required when it is referred, and none
/// when it is not.
fn reason(referred: bool, given: Option<String>) -> Result<Option<String>, AppError> {
    let given = crate::text::non_empty(given.map(|g| g.trim().to_owned()));
    match (referred, given) {
        (false, None) => Ok(None),
        (false, Some(_)) => Err(AppError::invalid(
            "referral_reason",
            "is given only when referring the case",
        )),
        (true, None) => Err(AppError::invalid(
            "referral_reason",
            "say why the case goes to the region",
        )),
        (true, Some(why)) => match crate::validate::paragraph_problem(&why, REASON_MAX) {
            Some(problem) => Err(AppError::invalid("referral_reason", problem)),
            None => Ok(Some(why)),
        },
    }
}

/// The timeline's line for a referral.
fn referred_because(why: &str) -> String {
    format!("Referred to the region: {why}")
}

/// Closing needs an outcome and a date on or after the opening; the stage becomes closed.
fn plan_closing(case: &Case, changes: &CaseChanges, plan: &mut Plan) -> Result<(), AppError> {
    let closed_on = changes
        .closed_on
        .ok_or_else(|| AppError::invalid("closed_on", "is required to close a case"))?;
    if changes.outcome.is_none() && case.outcome.is_none() {
        return Err(AppError::invalid(
            "outcome",
            "is required to close a case (record it first, or with the closing)",
        ));
    }
    if closed_on < case.opened_on {
        return Err(AppError::invalid(
            "closed_on",
            format!("must not be before the case opened ({})", case.opened_on),
        ));
    }
    check_date("closed_on", closed_on)?;
    if changes.stage.is_some_and(|s| s != Stage::Closed) {
        return Err(AppError::invalid(
            "stage",
            "a closed case is at the closed stage",
        ));
    }
    if changes.outcome.is_some() {
        plan_outcome(case, changes, closed_on, plan)?;
    }
    plan.update.status = Some(CaseStatus::Closed);
    plan.update.stage = Some(Stage::Closed);
    plan.update.closed_on = Some(Some(closed_on));
    plan.changed.push("status");
    plan.events.push((
        EventKind::StageChange,
        format!("Stage: {} → Closed", case.stage.label()),
    ));
    Ok(())
}

/// Records the outcome given in `changes`, on its date (by default `default_on`): not before
/// the case opened, not in the future.
fn plan_outcome(
    case: &Case,
    changes: &CaseChanges,
    default_on: NaiveDate,
    plan: &mut Plan,
) -> Result<(), AppError> {
    let Some(outcome) = changes.outcome else {
        return Ok(());
    };
    let on = changes.outcome_on.unwrap_or(default_on);
    if on < case.opened_on {
        return Err(AppError::invalid(
            "outcome_on",
            format!("must not be before the case opened ({})", case.opened_on),
        ));
    }
    check_date("outcome_on", on)?;
    plan.update.outcome = Some(Some(outcome));
    plan.update.outcome_on = Some(Some(on));
    plan.changed.push("outcome");
    plan.events.push((
        EventKind::Outcome,
        format!("Outcome: {} ({})", outcome.label(), on.format("%-d %B %Y")),
    ));
    Ok(())
}

/// Reopening names the stage the case is at again, and clears when it closed; the outcome
/// stands (an appeal or a claim may follow it) until another is recorded.
fn plan_reopening(changes: &CaseChanges, plan: &mut Plan) -> Result<(), AppError> {
    let stage = changes
        .stage
        .ok_or_else(|| AppError::invalid("stage", "say which stage the reopened case is at"))?;
    if stage == Stage::Closed {
        return Err(AppError::invalid(
            "stage",
            "a reopened case is not at the closed stage",
        ));
    }
    plan.update.status = Some(CaseStatus::Open);
    plan.update.stage = Some(stage);
    plan.update.closed_on = Some(None);
    plan.changed.extend(["status", "stage"]);
    plan.events.push((
        EventKind::StageChange,
        format!("Case reopened at {}", stage.label()),
    ));
    Ok(())
}

/// On a case neither closing nor reopening: a stage only moves forward; an outcome may be
/// recorded while the case is open; when a case closed changes only by closing it.
fn plan_stage(case: &Case, changes: &CaseChanges, plan: &mut Plan) -> Result<(), AppError> {
    let closed = case.status == CaseStatus::Closed;
    if closed && changes.outcome.is_some() {
        return Err(AppError::invalid(
            "outcome",
            "reopen the case to change how it closed",
        ));
    }
    if changes.closed_on.is_some() {
        let why = if closed {
            "reopen the case to change how it closed"
        } else {
            "is set by closing the case (status closed)"
        };
        return Err(AppError::invalid("closed_on", why));
    }
    plan_outcome(case, changes, today(), plan)?;
    if let Some(stage) = changes.stage.filter(|s| *s != case.stage) {
        if case.status == CaseStatus::Closed {
            return Err(AppError::invalid(
                "stage",
                "reopen the case first (status open with a stage)",
            ));
        }
        if stage == Stage::Closed {
            return Err(AppError::invalid(
                "stage",
                "close the case with status closed, an outcome and a closed date",
            ));
        }
        if stage < case.stage {
            return Err(AppError::invalid(
                "stage",
                format!(
                    "cannot go back from {} to {}",
                    case.stage.label(),
                    stage.label()
                ),
            ));
        }
        plan.update.stage = Some(stage);
        plan.changed.push("stage");
        plan.events.push((
            EventKind::StageChange,
            format!("Stage: {} → {}", case.stage.label(), stage.label()),
        ));
    }
    Ok(())
}

/// Type, workload factors, assignee, referral and summary.
fn plan_details(
    conn: &mut DbConn,
    case: &Case,
    changes: CaseChanges,
    plan: &mut Plan,
) -> Result<(), AppError> {
    let id = case.id;
    if let Some(case_type) = changes.case_type.filter(|t| *t != case.case_type) {
        plan.update.case_type = Some(case_type);
        plan.changed.push("type");
    }
    let workload_factor = changes.workload_factor.unwrap_or(case.workload_factor);
    if changes.workload_factor.is_some() || changes.workload_factors.is_some() {
        let factors = match changes.workload_factors {
            Some(factors) => factors,
            None if workload_factor => Case::factors(conn, id)?,
            None => Vec::new(),
        };
        let factors = check_factors(workload_factor, &factors)?;
        Case::set_factors(conn, id, &factors)?;
        plan.update.workload_factor = Some(workload_factor);
        plan.changed.push("workload_factor");
    }
    if let Some(assignee) = changes.assigned_to.filter(|a| *a != case.assigned_to) {
        if let Some(user) = assignee {
            check_assignee(conn, user, case.branch_id)?;
        }
        plan.update.assigned_to = Some(assignee);
        plan.changed.push("assigned_to");
        let names = User::names(conn, case.assigned_to.into_iter().chain(assignee))?;
        let name = |user: Option<UserId>| {
            user.and_then(|u| names.get(&u.0).cloned())
                .unwrap_or_else(|| "no rep".into())
        };
        let line = match case.assigned_to {
            None => format!("Taken by {}", name(assignee)),
            was => format!("Rep: {} → {}", name(was), name(assignee)),
        };
        plan.events.push((EventKind::Note, line));
    }
    let referred = changes
        .referred_to_region
        .unwrap_or(case.referred_to_region);
    if changes.referred_to_region == Some(false) && changes.referral_reason.is_some() {
        return Err(AppError::invalid(
            "referral_reason",
            "is given only when referring the case",
        ));
    }
    if changes
        .referred_to_region
        .is_some_and(|r| r != case.referred_to_region)
        || (referred && changes.referral_reason.is_some())
    {
        let why = reason(referred, changes.referral_reason)?;
        if referred != case.referred_to_region {
            plan.update.referred_to_region = Some(referred);
            plan.changed.push("referred_to_region");
        }
        plan.changed.push("referral_reason");
        plan.events.push((
            EventKind::Note,
            match &why {
                Some(why) if case.referred_to_region => format!("Reason for the referral: {why}"),
                Some(why) => referred_because(why),
                None => "Referral to the region withdrawn".into(),
            },
        ));
        plan.update.referral_reason = Some(why);
    } else if changes.referral_reason.is_some() {
        return Err(AppError::invalid(
            "referral_reason",
            "is given only when referring the case",
        ));
    }
    if let Some(summary) = changes.summary {
        plan.update.summary = Some(check_summary(summary)?);
        plan.changed.push("summary");
    }

    Ok(())
}

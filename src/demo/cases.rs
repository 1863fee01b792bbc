//! Demo cases: opened month by month, more often for members above the safe caseload, with
//! their stage changes, outcomes, timeline notes and deadlines.

use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;
use rand::Rng;
use rand::rngs::StdRng;

use crate::casework::{cases::next_reference, dates};
use crate::db::DbConn;
use crate::db::schema::{case_contacts, case_events, case_workload_factors, cases, deadlines};
use crate::error::AppError;
use crate::models::*;
use crate::seed::insert_all;

/// Chance a month brings a member a new case, and the extra chance above the safe caseload:
/// over a year about seven in ten members above it face a new disciplinary or ill-health case
/// against four in ten below, so the demo's evidence shows a risk without every member above
/// the line having a case (which left too few without one for a relative risk).
const MONTHLY_RATE: f64 = 0.085;
const EXTRA_ABOVE: f64 = 0.06;

fn outcome_for(rng: &mut StdRng, case_type: CaseType) -> Outcome {
    let choices: &[Outcome] = match case_type {
        CaseType::Disciplinary => &[
            Outcome::NoCaseToAnswer,
            Outcome::InformalAction,
            Outcome::WrittenWarning,
            Outcome::FinalWrittenWarning,
            Outcome::Dismissal,
            Outcome::Resigned,
        ],
        CaseType::IllHealth => &[
            Outcome::PhasedReturn,
            Outcome::ReasonableAdjustments,
            Outcome::Redeployment,
            Outcome::IllHealthRetirement,
            Outcome::Dismissal,
        ],
        CaseType::Grievance => &[
            Outcome::GrievanceUpheld,
            Outcome::GrievancePartlyUpheld,
            Outcome::GrievanceNotUpheld,
        ],
        CaseType::Capability => &[
            Outcome::InformalAction,
            Outcome::WrittenWarning,
            Outcome::Redeployment,
            Outcome::Dismissal,
        ],
        _ => &[
            Outcome::Settlement,
            Outcome::Withdrawn,
            Outcome::Other,
            Outcome::Redeployment,
        ],
    };
    choices[rng.random_range(0..choices.len())]
}

fn case_type(rng: &mut StdRng, above: bool) -> CaseType {
    let roll: f64 = rng.random();
    // Above the safe caseload, disciplinary and ill-health cases dominate.
    let (disciplinary, ill_health) = if above { (0.35, 0.35) } else { (0.2, 0.2) };
    if roll < disciplinary {
        CaseType::Disciplinary
    } else if roll < disciplinary + ill_health {
        CaseType::IllHealth
    } else {
        [
            CaseType::Grievance,
            CaseType::Capability,
            CaseType::Accreditation,
            CaseType::Restructure,
            CaseType::Other,
        ][rng.random_range(0..5)]
    }
}

/// What the demo's cases depend on besides the members.
pub(crate) struct Setting {
    pub safe: f64,
    /// The demo officer and their branch: its cases are assigned to them.
    pub officer: Option<(BranchId, UserId)>,
    pub today: NaiveDate,
}

/// A member's monthly caseload per FTE over the demo's months (NaN outside membership).
pub(crate) struct History {
    pub member: MemberId,
    pub branch: BranchId,
    pub employer: EmployerId,
    pub per_month: Vec<f64>,
}

/// How a case will go, drawn before it is written.
struct Plan {
    opened_on: NaiveDate,
    case_type: CaseType,
    above: bool,
    workload: bool,
    /// The stages after referral it reaches.
    path: &'static [Stage],
    closed: Option<(NaiveDate, Outcome)>,
}

impl Plan {
    fn draw(rng: &mut StdRng, month: NaiveDate, above: bool, today: NaiveDate) -> Plan {
        let opened_on = (month + Days::new(rng.random_range(0..25))).min(today);
        let case_type = case_type(rng, above);
        let workload = rng.random_bool(if above { 0.7 } else { 0.2 });
        let age = (today - opened_on).num_days();
        let closes = age > 120 && rng.random_bool(0.9) || age > 45 && rng.random_bool(0.3);
        let path: &'static [Stage] = match rng.random_range(0..4) {
            0 => &[Stage::Investigation],
            1 => &[Stage::Investigation, Stage::Hearing],
            2 => &[Stage::Investigation, Stage::Hearing, Stage::Appeal],
            _ => &[Stage::Hearing],
        };
        let closed = closes.then(|| {
            let on = (opened_on + Days::new(rng.random_range(20..120))).min(today);
            (on, outcome_for(rng, case_type))
        });
        Plan {
            opened_on,
            case_type,
            above,
            workload,
            path,
            closed,
        }
    }

    /// The furthest stage before any closing.
    fn stage(&self) -> Stage {
        *self.path.last().unwrap_or(&Stage::Referral)
    }
}

/// Rows written together once every case is open.
#[derive(Default)]
struct Rows {
    events: Vec<NewCaseEvent>,
    due: Vec<NewDeadline>,
    factors: Vec<CaseWorkloadFactor>,
    contacts: Vec<NewContact>,
}

/// Returns how many cases were made.
pub(crate) fn generate(
    conn: &mut DbConn,
    rng: &mut StdRng,
    histories: &[History],
    months: &[NaiveDate],
    setting: &Setting,
) -> Result<usize, AppError> {
    let branches: Vec<Branch> = Branch::list(conn)?;
    let mut made = 0;
    let mut rows = Rows::default();
    for history in histories {
        let branch = branches
            .iter()
            .find(|b| b.id == history.branch)
            .ok_or(AppError::NotFound)?;
        let assigned_to = setting
            .officer
            .filter(|(b, _)| *b == history.branch)
            .map(|(_, o)| o);
        for (month, caseload) in months.iter().zip(&history.per_month) {
            if caseload.is_nan() {
                continue;
            }
            let above = *caseload > setting.safe;
            if !rng.random_bool(MONTHLY_RATE + if above { EXTRA_ABOVE } else { 0.0 }) {
                continue;
            }
            let plan = Plan::draw(rng, *month, above, setting.today);
            let case = open(conn, rng, &plan, branch, history, assigned_to)?;
            made += 1;
            rows.factors.extend(factors(rng, &plan, case.id));
            rows.contacts
                .extend(contacts(&plan, &case, history.employer, assigned_to));
            let author = assigned_to;
            rows.events
                .extend(timeline(rng, &plan, setting.today, case.id, author));
            rows.due
                .extend(next_deadline(rng, &plan, setting.today, case.id, author));
        }
    }
    save(conn, &rows)?;
    Ok(made)
}

/// Why a demo case was referred to the region (invented).
const REFERRAL_REASONS: [&str; 3] = [
    "Dismissal likely: a tribunal claim needs the region's advice.",
    "The branch has no rep free before the hearing.",
    "A conflict of interest: the member's manager is a branch officer.",
];

fn open(
    conn: &mut DbConn,
    rng: &mut StdRng,
    plan: &Plan,
    branch: &Branch,
    history: &History,
    assigned_to: Option<UserId>,
) -> Result<Case, AppError> {
    let reference = next_reference(conn, branch, plan.opened_on.year())?;
    let referred = rng.random_bool(0.08);
    let case = Case::create(
        conn,
        &NewCase {
            record_key: RecordKey::random(),
            reference,
            member_id: Some(history.member),
            branch_id: history.branch,
            employer_id: Some(history.employer),
            case_type: plan.case_type,
            stage: plan.stage(),
            status: CaseStatus::Open,
            opened_on: plan.opened_on,
            workload_factor: plan.workload,
            assigned_to,
            referral_reason: referred.then(|| REFERRAL_REASONS[rng.random_range(0..3)].into()),
            referred_to_region: referred,
            summary: Some("Demo case: invented for illustration.".into()),
        },
    )?;
    if let Some((closed_on, outcome)) = plan.closed {
        diesel::update(cases::table.find(case.id))
            .set((
                cases::status.eq(CaseStatus::Closed),
                cases::stage.eq(Stage::Closed),
                cases::closed_on.eq(closed_on),
                cases::outcome.eq(outcome),
            ))
            .execute(conn)?;
    }
    Ok(case)
}

/// One to three factors for a case opened for its workload, always high caseload above
/// the safe caseload.
fn factors(rng: &mut StdRng, plan: &Plan, case_id: CaseId) -> Vec<CaseWorkloadFactor> {
    if !plan.workload {
        return Vec::new();
    }
    let mut named: Vec<WorkloadFactor> = (0..rng.random_range(1..4))
        .map(|_| WorkloadFactor::ALL[rng.random_range(0..WorkloadFactor::ALL.len())])
        .collect();
    if plan.above && !named.contains(&WorkloadFactor::HighCaseload) {
        named.push(WorkloadFactor::HighCaseload);
    }
    named.sort();
    named.dedup();
    named
        .into_iter()
        .map(|factor| CaseWorkloadFactor { case_id, factor })
        .collect()
}

/// Invented names for the people around demo cases (none is a real person).
const HR_ADVISERS: [&str; 4] = [
    "Priya Naidu",
    "Tom Hargreaves",
    "Alison Mbeki",
    "Gareth Lloyd",
];
const INVESTIGATORS: [&str; 4] = ["Helen Shaw", "Marcus Bell", "Ruth Adeyemi", "Colin Fraser"];

/// The employer's HR adviser on every case (the same person on each of that employer's cases,
/// so the case page offers them again), and an investigating officer on a disciplinary case.
/// Drawn without the random stream, so the rest of the demo stays as it was.
fn contacts(
    plan: &Plan,
    case: &Case,
    employer: EmployerId,
    added_by: Option<UserId>,
) -> Vec<NewContact> {
    let added_at = plan.opened_on.and_hms_opt(10, 0, 0).unwrap_or_default();
    let which = employer.0.unsigned_abs() as usize % HR_ADVISERS.len();
    let mut people = vec![NewContact {
        case_id: case.id,
        role: ContactRole::HrAdviser,
        name: HR_ADVISERS[which].into(),
        organisation: Some("People Services".into()),
        email: Some(format!("hr.adviser{}@example.org", which + 1)),
        phone: Some(format!("+44 161 496 0{}0{}", which + 1, which + 1)),
        note: None,
        added_by,
        added_at,
    }];
    if plan.case_type == CaseType::Disciplinary {
        people.push(NewContact {
            case_id: case.id,
            role: ContactRole::InvestigatingOfficer,
            name: INVESTIGATORS[case.id.0.unsigned_abs() as usize % INVESTIGATORS.len()].into(),
            organisation: Some("Children's Services".into()),
            email: None,
            phone: None,
            note: Some("Demo contact: invented for illustration.".into()),
            added_by,
            added_at,
        });
    }
    people
}

/// Opening, a first meeting, each stage change along the path, and the outcome.
fn timeline(
    rng: &mut StdRng,
    plan: &Plan,
    today: NaiveDate,
    case_id: CaseId,
    author_id: Option<UserId>,
) -> Vec<NewCaseEvent> {
    let event = |kind, occurred_on, text: String| NewCaseEvent {
        case_id,
        occurred_on,
        kind,
        text,
        author_id,
        system: matches!(kind, EventKind::StageChange | EventKind::Outcome),
    };
    let opened_on = plan.opened_on;
    let mut events = vec![
        event(
            EventKind::StageChange,
            opened_on,
            "Case opened at Referral".into(),
        ),
        event(
            EventKind::Meeting,
            (opened_on + Days::new(3)).min(today),
            "First meeting with the member.".into(),
        ),
    ];
    let last_day = plan.closed.map_or(today, |(on, _)| on);
    let mut day = opened_on;
    let mut previous = Stage::Referral;
    for step in plan.path {
        day = (day + Days::new(rng.random_range(7..30))).min(last_day);
        events.push(event(
            EventKind::StageChange,
            day,
            format!("Stage: {} → {}", previous.label(), step.label()),
        ));
        previous = *step;
    }
    if let Some((closed_on, outcome)) = plan.closed {
        events.push(event(
            EventKind::Outcome,
            closed_on,
            format!("Outcome: {}", outcome.label()),
        ));
        events.push(event(
            EventKind::StageChange,
            closed_on,
            format!("Stage: {} → Closed", previous.label()),
        ));
    }
    events
}

/// A tribunal limit after a dismissal; a hearing ahead for most open cases.
fn next_deadline(
    rng: &mut StdRng,
    plan: &Plan,
    today: NaiveDate,
    case_id: CaseId,
    created_by: Option<UserId>,
) -> Option<NewDeadline> {
    let deadline = |kind, due_on, starts_at: Option<&str>, place: Option<&str>| NewDeadline {
        starts_at: starts_at.map(Into::into),
        place: place.map(Into::into),
        created_by,
        ..NewDeadline::by_hand(case_id, kind, due_on)
    };
    match plan.closed {
        Some((closed_on, Outcome::Dismissal)) => dates::tribunal_limitation(closed_on)
            .map(|limit| deadline(DeadlineKind::Tribunal, limit, None, None)),
        Some(_) => None,
        None if plan.stage() == Stage::Hearing || rng.random_bool(0.3) => {
            let hearing = today + Days::new(rng.random_range(1..40));
            let starts_at = ["09:30", "10:00", "13:30", "14:00"][rng.random_range(0..4)];
            let place = [
                "Civic Centre, meeting room 2",
                "Town Hall, committee room B",
                "Video call",
            ][rng.random_range(0..3)];
            Some(deadline(
                DeadlineKind::Hearing,
                hearing,
                Some(starts_at),
                Some(place),
            ))
        }
        None => None,
    }
}

fn save(conn: &mut DbConn, rows: &Rows) -> Result<(), AppError> {
    insert_all!(conn, case_events, &rows.events)?;
    insert_all!(conn, deadlines, &rows.due)?;
    // A closed case's deadlines were dealt with when it closed, as the app does on closing.
    diesel::update(deadlines::table)
        .filter(
            deadlines::case_id.eq_any(
                cases::table
                    .filter(cases::status.eq(CaseStatus::Closed))
                    .select(cases::id),
            ),
        )
        .set(deadlines::done.eq(true))
        .execute(conn)?;
    insert_all!(conn, case_workload_factors, &rows.factors)?;
    insert_all!(conn, case_contacts, &rows.contacts)?;
    Ok(())
}

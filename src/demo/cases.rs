//! Demo cases: opened month by month, more often for members above the safe caseload, with
//! their stage changes, outcomes, timeline notes and deadlines.

use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;
use rand::Rng;
use rand::rngs::StdRng;

use crate::casework::{cases::next_reference, dates};
use crate::db::DbConn;
use crate::db::schema::{case_events, case_workload_factors, cases, deadlines};
use crate::error::AppError;
use crate::models::*;

/// Chance a month brings a member a new case, and the extra chance above the safe caseload.
const MONTHLY_RATE: f64 = 0.06;
const EXTRA_ABOVE: f64 = 0.3;

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

/// Returns how many cases were made.
pub(crate) fn generate(
    conn: &mut DbConn,
    rng: &mut StdRng,
    histories: &[(MemberId, BranchId, EmployerId, Vec<f64>)],
    months: &[NaiveDate],
    safe: f64,
    officer: Option<(BranchId, UserId)>,
    today: NaiveDate,
) -> Result<usize, AppError> {
    let branches: Vec<Branch> = Branch::list(conn)?;
    let mut made = 0;
    let mut events = Vec::new();
    let mut due = Vec::new();
    let mut factors = Vec::new();
    for (member, branch_id, employer_id, per_month) in histories {
        let branch = branches
            .iter()
            .find(|b| b.id == *branch_id)
            .ok_or(AppError::NotFound)?;
        for (month, caseload) in months.iter().zip(per_month) {
            if caseload.is_nan() {
                continue;
            }
            let above = *caseload > safe;
            if !rng.random_bool(MONTHLY_RATE + if above { EXTRA_ABOVE } else { 0.0 }) {
                continue;
            }
            let opened_on = (*month + Days::new(rng.random_range(0..25))).min(today);
            let case_type = case_type(rng, above);
            let workload = rng.random_bool(if above { 0.7 } else { 0.2 });
            let age = (today - opened_on).num_days();
            let closes = age > 120 && rng.random_bool(0.9) || age > 45 && rng.random_bool(0.3);
            let path: &[Stage] = match rng.random_range(0..4) {
                0 => &[Stage::Investigation],
                1 => &[Stage::Investigation, Stage::Hearing],
                2 => &[Stage::Investigation, Stage::Hearing, Stage::Appeal],
                _ => &[Stage::Hearing],
            };
            let stage = if closes {
                Stage::Closed
            } else {
                *path.last().unwrap_or(&Stage::Referral)
            };
            let closed_on =
                closes.then(|| (opened_on + Days::new(rng.random_range(20..120))).min(today));
            let outcome = closes.then(|| outcome_for(rng, case_type));
            let assigned_to = officer.filter(|(b, _)| b == branch_id).map(|(_, o)| o);
            let reference = next_reference(conn, branch, opened_on.year())?;
            let case = Case::create(
                conn,
                &NewCase {
                    record_key: crate::models::RecordKey::random(),
                    reference,
                    member_id: Some(*member),
                    branch_id: *branch_id,
                    employer_id: Some(*employer_id),
                    case_type,
                    stage: if closes {
                        *path.last().unwrap_or(&Stage::Referral)
                    } else {
                        stage
                    },
                    status: CaseStatus::Open,
                    opened_on,
                    workload_factor: workload,
                    assigned_to,
                    referred_to_region: rng.random_bool(0.08),
                    summary: Some("Demo case: invented for illustration.".into()),
                },
            )?;
            if let (Some(closed_on), Some(outcome)) = (closed_on, outcome) {
                diesel::update(cases::table.find(case.id))
                    .set((
                        cases::status.eq(CaseStatus::Closed),
                        cases::stage.eq(Stage::Closed),
                        cases::closed_on.eq(closed_on),
                        cases::outcome.eq(outcome),
                    ))
                    .execute(conn)?;
            }
            made += 1;
            if workload {
                let mut named: Vec<WorkloadFactor> = (0..rng.random_range(1..4))
                    .map(|_| WorkloadFactor::ALL[rng.random_range(0..WorkloadFactor::ALL.len())])
                    .collect();
                if above && !named.contains(&WorkloadFactor::HighCaseload) {
                    named.push(WorkloadFactor::HighCaseload);
                }
                named.sort();
                named.dedup();
                factors.extend(named.into_iter().map(|factor| CaseWorkloadFactor {
                    case_id: case.id,
                    factor,
                }));
            }
            let mut day = opened_on;
            let event = |kind, on: NaiveDate, text: String| NewCaseEvent {
                case_id: case.id,
                occurred_on: on,
                kind,
                text,
                author_id: assigned_to,
            };
            events.push(event(
                EventKind::StageChange,
                opened_on,
                "Case opened at Referral".into(),
            ));
            events.push(event(
                EventKind::Meeting,
                (opened_on + Days::new(3)).min(today),
                "First meeting with the member.".into(),
            ));
            let mut previous = Stage::Referral;
            for step in path {
                day = (day + Days::new(rng.random_range(7..30))).min(closed_on.unwrap_or(today));
                events.push(event(
                    EventKind::StageChange,
                    day,
                    format!("Stage: {} → {}", previous.label(), step.label()),
                ));
                previous = *step;
            }
            if let (Some(closed_on), Some(outcome)) = (closed_on, outcome) {
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
                if matches!(outcome, Outcome::Dismissal)
                    && let Some(limit) = dates::tribunal_limitation(closed_on)
                {
                    due.push(NewDeadline {
                        case_id: case.id,
                        kind: DeadlineKind::Tribunal,
                        due_on: limit,
                        note: None,
                        starts_at: None,
                        place: None,
                        created_by: assigned_to,
                    });
                }
            } else if stage == Stage::Hearing || rng.random_bool(0.3) {
                let hearing = today + Days::new(rng.random_range(1..40));
                due.push(NewDeadline {
                    case_id: case.id,
                    kind: DeadlineKind::Hearing,
                    due_on: hearing,
                    note: None,
                    starts_at: Some(
                        ["09:30", "10:00", "13:30", "14:00"][rng.random_range(0..4)].into(),
                    ),
                    place: Some(
                        [
                            "Civic Centre, meeting room 2",
                            "Town Hall, committee room B",
                            "Video call",
                        ][rng.random_range(0..3)]
                        .into(),
                    ),
                    created_by: assigned_to,
                });
            }
        }
    }
    for chunk in events.chunks(1000) {
        crate::db_run!(conn, {
            diesel::insert_into(case_events::table)
                .values(chunk)
                .execute(conn)
        })?;
    }
    for chunk in due.chunks(1000) {
        crate::db_run!(conn, {
            diesel::insert_into(deadlines::table)
                .values(chunk)
                .execute(conn)
        })?;
    }
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
    for chunk in factors.chunks(1000) {
        crate::db_run!(conn, {
            diesel::insert_into(case_workload_factors::table)
                .values(chunk)
                .execute(conn)
        })?;
    }
    Ok(made)
}

//! The demo's supervision: a session every few weeks for most members, further apart and more
//! often cancelled (mostly by the employer) and taken up by case management where caseloads are
//! high, as members describe it; about one member in six has none recorded. Drawn from its own
//! seed, after the cases, so the rest of the demo is the same with or without it.

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::cases::History;
use crate::db::DbConn;
use crate::db::schema::supervision_records;
use crate::error::AppError;
use crate::models::*;
use crate::seed::insert_all;

const SEED: u64 = 2018 + 2;

/// How supervision goes at a caseload per FTE: days between sessions, the chance a session is
/// called off, the chance it is case management only.
fn pattern(per_fte: f64) -> (std::ops::Range<u64>, f64, f64) {
    if per_fte <= 12.0 {
        (18..32, 0.08, 0.15)
    } else if per_fte <= 15.0 {
        (24..45, 0.15, 0.25)
    } else {
        (30..80, 0.3, 0.45)
    }
}

/// The caseload per FTE in the month of `on` (NaN outside membership or the demo's months).
fn per_fte_on(history: &History, months: &[NaiveDate], on: NaiveDate) -> f64 {
    months
        .iter()
        .rposition(|m| *m <= on)
        .and_then(|i| history.per_month.get(i).copied())
        .unwrap_or(f64::NAN)
}

/// Writes the demo's supervision sessions; returns how many.
pub(super) fn generate(
    conn: &mut DbConn,
    histories: &[History],
    months: &[NaiveDate],
    today: NaiveDate,
) -> Result<usize, AppError> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let Some(first) = months.first().copied() else {
        return Ok(0);
    };
    let created_at = chrono::Utc::now().naive_utc();
    let mut rows = Vec::new();
    for history in histories {
        if rng.random_bool(1.0 / 6.0) {
            continue;
        }
        let mut on = first + Days::new(rng.random_range(0..28));
        while on <= today {
            let per_fte = per_fte_on(history, months, on);
            let (gap, called_off, case_management) = pattern(per_fte);
            if per_fte.is_nan() {
                on = on + Days::new(30);
                continue;
            }
            let kind = if rng.random_bool(case_management) {
                SupervisionKind::CaseManagement
            } else if rng.random_bool(0.5) {
                SupervisionKind::Both
            } else {
                SupervisionKind::Reflective
            };
            let (status, by) = if rng.random_bool(called_off) {
                let status = if rng.random_bool(0.6) {
                    SupervisionStatus::Cancelled
                } else {
                    SupervisionStatus::Postponed
                };
                let by = if rng.random_bool(0.75) {
                    CalledOffBy::Employer
                } else {
                    CalledOffBy::Member
                };
                (status, Some(by))
            } else {
                (SupervisionStatus::Held, None)
            };
            let source = match rng.random_range(0..10) {
                0..5 => SupervisionSource::SupervisionNotes,
                5..9 => SupervisionSource::MemberReport,
                _ => SupervisionSource::EmployerData,
            };
            rows.push(NewSupervisionRecord {
                member_id: history.member,
                held_on: on,
                kind,
                minutes: by.is_none().then(|| 15 * rng.random_range(3..7)),
                status,
                called_off_by: by,
                source,
                employer_id: history.employer,
                note: None,
                created_by: None,
                created_at,
            });
            // A session called off is rebooked sooner than the next one is due.
            let next = if by.is_some() {
                rng.random_range(7..21)
            } else {
                rng.random_range(gap)
            };
            on = on + Days::new(next);
        }
    }
    insert_all!(conn, supervision_records, &rows)?;
    Ok(rows.len())
}

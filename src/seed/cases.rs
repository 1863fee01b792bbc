//! Cases over the past year, more among busy members, with timelines, deadlines and
//! closings, twenty thousand per transaction.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;
use rand::Rng;

use super::people::Person;
use super::{CHUNK, Places, Run, insert_all, insert_returning_ids};
use crate::db::schema::{case_events, case_workload_factors, cases, deadlines};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::models::*;

const CASES_PER_BATCH: usize = 20_000;

/// The last reference number used per branch and year.
pub(super) type Counters = HashMap<(BranchId, i32), i32>;

pub(super) fn load(
    conn: &mut DbConn,
    run: &mut Run,
    places: &Places,
    people: &[Person],
) -> Result<Counters, AppError> {
    let codes: HashMap<BranchId, String> = places.branches.iter().cloned().collect();
    let mut counters = Counters::new();
    let mut made = 0;
    while made < run.size.cases {
        let wanted = (run.size.cases - made).min(CASES_PER_BATCH);
        let (new_cases, closings): (Vec<NewCase>, Vec<Option<NaiveDate>>) = (0..wanted)
            .map(|_| draw_case(run, people, &codes, &mut counters))
            .unzip();
        write_transaction(conn, |conn| write_batch(conn, run, &new_cases, &closings))?;
        made += new_cases.len();
    }
    Ok(counters)
}

/// Draws one case and the day it closes, if it has, passing over half the members who
/// are not busy.
fn draw_case(
    run: &mut Run,
    people: &[Person],
    codes: &HashMap<BranchId, String>,
    counters: &mut Counters,
) -> (NewCase, Option<NaiveDate>) {
    let (today, rng) = (run.today, &mut run.rng);
    let person = loop {
        let person = people[rng.random_range(0..people.len())];
        if !(person.base <= 15.0 && rng.random_bool(0.5)) {
            break person;
        }
    };
    let opened = today - Days::new(rng.random_range(0..365));
    let number = counters.entry((person.branch, opened.year())).or_default();
    *number += 1;
    let closed = rng.random_bool(0.7) && opened + Days::new(30) < today;
    let closed_on = closed.then(|| (opened + Days::new(rng.random_range(20..120))).min(today));
    let case_type = CaseType::ALL[rng.random_range(0..CaseType::ALL.len())];
    let stage = if closed {
        Stage::Hearing
    } else {
        [Stage::Referral, Stage::Investigation, Stage::Hearing][rng.random_range(0..3)]
    };
    let case = NewCase {
        record_key: RecordKey::random(),
        reference: format!("{}-{}-{:05}", codes[&person.branch], opened.year(), number),
        member_id: Some(person.id),
        branch_id: person.branch,
        employer_id: Some(person.employer),
        case_type,
        stage,
        status: CaseStatus::Open,
        opened_on: opened,
        workload_factor: person.base > 15.0 && rng.random_bool(0.7),
        assigned_to: None,
        referred_to_region: false,
        referral_reason: None,
        summary: Some("Synthetic case.".into()),
    };
    (case, closed_on)
}

fn write_batch(
    conn: &mut DbConn,
    run: &mut Run,
    new_cases: &[NewCase],
    closings: &[Option<NaiveDate>],
) -> Result<(), AppError> {
    let ids: Vec<CaseId> = insert_returning_ids!(conn, cases, new_cases)?;
    let mut events = Vec::with_capacity(ids.len() * run.size.events_per_case);
    let mut due = Vec::new();
    let mut factors = Vec::new();
    let mut closing = BTreeMap::<NaiveDate, Vec<CaseId>>::new();
    for ((id, case), closed_on) in ids.iter().zip(new_cases).zip(closings) {
        events.extend(timeline(run, *id, case.opened_on));
        if case.workload_factor {
            factors.push(CaseWorkloadFactor {
                case_id: *id,
                factor: WorkloadFactor::HighCaseload,
            });
        }
        match closed_on {
            Some(on) => closing.entry(*on).or_default().push(*id),
            None => due.push(NewDeadline {
                starts_at: Some("10:00".into()),
                ..NewDeadline::by_hand(
                    *id,
                    DeadlineKind::Hearing,
                    run.today + Days::new(run.rng.random_range(1..60)),
                )
            }),
        }
    }
    insert_all!(conn, case_events, &events)?;
    insert_all!(conn, deadlines, &due)?;
    insert_all!(conn, case_workload_factors, &factors)?;
    close_by_date(conn, closing)?;
    run.rows += new_cases.len() + events.len() + due.len() + factors.len();
    Ok(())
}

/// A weekly timeline from the day the case opened, never past today.
fn timeline(run: &Run, case_id: CaseId, opened: NaiveDate) -> Vec<NewCaseEvent> {
    const KINDS: [EventKind; 5] = [
        EventKind::Note,
        EventKind::Meeting,
        EventKind::Letter,
        EventKind::Hearing,
        EventKind::Note,
    ];
    (0..run.size.events_per_case)
        .map(|e| NewCaseEvent {
            case_id,
            occurred_on: (opened + Days::new(e as u64 * 7)).min(run.today),
            kind: KINDS[e % KINDS.len()],
            text: "Synthetic timeline entry.".into(),
            author_id: None,
            system: false,
        })
        .collect()
}

/// Closes cases in groups by closing date: one UPDATE per date rather than per case.
fn close_by_date(
    conn: &mut DbConn,
    closing: BTreeMap<NaiveDate, Vec<CaseId>>,
) -> Result<(), AppError> {
    for (on, ids) in closing {
        for chunk in ids.chunks(CHUNK) {
            diesel::update(cases::table.filter(cases::id.eq_any(chunk)))
                .set((
                    cases::status.eq(CaseStatus::Closed),
                    cases::stage.eq(Stage::Closed),
                    cases::closed_on.eq(on),
                    cases::outcome.eq(Outcome::WrittenWarning),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

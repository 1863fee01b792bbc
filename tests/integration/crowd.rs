//! Generated populations for the evidence tests: a branch of members with workload records
//! before the periods asked about, and cases spread over months with uneven types (so that
//! some counts are small), and supervision sessions (some members with none, some called off),
//! all with record keys from a seeded generator so a run can be repeated exactly.

use caseload::db::DbConn;
use caseload::db::schema::{cases, members, supervision_records, workload_records};
use caseload::models::*;
use chrono::{Datelike, Months, NaiveDate};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Case types with their weights: disciplinary and ill-health common, the others rare.
const TYPES: &[(CaseType, u32)] = &[
    (CaseType::Disciplinary, 30),
    (CaseType::IllHealth, 25),
    (CaseType::Grievance, 6),
    (CaseType::Capability, 4),
    (CaseType::Accreditation, 3),
    (CaseType::Restructure, 2),
    (CaseType::Other, 1),
];

fn pick_type(rng: &mut StdRng) -> CaseType {
    let total: u32 = TYPES.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (t, w) in TYPES {
        if roll < *w {
            return *t;
        }
        roll -= w;
    }
    CaseType::Other
}

fn key(rng: &mut StdRng) -> RecordKey {
    RecordKey::from_value(rng.random_range(0..4096)).unwrap()
}

/// `size` members of `branch` (numbers `{prefix}0001`…), each measured on 2025-12-15, and
/// about `cases_per_month` cases a month for the `months` months from `start`.
#[allow(clippy::too_many_arguments)]
pub fn populate(
    conn: &mut DbConn,
    branch: BranchId,
    employer: EmployerId,
    prefix: &str,
    size: usize,
    start: NaiveDate,
    months: u32,
    cases_per_month: u32,
    seed: u64,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        let mut ids = Vec::with_capacity(size);
        for i in 0..size {
            let consent = rng.random_bool(0.5);
            let number = format!("{prefix}{i:04}");
            let id: MemberId = diesel::insert_into(members::table)
                .values(NewMember {
                    record_key: key(&mut rng),
                    branch_id: branch,
                    employer_id: employer,
                    membership_number: number.clone(),
                    first_name: format!("Gen{prefix}"),
                    last_name: format!("Person{i}"),
                    email: None,
                    phone: None,
                    job_role: "Social worker".into(),
                    team: None,
                    fte: 1.0,
                    start_date: None,
                    left_on: None,
                    equality_consent: consent,
                    age_band: consent
                        .then(|| AgeBand::ALL[rng.random_range(0..AgeBand::ALL.len())]),
                    ethnic_group: consent
                        .then(|| EthnicGroup::ALL[rng.random_range(0..EthnicGroup::ALL.len() - 1)]),
                    search_text: member::search_text("Gen", "Person", &number),
                })
                .returning(members::id)
                .get_result(conn)?;
            diesel::insert_into(workload_records::table)
                .values(NewWorkloadRecord {
                    member_id: id,
                    recorded_on: NaiveDate::from_ymd_opt(2025, 12, 15).unwrap(),
                    open_cases: rng.random_range(6..26),
                    hours_worked: None,
                    contracted_hours: None,
                    source: WorkloadSource::Supervision,
                    note: None,
                    created_by: None,
                    fte: 1.0,
                    employer_id: employer,
                })
                .execute(conn)?;
            ids.push(id);
        }
        supervise(conn, &ids, employer, seed)?;
        let mut n = 0;
        for month in 0..months {
            let first = start.checked_add_months(Months::new(month)).unwrap();
            let days = first
                .checked_add_months(Months::new(1))
                .unwrap()
                .signed_duration_since(first)
                .num_days() as u32;
            let count = rng.random_range(0..=cases_per_month * 2);
            for _ in 0..count {
                n += 1;
                let member = ids[rng.random_range(0..ids.len())];
                diesel::insert_into(cases::table)
                    .values(NewCase {
                        record_key: key(&mut rng),
                        reference: format!("{prefix}-{}-{n:05}", first.year()),
                        member_id: Some(member),
                        branch_id: branch,
                        employer_id: Some(employer),
                        case_type: pick_type(&mut rng),
                        stage: if rng.random_bool(0.5) {
                            Stage::Referral
                        } else {
                            Stage::Investigation
                        },
                        status: CaseStatus::Open,
                        opened_on: first.with_day(rng.random_range(1..=days)).unwrap(),
                        workload_factor: rng.random_bool(0.4),
                        assigned_to: None,
                        referred_to_region: false,
                        referral_reason: None,
                        summary: None,
                    })
                    .execute(conn)?;
            }
        }
        Ok(())
    })
    .unwrap()
}

/// Supervision sessions for most of `members` from October 2024 to the end of 2026, every two
/// to eight weeks, some called off; drawn from a generator of their own so that the members and
/// cases are the same with or without them.
fn supervise(
    conn: &mut DbConn,
    members: &[MemberId],
    employer: EmployerId,
    seed: u64,
) -> QueryResult<()> {
    let mut rng = StdRng::seed_from_u64(seed + 1000);
    let end = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let mut rows = Vec::new();
    for member in members {
        if rng.random_bool(0.2) {
            continue;
        }
        let mut on = NaiveDate::from_ymd_opt(2024, 10, 1).unwrap()
            + chrono::Days::new(rng.random_range(0..40));
        while on <= end {
            let by = rng.random_bool(0.15).then(|| {
                if rng.random_bool(0.7) {
                    CalledOffBy::Employer
                } else {
                    CalledOffBy::Member
                }
            });
            rows.push(NewSupervisionRecord {
                member_id: *member,
                held_on: on,
                kind: [
                    SupervisionKind::Reflective,
                    SupervisionKind::Both,
                    SupervisionKind::CaseManagement,
                ][rng.random_range(0..3)],
                minutes: by.is_none().then_some(60),
                status: if by.is_some() {
                    SupervisionStatus::Cancelled
                } else {
                    SupervisionStatus::Held
                },
                called_off_by: by,
                source: SupervisionSource::MemberReport,
                employer_id: employer,
                note: None,
                created_by: None,
                created_at: chrono::Utc::now().naive_utc(),
            });
            on = on + chrono::Days::new(rng.random_range(14..56));
        }
    }
    for chunk in rows.chunks(500) {
        caseload::db_run!(conn, {
            diesel::insert_into(supervision_records::table)
                .values(chunk)
                .execute(conn)
        })?;
    }
    Ok(())
}

/// The small world with generated members and cases: Wigan 160 members, Bury 40 (too few for
/// evidence of its own), Leeds 120; cases in every month of 2025 and 2026.
pub fn crowded(app: &crate::common::TestApp) -> crate::fixtures::World {
    let world = crate::fixtures::World::build(app);
    let mut conn = app.state.db.get().unwrap();
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    populate(
        &mut conn,
        world.wigan,
        world.council,
        "WG",
        160,
        start,
        24,
        6,
        11,
    );
    populate(
        &mut conn,
        world.bury,
        world.council,
        "BY",
        40,
        start,
        24,
        2,
        12,
    );
    populate(
        &mut conn,
        world.leeds,
        world.council,
        "LD",
        120,
        start,
        24,
        4,
        13,
    );
    world
}

//! `caseload seed --scale branch|region|national`: deterministic synthetic data at scale, for
//! benchmarks, written through the real schema with multi-row inserts in large transactions.

use std::time::Instant;

use chrono::{Datelike, Days, Months, NaiveDate};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::auth::password;
use crate::db::schema::{
    branches, case_events, case_reference_counters, case_workload_factors, cases, deadlines,
    employers, members, regions, workload_records,
};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::models::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    Branch,
    Region,
    National,
}

/// How much of everything a scale makes.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub regions: usize,
    pub branches: usize,
    pub members: usize,
    pub months: usize,
    pub cases: usize,
    pub events_per_case: usize,
}

impl Scale {
    pub(crate) fn size(self) -> Size {
        match self {
            Scale::Branch => Size {
                regions: 1,
                branches: 1,
                members: 200,
                months: 12,
                cases: 300,
                events_per_case: 5,
            },
            Scale::Region => Size {
                regions: 1,
                branches: 80,
                members: 16_000,
                months: 12,
                cases: 24_000,
                events_per_case: 5,
            },
            Scale::National => Size {
                regions: 12,
                branches: 1_000,
                members: 200_000,
                months: 12,
                cases: 300_000,
                events_per_case: 5,
            },
        }
    }
}

/// Rows per INSERT: under both backends' bound-parameter limits for the widest table.
const CHUNK: usize = 2_000;

/// What was made, and the credentials to benchmark with.
pub struct Seeded {
    pub rows: usize,
    pub seconds: f64,
    /// Usernames (admin, organiser, officer, delegate) sharing one password.
    pub password: String,
}

fn insert_chunks<T>(
    conn: &mut DbConn,
    rows: &[T],
    mut insert: impl FnMut(&mut DbConn, &[T]) -> QueryResult<usize>,
) -> Result<(), AppError> {
    for chunk in rows.chunks(CHUNK) {
        insert(conn, chunk)?;
    }
    Ok(())
}

pub fn seed(
    conn: &mut DbConn,
    scale: Scale,
    seed: u64,
    today: NaiveDate,
    password_text: Option<String>,
) -> Result<Seeded, AppError> {
    let started = Instant::now();
    let existing: i64 = members::table.count().get_result(conn)?;
    if existing > 0 {
        return Err(AppError::Conflict(
            "the database already holds members: seed an empty one".into(),
        ));
    }
    crate::reports::summaries::pause(conn)?;
    #[allow(irrefutable_let_patterns)]
    if let DbConn::Sqlite(sqlite) = conn {
        // A bulk load touches every index page many times: keep them in memory (200 MB)
        // instead of re-reading them from the operating system.
        diesel::connection::SimpleConnection::batch_execute(sqlite, "PRAGMA cache_size = -200000")?;
    }
    let size = scale.size();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut rows = 0;
    let password_text = password_text.unwrap_or_else(password::random_password);
    password::check_strength("password", &password_text)?;

    let (region_ids, branch_rows, employer_ids) = write_transaction(conn, |conn| {
        let regions: Vec<NewRegion> = (0..size.regions)
            .map(|i| NewRegion {
                name: format!("Region {:02}", i + 1),
            })
            .collect();
        let region_ids: Vec<RegionId> = crate::db_run!(conn, {
            diesel::insert_into(regions::table)
                .values(&regions)
                .returning(regions::id)
                .get_results(conn)
        })?;
        let branches: Vec<NewBranch> = (0..size.branches)
            .map(|i| NewBranch {
                region_id: region_ids[i % region_ids.len()],
                name: format!("Branch {:04}", i + 1),
                code: format!("B{:04}", i + 1),
            })
            .collect();
        let branch_ids: Vec<BranchId> = crate::db_run!(conn, {
            diesel::insert_into(branches::table)
                .values(&branches)
                .returning(branches::id)
                .get_results(conn)
        })?;
        let employers: Vec<NewEmployer> = (0..size.branches.div_ceil(5))
            .map(|i| NewEmployer {
                name: format!("Council {:04}", i + 1),
                safe_caseload_override: None,
            })
            .collect();
        let employer_ids: Vec<EmployerId> = crate::db_run!(conn, {
            diesel::insert_into(employers::table)
                .values(&employers)
                .returning(employers::id)
                .get_results(conn)
        })?;
        let branch_rows: Vec<(BranchId, String)> = branch_ids
            .into_iter()
            .zip(branches.into_iter().map(|b| b.code))
            .collect();
        Ok::<_, AppError>((region_ids, branch_rows, employer_ids))
    })?;
    rows += size.regions + size.branches + employer_ids.len();

    // Members with their monthly workload, a branch at a time in batches.
    let months: Vec<NaiveDate> = (0..size.months as u32)
        .rev()
        .filter_map(|back| today.checked_sub_months(Months::new(back)))
        .filter_map(|d| NaiveDate::from_ymd_opt(d.year(), d.month(), 1))
        .collect();
    let mut member_ids: Vec<(MemberId, BranchId, EmployerId, f64)> =
        Vec::with_capacity(size.members);
    let per_branch = size.members / size.branches;
    let mut serial = 0usize;
    for batch in branch_rows.chunks(50) {
        write_transaction(conn, |conn| {
            let mut new_members = Vec::with_capacity(batch.len() * per_branch);
            let mut profile = Vec::with_capacity(batch.len() * per_branch);
            for (index, (branch, _)) in batch.iter().enumerate() {
                let employer = employer_ids[(branch.0 as usize + index) % employer_ids.len()];
                for _ in 0..per_branch {
                    serial += 1;
                    let first = crate::demo::FIRST[rng.random_range(0..crate::demo::FIRST.len())];
                    let last = crate::demo::LAST[rng.random_range(0..crate::demo::LAST.len())];
                    let number = format!("S{serial:07}");
                    let fte = [1.0, 1.0, 1.0, 0.8, 0.6][rng.random_range(0..5)];
                    let busy = rng.random_bool(0.3);
                    profile.push((
                        *branch,
                        employer,
                        fte,
                        if busy {
                            rng.random_range(15.0..22.0)
                        } else {
                            rng.random_range(8.0..15.0)
                        },
                    ));
                    new_members.push(NewMember {
                        record_key: crate::models::RecordKey::random(),
                        search_text: member::search_text(first, last, &number),
                        branch_id: *branch,
                        employer_id: employer,
                        membership_number: number,
                        first_name: first.into(),
                        last_name: last.into(),
                        email: Some(format!("member{serial}@example.org")),
                        phone: None,
                        job_role: "Social worker".into(),
                        team: Some(
                            [
                                "Assessment",
                                "Child protection",
                                "Children in need",
                                "Looked after children",
                            ][serial % 4]
                                .into(),
                        ),
                        fte,
                        start_date: None,
                        left_on: None,
                        equality_consent: false,
                        age_band: None,
                        ethnic_group: None,
                    });
                }
            }
            let mut ids = Vec::with_capacity(new_members.len());
            for chunk in new_members.chunks(CHUNK) {
                let chunk_ids: Vec<MemberId> = crate::db_run!(conn, {
                    diesel::insert_into(members::table)
                        .values(chunk)
                        .returning(members::id)
                        .get_results(conn)
                })?;
                ids.extend(chunk_ids);
            }
            let mut records = Vec::with_capacity(ids.len() * months.len());
            for (id, (branch, employer, fte, base)) in ids.iter().zip(&profile) {
                member_ids.push((*id, *branch, *employer, *base));
                for month in &months {
                    let per_fte: f64 = base + rng.random_range(-2.0..2.0);
                    records.push(NewWorkloadRecord {
                        member_id: *id,
                        recorded_on: *month,
                        open_cases: (per_fte * fte).round().max(0.0) as i32,
                        hours_worked: Some(37.0 * fte + rng.random_range(0.0..8.0)),
                        contracted_hours: Some(37.0 * fte),
                        source: WorkloadSource::Supervision,
                        note: None,
                        created_by: None,
                        fte: *fte,
                        employer_id: *employer,
                    });
                }
            }
            insert_chunks(conn, &records, |conn, chunk| {
                crate::db_run!(conn, {
                    diesel::insert_into(workload_records::table)
                        .values(chunk)
                        .execute(conn)
                })
            })?;
            rows += new_members.len() + records.len();
            Ok::<_, AppError>(())
        })?;
    }

    // Cases over the past year, more among busy members, with timelines and deadlines.
    let codes: std::collections::HashMap<BranchId, String> = branch_rows.iter().cloned().collect();
    let mut counters: std::collections::HashMap<(BranchId, i32), i32> =
        std::collections::HashMap::new();
    let types = CaseType::ALL;
    let mut made = 0;
    while made < size.cases {
        let target = (made + 20_000).min(size.cases);
        write_transaction(conn, |conn| {
            let mut new_cases = Vec::with_capacity(target - made);
            let mut spans = Vec::with_capacity(target - made);
            while made + new_cases.len() < target {
                let (member, branch, employer, base) =
                    member_ids[rng.random_range(0..member_ids.len())];
                if base <= 15.0 && rng.random_bool(0.5) {
                    continue;
                }
                let opened = today - Days::new(rng.random_range(0..365));
                let number = counters.entry((branch, opened.year())).or_default();
                *number += 1;
                let closed = rng.random_bool(0.7) && opened + Days::new(30) < today;
                let closed_on =
                    closed.then(|| (opened + Days::new(rng.random_range(20..120))).min(today));
                let case_type = types[rng.random_range(0..types.len())];
                new_cases.push(NewCase {
                    record_key: crate::models::RecordKey::random(),
                    reference: format!("{}-{}-{:05}", codes[&branch], opened.year(), number),
                    member_id: Some(member),
                    branch_id: branch,
                    employer_id: Some(employer),
                    case_type,
                    stage: if closed {
                        Stage::Hearing
                    } else {
                        [Stage::Referral, Stage::Investigation, Stage::Hearing]
                            [rng.random_range(0..3)]
                    },
                    status: CaseStatus::Open,
                    opened_on: opened,
                    workload_factor: base > 15.0 && rng.random_bool(0.7),
                    assigned_to: None,
                    referred_to_region: false,
                    summary: Some("Synthetic case.".into()),
                });
                spans.push((opened, closed_on));
            }
            let mut ids: Vec<CaseId> = Vec::with_capacity(new_cases.len());
            for chunk in new_cases.chunks(CHUNK) {
                let chunk_ids: Vec<CaseId> = crate::db_run!(conn, {
                    diesel::insert_into(cases::table)
                        .values(chunk)
                        .returning(cases::id)
                        .get_results(conn)
                })?;
                ids.extend(chunk_ids);
            }
            let mut events = Vec::with_capacity(ids.len() * size.events_per_case);
            let mut due = Vec::new();
            let mut factors = Vec::new();
            let mut closing = Vec::new();
            for ((id, (opened, closed_on)), case) in ids.iter().zip(&spans).zip(&new_cases) {
                for e in 0..size.events_per_case {
                    events.push(NewCaseEvent {
                        case_id: *id,
                        occurred_on: (*opened + Days::new(e as u64 * 7)).min(today),
                        kind: [
                            EventKind::Note,
                            EventKind::Meeting,
                            EventKind::Letter,
                            EventKind::Hearing,
                            EventKind::Note,
                        ][e % 5],
                        text: "Synthetic timeline entry.".into(),
                        author_id: None,
                    });
                }
                if case.workload_factor {
                    factors.push(CaseWorkloadFactor {
                        case_id: *id,
                        factor: WorkloadFactor::HighCaseload,
                    });
                }
                match closed_on {
                    Some(on) => closing.push((*id, *on)),
                    None => due.push(NewDeadline {
                        case_id: *id,
                        kind: DeadlineKind::Hearing,
                        due_on: today + Days::new(rng.random_range(1..60)),
                        note: None,
                        starts_at: Some("10:00".into()),
                        place: None,
                        created_by: None,
                    }),
                }
            }
            insert_chunks(conn, &events, |conn, chunk| {
                crate::db_run!(conn, {
                    diesel::insert_into(case_events::table)
                        .values(chunk)
                        .execute(conn)
                })
            })?;
            insert_chunks(conn, &due, |conn, chunk| {
                crate::db_run!(conn, {
                    diesel::insert_into(deadlines::table)
                        .values(chunk)
                        .execute(conn)
                })
            })?;
            insert_chunks(conn, &factors, |conn, chunk| {
                crate::db_run!(conn, {
                    diesel::insert_into(case_workload_factors::table)
                        .values(chunk)
                        .execute(conn)
                })
            })?;
            // Close in groups by closing date: one UPDATE per date rather than per case.
            let mut by_date: std::collections::BTreeMap<NaiveDate, Vec<CaseId>> =
                std::collections::BTreeMap::new();
            for (id, on) in closing {
                by_date.entry(on).or_default().push(id);
            }
            for (on, ids) in by_date {
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
            rows += new_cases.len() + events.len() + due.len() + factors.len();
            made += new_cases.len();
            Ok::<_, AppError>(())
        })?;
    }
    write_transaction(conn, |conn| {
        let counters: Vec<CaseReferenceCounter> = counters
            .iter()
            .map(|((branch, year), last)| CaseReferenceCounter {
                branch_id: *branch,
                year: *year,
                last_number: *last,
            })
            .collect();
        insert_chunks(conn, &counters, |conn, chunk| {
            crate::db_run!(conn, {
                diesel::insert_into(case_reference_counters::table)
                    .values(chunk)
                    .execute(conn)
            })
        })?;
        let hash = password::hash(&password_text)?;
        let first_branch = branch_rows[0].0;
        for (username, role, branch_id, region_id) in [
            ("admin", Role::Admin, None, None),
            ("organiser", Role::Organiser, None, Some(region_ids[0])),
            ("officer", Role::Officer, Some(first_branch), None),
            ("delegate", Role::Delegate, None, None),
        ] {
            User::create(
                conn,
                NewUser {
                    username: username.into(),
                    password_hash: hash.clone(),
                    display_name: format!("Seeded {username}"),
                    role,
                    branch_id,
                    region_id,
                    active: true,
                },
            )?;
        }
        crate::audit::record(
            conn,
            crate::audit::Event::new(None, "seed", "database").detail(format!("{scale:?}")),
        )
    })?;
    crate::reports::summaries::rebuild(conn)?;
    #[cfg(feature = "postgres")]
    if let DbConn::Pg(pg) = conn {
        // After a bulk load PostgreSQL has no statistics to plan with and no visibility map
        // for index-only scans until autovacuum comes round: give it both now.
        diesel::connection::SimpleConnection::batch_execute(pg, "VACUUM ANALYZE")?;
    }
    Ok(Seeded {
        rows,
        seconds: started.elapsed().as_secs_f64(),
        password: password_text,
    })
}

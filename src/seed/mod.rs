//! `caseload seed --scale branch|region|national`: deterministic synthetic data at scale, for
//! benchmarks, written through the real schema with multi-row inserts in large transactions.

use std::time::Instant;

use chrono::{Datelike, Months, NaiveDate};
use diesel::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::auth::password;
use crate::db::schema::{branches, case_reference_counters, employers, regions};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::models::*;

mod cases;
mod people;

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
pub(crate) const CHUNK: usize = 2_000;

/// What was made, and the credentials to benchmark with.
pub struct Seeded {
    pub rows: usize,
    pub seconds: f64,
    /// Usernames (admin, organiser, officer, delegate) sharing one password.
    pub password: String,
}

/// Inserts every row of `$rows` into `$table`, [`CHUNK`] rows per statement.
macro_rules! insert_all {
    ($conn:ident, $table:ident, $rows:expr) => {
        $rows.chunks($crate::seed::CHUNK).try_for_each(
            |chunk| -> Result<(), $crate::error::AppError> {
                $crate::db_run!($conn, {
                    diesel::insert_into($table::table)
                        .values(chunk)
                        .execute($conn)
                })?;
                Ok(())
            },
        )
    };
}

/// Inserts every row of `$rows` into `$table`, [`CHUNK`] rows per statement, and gives
/// their ids in the same order.
macro_rules! insert_returning_ids {
    ($conn:ident, $table:ident, $rows:expr) => {
        $rows
            .chunks($crate::seed::CHUNK)
            .map(|chunk| {
                $crate::db_run!($conn, {
                    diesel::insert_into($table::table)
                        .values(chunk)
                        .returning($table::id)
                        .get_results($conn)
                })
            })
            .collect::<Result<Vec<Vec<_>>, diesel::result::Error>>()
            .map(|chunks| chunks.into_iter().flatten().collect::<Vec<_>>())
    };
}
pub(crate) use {insert_all, insert_returning_ids};

/// What one seeding run carries from step to step.
struct Run {
    size: Size,
    today: NaiveDate,
    rng: StdRng,
    rows: usize,
}

/// The regions, branches (with their codes) and employers made first.
struct Places {
    region_ids: Vec<RegionId>,
    branches: Vec<(BranchId, String)>,
    employer_ids: Vec<EmployerId>,
}

pub fn seed(
    conn: &mut DbConn,
    scale: Scale,
    seed: u64,
    today: NaiveDate,
    password_text: Option<String>,
) -> Result<Seeded, AppError> {
    let started = Instant::now();
    let existing: i64 = crate::db::schema::members::table.count().get_result(conn)?;
    if existing > 0 {
        return Err(AppError::Conflict(
            "the database already holds members: seed an empty one".into(),
        ));
    }
    crate::reports::summaries::pause(conn)?;
    // A bulk load touches every index page many times.
    crate::db::dialect::before_bulk_load(conn)?;
    let password_text = password_text.unwrap_or_else(password::random_password);
    password::check_strength("password", &password_text)?;
    let mut run = Run {
        size: scale.size(),
        today,
        rng: StdRng::seed_from_u64(seed),
        rows: 0,
    };

    let places = write_transaction(conn, |conn| make_places(conn, &mut run))?;
    let people = people::load(conn, &mut run, &places)?;
    let counters = cases::load(conn, &mut run, &places, &people)?;
    write_transaction(conn, |conn| {
        save_counters(conn, &counters)?;
        make_users(conn, &places, &password_text)?;
        crate::audit::record(
            conn,
            crate::audit::Event::new(
                crate::audit::Principal::System(crate::audit::Job::Seed),
                crate::audit::Action::Seed,
                crate::audit::Entity::Database,
            )
            .detail(format!("{scale:?}")),
        )
    })?;
    crate::reports::summaries::rebuild(conn)?;
    crate::db::dialect::after_bulk_load(conn)?;
    Ok(Seeded {
        rows: run.rows,
        seconds: started.elapsed().as_secs_f64(),
        password: password_text,
    })
}

fn make_places(conn: &mut DbConn, run: &mut Run) -> Result<Places, AppError> {
    let size = run.size;
    let regions: Vec<NewRegion> = (0..size.regions)
        .map(|i| NewRegion {
            name: format!("Region {:02}", i + 1),
        })
        .collect();
    let region_ids: Vec<RegionId> = insert_returning_ids!(conn, regions, &regions)?;
    let branches: Vec<NewBranch> = (0..size.branches)
        .map(|i| NewBranch {
            region_id: region_ids[i % region_ids.len()],
            name: format!("Branch {:04}", i + 1),
            code: format!("B{:04}", i + 1),
        })
        .collect();
    let branch_ids: Vec<BranchId> = insert_returning_ids!(conn, branches, &branches)?;
    let employers: Vec<NewEmployer> = (0..size.branches.div_ceil(5))
        .map(|i| NewEmployer {
            name: format!("Council {:04}", i + 1),
            safe_caseload_override: None,
            supervision_regular_days_override: None,
        })
        .collect();
    let employer_ids: Vec<EmployerId> = insert_returning_ids!(conn, employers, &employers)?;
    run.rows += size.regions + size.branches + employer_ids.len();
    Ok(Places {
        region_ids,
        branches: branch_ids
            .into_iter()
            .zip(branches.into_iter().map(|b| b.code))
            .collect(),
        employer_ids,
    })
}

/// The first of each month over the scale's months, oldest first.
fn month_starts(size: Size, today: NaiveDate) -> Vec<NaiveDate> {
    (0..size.months as u32)
        .rev()
        .filter_map(|back| today.checked_sub_months(Months::new(back)))
        .filter_map(|d| NaiveDate::from_ymd_opt(d.year(), d.month(), 1))
        .collect()
}

fn save_counters(
    conn: &mut DbConn,
    counters: &std::collections::HashMap<(BranchId, i32), i32>,
) -> Result<(), AppError> {
    let counters: Vec<CaseReferenceCounter> = counters
        .iter()
        .map(|((branch, year), last)| CaseReferenceCounter {
            branch_id: *branch,
            year: *year,
            last_number: *last,
        })
        .collect();
    insert_all!(conn, case_reference_counters, &counters)
}

/// One user per role sharing the password; the organiser has the first region and the
/// officer the first branch.
fn make_users(conn: &mut DbConn, places: &Places, password_text: &str) -> Result<(), AppError> {
    let hash = password::hash(password_text)?;
    for (username, role, branch_id, region_id) in [
        ("admin", Role::Admin, None, None),
        (
            "organiser",
            Role::Organiser,
            None,
            Some(places.region_ids[0]),
        ),
        ("officer", Role::Officer, Some(places.branches[0].0), None),
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
                email: None,
            },
        )?;
    }
    Ok(())
}

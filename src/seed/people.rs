//! Members with a year of monthly workload, a batch of branches per transaction.

use chrono::NaiveDate;
use diesel::prelude::*;
use rand::Rng;
use rand::rngs::StdRng;

use super::{Places, Run, insert_all, insert_returning_ids, month_starts};
use crate::db::schema::{members, workload_records};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;
use crate::models::*;

/// Branches written per transaction.
const BRANCHES_PER_BATCH: usize = 50;

const TEAMS: [&str; 4] = [
    "Assessment",
    "Child protection",
    "Children in need",
    "Looked after children",
];

/// A seeded member as the case step needs them: who, where, and their caseload per FTE.
#[derive(Clone, Copy)]
pub(super) struct Person {
    pub id: MemberId,
    pub branch: BranchId,
    pub employer: EmployerId,
    /// Open cases per full-time post around which their months vary; above 15 is busy.
    pub base: f64,
}

/// What is drawn for a member before their id is known.
struct Profile {
    branch: BranchId,
    employer: EmployerId,
    fte: f64,
    base: f64,
}

pub(super) fn load(
    conn: &mut DbConn,
    run: &mut Run,
    places: &Places,
) -> Result<Vec<Person>, AppError> {
    let months = month_starts(run.size, run.today);
    let mut people = Vec::with_capacity(run.size.members);
    let mut serial = 0usize;
    for batch in places.branches.chunks(BRANCHES_PER_BATCH) {
        write_transaction(conn, |conn| {
            let (new_members, profiles) = draw_members(run, places, batch, &mut serial);
            let ids: Vec<MemberId> = insert_returning_ids!(conn, members, &new_members)?;
            let mut records = Vec::with_capacity(ids.len() * months.len());
            for (id, profile) in ids.iter().zip(&profiles) {
                people.push(Person {
                    id: *id,
                    branch: profile.branch,
                    employer: profile.employer,
                    base: profile.base,
                });
                records.extend(monthly_records(&mut run.rng, *id, profile, &months));
            }
            insert_all!(conn, workload_records, &records)?;
            run.rows += new_members.len() + records.len();
            Ok::<_, AppError>(())
        })?;
    }
    Ok(people)
}

fn draw_members(
    run: &mut Run,
    places: &Places,
    batch: &[(BranchId, String)],
    serial: &mut usize,
) -> (Vec<NewMember>, Vec<Profile>) {
    let per_branch = run.size.members / run.size.branches;
    let employer_ids = &places.employer_ids;
    let mut new_members = Vec::with_capacity(batch.len() * per_branch);
    let mut profiles = Vec::with_capacity(batch.len() * per_branch);
    for (index, (branch, _)) in batch.iter().enumerate() {
        let employer = employer_ids[(branch.0 as usize + index) % employer_ids.len()];
        for _ in 0..per_branch {
            *serial += 1;
            let (member, profile) = draw_member(&mut run.rng, *serial, *branch, employer);
            new_members.push(member);
            profiles.push(profile);
        }
    }
    (new_members, profiles)
}

fn draw_member(
    rng: &mut StdRng,
    serial: usize,
    branch: BranchId,
    employer: EmployerId,
) -> (NewMember, Profile) {
    let first = crate::demo::FIRST[rng.random_range(0..crate::demo::FIRST.len())];
    let last = crate::demo::LAST[rng.random_range(0..crate::demo::LAST.len())];
    let number = format!("S{serial:07}");
    let fte = [1.0, 1.0, 1.0, 0.8, 0.6][rng.random_range(0..5)];
    let base = if rng.random_bool(0.3) {
        rng.random_range(15.0..22.0)
    } else {
        rng.random_range(8.0..15.0)
    };
    let member = NewMember {
        record_key: RecordKey::random(),
        search_text: member::search_text(first, last, &number),
        branch_id: branch,
        employer_id: employer,
        membership_number: number,
        first_name: first.into(),
        last_name: last.into(),
        email: Some(format!("member{serial}@example.org")),
        phone: None,
        job_role: "Social worker".into(),
        team: Some(TEAMS[serial % TEAMS.len()].into()),
        fte,
        start_date: None,
        left_on: None,
        equality_consent: false,
        age_band: None,
        ethnic_group: None,
    };
    let profile = Profile {
        branch,
        employer,
        fte,
        base,
    };
    (member, profile)
}

fn monthly_records(
    rng: &mut StdRng,
    id: MemberId,
    profile: &Profile,
    months: &[NaiveDate],
) -> Vec<NewWorkloadRecord> {
    let fte = profile.fte;
    months
        .iter()
        .map(|month| {
            let per_fte: f64 = profile.base + rng.random_range(-2.0..2.0);
            NewWorkloadRecord {
                member_id: id,
                recorded_on: *month,
                open_cases: (per_fte * fte).round().max(0.0) as i32,
                hours_worked: Some(37.0 * fte + rng.random_range(0.0..8.0)),
                contracted_hours: Some(37.0 * fte),
                source: WorkloadSource::Supervision,
                note: None,
                created_by: None,
                fte,
                employer_id: profile.employer,
            }
        })
        .collect()
}

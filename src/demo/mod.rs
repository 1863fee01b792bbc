//! Demo data for `caseload serve --demo`: five branches in two regions with their councils,
//! six hundred members with three years of monthly workload records (some teams persistently
//! above the safe caseload), representation cases over those years, more of them among members
//! above the safe caseload, with timelines, outcomes and deadlines, supervision histories
//! (thinner where caseloads are high), a closed member survey modelled on the union's 2017 one,
//! and one user per role.
//! Names, emails and phone
//! numbers are invented (example.org addresses, Ofcom's drama range of mobile numbers).
//! Deterministic: the same seed gives the same data.

use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::auth::password;
use crate::db::schema::{members, users, workload_records};
use crate::db::{DbConn, write_transaction};
use crate::error::AppError;

mod cases;
mod supervision;
mod survey;
use crate::models::*;
use crate::seed::{insert_all, insert_returning_ids};

const SEED: u64 = 2018;
pub const MEMBERS_PER_BRANCH: usize = 120;
pub const MONTHS: u32 = 36;

/// (region, branch, code, employer, how much above an ordinary caseload its busiest teams run)
const BRANCHES: &[(&str, &str, &str, &str, f64)] = &[
    ("North West", "Bury", "BRY", "Bury Council", 1.0),
    (
        "North West",
        "Manchester",
        "MCR",
        "Manchester City Council",
        1.35,
    ),
    ("North West", "Oldham", "OLD", "Oldham Council", 1.3),
    ("North West", "Wigan", "WGN", "Wigan Council", 1.05),
    (
        "Yorkshire and the Humber",
        "Leeds",
        "LDS",
        "Leeds City Council",
        1.15,
    ),
];

/// Teams, and whether they carry the pressure of a busy branch.
const TEAMS: &[(&str, bool)] = &[
    ("Assessment", true),
    ("Child protection", true),
    ("Children in need", false),
    ("Looked after children", false),
    ("Fostering and adoption", false),
    ("Leaving care", false),
];

const ROLES: &[(&str, f64)] = &[
    ("Social worker", 0.6),
    ("Senior social worker", 0.2),
    ("Newly qualified social worker", 0.1),
    ("Team manager", 0.05),
    ("Family support worker", 0.05),
];

pub(crate) const FIRST: &[&str] = &[
    "Aisha",
    "Amelia",
    "Ben",
    "Callum",
    "Chloe",
    "Daniel",
    "Deborah",
    "Ellie",
    "Fatima",
    "Grace",
    "Hannah",
    "Harpreet",
    "Imran",
    "Jack",
    "James",
    "Joanne",
    "Kwame",
    "Laura",
    "Liam",
    "Mei",
    "Michael",
    "Nadia",
    "Niamh",
    "Oliver",
    "Priya",
    "Rachel",
    "Rhys",
    "Ruth",
    "Samir",
    "Sarah",
    "Sophie",
    "Tariq",
    "Thomas",
    "Tomasz",
    "Yasmin",
    "Zoe",
    "Adebayo",
    "Catherine",
    "Gareth",
    "Helen",
];

pub(crate) const LAST: &[&str] = &[
    "Ahmed", "Akhtar", "Bailey", "Brown", "Campbell", "Chen", "Clarke", "Davies", "Evans", "Green",
    "Hall", "Hughes", "Hussain", "Jackson", "Johnson", "Jones", "Khan", "Kowalski", "Lewis",
    "Mensah", "Mitchell", "Murphy", "Nowak", "O'Brien", "Okafor", "Patel", "Roberts", "Robinson",
    "Shah", "Singh", "Smith", "Taylor", "Thompson", "Walker", "Ward", "Watson", "White",
    "Williams", "Wilson", "Wright",
];

/// Who to sign in as, and the password (printed once at start-up).
pub struct DemoLogin {
    pub username: String,
    pub role: Role,
    pub password: String,
}

/// Loads the demo on an empty database; `None` when it already holds users or members.
pub fn load(conn: &mut DbConn) -> Result<Option<Vec<DemoLogin>>, AppError> {
    let users: i64 = users::table.count().get_result(conn)?;
    let members: i64 = members::table.count().get_result(conn)?;
    if users > 0 || members > 0 {
        return Ok(None);
    }
    write_transaction(conn, |conn| build(conn, Utc::now().date_naive()).map(Some))
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn weighted<'a>(rng: &mut StdRng, items: &'a [(&'a str, f64)]) -> &'a str {
    let mut roll: f64 = rng.random();
    for (item, weight) in items {
        if roll < *weight {
            return item;
        }
        roll -= weight;
    }
    items[0].0
}

/// A demo branch as written: its id, its council, its code and its pressure.
struct DemoBranch {
    id: BranchId,
    employer: EmployerId,
    code: &'static str,
    pressure: f64,
}

fn build(conn: &mut DbConn, today: NaiveDate) -> Result<Vec<DemoLogin>, AppError> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let (north_west, branches) = places(conn)?;
    let months: Vec<NaiveDate> = (0..MONTHS)
        .rev()
        .filter_map(|back| today.checked_sub_months(Months::new(back)))
        .filter_map(|d| NaiveDate::from_ymd_opt(d.year(), d.month(), 5.min(today.day()).max(1)))
        .collect();
    let wigan = branches[3].id;
    let (logins, officer) = users(conn, north_west, wigan)?;
    let mut histories = Vec::new();
    let mut serial = 0;
    for branch in &branches {
        histories.extend(members_of(conn, &mut rng, branch, &months, &mut serial)?);
    }
    let setting = cases::Setting {
        safe: Settings::load(conn)?.safe_caseload,
        officer: officer.map(|o| (wigan, o)),
        today,
    };
    let made = cases::generate(conn, &mut rng, &histories, &months, &setting)?;
    tracing::info!(cases = made, "demo cases loaded");
    let sessions = supervision::generate(conn, &histories, &months, today)?;
    tracing::info!(sessions, "demo supervision loaded");
    let answered = survey::generate(conn, today)?;
    tracing::info!(answered, "demo survey loaded");
    crate::audit::record(
        conn,
        crate::audit::Event::new(
            crate::audit::Principal::System(crate::audit::Job::Demo),
            crate::audit::Action::Create,
            crate::audit::Entity::Demo,
        )
        .detail("demo data loaded"),
    )?;
    Ok(logins)
}

/// The regions, branches and councils; returns the first region's id with the branches.
fn places(conn: &mut DbConn) -> Result<(RegionId, Vec<DemoBranch>), AppError> {
    let mut regions: Vec<Region> = Vec::new();
    let mut branches = Vec::new();
    for (region_name, branch_name, code, employer_name, pressure) in BRANCHES {
        let region = match regions.iter().find(|r| r.name == *region_name) {
            Some(r) => r.clone(),
            None => {
                let r = Region::create(
                    conn,
                    &NewRegion {
                        name: (*region_name).into(),
                    },
                )?;
                regions.push(r.clone());
                r
            }
        };
        let branch = Branch::create(
            conn,
            &NewBranch {
                region_id: region.id,
                name: (*branch_name).into(),
                code: (*code).into(),
            },
        )?;
        let employer = Employer::create(
            conn,
            &NewEmployer {
                name: (*employer_name).into(),
                safe_caseload_override: None,
                supervision_regular_days_override: None,
            },
        )?;
        branches.push(DemoBranch {
            id: branch.id,
            employer: employer.id,
            code,
            pressure: *pressure,
        });
    }
    Ok((regions[0].id, branches))
}

/// One user per role with a random password each; returns them with the officer's id.
fn users(
    conn: &mut DbConn,
    region: RegionId,
    branch: BranchId,
) -> Result<(Vec<DemoLogin>, Option<UserId>), AppError> {
    let mut logins = Vec::new();
    let mut officer = None;
    for (username, role, branch_id, region_id) in [
        ("admin", Role::Admin, None, None),
        ("organiser", Role::Organiser, None, Some(region)),
        ("officer", Role::Officer, Some(branch), None),
        ("delegate", Role::Delegate, None, None),
    ] {
        let password = password::random_password();
        let user = User::create(
            conn,
            NewUser {
                username: username.into(),
                password_hash: password::hash(&password)?,
                display_name: format!("Demo {}", role.label().to_lowercase()),
                role,
                branch_id,
                region_id,
                active: true,
                email: Some(format!("{username}@branch.example.org")),
            },
        )?;
        if role == Role::Officer {
            officer = Some(user.id);
        }
        // The reps have chosen the morning email, so that `caseload reminders send` shows it.
        if matches!(role, Role::Officer | Role::Organiser) {
            User::set_choices(conn, user.id, None, Some(true))?;
        }
        logins.push(DemoLogin {
            username: username.into(),
            role,
            password,
        });
    }
    Ok((logins, officer))
}

/// What is drawn for a member besides their fields: caseload per FTE and membership.
struct Profile {
    base: f64,
    fte: f64,
    start: Option<NaiveDate>,
    left: Option<NaiveDate>,
}

/// A branch's members and their monthly workload; returns each member's history.
fn members_of(
    conn: &mut DbConn,
    rng: &mut StdRng,
    branch: &DemoBranch,
    months: &[NaiveDate],
    serial: &mut usize,
) -> Result<Vec<cases::History>, AppError> {
    let (new_members, profiles): (Vec<NewMember>, Vec<Profile>) = (0..MEMBERS_PER_BRANCH)
        .map(|_| {
            *serial += 1;
            draw_member(rng, branch, months, *serial)
        })
        .unzip();
    let ids: Vec<MemberId> = insert_returning_ids!(conn, members, &new_members)?;
    let mut records = Vec::new();
    let mut histories = Vec::with_capacity(ids.len());
    for (id, profile) in ids.iter().zip(profiles) {
        let (history, written) = workload_of(rng, *id, branch, &profile, months);
        records.extend(written);
        histories.push(history);
    }
    insert_all!(conn, workload_records, &records)?;
    Ok(histories)
}

fn draw_member(
    rng: &mut StdRng,
    branch: &DemoBranch,
    months: &[NaiveDate],
    serial: usize,
) -> (NewMember, Profile) {
    let first = *pick(rng, FIRST);
    let last = *pick(rng, LAST);
    let (team, busy) = *pick(rng, TEAMS);
    let fte = *pick(rng, &[1.0, 1.0, 1.0, 1.0, 0.8, 0.6, 0.5]);
    let number = format!("{}{:05}", branch.code, 10000 + serial);
    let consent = rng.random_bool(0.6);
    let base = rng.random_range(8.5..14.0) * if busy { branch.pressure } else { 1.0 };
    // Most joined long ago; some during the demo's months; a few have left.
    let start = NaiveDate::from_ymd_opt(rng.random_range(1996..2026), rng.random_range(1..13), 1);
    let left = rng
        .random_bool(0.03)
        .then(|| months[rng.random_range(6..months.len())] + Days::new(26))
        .filter(|left| start.is_none_or(|start| *left >= start));
    let member = NewMember {
        record_key: crate::models::RecordKey::random(),
        search_text: member::search_text(first, last, &number),
        branch_id: branch.id,
        employer_id: branch.employer,
        membership_number: number,
        first_name: first.into(),
        last_name: last.into(),
        email: Some(format!(
            "{}.{}{serial}@example.org",
            first.to_lowercase(),
            last.to_lowercase().replace('\'', "")
        )),
        phone: Some(format!("07700 900{:03}", serial % 1000)),
        job_role: weighted(rng, ROLES).into(),
        team: Some(team.into()),
        fte,
        start_date: start,
        left_on: left,
        equality_consent: consent,
        age_band: consent.then(|| *pick(rng, AgeBand::ALL)),
        ethnic_group: consent.then(|| *pick(rng, EthnicGroup::ALL)),
    };
    let profile = Profile {
        base,
        fte,
        start,
        left,
    };
    (member, profile)
}

/// A member's monthly records, pressure creeping up over the period; no record (NaN in the
/// history) outside their membership.
fn workload_of(
    rng: &mut StdRng,
    id: MemberId,
    branch: &DemoBranch,
    profile: &Profile,
    months: &[NaiveDate],
) -> (cases::History, Vec<NewWorkloadRecord>) {
    let fte = profile.fte;
    let mut per_month = Vec::with_capacity(months.len());
    let mut records = Vec::with_capacity(months.len());
    for (i, month) in months.iter().enumerate() {
        if profile.start.is_some_and(|s| *month < s) || profile.left.is_some_and(|l| *month > l) {
            per_month.push(f64::NAN);
            continue;
        }
        let per_fte = profile.base * (1.0 + 0.004 * i as f64) + rng.random_range(-1.5..1.5);
        let open_cases = (per_fte * fte).round().max(0.0) as i32;
        per_month.push(f64::from(open_cases) / fte);
        let contracted = 37.0 * fte;
        let overtime = ((per_fte - 14.0).max(0.0) * 0.9 + rng.random_range(0.0..3.0)) * fte;
        records.push(NewWorkloadRecord {
            member_id: id,
            recorded_on: *month,
            open_cases,
            hours_worked: Some(((contracted + overtime) * 2.0).round() / 2.0),
            contracted_hours: Some(contracted),
            source: if rng.random_bool(0.7) {
                WorkloadSource::Supervision
            } else {
                WorkloadSource::MemberReport
            },
            note: None,
            created_by: None,
            fte,
            employer_id: branch.employer,
        });
    }
    let history = cases::History {
        member: id,
        branch: branch.id,
        employer: branch.employer,
        per_month,
    };
    (history, records)
}

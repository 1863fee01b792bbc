//! A small world of two regions, three branches, a user of every role, and a member and a case
//! in each branch: enough to prove who sees what.

use std::sync::LazyLock;

use caseload::db::DbConn;
use caseload::db::schema::{branches, cases, employers, members, regions, users};
use caseload::models::*;
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::common::TestApp;

pub const PASSWORD: &str = "correct horse battery staple";

/// Hashed once: argon2 is deliberately slow.
static PASSWORD_HASH: LazyLock<String> =
    LazyLock::new(|| caseload::auth::password::hash(PASSWORD).unwrap());

pub struct World {
    pub north_west: RegionId,
    pub yorkshire: RegionId,
    pub wigan: BranchId,
    pub bury: BranchId,
    pub leeds: BranchId,
    pub council: EmployerId,
    pub wigan_member: MemberId,
    pub bury_member: MemberId,
    pub leeds_member: MemberId,
    pub wigan_case: CaseId,
    pub leeds_case: CaseId,
    pub admin: UserId,
    pub wigan_officer: UserId,
}

fn region(conn: &mut DbConn, name: &str) -> RegionId {
    diesel::insert_into(regions::table)
        .values(NewRegion { name: name.into() })
        .returning(regions::id)
        .get_result(conn)
        .unwrap()
}

fn branch(conn: &mut DbConn, region: RegionId, name: &str, code: &str) -> BranchId {
    diesel::insert_into(branches::table)
        .values(NewBranch {
            region_id: region,
            name: name.into(),
            code: code.into(),
        })
        .returning(branches::id)
        .get_result(conn)
        .unwrap()
}

pub fn user(
    conn: &mut DbConn,
    username: &str,
    role: Role,
    branch_id: Option<BranchId>,
    region_id: Option<RegionId>,
) -> UserId {
    diesel::insert_into(users::table)
        .values(NewUser {
            username: username.into(),
            password_hash: PASSWORD_HASH.clone(),
            display_name: format!("{username} display"),
            role,
            branch_id,
            region_id,
            active: true,
            email: None,
        })
        .returning(users::id)
        .get_result(conn)
        .unwrap()
}

/// A record key fixed by a fixture's number or reference, so that every run perturbs the
/// small world's counts the same way (the application draws them at random).
fn fixed_key(seed: &str) -> RecordKey {
    let hash = seed
        .bytes()
        .fold(17u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    RecordKey::from_value((hash % 4096) as i32).unwrap()
}

pub fn member(
    conn: &mut DbConn,
    branch: BranchId,
    employer: EmployerId,
    number: &str,
    first: &str,
    last: &str,
) -> MemberId {
    diesel::insert_into(members::table)
        .values(NewMember {
            record_key: fixed_key(number),
            branch_id: branch,
            employer_id: employer,
            membership_number: number.into(),
            first_name: first.into(),
            last_name: last.into(),
            email: Some(format!("{}@example.org", first.to_lowercase())),
            phone: None,
            job_role: "Social worker".into(),
            team: Some("Assessment".into()),
            fte: 1.0,
            start_date: None,
            left_on: None,
            equality_consent: false,
            age_band: None,
            ethnic_group: None,
            search_text: member::search_text(first, last, number),
        })
        .returning(members::id)
        .get_result(conn)
        .unwrap()
}

fn case(conn: &mut DbConn, member: MemberId, branch: BranchId, reference: &str) -> CaseId {
    diesel::insert_into(cases::table)
        .values(NewCase {
            record_key: fixed_key(reference),
            reference: reference.into(),
            member_id: Some(member),
            branch_id: branch,
            employer_id: members::table
                .find(member)
                .select(members::employer_id)
                .first(conn)
                .ok(),
            case_type: CaseType::Disciplinary,
            stage: Stage::Investigation,
            status: CaseStatus::Open,
            opened_on: NaiveDate::from_ymd_opt(2026, 5, 4).unwrap(),
            workload_factor: true,
            assigned_to: None,
            referred_to_region: false,
            referral_reason: None,
            summary: Some("Confidential summary".into()),
        })
        .returning(cases::id)
        .get_result(conn)
        .unwrap()
}

impl World {
    pub fn build(app: &TestApp) -> World {
        let mut conn = app.state.db.get().unwrap();
        let conn = &mut conn;
        let north_west = region(conn, "North West");
        let yorkshire = region(conn, "Yorkshire and the Humber");
        let wigan = branch(conn, north_west, "Wigan", "WGN");
        let bury = branch(conn, north_west, "Bury", "BRY");
        let leeds = branch(conn, yorkshire, "Leeds", "LDS");
        let council: EmployerId = diesel::insert_into(employers::table)
            .values(NewEmployer {
                name: "Wigan Council".into(),
                safe_caseload_override: None,
                supervision_regular_days_override: None,
            })
            .returning(employers::id)
            .get_result(conn)
            .unwrap();
        let wigan_member = member(conn, wigan, council, "W001", "Ada", "Okafor");
        let bury_member = member(conn, bury, council, "B001", "Ben", "Hughes");
        let leeds_member = member(conn, leeds, council, "L001", "Cara", "Lindqvist");
        let wigan_case = case(conn, wigan_member, wigan, "WGN-2026-0001");
        let leeds_case = case(conn, leeds_member, leeds, "LDS-2026-0001");
        let admin = user(conn, "admin", Role::Admin, None, None);
        user(
            conn,
            "nw.organiser",
            Role::Organiser,
            None,
            Some(north_west),
        );
        user(conn, "yk.organiser", Role::Organiser, None, Some(yorkshire));
        let wigan_officer = user(conn, "wgn.officer", Role::Officer, Some(wigan), None);
        user(conn, "lds.officer", Role::Officer, Some(leeds), None);
        user(conn, "delegate", Role::Delegate, None, None);
        World {
            north_west,
            yorkshire,
            wigan,
            bury,
            leeds,
            council,
            wigan_member,
            bury_member,
            leeds_member,
            wigan_case,
            leeds_case,
            admin,
            wigan_officer,
        }
    }
}

/// A national survey built by `by`, open from today for a week, with one scale question:
/// written directly, as the small world has too few members for one built through the API.
pub fn survey(conn: &mut DbConn, by: UserId) -> i64 {
    use caseload::db::schema::{survey_questions, surveys};
    let today = chrono::Utc::now().date_naive();
    let id: i64 = diesel::insert_into(surveys::table)
        .values(NewSurvey {
            title: "Fixture survey".into(),
            introduction: None,
            scope: "national".into(),
            employer_id: None,
            job_role: None,
            opens_on: today,
            closes_on: today + chrono::Days::new(7),
            created_by: by,
            created_at: chrono::Utc::now().naive_utc(),
        })
        .returning(surveys::id)
        .get_result(conn)
        .unwrap();
    diesel::insert_into(survey_questions::table)
        .values(NewQuestion {
            survey_id: SurveyId(id),
            position: 1,
            kind: QuestionKind::Scale,
            text: "Caseloads are safe".into(),
            choices: None,
            min_value: None,
            max_value: None,
        })
        .execute(conn)
        .unwrap();
    id
}

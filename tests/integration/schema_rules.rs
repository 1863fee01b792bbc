//! The database itself refuses what the domain forbids, on both backends.

use caseload::db::DbConn;
use caseload::db::schema::{
    audit_log, audit_subjects, branches, cases, employers, members, regions, users,
};
use caseload::error::AppError;
use caseload::models::*;
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::common::TestApp;

struct Fixture {
    branch: BranchId,
    employer: EmployerId,
}

fn fixture(conn: &mut DbConn) -> Fixture {
    let region: RegionId = diesel::insert_into(regions::table)
        .values(NewRegion {
            name: "North West".into(),
        })
        .returning(regions::id)
        .get_result(conn)
        .unwrap();
    let branch = diesel::insert_into(branches::table)
        .values(NewBranch {
            region_id: region,
            name: "Wigan".into(),
            code: "WGN".into(),
        })
        .returning(branches::id)
        .get_result(conn)
        .unwrap();
    let employer = diesel::insert_into(employers::table)
        .values(NewEmployer {
            name: "Wigan Council".into(),
            safe_caseload_override: None,
            supervision_regular_days_override: None,
        })
        .returning(employers::id)
        .get_result(conn)
        .unwrap();
    Fixture { branch, employer }
}

fn new_member(f: &Fixture, number: &str) -> NewMember {
    NewMember {
        record_key: caseload::models::RecordKey::random(),
        branch_id: f.branch,
        employer_id: f.employer,
        membership_number: number.into(),
        first_name: "Ada".into(),
        last_name: "Okafor".into(),
        email: None,
        phone: None,
        job_role: "Social worker".into(),
        team: Some("Children in need".into()),
        fte: 1.0,
        start_date: NaiveDate::from_ymd_opt(2020, 9, 1),
        left_on: None,
        equality_consent: false,
        age_band: None,
        ethnic_group: None,
        search_text: member::search_text("Ada", "Okafor", number),
    }
}

fn insert_member(conn: &mut DbConn, m: NewMember) -> Result<MemberId, AppError> {
    Ok(diesel::insert_into(members::table)
        .values(m)
        .returning(members::id)
        .get_result(conn)?)
}

#[actix_rt::test]
async fn membership_numbers_are_unique_and_a_repeat_is_a_conflict() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    let f = fixture(&mut conn);
    insert_member(&mut conn, new_member(&f, "M0001")).unwrap();
    let again = insert_member(&mut conn, new_member(&f, "M0001")).unwrap_err();
    assert!(matches!(again, AppError::Conflict(_)), "{again:?}");
}

#[actix_rt::test]
async fn foreign_keys_and_value_ranges_are_enforced() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    let f = fixture(&mut conn);
    let orphan = NewMember {
        branch_id: BranchId(9999),
        ..new_member(&f, "M0002")
    };
    assert!(insert_member(&mut conn, orphan).is_err());
    let absurd = NewMember {
        fte: 7.0,
        ..new_member(&f, "M0003")
    };
    assert!(matches!(
        insert_member(&mut conn, absurd),
        Err(AppError::Unprocessable { .. })
    ));
    let unconsented = NewMember {
        age_band: Some(AgeBand::From25To34),
        ..new_member(&f, "M0004")
    };
    assert!(insert_member(&mut conn, unconsented).is_err());
    let consented = NewMember {
        record_key: caseload::models::RecordKey::random(),
        equality_consent: true,
        age_band: Some(AgeBand::From25To34),
        ..new_member(&f, "M0005")
    };
    let id = insert_member(&mut conn, consented).unwrap();
    let stored: Member = members::table
        .find(id)
        .select(Member::as_select())
        .first(&mut conn)
        .unwrap();
    assert_eq!(stored.age_band, Some(AgeBand::From25To34));
}

#[actix_rt::test]
async fn a_case_cannot_be_closed_without_an_outcome_or_before_it_opened() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    let f = fixture(&mut conn);
    let member = insert_member(&mut conn, new_member(&f, "M0010")).unwrap();
    let case: Case = diesel::insert_into(cases::table)
        .values(NewCase {
            record_key: caseload::models::RecordKey::random(),
            reference: "WGN-2026-0001".into(),
            member_id: Some(member),
            branch_id: f.branch,
            employer_id: Some(f.employer),
            case_type: CaseType::IllHealth,
            stage: Stage::Referral,
            status: CaseStatus::Open,
            opened_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            workload_factor: true,
            assigned_to: None,
            referred_to_region: false,
            referral_reason: None,
            summary: None,
        })
        .returning(<Case as Selectable<caseload::db::Sql>>::construct_selection())
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(case.case_type, CaseType::IllHealth);

    let no_outcome = UpdateCase {
        status: Some(CaseStatus::Closed),
        stage: Some(Stage::Closed),
        closed_on: Some(NaiveDate::from_ymd_opt(2026, 4, 1)),
        ..Default::default()
    };
    let result = diesel::update(cases::table.find(case.id))
        .set(&no_outcome)
        .execute(&mut conn);
    assert!(result.is_err());

    let before_opening = UpdateCase {
        outcome: Some(Some(Outcome::PhasedReturn)),
        closed_on: Some(NaiveDate::from_ymd_opt(2026, 1, 1)),
        ..no_outcome.clone()
    };
    let result = diesel::update(cases::table.find(case.id))
        .set(&before_opening)
        .execute(&mut conn);
    assert!(result.is_err());

    let proper = UpdateCase {
        closed_on: Some(NaiveDate::from_ymd_opt(2026, 4, 1)),
        ..before_opening
    };
    diesel::update(cases::table.find(case.id))
        .set(&proper)
        .execute(&mut conn)
        .unwrap();

    let bad_type = diesel::sql_query("UPDATE cases SET case_type = 'gossip'").execute(&mut conn);
    assert!(bad_type.is_err());
}

#[actix_rt::test]
async fn a_users_scope_must_fit_its_role() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    let f = fixture(&mut conn);
    let user = |role, branch_id| NewUser {
        username: format!("{role}-{branch_id:?}"),
        password_hash: "x".into(),
        display_name: "Someone".into(),
        role,
        branch_id,
        region_id: None,
        active: true,
        email: None,
    };
    let insert =
        |conn: &mut DbConn, u: NewUser| diesel::insert_into(users::table).values(u).execute(conn);
    assert!(insert(&mut conn, user(Role::Officer, None)).is_err());
    assert!(insert(&mut conn, user(Role::Officer, Some(f.branch))).is_ok());
    assert!(insert(&mut conn, user(Role::Admin, Some(f.branch))).is_err());
}

#[actix_rt::test]
async fn the_audit_log_is_append_only() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    diesel::insert_into(audit_log::table)
        .values(NewAuditEntry {
            at: chrono::Utc::now().naive_utc(),
            user_id: None,
            action: "read".into(),
            entity: "member".into(),
            entity_id: Some(1),
            detail: None,
            principal: "user".into(),
        })
        .execute(&mut conn)
        .unwrap();
    let entry: i64 = audit_log::table
        .select(audit_log::id)
        .first::<AuditEntryId>(&mut conn)
        .unwrap()
        .0;
    diesel::insert_into(audit_subjects::table)
        .values((
            audit_subjects::entry_id.eq(entry),
            audit_subjects::entity.eq("member"),
            audit_subjects::entity_id.eq(1_i64),
        ))
        .execute(&mut conn)
        .unwrap();
    assert!(
        diesel::update(audit_subjects::table)
            .set(audit_subjects::entity_id.eq(2_i64))
            .execute(&mut conn)
            .is_err(),
        "who saw what cannot be rewritten"
    );
    assert!(
        diesel::delete(audit_subjects::table)
            .execute(&mut conn)
            .is_err()
    );
    assert!(
        diesel::update(audit_log::table)
            .set(audit_log::action.eq("nothing"))
            .execute(&mut conn)
            .is_err()
    );
    assert!(diesel::delete(audit_log::table).execute(&mut conn).is_err());
    let count: i64 = audit_log::table.count().get_result(&mut conn).unwrap();
    assert_eq!(count, 1);
}

use caseload::db::migrate;
use caseload::models::Setting;
use diesel::prelude::*;

use crate::common::TestApp;

fn regions_readable(conn: &mut caseload::db::DbConn) -> bool {
    use caseload::db::schema::regions::dsl::*;
    regions
        .select(id)
        .load::<caseload::models::RegionId>(conn)
        .is_ok()
}

#[actix_rt::test]
async fn migrations_go_up_down_and_up_again() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    assert!(regions_readable(&mut conn));

    let reverted = migrate::revert_all(&mut conn).expect("down");
    assert!(!reverted.is_empty());
    assert!(!regions_readable(&mut conn), "tables remain after down");

    let applied = migrate::run_pending(&mut conn).expect("up again");
    assert_eq!(applied, reverted.into_iter().rev().collect::<Vec<_>>());
    assert!(regions_readable(&mut conn));
    let keys: Vec<String> = Setting::all(&mut conn)
        .unwrap()
        .into_iter()
        .map(|s| s.key)
        .collect();
    assert_eq!(
        keys,
        [
            "appeal_working_days",
            "disclosure_threshold",
            "document_max_mb",
            "evidence_lookback_days",
            "evidence_max_noise",
            "evidence_min_group",
            "evidence_min_scope_members",
            "evidence_settling_days",
            "retention_years",
            "safe_caseload",
            "supervision_regular_days"
        ]
    );
}

#[actix_rt::test]
async fn migrating_twice_changes_nothing_the_second_time() {
    let app = TestApp::new().await;
    assert!(app.state.db.migrate().unwrap().is_empty());
}

/// Closing a case used to mark every open deadline done, appeal and tribunal dates too. The
/// upgrade finds the deadlines a closing marked (changed by the person who closed the case,
/// within moments of the timeline line that lists them), makes its appeal and tribunal dates
/// live again and marks its hearings as closed with the case; a deadline marked done by hand
/// is left as it was.
#[actix_rt::test]
async fn the_upgrade_makes_appeal_and_tribunal_dates_swept_by_a_closing_live_again() {
    use caseload::db::schema::deadlines;
    let app = TestApp::new().await;
    let world = crate::fixtures::World::build(&app);
    let mut conn = app.state.db.get().unwrap();
    // Back to the schema before the upgrade (and whatever came after it).
    loop {
        let reverted = migrate::revert_last(&mut conn).unwrap();
        match reverted.as_deref() {
            Some("20261203000009") => break,
            Some(_) => continue,
            None => panic!("the upgrade is not among the migrations"),
        }
    }
    let (case, officer) = (world.wigan_case.0, world.wigan_officer.0);
    let closed_at = "2026-11-30 10:00:00";
    for (kind, due, changed_at) in [
        ("appeal", "2026-12-07", closed_at),
        ("tribunal", "2027-02-27", closed_at),
        ("hearing", "2026-12-15", closed_at),
        ("other", "2026-11-20", "2026-11-19 09:00:00"),
    ] {
        diesel::sql_query(format!(
            "INSERT INTO deadlines (case_id, kind, due_on, done, created_at, updated_by, updated_at) \
             VALUES ({case}, '{kind}', '{due}', TRUE, '2026-11-01 09:00:00', {officer}, '{changed_at}')"
        ))
        .execute(&mut conn)
        .unwrap();
    }
    diesel::sql_query(format!(
        "INSERT INTO case_events (case_id, occurred_on, kind, body, author_id, created_at) \
         VALUES ({case}, '2026-11-30', 'note', 'Closed with the case: Appeal window due 7 \
         December 2026; Tribunal limitation due 27 February 2027; Hearing due 15 December \
         2026.', {officer}, '2026-11-30 10:00:01')"
    ))
    .execute(&mut conn)
    .unwrap();
    migrate::run_pending(&mut conn).unwrap();
    let mut state: Vec<(String, bool, bool)> = deadlines::table
        .filter(deadlines::case_id.eq(world.wigan_case))
        .select((
            deadlines::kind,
            deadlines::done,
            deadlines::closed_with_case,
        ))
        .load(&mut conn)
        .unwrap();
    state.sort();
    assert_eq!(
        state,
        [
            ("appeal".into(), false, false),
            ("hearing".into(), true, true),
            ("other".into(), true, false),
            ("tribunal".into(), false, false),
        ]
    );
}

/// The upgrade to typed audit subjects reads the ids older entries listed in their detail, so
/// a subject access export finds the lists, exports and feeds that showed a member before it.
#[actix_rt::test]
async fn the_upgrade_finds_the_records_older_audit_entries_showed() {
    use caseload::db::schema::{audit_log, audit_subjects};
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    loop {
        match migrate::revert_last(&mut conn).unwrap().as_deref() {
            Some("20261203000014") => break,
            Some(_) => continue,
            None => panic!("the upgrade is not among the migrations"),
        }
    }
    for (user, action, entity, id, detail) in [
        ("1", "list", "member", "NULL", "'ids=5,7'"),
        (
            "1",
            "read",
            "calendar",
            "NULL",
            "'deadlines=2 case ids=3,4'",
        ),
        ("1", "export", "member", "NULL", "'count=2 ids=5,9'"),
        ("1", "read", "member", "5", "NULL"),
        (
            "NULL",
            "retention",
            "case",
            "NULL",
            "'anonymised=0 closed_before=2020-01-01'",
        ),
    ] {
        diesel::sql_query(format!(
            "INSERT INTO audit_log (at, user_id, action, entity, entity_id, detail) \
             VALUES ('2026-11-30 10:00:00', {user}, '{action}', '{entity}', {id}, {detail})"
        ))
        .execute(&mut conn)
        .unwrap();
    }
    migrate::run_pending(&mut conn).unwrap();
    let mut shown: Vec<(String, String, i64)> = audit_subjects::table
        .inner_join(audit_log::table)
        .select((
            audit_log::action,
            audit_subjects::entity,
            audit_subjects::entity_id,
        ))
        .load(&mut conn)
        .unwrap();
    shown.sort();
    let row = |a: &str, e: &str, id: i64| (a.to_owned(), e.to_owned(), id);
    assert_eq!(
        shown,
        [
            row("export", "member", 5),
            row("export", "member", 9),
            row("list", "member", 5),
            row("list", "member", 7),
            row("read", "case", 3),
            row("read", "case", 4),
            row("read", "member", 5),
        ]
    );
    let principals: Vec<(String, String)> = audit_log::table
        .order(audit_log::id)
        .select((audit_log::action, audit_log::principal))
        .load(&mut conn)
        .unwrap();
    assert!(principals.contains(&("retention".into(), "system".into())));
    assert!(principals.contains(&("list".into(), "user".into())));
}

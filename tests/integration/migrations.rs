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
            "evidence_lookback_days",
            "evidence_max_noise",
            "evidence_min_group",
            "evidence_min_scope_members",
            "evidence_settling_days",
            "retention_years",
            "safe_caseload"
        ]
    );
}

#[actix_rt::test]
async fn migrating_twice_changes_nothing_the_second_time() {
    let app = TestApp::new().await;
    assert!(app.state.db.migrate().unwrap().is_empty());
}

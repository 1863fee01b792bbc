//! `serve --demo` data: realistic shape, only on an empty database.

use caseload::db::schema::{branches, cases, deadlines, members, users, workload_records};
use diesel::prelude::*;

use crate::common::TestApp;

#[actix_rt::test]
async fn demo_data_loads_once_with_a_user_per_role() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    let logins = caseload::demo::load(&mut conn)
        .unwrap()
        .expect("an empty database takes the demo");
    let roles: Vec<&str> = logins.iter().map(|l| l.role.as_str()).collect();
    assert_eq!(roles, ["admin", "organiser", "officer", "delegate"]);
    let codes: Vec<String> = branches::table
        .order(branches::code)
        .select(branches::code)
        .load(&mut conn)
        .unwrap();
    assert_eq!(codes, ["BRY", "LDS", "MCR", "OLD", "WGN"]);
    assert_eq!(
        members::table.count().get_result::<i64>(&mut conn).unwrap(),
        600
    );
    assert!(
        workload_records::table
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
            >= 600 * 12
    );
    let case_count: i64 = cases::table.count().get_result(&mut conn).unwrap();
    assert!(case_count >= 1000, "{case_count}");
    assert_eq!(
        users::table.count().get_result::<i64>(&mut conn).unwrap(),
        4
    );
    // Live work only where a case is open: a closed case's deadlines were dealt with.
    let open_on_closed: i64 = deadlines::table
        .inner_join(cases::table)
        .filter(cases::status.eq("closed"))
        .filter(deadlines::done.eq(false))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(open_on_closed, 0, "no open deadline on a closed case");
    assert!(
        caseload::demo::load(&mut conn).unwrap().is_none(),
        "never over existing data"
    );
    drop(conn);
    let password = &logins
        .iter()
        .find(|l| l.username == "officer")
        .unwrap()
        .password;
    let response = app
        .send_json(
            actix_web::http::Method::POST,
            "/api/v1/auth/token",
            None,
            &serde_json::json!({"username": "officer", "password": password}),
        )
        .await;
    assert_eq!(response.status, 200);
}

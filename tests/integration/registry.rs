//! The registry of personal record kinds: every table of a member's personal data is in it (or
//! explained), and retention, erasure and the subject access export reach every kind in it.

use actix_web::http::Method;
use caseload::casework::personal::{NOT_MEMBER_RECORDS, REGISTRY, unregistered};
use caseload::casework::protection;
use caseload::db::dialect;
use diesel::RunQueryDsl;
use serde_json::json;

use crate::common::TestApp;
use crate::fixtures::World;

#[actix_rt::test]
async fn every_table_of_personal_data_is_registered_or_explained() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    assert_eq!(
        unregistered(&mut conn).unwrap(),
        Vec::<(String, String)>::new()
    );
    let columns = dialect::columns(&mut conn).unwrap();
    let has = |table: &str, column: Option<&str>| {
        columns
            .iter()
            .any(|(t, c)| t == table && column.is_none_or(|column| c == column))
    };
    for kind in REGISTRY {
        for column in kind.personal_columns() {
            assert!(
                has(kind.table(), Some(column)),
                "{}.{column} is not a column",
                kind.table()
            );
        }
    }
    for (table, why) in NOT_MEMBER_RECORDS {
        assert!(has(table, None), "{table} ({why}) is not a table");
    }
}

#[actix_rt::test]
async fn a_new_table_of_personal_data_left_out_of_the_registry_is_found() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    diesel::sql_query(
        "CREATE TABLE supervision_notes (id BIGINT PRIMARY KEY, member_id BIGINT, note TEXT)",
    )
    .execute(&mut conn)
    .unwrap();
    let found = unregistered(&mut conn).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "supervision_notes");
}

/// A marker written into every kind of record about a member is gone from every registered
/// table's personal columns after erasure, and each kind is in the export before it.
#[actix_rt::test]
async fn erasure_and_the_export_reach_every_registered_kind() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let marker = "Zebedee";
    let send = |method: Method, path: String, body: serde_json::Value| {
        let (app, officer) = (&app, &officer);
        async move {
            let response = app.send_json(method, &path, Some(officer), &body).await;
            assert!(response.status.is_success(), "{path}: {}", response.text());
            response.json()
        }
    };
    let member = world.wigan_member.0;
    send(
        Method::PATCH,
        format!("/api/v1/members/{member}"),
        json!({"team": format!("{marker} team")}),
    )
    .await;
    send(
        Method::PATCH,
        format!("/api/v1/members/{member}"),
        json!({"team": "Duty"}),
    )
    .await;
    send(
        Method::POST,
        format!("/api/v1/members/{member}/workload"),
        json!({"recorded_on": "2026-03-02", "open_cases": 12, "source": "supervision", "note": format!("{marker} says")}),
    )
    .await;
    send(
        Method::POST,
        format!("/api/v1/members/{member}/supervision"),
        json!({"held_on": "2026-03-02", "kind": "reflective", "minutes": 60, "source": "member_report", "note": format!("{marker} in supervision")}),
    )
    .await;
    let case = send(
        Method::POST,
        "/api/v1/cases".into(),
        json!({"member_id": member, "type": "disciplinary", "opened_on": "2026-03-03",
               "summary": format!("{marker} summary"), "workload_factor": true,
               "workload_factors": ["high_caseload"],
               "referred_to_region": true, "referral_reason": format!("{marker} reason")}),
    )
    .await;
    let id = case["id"].as_i64().unwrap();
    let event = send(
        Method::POST,
        format!("/api/v1/cases/{id}/events"),
        json!({"occurred_on": "2026-03-04", "kind": "note", "text": format!("{marker} first")}),
    )
    .await;
    send(
        Method::PATCH,
        format!("/api/v1/cases/{id}/events/{}", event["id"]),
        json!({"text": format!("{marker} second")}),
    )
    .await;
    send(
        Method::POST,
        format!("/api/v1/cases/{id}/deadlines"),
        json!({"kind": "hearing", "due_on": "2026-12-20", "note": format!("{marker} note"), "place": format!("{marker} hall")}),
    )
    .await;

    let paper = format!("{marker} fit note");
    let uploaded = app
        .upload(
            &officer,
            id,
            &[("kind", "medical"), ("title", &paper)],
            &[("note.txt", b"Signed off for four weeks")],
        )
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text());
    send(
        Method::POST,
        format!("/api/v1/cases/{id}/contacts"),
        json!({"role": "hearing_manager", "name": format!("{marker} Hale"),
               "organisation": format!("{marker} Council"), "email": "zebedee@council.example",
               "phone": "0161 496 0000", "note": format!("{marker} chairs")}),
    )
    .await;

    let mut conn = app.state.db.get().unwrap();
    // A survey link sent to the member (the small world is too small to send one through the
    // API).
    let survey = crate::fixtures::survey(&mut conn, world.admin);
    diesel::sql_query(format!(
        "INSERT INTO survey_links (survey_id, member_id, token_hash, used) VALUES ({survey}, {member}, 'fixture', FALSE)"
    ))
    .execute(&mut conn)
    .unwrap();
    let export = protection::export_member(&mut conn, world.wigan_member, None, None).unwrap();
    for kind in REGISTRY {
        let (key, _) = kind
            .export(
                &mut conn,
                &caseload::casework::personal::Their {
                    member: world.wigan_member,
                    cases: &[caseload::models::CaseId(id)],
                    vault: None,
                },
            )
            .unwrap();
        let rows = &export[key];
        assert!(
            rows.is_object() || rows.as_array().is_some_and(|r| !r.is_empty()),
            "the export has no {key} ({})",
            kind.table()
        );
    }
    let count = |conn: &mut caseload::db::DbConn| -> i64 {
        let mut total = 0;
        for kind in REGISTRY {
            for column in kind.personal_columns() {
                #[derive(diesel::QueryableByName)]
                struct Found {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let found: Found = diesel::sql_query(format!(
                    "SELECT COUNT(*) AS n FROM {} WHERE CAST({column} AS TEXT) LIKE '%{marker}%'",
                    kind.table()
                ))
                .get_result(conn)
                .unwrap();
                total += found.n;
            }
        }
        total
    };
    assert!(count(&mut conn) >= 8, "the marker is in every kind before");
    protection::erase_member(&mut conn, world.wigan_member, None).unwrap();
    assert_eq!(
        count(&mut conn),
        0,
        "erasure leaves no marker in any registered kind"
    );
}

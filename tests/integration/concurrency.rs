//! Many writers at once: no "database is locked", every acknowledged row present.

use actix_web::http::Method;
use caseload::db::schema::{case_events, cases, workload_records};
use diesel::prelude::*;
use serde_json::json;

use crate::common::TestApp;
use crate::fixtures::World;

#[actix_rt::test]
async fn sixty_four_concurrent_writers_all_succeed() {
    let app = TestApp::with_pool(8, 30).await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let writers = (0..64).map(|i| {
        let app = &app;
        let officer = officer.clone();
        async move {
            let case = app
                .send_json(Method::POST, "/api/v1/cases", Some(&officer),
                    &json!({"member_id": world.wigan_member, "type": "disciplinary", "opened_on": "2026-02-02"}))
                .await;
            assert_eq!(case.status, 201, "writer {i}: {}", case.text());
            let id = case.json()["id"].as_i64().unwrap();
            let event = app
                .send_json(Method::POST, &format!("/api/v1/cases/{id}/events"), Some(&officer),
                    &json!({"occurred_on": "2026-02-03", "kind": "note", "text": format!("writer {i}")}))
                .await;
            assert_eq!(event.status, 201, "writer {i}: {}", event.text());
            let record = app
                .send_json(Method::POST, &format!("/api/v1/members/{}/workload", world.wigan_member), Some(&officer),
                    &json!({"recorded_on": "2026-02-03", "open_cases": i % 30, "source": "member_report"}))
                .await;
            assert_eq!(record.status, 201, "writer {i}: {}", record.text());
            case.json()["reference"].as_str().unwrap().to_owned()
        }
    });
    let mut references = futures_util::future::join_all(writers).await;
    references.sort();
    references.dedup();
    assert_eq!(references.len(), 64);
    let mut conn = app.state.db.get().unwrap();
    assert_eq!(
        cases::table.count().get_result::<i64>(&mut conn).unwrap(),
        64 + 2
    );
    let notes: i64 = case_events::table
        .filter(case_events::body.like("writer %"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(notes, 64);
    assert_eq!(
        workload_records::table
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap(),
        64
    );
}

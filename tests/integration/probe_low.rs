//! The low findings of an attacker's probe, each checked as a class: every route or field of
//! the kind, not only the example the probe used.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::json;

use crate::common::TestApp;
use crate::fixtures::World;

/// A JSON body is `application/json` and nothing like it, names each key once, and a sign-in
/// field no account can have is a 422 naming it, not a wrong password.
#[actix_rt::test]
async fn json_bodies_are_read_one_way() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let path = format!("/api/v1/members/{}", world.wigan_member);
    for content_type in [
        "application/jsonx",
        "application/json-seq",
        "application/json5",
        "text/json",
        "application/x-www-form-urlencoded",
    ] {
        let answer = app
            .call(
                TestRequest::patch()
                    .uri(&path)
                    .insert_header(("authorization", format!("Bearer {admin}")))
                    .insert_header(("content-type", content_type))
                    .set_payload(r#"{"team": "Duty"}"#),
            )
            .await;
        assert_eq!(answer.status, 400, "{content_type}");
        assert!(answer.text().contains("content-type"), "{content_type}");
    }
    for content_type in ["application/json", "Application/JSON; charset=utf-8"] {
        let answer = app
            .call(
                TestRequest::patch()
                    .uri(&path)
                    .insert_header(("authorization", format!("Bearer {admin}")))
                    .insert_header(("content-type", content_type))
                    .set_payload(r#"{"team": "Duty"}"#),
            )
            .await;
        assert_eq!(answer.status, 200, "{content_type}: {}", answer.text());
    }
    // A key twice, at any depth, on any route.
    for (method, route, body) in [
        (Method::PATCH, path.clone(), r#"{"team": "A", "team": "B"}"#),
        (
            Method::POST,
            "/api/v1/users".to_owned(),
            r#"{"username": "twice", "password": "long enough password", "role": "delegate", "role": "admin"}"#,
        ),
        (
            Method::PATCH,
            format!("/api/v1/cases/{}", world.wigan_case),
            r#"{"workload_factors": [{"factor": "caseload", "factor": "hours"}]}"#,
        ),
        (
            Method::POST,
            "/api/v1/auth/token".to_owned(),
            r#"{"username": "admin", "username": "x", "password": "whatever it is"}"#,
        ),
    ] {
        let answer = app
            .call(
                TestRequest::default()
                    .method(method.clone())
                    .uri(&route)
                    .insert_header(("authorization", format!("Bearer {admin}")))
                    .insert_header(("content-type", "application/json"))
                    .set_payload(body),
            )
            .await;
        assert_eq!(answer.status, 400, "{method} {route}: {}", answer.text());
        assert!(
            answer.text().contains("more than once"),
            "{}",
            answer.text()
        );
    }
    // Sign-in fields no account can have.
    for (body, field) in [
        (
            json!({"username": "a".repeat(201), "password": "whatever it is"}),
            "username",
        ),
        (
            json!({"username": "admin", "password": "p".repeat(1025)}),
            "password",
        ),
        (
            json!({"username": "", "password": "whatever it is"}),
            "username",
        ),
        (json!({"username": "admin", "password": ""}), "password"),
    ] {
        let answer = app
            .send_json(Method::POST, "/api/v1/auth/token", None, &body)
            .await;
        assert_eq!(answer.status, 422, "{field}: {}", answer.text());
        assert!(
            answer.json()["error"]["fields"][field].is_string(),
            "{}",
            answer.text()
        );
    }
}

/// A PATCH that names no field changes nothing on any route: a 422, no audit entry, and
/// `updated_at` stays.
#[actix_rt::test]
async fn an_empty_patch_changes_nothing_anywhere() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let record = app
        .send_json(
            Method::POST,
            &format!("/api/v1/members/{}/workload", world.wigan_member),
            Some(&admin),
            &json!({"recorded_on": "2026-05-01", "open_cases": 9, "source": "supervision"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let patchable: Vec<String> = caseload::api::route_table()
        .into_iter()
        .filter(|(method, _)| method == Method::PATCH)
        .map(|(_, pattern)| {
            pattern
                .replace(
                    "/members/{id}/workload/{record}",
                    &format!("/members/{}/workload/{record}", world.wigan_member),
                )
                .replace("/members/{id}", &format!("/members/{}", world.wigan_member))
                .replace("/cases/{id}", &format!("/cases/{}", world.wigan_case))
                .replace("/users/{id}", &format!("/users/{}", world.wigan_officer))
                .replace("{id}", "1")
                .replace("{event}", "1")
        })
        .collect();
    assert!(patchable.len() >= 8, "{patchable:?}");
    app.flush_audit();
    let before = audit_count(&app);
    for path in &patchable {
        let shown_before = app.get_as(path, &admin).await;
        for body in ["{}", " { } "] {
            let answer = app
                .call(
                    TestRequest::patch()
                        .uri(path)
                        .insert_header(("authorization", format!("Bearer {admin}")))
                        .insert_header(("content-type", "application/json"))
                        .set_payload(body),
                )
                .await;
            assert_eq!(answer.status, 422, "PATCH {path} {body}: {}", answer.text());
            assert!(
                answer.text().contains("nothing to change"),
                "{}",
                answer.text()
            );
        }
        if shown_before.status == 200 {
            let shown_after = app.get_as(path, &admin).await.json();
            assert_eq!(
                shown_after["updated_at"],
                shown_before.json()["updated_at"],
                "{path}"
            );
        }
    }
    app.flush_audit();
    let reads = patchable.len() as i64; // the GETs above may each audit one read
    assert!(
        audit_count(&app) - before <= reads,
        "an empty PATCH wrote an audit entry"
    );
}

fn audit_count(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    let mut conn = app.state.db.get().unwrap();
    caseload::db::schema::audit_log::table
        .filter(caseload::db::schema::audit_log::action.eq("update"))
        .count()
        .get_result(&mut *conn)
        .unwrap()
}

//! Whatever a client sends: a clear 4xx naming what was wrong, never a 500, never a write.

use actix_web::test::TestRequest;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use crate::common::TestApp;
use crate::fixtures::World;

/// Values drawn from a strategy (no shrinking: each is a real request to the app).
fn samples<S: Strategy>(strategy: S, count: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

async fn member_total(app: &TestApp, token: &str) -> i64 {
    app.get_as("/api/v1/members?per_page=1", token).await.json()["total"]
        .as_i64()
        .unwrap()
}

#[actix_rt::test]
async fn arbitrary_csv_bytes_never_cause_a_500_or_a_partial_write() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let header = "membership_number,first_name,last_name,employer,job_role,fte,branch_code\n";
    let rows = proptest::collection::vec(
        (
            any::<String>(),
            "[A-Za-z ,\"']{0,12}",
            prop_oneof![Just("1".to_owned()), "-?[0-9.]{1,6}", any::<String>()],
        ),
        0..6,
    );
    for (i, rows) in samples(rows, 40).into_iter().enumerate() {
        let mut csv = String::from(header);
        for (number, name, fte) in rows {
            csv.push_str(&format!(
                "{number},{name},Lee,Wigan Council,Social worker,{fte},WGN\n"
            ));
        }
        let before = member_total(&app, &admin).await;
        let response = app
            .call(
                TestRequest::post()
                    .uri("/api/v1/members/import")
                    .insert_header(("authorization", format!("Bearer {admin}")))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload(csv.clone()),
            )
            .await;
        let status = response.status.as_u16();
        assert!(
            status == 200 || status == 422,
            "case {i}: {status} for {csv:?}"
        );
        let after = member_total(&app, &admin).await;
        if status == 422 {
            assert_eq!(after, before, "case {i}: a refused file wrote rows");
        } else {
            let created = response.json()["created"].as_i64().unwrap();
            assert_eq!(
                after,
                before + created,
                "case {i}: the report matches what was written"
            );
        }
    }
    for bytes in samples(proptest::collection::vec(any::<u8>(), 0..200), 40) {
        let before = member_total(&app, &admin).await;
        let response = app
            .call(
                TestRequest::post()
                    .uri("/api/v1/members/import")
                    .insert_header(("authorization", format!("Bearer {admin}")))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload(bytes),
            )
            .await;
        assert!(
            response.status.is_client_error() || response.status == 200,
            "{}",
            response.status
        );
        if response.status.is_client_error() {
            assert_eq!(member_total(&app, &admin).await, before, "nothing written");
        }
    }
}

#[actix_rt::test]
async fn arbitrary_json_bodies_and_query_strings_get_a_4xx_naming_the_field() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let before = member_total(&app, &admin).await;
    let values = prop_oneof![
        Just(serde_json::json!(null)),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::from),
        Just(serde_json::json!("<script>alert(1)</script>")),
        Just(serde_json::json!("'; DROP TABLE members; --")),
        Just(serde_json::json!([1, 2])),
    ];
    let fields = [
        "membership_number",
        "first_name",
        "last_name",
        "employer_id",
        "job_role",
        "fte",
        "start_date",
        "branch_id",
        "age_band",
    ];
    let bodies =
        proptest::collection::vec((proptest::sample::select(fields.to_vec()), values), 1..5);
    let mut accepted = 0;
    for pairs in samples(bodies, 60) {
        let body: serde_json::Map<String, serde_json::Value> =
            pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let response = app
            .send_json(
                actix_web::http::Method::POST,
                "/api/v1/members",
                Some(&admin),
                &serde_json::Value::Object(body.clone()),
            )
            .await;
        let status = response.status.as_u16();
        assert!(
            (400..500).contains(&status) || status == 201,
            "{status} for {body:?}"
        );
        if status == 201 {
            accepted += 1;
        } else {
            let error = &response.json()["error"];
            assert!(error["message"].is_string(), "{body:?}");
            let named = error["fields"].as_object().is_some_and(|f| !f.is_empty());
            assert!(
                named,
                "{status} without naming a field for {body:?}: {error}"
            );
        }
    }
    // Each acceptance wrote one member; each refusal wrote nothing.
    let created = member_total(&app, &admin).await - before;
    assert_eq!(created, accepted);
    let params = (
        proptest::sample::select(vec![
            "type",
            "status",
            "stage",
            "page",
            "per_page",
            "opened_from",
            "assigned_to",
            "q",
            "sort",
            "workload_factor",
        ]),
        any::<String>(),
    );
    for (name, value) in samples(params, 80) {
        // Encoded as a client would send it.
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair(name, &value)
            .finish();
        let response = app.get_as(&format!("/api/v1/cases?{query}"), &admin).await;
        let status = response.status.as_u16();
        assert!(status == 200 || status == 400, "{query}: {status}");
        if status == 400 {
            assert!(
                response.json()["error"]["fields"][name].is_string(),
                "{query}: {}",
                response.text()
            );
        }
    }
}

#[actix_rt::test]
async fn oversized_and_malformed_bodies_are_refused_cleanly() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(400 * 1024));
    let response = app
        .call(
            TestRequest::post()
                .uri("/api/v1/regions")
                .insert_header(("authorization", format!("Bearer {admin}")))
                .insert_header(("content-type", "application/json"))
                .set_payload(huge),
        )
        .await;
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["error"]["code"], "payload_too_large");
    let invalid_utf8 = app
        .call(
            TestRequest::post()
                .uri("/api/v1/regions")
                .insert_header(("authorization", format!("Bearer {admin}")))
                .insert_header(("content-type", "application/json"))
                .set_payload(vec![
                    b'{', b'"', b'n', b'a', b'm', b'e', b'"', b':', b'"', 0xff, 0xfe, b'"', b'}',
                ]),
        )
        .await;
    assert_eq!(invalid_utf8.status, 400);
    let not_json = app
        .call(
            TestRequest::post()
                .uri("/api/v1/regions")
                .insert_header(("authorization", format!("Bearer {admin}")))
                .insert_header(("content-type", "text/plain"))
                .set_payload("name=x"),
        )
        .await;
    assert_eq!(not_json.status, 400);
    assert!(not_json.json()["error"]["fields"]["content-type"].is_string());
    let regions = app.get_as("/api/v1/regions", &admin).await.json();
    assert_eq!(regions["total"], 2, "nothing was written");
}

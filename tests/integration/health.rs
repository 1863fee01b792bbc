use crate::common::TestApp;

#[actix_rt::test]
async fn healthz_reports_ok_and_the_backend() {
    let app = TestApp::new().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, 200);
    let body = response.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["status"], "ok");
    assert!(
        body.get("database").is_none(),
        "an anonymous check names no engine"
    );
}

#[actix_rt::test]
async fn healthz_answers_503_while_no_connection_can_be_had_and_recovers() {
    let app = TestApp::with_pool(1, 1).await;
    let held = app.state.db.get().expect("the only connection");
    let response = app.get("/healthz").await;
    assert_eq!(response.status, 503);
    assert_eq!(response.json()["error"]["code"], "unavailable");
    assert!(response.header("retry-after").is_some());

    drop(held);
    assert_eq!(app.get("/healthz").await.status, 200);
}

/// The database vanishes under a running app and comes back: the same app recovers.
#[cfg(feature = "postgres")]
#[actix_rt::test]
async fn healthz_recovers_when_postgres_comes_back() {
    let app = TestApp::with_pool(2, 1).await;
    let pg = app
        .database
        .postgres()
        .expect("the postgres feature's tests run against CASELOAD_TEST_DATABASE_URL");
    assert_eq!(app.get("/healthz").await.status, 200);

    pg.drop_database();
    let response = app.get("/healthz").await;
    assert_eq!(response.status, 503);
    assert_eq!(response.json()["error"]["code"], "unavailable");

    pg.create_database();
    app.state.db.migrate().expect("migrations apply again");
    assert_eq!(app.get("/healthz").await.status, 200);
}

/// Liveness needs nothing; readiness needs the database.
#[actix_rt::test]
async fn liveness_answers_without_the_database_and_readiness_with_it() {
    let app = TestApp::with_pool(1, 1).await;
    let held = app.state.db.get().expect("the only connection");
    assert_eq!(app.get("/livez").await.status, 200);
    assert_eq!(app.get("/readyz").await.status, 503);
    drop(held);
    assert_eq!(app.get("/readyz").await.status, 200);
}

/// `/metrics` is not public: without a configured token it is not there, and with one it needs
/// it. What it counts is labelled by route pattern, so no id, secret or search reaches it.
#[actix_rt::test]
async fn metrics_need_their_token_and_name_route_patterns_only() {
    let closed = TestApp::new().await;
    assert_eq!(closed.get("/metrics").await.status, 404);

    let app = TestApp::with_server(caseload::config::ServerConfig {
        metrics_token: Some("scrape-secret-for-tests".into()),
        ..Default::default()
    })
    .await;
    let world = crate::fixtures::World::build(&app);
    let officer = app.token("wgn.officer").await;
    let member = format!("/api/v1/members/{}", world.wigan_member);
    assert_eq!(app.get_as(&member, &officer).await.status, 200);
    assert_eq!(
        app.get_as("/api/v1/members?q=Okafor", &officer)
            .await
            .status,
        200
    );
    assert_eq!(
        app.get("/calendar/secretfeedtoken0123.ics").await.status,
        404
    );

    assert_eq!(app.get("/metrics").await.status, 401);
    assert_eq!(app.get_as("/metrics", "wrong").await.status, 401);
    let scraped = app.get_as("/metrics", "scrape-secret-for-tests").await;
    assert_eq!(scraped.status, 200);
    assert!(
        scraped
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = scraped.text();
    for expected in [
        "caseload_http_requests_total{method=\"GET\",route=\"/api/v1/members/{id}\",status=\"200\"} 1",
        "caseload_http_requests_total{method=\"GET\",route=\"/api/v1/members\",status=\"200\"} 1",
        "caseload_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/members/{id}\",le=\"+Inf\"} 1",
        "# TYPE caseload_evidence_releases_served_total counter",
        "# TYPE caseload_db_pool_connections gauge",
        "caseload_audit_queue_length ",
        "caseload_email_outbox_waiting 0",
        "caseload_email_outbox_failed 0",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    let by_id = format!("/api/v1/members/{}\"", world.wigan_member);
    for secret in ["secretfeedtoken0123", "Okafor", "q=", by_id.as_str()] {
        assert!(!text.contains(secret), "{secret} in\n{text}");
    }
}

/// `HEAD` answers wherever `GET` does, with the same status and type: pages, the API, files.
#[actix_rt::test]
async fn head_answers_wherever_get_does() {
    use actix_web::test::TestRequest;
    let app = TestApp::new().await;
    let world = crate::fixtures::World::build(&app);
    let officer = app.token("wgn.officer").await;
    let session = crate::common::browser_sign_in(&app, "wgn.officer").await;
    let mut paths: Vec<String> = caseload::api::route_table()
        .into_iter()
        .filter(|(method, _)| method == actix_web::http::Method::GET)
        .map(|(_, path)| {
            path.replace("/members/{id}", &format!("/members/{}", world.wigan_member))
                .replace("/cases/{id}", &format!("/cases/{}", world.wigan_case))
                .replace("{id}", "1")
        })
        .collect();
    paths.extend(["/livez", "/readyz", "/api/openapi.json"].map(String::from));
    assert!(paths.len() > 20, "{paths:?}");
    for path in &paths {
        let get = app.get_as(path, &officer).await;
        let head = app
            .call(
                TestRequest::default()
                    .method(actix_web::http::Method::HEAD)
                    .uri(path)
                    .insert_header(("authorization", format!("Bearer {officer}"))),
            )
            .await;
        assert_eq!(head.status, get.status, "HEAD {path}");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "HEAD {path}"
        );
    }
    for path in ["/", "/members", "/cases", "/login"] {
        let get = crate::common::page(&app, path, &session).await;
        let head = app
            .call(
                TestRequest::default()
                    .method(actix_web::http::Method::HEAD)
                    .uri(path)
                    .cookie(actix_web::cookie::Cookie::new(
                        caseload::http::SESSION_COOKIE,
                        session.clone(),
                    )),
            )
            .await;
        assert_eq!(
            (head.status, get.status.is_success()),
            (get.status, true),
            "HEAD {path}"
        );
    }
}

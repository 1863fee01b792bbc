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

use actix_web::ResponseError;
use caseload::error::AppError;

use crate::common::TestApp;

#[actix_rt::test]
async fn unknown_api_routes_answer_a_json_404() {
    let app = TestApp::new().await;
    for path in ["/api/nothing", "/api/v1/nothing/here"] {
        let response = app.get(path).await;
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(response.json()["error"]["code"], "not_found", "{path}");
        assert!(response.json()["error"]["message"].is_string());
    }
}

#[actix_rt::test]
async fn unknown_pages_answer_an_html_404() {
    let app = TestApp::new().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status, 404);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.text().contains("Not Found"));
}

#[test]
fn validation_errors_name_the_field() {
    let response = AppError::invalid("fte", "must be between 0 and 1.5").error_response();
    assert_eq!(response.status(), 422);
    let body =
        serde_json::to_value(AppError::invalid("fte", "must be between 0 and 1.5").body()).unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(body["error"]["fields"]["fte"], "must be between 0 and 1.5");
}

#[test]
fn internal_causes_are_not_shown_to_clients() {
    let error = AppError::Internal("password authentication failed for secret".into());
    let body = serde_json::to_string(&error.body()).unwrap();
    assert!(!body.contains("secret"));
    assert_eq!(error.error_response().status(), 500);
    let unavailable = AppError::Unavailable("connection refused at 10.0.0.1".into());
    assert!(
        !serde_json::to_string(&unavailable.body())
            .unwrap()
            .contains("10.0.0.1")
    );
}

#[actix_rt::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::new().await;
    for path in [
        "/",
        "/healthz",
        "/api/v1/nothing",
        "/static/css/caseload.css",
    ] {
        let response = app.get(path).await;
        let csp = response
            .header("content-security-policy")
            .unwrap_or_default();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(response.header("x-frame-options"), Some("DENY"));
        assert!(response.header("referrer-policy").is_some());
    }
}

#[actix_rt::test]
async fn the_landing_page_and_static_files_are_served_from_the_binary() {
    caseload::templates::check().expect("templates parse");
    let app = TestApp::new().await;
    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("/static/css/caseload.css"));
    let css = app.get("/static/css/caseload.css").await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(app.get("/static/none.css").await.status, 404);
}

#[test]
fn an_unreadable_json_body_is_a_400_and_an_oversized_one_a_413() {
    use actix_web::error::JsonPayloadError;
    let syntax = serde_json::from_str::<serde_json::Value>("{not json").unwrap_err();
    let error = caseload::api::json_error(JsonPayloadError::Deserialize(syntax));
    assert_eq!(error.status_code(), 400);
    assert!(error.fields().unwrap().contains_key("body"));
    let too_big = caseload::api::json_error(JsonPayloadError::Overflow { limit: 10 });
    assert_eq!(too_big.status_code(), 413);
}

/// The error policy: an absence the code expects is asked for with `.optional()` and answered
/// as a 404 where it happens; a row missing anywhere else is our fault, a 500 with its cause
/// logged, never a client's 404.
#[test]
fn a_missing_row_nobody_asked_about_is_our_fault_not_a_404() {
    use actix_web::ResponseError;
    let error = caseload::error::AppError::from(diesel::result::Error::NotFound);
    assert_eq!(error.status_code().as_u16(), 500);
}

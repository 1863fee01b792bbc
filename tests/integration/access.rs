//! The access matrix: every route, every role, records in and out of scope. Later features add
//! their routes to `routes()`.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::fixtures::World;

const ROLES: [&str; 5] = [
    "admin",
    "nw.organiser",
    "wgn.officer",
    "lds.officer",
    "delegate",
];

/// A route and the status each of `ROLES` gets, in order; `None` means "no token" gets 401.
struct Case {
    method: Method,
    path: String,
    body: Value,
    expect: [u16; 5],
}

fn case(method: Method, path: impl Into<String>, body: Value, expect: [u16; 5]) -> Case {
    Case {
        method,
        path: path.into(),
        body,
        expect,
    }
}

fn routes(w: &World) -> Vec<Case> {
    let get = Method::GET;
    let post = Method::POST;
    let patch = Method::PATCH;
    let all_ok = [200; 5];
    let admin_only = [200, 403, 403, 403, 403];
    let admin_creates = [201, 403, 403, 403, 403];
    vec![
        case(get.clone(), "/api/v1/me", json!(null), all_ok),
        // Users: administrators only.
        case(get.clone(), "/api/v1/users", json!(null), admin_only),
        case(
            get.clone(),
            format!("/api/v1/users/{}", w.wigan_officer),
            json!(null),
            admin_only,
        ),
        case(
            post.clone(),
            "/api/v1/users",
            json!({"username": "matrix.user", "password": "long enough password", "role": "delegate"}),
            admin_creates,
        ),
        case(
            patch.clone(),
            format!("/api/v1/users/{}", w.wigan_officer),
            json!({"display_name": "Renamed"}),
            admin_only,
        ),
        // Reference data: everyone reads, administrators write.
        case(get.clone(), "/api/v1/regions", json!(null), all_ok),
        case(
            get.clone(),
            format!("/api/v1/regions/{}", w.north_west),
            json!(null),
            all_ok,
        ),
        case(
            post.clone(),
            "/api/v1/regions",
            json!({"name": "Matrix region"}),
            admin_creates,
        ),
        case(
            patch.clone(),
            format!("/api/v1/regions/{}", w.yorkshire),
            json!({"name": "Yorkshire"}),
            admin_only,
        ),
        case(get.clone(), "/api/v1/branches", json!(null), all_ok),
        case(
            get.clone(),
            format!("/api/v1/branches/{}", w.wigan),
            json!(null),
            all_ok,
        ),
        case(
            post.clone(),
            "/api/v1/branches",
            json!({"region_id": w.north_west, "name": "Oldham", "code": "OLD"}),
            admin_creates,
        ),
        case(
            patch.clone(),
            format!("/api/v1/branches/{}", w.bury),
            json!({"name": "Bury"}),
            admin_only,
        ),
        case(get.clone(), "/api/v1/employers", json!(null), all_ok),
        case(
            get.clone(),
            format!("/api/v1/employers/{}", w.council),
            json!(null),
            all_ok,
        ),
        case(
            post.clone(),
            "/api/v1/employers",
            json!({"name": "Matrix Council"}),
            admin_creates,
        ),
        case(
            patch.clone(),
            format!("/api/v1/employers/{}", w.council),
            json!({"safe_caseload_override": 14}),
            admin_only,
        ),
        // Members and cases: scoped; delegates never.
        case(
            get.clone(),
            "/api/v1/members",
            json!(null),
            [200, 200, 200, 200, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/members/{}", w.wigan_member),
            json!(null),
            [200, 200, 200, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/members/{}", w.bury_member),
            json!(null),
            [200, 200, 404, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/members/{}", w.leeds_member),
            json!(null),
            [200, 404, 404, 200, 403],
        ),
        case(
            get.clone(),
            "/api/v1/members/999999",
            json!(null),
            [404, 404, 404, 404, 403],
        ),
        case(
            get.clone(),
            "/api/v1/cases",
            json!(null),
            [200, 200, 200, 200, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/cases/{}", w.wigan_case),
            json!(null),
            [200, 200, 200, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/cases/{}", w.leeds_case),
            json!(null),
            [200, 404, 404, 200, 403],
        ),
    ]
}

#[actix_rt::test]
async fn every_api_route_answers_each_role_as_the_rules_say() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let mut tokens = Vec::new();
    for role in ROLES {
        tokens.push(app.token(role).await);
    }
    let mut failures = Vec::new();
    for route in routes(&world) {
        let body = (!route.body.is_null()).then_some(&route.body);
        // Without a token: 401, whatever the route.
        let anonymous = send(&app, &route, body, None).await;
        if anonymous != 401 {
            failures.push(format!(
                "{} {} without a token: {anonymous}",
                route.method, route.path
            ));
        }
        for (i, token) in tokens.iter().enumerate() {
            let status = send(&app, &route, body, Some(token)).await;
            if status != route.expect[i] {
                failures.push(format!(
                    "{} {} as {}: {status}, expected {}",
                    route.method, route.path, ROLES[i], route.expect[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

async fn send(app: &TestApp, route: &Case, body: Option<&Value>, token: Option<&str>) -> u16 {
    let mut request = TestRequest::default()
        .method(route.method.clone())
        .uri(&route.path);
    if let Some(body) = body {
        request = request.set_json(body);
    }
    if let Some(token) = token {
        request = request.insert_header(("authorization", format!("Bearer {token}")));
    }
    // Creations must not collide between roles: only the admin's succeeds, once.
    let status = app.call(request).await.status.as_u16();
    if status == 409 { 201 } else { status }
}

#[actix_rt::test]
async fn lists_hold_only_what_is_in_scope() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let ids = |body: Value| -> Vec<i64> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect()
    };
    let officer = app.token("wgn.officer").await;
    let members = app.get_as("/api/v1/members", &officer).await.json();
    assert_eq!(ids(members.clone()), vec![world.wigan_member.0]);
    assert_eq!(members["total"], 1);
    let organiser = app.token("nw.organiser").await;
    let mut seen = ids(app.get_as("/api/v1/members", &organiser).await.json());
    seen.sort();
    assert_eq!(seen, vec![world.wigan_member.0, world.bury_member.0]);
    // Asking for another branch by filter still answers only within scope.
    let other = app
        .get_as(
            &format!("/api/v1/members?branch_id={}", world.leeds),
            &officer,
        )
        .await
        .json();
    assert_eq!(other["total"], 0);
    let cases = app.get_as("/api/v1/cases", &officer).await.json();
    assert_eq!(ids(cases), vec![world.wigan_case.0]);
}

#[actix_rt::test]
async fn bad_query_parameters_are_400s_naming_the_parameter() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    for (path, field) in [
        ("/api/v1/members?page=0", "page"),
        ("/api/v1/members?per_page=5000", "per_page"),
        ("/api/v1/members?branch_id=abc", "branch_id"),
        ("/api/v1/cases?type=gossip", "type"),
        ("/api/v1/cases?status=maybe", "status"),
    ] {
        let response = app.get_as(path, &admin).await;
        assert_eq!(response.status, 400, "{path}");
        assert!(
            response.json()["error"]["fields"][field].is_string(),
            "{path}: {}",
            response.text()
        );
    }
    let response = app.get_as("/api/v1/members/not-a-number", &admin).await;
    assert_eq!(response.status, 404);
}

#[actix_rt::test]
async fn every_page_answers_each_role_as_the_rules_say() {
    use crate::pages_auth::{browser_sign_in, page};
    let app = TestApp::new().await;
    let w = crate::crowd::crowded(&app);
    let mut sessions = Vec::new();
    for role in ROLES {
        sessions.push(browser_sign_in(&app, role).await);
    }
    let pages: Vec<(String, [u16; 5])> = vec![
        ("/".into(), [200; 5]),
        ("/account".into(), [200; 5]),
        ("/members".into(), [200, 200, 200, 200, 403]),
        (
            format!("/members/{}", w.wigan_member),
            [200, 200, 200, 404, 403],
        ),
        (
            format!("/members/{}", w.leeds_member),
            [200, 404, 404, 200, 403],
        ),
        ("/members/new".into(), [200, 403, 200, 200, 403]),
        (
            format!("/members/{}/edit", w.wigan_member),
            [200, 403, 200, 404, 403],
        ),
        ("/import".into(), [200, 403, 200, 200, 403]),
        ("/cases".into(), [200, 200, 200, 200, 403]),
        ("/dashboard".into(), [200, 200, 200, 200, 403]),
        ("/evidence".into(), [200; 5]),
        (
            "/evidence.md?scope=national".into(),
            [200, 403, 403, 403, 200],
        ),
        ("/cases/new".into(), [200, 403, 200, 200, 403]),
        (
            format!("/cases/{}", w.wigan_case),
            [200, 200, 200, 404, 403],
        ),
        (
            format!("/cases/{}", w.leeds_case),
            [200, 404, 404, 200, 403],
        ),
        ("/members.csv".into(), [200, 403, 200, 200, 403]),
        ("/admin/users".into(), [200, 403, 403, 403, 403]),
        (
            format!("/admin/users/{}", w.wigan_officer),
            [200, 403, 403, 403, 403],
        ),
        ("/admin/regions".into(), [200, 403, 403, 403, 403]),
        ("/admin/branches".into(), [200, 403, 403, 403, 403]),
        (
            format!("/admin/branches/{}", w.wigan),
            [200, 403, 403, 403, 403],
        ),
        ("/admin/employers".into(), [200, 403, 403, 403, 403]),
        ("/admin/settings".into(), [200, 403, 403, 403, 403]),
        ("/admin/audit".into(), [200, 403, 403, 403, 403]),
    ];
    let mut failures = Vec::new();
    for (path, expect) in &pages {
        let anonymous = app.get(path).await.status.as_u16();
        let expected_anonymous = if path == "/" { 200 } else { 303 };
        if anonymous != expected_anonymous {
            failures.push(format!("{path} signed out: {anonymous}"));
        }
        for (i, session) in sessions.iter().enumerate() {
            let status = page(&app, path, session).await.status.as_u16();
            if status != expect[i] {
                failures.push(format!(
                    "{path} as {}: {status}, expected {}",
                    ROLES[i], expect[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

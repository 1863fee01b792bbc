//! The access matrix: every API route, every role, records in and out of scope. The routes come
//! from the server's own route table, and a test fails when one has no row here.

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

/// Routes anyone may call without a token.
const PUBLIC: &[&str] = &["/api/v1/auth/token"];

/// Records the matrix acts on, made before it runs.
struct Made {
    deadline: i64,
    /// A workload record of the Wigan member.
    record: i64,
    /// A timeline entry on the Wigan case written by the Wigan officer.
    event: i64,
    /// A paper on the Wigan case.
    document: i64,
    /// Someone around the Wigan case.
    contact: i64,
    /// A national survey the administrator built, open.
    survey: i64,
}

fn routes(w: &World, made: &Made) -> Vec<Case> {
    let Made {
        deadline,
        record,
        event,
        document,
        contact,
        survey,
    } = made;
    let get = Method::GET;
    let post = Method::POST;
    let patch = Method::PATCH;
    let all_ok = [200; 5];
    let admin_only = [200, 403, 403, 403, 403];
    let admin_creates = [201, 403, 403, 403, 403];
    vec![
        case(get.clone(), "/api/v1/me", json!(null), all_ok),
        case(
            patch.clone(),
            "/api/v1/me",
            json!({"calendar_places": false}),
            all_ok,
        ),
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
        // API keys of integration accounts: administrators only.
        case(
            get.clone(),
            format!("/api/v1/users/{}/api-keys", w.wigan_officer),
            json!(null),
            admin_only,
        ),
        case(
            post.clone(),
            format!("/api/v1/users/{}/api-keys", w.wigan_officer),
            json!({"name": "Matrix sync"}),
            admin_creates,
        ),
        case(
            Method::DELETE,
            format!("/api/v1/users/{}/api-keys/999999", w.wigan_officer),
            json!(null),
            [404, 403, 403, 403, 403],
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
        // Member writes: administrators anywhere, officers in their branch. `{role}` makes each
        // role's new record its own, so no creation collides with another's.
        case(
            post.clone(),
            "/api/v1/members",
            json!({"membership_number": "MX-{role}", "first_name": "Matrix", "last_name": "Member",
                   "job_role": "Social worker", "fte": 1.0, "branch_id": w.wigan,
                   "employer_id": w.council}),
            [201, 403, 201, 422, 403],
        ),
        case(
            patch.clone(),
            format!("/api/v1/members/{}", w.wigan_member),
            json!({"team": "Matrix team"}),
            [200, 403, 200, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/members/{}/workload", w.wigan_member),
            json!(null),
            [200, 200, 200, 404, 403],
        ),
        case(
            post.clone(),
            format!("/api/v1/members/{}/workload", w.wigan_member),
            json!({"recorded_on": "2026-06-01", "open_cases": 12, "source": "member_report"}),
            [201, 403, 201, 404, 403],
        ),
        // Supervision: read as workload is; written by those who may write the member.
        case(
            get.clone(),
            format!("/api/v1/members/{}/supervision", w.wigan_member),
            json!(null),
            [200, 200, 200, 404, 403],
        ),
        case(
            post.clone(),
            format!("/api/v1/members/{}/supervision", w.wigan_member),
            json!({"held_on": "2026-06-02", "kind": "reflective", "minutes": 60, "source": "member_report"}),
            [201, 403, 201, 404, 403],
        ),
        case(
            Method::DELETE,
            format!("/api/v1/members/{}/supervision/999999", w.wigan_member),
            json!(null),
            [404, 403, 404, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/members/{}/supervision", w.bury_member),
            json!(null),
            [200, 200, 404, 404, 403],
        ),
        // Corrections: by those who may write the member; a mistaken record deleted (this one
        // does not exist, so those allowed get 404 and the rest 403 or 404 as for any record).
        case(
            patch.clone(),
            format!("/api/v1/members/{}/workload/{record}", w.wigan_member),
            json!({"note": "Matrix correction"}),
            [200, 403, 200, 404, 403],
        ),
        case(
            Method::DELETE,
            format!("/api/v1/members/{}/workload/999999", w.wigan_member),
            json!(null),
            [404, 403, 404, 404, 403],
        ),
        case(
            get.clone(),
            "/api/v1/workload/export",
            json!(null),
            [200, 200, 200, 200, 403],
        ),
        case(
            get.clone(),
            "/api/v1/cases/export",
            json!(null),
            [200, 200, 200, 200, 403],
        ),
        case(
            get.clone(),
            "/api/v1/members/export",
            json!(null),
            [200, 403, 200, 200, 403],
        ),
        case(
            post.clone(),
            "/api/v1/members/import?dry_run=true",
            json!(format!(
                "{}\n",
                caseload::casework::import::MEMBER_COLUMNS.join(",")
            )),
            [200, 403, 200, 200, 403],
        ),
        case(
            post.clone(),
            "/api/v1/supervision/import?dry_run=true",
            json!(format!(
                "{}\n",
                caseload::casework::import::SUPERVISION_COLUMNS.join(",")
            )),
            [200, 403, 200, 200, 403],
        ),
        case(
            post.clone(),
            "/api/v1/workload/import?dry_run=true",
            json!(format!(
                "{}\n",
                caseload::casework::import::WORKLOAD_COLUMNS.join(",")
            )),
            [200, 403, 200, 200, 403],
        ),
        // Case writes: officers their branch's, organisers only cases referred to the region
        // (the Wigan case is not).
        case(
            post.clone(),
            "/api/v1/cases",
            json!({"member_id": w.wigan_member, "type": "grievance", "opened_on": "2026-06-01"}),
            [201, 403, 201, 422, 403],
        ),
        case(
            patch.clone(),
            format!("/api/v1/cases/{}", w.wigan_case),
            json!({"summary": "Matrix summary"}),
            [200, 403, 200, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/cases/{}/events", w.wigan_case),
            json!(null),
            [200, 200, 200, 404, 403],
        ),
        case(
            post.clone(),
            format!("/api/v1/cases/{}/events", w.wigan_case),
            json!({"occurred_on": "2026-06-02", "kind": "note", "text": "Matrix note"}),
            [201, 403, 201, 404, 403],
        ),
        // A timeline entry is corrected by its author only (here the Wigan officer).
        case(
            patch.clone(),
            format!("/api/v1/cases/{}/events/{event}", w.wigan_case),
            json!({"text": "Matrix correction"}),
            [403, 403, 200, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/cases/{}/deadlines", w.wigan_case),
            json!(null),
            [200, 200, 200, 404, 403],
        ),
        case(
            post.clone(),
            format!("/api/v1/cases/{}/deadlines", w.wigan_case),
            json!({"kind": "other", "due_on": "2027-06-01"}),
            [201, 403, 201, 404, 403],
        ),
        case(
            get.clone(),
            "/api/v1/deadlines",
            json!(null),
            [200, 200, 200, 200, 403],
        ),
        // Papers: whoever works the case (the organiser only once it is referred).
        case(
            post.clone(),
            format!("/api/v1/cases/{}/documents", w.wigan_case),
            json!({"multipart": {"kind": "letter", "title": "Matrix letter"}}),
            [201, 403, 201, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/cases/{}/documents", w.wigan_case),
            json!(null),
            [200, 403, 200, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/cases/{}/documents/{document}", w.wigan_case),
            json!(null),
            [200, 403, 200, 404, 403],
        ),
        // Removing is the branch's; once the administrator has removed it, it is gone for
        // the officer too (documents::an_officer_removes_a_paper_and_the_timeline_says_so).
        case(
            Method::DELETE,
            format!("/api/v1/cases/{}/documents/{document}", w.wigan_case),
            json!(null),
            [204, 403, 404, 404, 403],
        ),
        // The people around a case: whoever works it.
        case(
            post.clone(),
            format!("/api/v1/cases/{}/contacts", w.wigan_case),
            json!({"role": "companion", "name": "Matrix Companion"}),
            [201, 403, 201, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/cases/{}/contacts", w.wigan_case),
            json!(null),
            [200, 403, 200, 404, 403],
        ),
        case(
            get.clone(),
            format!("/api/v1/cases/{}/contacts/known", w.wigan_case),
            json!(null),
            [200, 403, 200, 404, 403],
        ),
        // Once the administrator has removed them, they are gone for the officer too.
        case(
            Method::DELETE,
            format!("/api/v1/cases/{}/contacts/{contact}", w.wigan_case),
            json!(null),
            [204, 403, 404, 404, 403],
        ),
        case(
            patch.clone(),
            format!("/api/v1/deadlines/{deadline}"),
            json!({"done": true}),
            [200, 403, 200, 404, 403],
        ),
        // Surveys: built by casework roles for an area of theirs (this small world is under
        // the minimum membership, so a permitted request is a 422 naming the scope); read,
        // sent and published by whoever built them (here the administrator); results, once
        // the survey has closed, also by delegates (this one is open: 409).
        case(
            post.clone(),
            "/api/v1/surveys",
            json!({"title": "Matrix survey", "opens_on": "2027-01-04", "closes_on": "2027-01-18",
                   "questions": [{"kind": "text", "text": "Anything?"}]}),
            [422, 422, 422, 422, 403],
        ),
        case(get.clone(), "/api/v1/surveys", json!(null), all_ok),
        case(
            get.clone(),
            format!("/api/v1/surveys/{survey}/free-text"),
            json!(null),
            [409, 404, 404, 404, 404],
        ),
        case(
            get.clone(),
            format!("/api/v1/surveys/{survey}"),
            json!(null),
            [200, 404, 404, 404, 404],
        ),
        case(
            post.clone(),
            format!("/api/v1/surveys/{survey}/links"),
            json!(null),
            [200, 404, 404, 404, 404],
        ),
        case(
            get.clone(),
            format!("/api/v1/surveys/{survey}/results"),
            json!(null),
            [409, 404, 404, 404, 409],
        ),
        // Reports: dashboards for casework roles; evidence for delegates and administrators
        // (this small world is under the minimum membership, so a permitted request is a 422
        // naming the scope; one outside the caller's areas is a 403 first).
        case(
            get.clone(),
            "/api/v1/dashboard",
            json!(null),
            [200, 200, 200, 200, 403],
        ),
        case(
            get.clone(),
            "/api/v1/evidence?scope=national&period=2025",
            json!(null),
            [422, 403, 403, 403, 422],
        ),
        case(
            get.clone(),
            "/api/v1/evidence/releases?scope=national",
            json!(null),
            [200, 403, 403, 403, 200],
        ),
        // Withdrawing is for administrators (nothing is published here, so theirs is a 404).
        case(
            post.clone(),
            "/api/v1/evidence/releases/national-2025/withdraw",
            json!({"reason": "Imported twice."}),
            [404, 403, 403, 403, 403],
        ),
        // The caller's own account.
        case(
            post.clone(),
            "/api/v1/me/password",
            json!({"current_password": "not the password", "new_password": "a long new password"}),
            [422; 5],
        ),
        case(post.clone(), "/api/v1/me/calendar", json!(null), all_ok),
        case(Method::DELETE, "/api/v1/me/calendar", json!(null), all_ok),
        case(
            post.clone(),
            "/api/v1/auth/token",
            json!({"username": "nobody-{role}", "password": "wrong password"}),
            [401; 5],
        ),
        // Last: signing out ends each role's session.
        case(post.clone(), "/api/v1/auth/logout", json!(null), [204; 5]),
    ]
}

/// Whether a concrete path (query string aside) fits a route pattern like `/cases/{id}`.
fn fits(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (p, q): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len()
        && p.iter()
            .zip(&q)
            .all(|(p, q)| p == q || (p.starts_with('{') && p.ends_with('}')))
}

#[actix_rt::test]
async fn every_registered_api_route_has_rows_in_the_matrix() {
    let app = TestApp::new().await;
    let app_routes = caseload::api::route_table();
    assert!(app_routes.len() > 30, "the route table lists the API");
    let made = Made {
        deadline: 1,
        record: 1,
        event: 1,
        document: 1,
        contact: 1,
        survey: 1,
    };
    let world_free: Vec<(Method, String)> = routes(&World::build(&app), &made)
        .into_iter()
        .map(|c| (c.method, c.path))
        .collect();
    let missing: Vec<String> = app_routes
        .iter()
        .filter(|(method, pattern)| {
            !world_free
                .iter()
                .any(|(m, path)| m == method && fits(pattern, path))
        })
        .map(|(method, pattern)| format!("{method} {pattern}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without rows in the access matrix: {missing:?}"
    );
}

#[actix_rt::test]
async fn every_api_route_answers_each_role_as_the_rules_say() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let mut tokens = Vec::new();
    for role in ROLES {
        tokens.push(app.token(role).await);
    }
    let deadline = app
        .call(
            TestRequest::post()
                .uri(&format!("/api/v1/cases/{}/deadlines", world.wigan_case))
                .insert_header(("authorization", format!("Bearer {}", tokens[0])))
                .set_json(json!({"kind": "other", "due_on": "2027-07-01"})),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("a deadline id");
    let record = app
        .call(
            TestRequest::post()
                .uri(&format!("/api/v1/members/{}/workload", world.wigan_member))
                .insert_header(("authorization", format!("Bearer {}", tokens[0])))
                .set_json(
                    json!({"recorded_on": "2026-05-01", "open_cases": 9, "source": "supervision"}),
                ),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("a workload record id");
    let event = app
        .call(
            TestRequest::post()
                .uri(&format!("/api/v1/cases/{}/events", world.wigan_case))
                .insert_header(("authorization", format!("Bearer {}", tokens[2])))
                .set_json(
                    json!({"occurred_on": "2026-05-02", "kind": "note", "text": "First words"}),
                ),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("a timeline entry id");
    let document = app
        .upload(
            &tokens[0],
            world.wigan_case.0,
            &[("kind", "letter")],
            &[("invitation.txt", b"You are invited to a hearing")],
        )
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .expect("a document id");
    let contact = app
        .call(
            TestRequest::post()
                .uri(&format!("/api/v1/cases/{}/contacts", world.wigan_case))
                .insert_header(("authorization", format!("Bearer {}", tokens[2])))
                .set_json(json!({"role": "hr_adviser", "name": "Dana Whitfield"})),
        )
        .await
        .json()["id"]
        .as_i64()
        .expect("a contact id");
    let survey = crate::fixtures::survey(&mut app.state.db.get().unwrap(), world.admin);
    let made = Made {
        deadline,
        record,
        event,
        document,
        contact,
        survey,
    };
    let mut failures = Vec::new();
    for route in routes(&world, &made) {
        let body = (!route.body.is_null()).then_some(&route.body);
        // Without a token: 401, whatever the route, but for signing in.
        let anonymous = send(&app, &route, body, None, 0).await;
        let public = PUBLIC.contains(&route.path.as_str());
        if anonymous != 401 && !public {
            failures.push(format!(
                "{} {} without a token: {anonymous}",
                route.method, route.path
            ));
        }
        for (i, token) in tokens.iter().enumerate() {
            let status = send(&app, &route, body, Some(token), i).await;
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

/// Sends a row's request as role number `role`: a JSON string body is sent as a CSV file.
async fn send(
    app: &TestApp,
    route: &Case,
    body: Option<&Value>,
    token: Option<&str>,
    role: usize,
) -> u16 {
    let mut request = TestRequest::default()
        .method(route.method.clone())
        .uri(&route.path);
    match body {
        Some(Value::Object(parts)) if parts.contains_key("multipart") => {
            let fields: Vec<(&str, &str)> = parts["multipart"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
                .collect();
            let (content_type, bytes) = crate::common::multipart(
                &fields,
                &[("matrix.txt", b"A letter for the access matrix")],
            );
            request = request
                .insert_header(("content-type", content_type))
                .set_payload(bytes);
        }
        Some(Value::String(csv)) => {
            request = request
                .insert_header(("content-type", "text/csv"))
                .set_payload(csv.clone());
        }
        Some(body) => {
            let text = body.to_string().replace("{role}", &role.to_string());
            request = request
                .insert_header(("content-type", "application/json"))
                .set_payload(text);
        }
        None => {}
    }
    if let Some(token) = token {
        request = request.insert_header(("authorization", format!("Bearer {token}")));
    }
    app.call(request).await.status.as_u16()
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
    use crate::common::{browser_sign_in, page};
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
        ("/surveys".into(), [200; 5]),
        ("/surveys/new".into(), [200, 200, 200, 200, 403]),
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

/// Driven by the route table: every API read of casework (a member, a case, their records, a
/// list or an export of them) leaves an audit entry by the caller that names what it showed.
#[actix_rt::test]
async fn every_casework_read_in_the_route_table_names_what_it_showed() {
    use caseload::models::{AuditEntry, AuditFilter};
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let post = |path: String, body: Value| {
        let (app, officer) = (&app, &officer);
        async move {
            app.send_json(Method::POST, &path, Some(officer), &body)
                .await
                .json()["id"]
                .as_i64()
                .expect("an id")
        }
    };
    let made = Made {
        deadline: post(
            format!("/api/v1/cases/{}/deadlines", world.wigan_case),
            json!({"kind": "other", "due_on": "2027-07-01"}),
        )
        .await,
        record: post(
            format!("/api/v1/members/{}/workload", world.wigan_member),
            json!({"recorded_on": "2026-05-01", "open_cases": 9, "source": "supervision"}),
        )
        .await,
        event: post(
            format!("/api/v1/cases/{}/events", world.wigan_case),
            json!({"occurred_on": "2026-05-02", "kind": "note", "text": "First words"}),
        )
        .await,
        document: app
            .upload(
                &officer,
                world.wigan_case.0,
                &[("kind", "letter")],
                &[("letter.txt", b"Dear colleague")],
            )
            .await
            .json()["items"][0]["id"]
            .as_i64()
            .expect("a document id"),
        contact: post(
            format!("/api/v1/cases/{}/contacts", world.wigan_case),
            json!({"role": "hr_adviser", "name": "Dana Whitfield"}),
        )
        .await,
        survey: crate::fixtures::survey(&mut app.state.db.get().unwrap(), world.admin),
    };
    // Something due soon, so the upcoming list shows a record.
    let soon = (chrono::Utc::now().date_naive() + chrono::Days::new(3)).to_string();
    post(
        format!("/api/v1/cases/{}/deadlines", world.wigan_case),
        json!({"kind": "hearing", "due_on": soon}),
    )
    .await;
    // A supervision session, so the member's supervision shows a record.
    post(
        format!("/api/v1/members/{}/supervision", world.wigan_member),
        json!({"held_on": "2026-06-03", "kind": "both", "source": "supervision_notes"}),
    )
    .await;
    // Someone on another case of the employer, so the known contacts show a record.
    let other_case = post(
        "/api/v1/cases".into(),
        json!({"member_id": world.wigan_member, "type": "grievance", "opened_on": "2026-06-01"}),
    )
    .await;
    post(
        format!("/api/v1/cases/{other_case}/contacts"),
        json!({"role": "investigating_officer", "name": "Sam Porter"}),
    )
    .await;
    // Administrators see every route's records.
    let admin = app.token("admin").await;
    let casework = [
        "/api/v1/members",
        "/api/v1/cases",
        "/api/v1/deadlines",
        "/api/v1/workload",
    ];
    let reads: Vec<Case> = routes(&world, &made)
        .into_iter()
        .filter(|c| c.method == Method::GET && casework.iter().any(|p| c.path.starts_with(p)))
        .filter(|c| c.expect[0] == 200)
        .collect();
    let patterns: Vec<String> = caseload::api::route_table()
        .into_iter()
        .filter(|(m, p)| *m == Method::GET && casework.iter().any(|c| p.starts_with(c)))
        .map(|(_, p)| p)
        .collect();
    assert!(reads.len() >= patterns.len(), "{patterns:?}");
    let mut silent = Vec::new();
    for route in reads {
        let before = {
            app.flush_audit();
            let mut conn = app.state.db.get().unwrap();
            AuditEntry::search(&mut conn, &AuditFilter::default(), Default::default())
                .unwrap()
                .1
        };
        let answer = app.get_as(&route.path, &admin).await;
        assert_eq!(answer.status, 200, "{}: {}", route.path, answer.text());
        app.flush_audit();
        let mut conn = app.state.db.get().unwrap();
        let (entries, total) =
            AuditEntry::search(&mut conn, &AuditFilter::default(), Default::default()).unwrap();
        let new = &entries[..(total - before) as usize];
        let named = new.iter().any(|e| {
            e.user_id == Some(world.admin)
                && !AuditEntry::subjects(&mut conn, e.id).unwrap().is_empty()
        });
        if !named {
            silent.push(route.path);
        }
    }
    assert!(silent.is_empty(), "reads that named nothing: {silent:?}");
}

//! The review's lower-severity findings, each as its class: generated input over every write
//! route, bounded throttling, the password change, caching, consent on update, one JSON value
//! per body, errors in the client's terms, the calendar secret, file permissions, token
//! purposes and CSV line numbers.

use actix_web::cookie::Cookie;
use actix_web::http::Method;
use actix_web::test::TestRequest;
use caseload::auth::throttle::LoginThrottle;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::common::{browser_sign_in, csrf_of, page, post_form};
use crate::fixtures::{PASSWORD, World};

fn samples<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>, n: usize) -> Vec<T> {
    let mut runner = TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

/// Every field name any write route reads, so generated bodies hit real fields.
const FIELDS: &[&str] = &[
    "name",
    "region_id",
    "code",
    "safe_caseload_override",
    "username",
    "password",
    "role",
    "branch_id",
    "active",
    "display_name",
    "email",
    "membership_number",
    "first_name",
    "last_name",
    "phone",
    "employer_id",
    "job_role",
    "team",
    "fte",
    "start_date",
    "equality_consent",
    "age_band",
    "ethnic_group",
    "type",
    "opened_on",
    "stage",
    "status",
    "outcome",
    "closed_on",
    "workload_factor",
    "factors",
    "assigned_to",
    "summary",
    "referred_to_region",
    "kind",
    "due_on",
    "from",
    "body",
    "occurred_on",
    "done",
    "recorded_on",
    "open_cases",
    "hours_worked",
    "contracted_hours",
    "source",
    "note",
    "current_password",
    "new_password",
    "held_on",
    "minutes",
    "called_off_by",
    "supervision_regular_days_override",
];

fn bodies() -> impl Strategy<Value = Value> {
    let values = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-5i64..50).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        Just(json!("2026-02-30")),
        Just(json!("disciplinary")),
        Just(json!("")),
        Just(json!([1, "x"])),
        Just(json!({"a": 1})),
    ];
    prop_oneof![
        Just(json!({})),
        Just(json!([])),
        Just(Value::Null),
        proptest::collection::btree_map(proptest::sample::select(FIELDS.to_vec()), values, 0..6)
            .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
    ]
}

/// Nothing a client sends gives a 500, on any write route, administrators' included; and no
/// error names a Rust type.
#[actix_rt::test]
async fn generated_bodies_on_every_write_route_never_give_a_500() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let routes: Vec<(Method, String)> = vec![
        (Method::POST, "/api/v1/regions".into()),
        (
            Method::PATCH,
            format!("/api/v1/regions/{}", world.north_west),
        ),
        (Method::POST, "/api/v1/branches".into()),
        (Method::PATCH, format!("/api/v1/branches/{}", world.wigan)),
        (Method::POST, "/api/v1/employers".into()),
        (
            Method::PATCH,
            format!("/api/v1/employers/{}", world.council),
        ),
        (Method::POST, "/api/v1/users".into()),
        (
            Method::PATCH,
            format!("/api/v1/users/{}", world.wigan_officer),
        ),
        (Method::POST, "/api/v1/members".into()),
        (
            Method::PATCH,
            format!("/api/v1/members/{}", world.wigan_member),
        ),
        (
            Method::POST,
            format!("/api/v1/members/{}/workload", world.wigan_member),
        ),
        (Method::POST, "/api/v1/cases".into()),
        (Method::PATCH, format!("/api/v1/cases/{}", world.wigan_case)),
        (
            Method::POST,
            format!("/api/v1/cases/{}/events", world.wigan_case),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{}/deadlines", world.wigan_case),
        ),
        (Method::PATCH, "/api/v1/deadlines/1".into()),
        (Method::POST, "/api/v1/auth/token".into()),
    ];
    let mut failures = Vec::new();
    for (method, path) in &routes {
        for body in samples(bodies(), 25) {
            let response = app
                .send_json(method.clone(), path, Some(&admin), &body)
                .await;
            let status = response.status.as_u16();
            if status >= 500 {
                failures.push(format!(
                    "{method} {path} {body}: {status} {}",
                    response.text()
                ));
            }
            if status >= 400 {
                let message = response.json()["error"].to_string();
                if message.contains("struct ")
                    || message.contains(" elements")
                    || message.contains("i64")
                {
                    failures.push(format!(
                        "{method} {path} {body}: names a Rust type: {message}"
                    ));
                }
            }
        }
    }
    // The review's example: an update with nothing in it.
    for path in [
        format!("/api/v1/regions/{}", world.north_west),
        format!("/api/v1/branches/{}", world.wigan),
        format!("/api/v1/employers/{}", world.council),
    ] {
        let empty = app
            .send_json(Method::PATCH, &path, Some(&admin), &json!({}))
            .await;
        assert_eq!(empty.status, 422, "{path}: {}", empty.text());
    }
    // The admin forms, blank and generated.
    let session = browser_sign_in(&app, "admin").await;
    let csrf = csrf_of(&page(&app, "/admin/regions", &session).await.text());
    for path in [
        format!("/admin/regions/{}", world.north_west),
        format!("/admin/branches/{}", world.wigan),
        format!("/admin/employers/{}", world.council),
        "/admin/regions".into(),
        "/admin/branches".into(),
        "/admin/employers".into(),
        format!("/admin/users/{}", world.wigan_officer),
        "/admin/users".into(),
        "/admin/settings".into(),
    ] {
        let fields = samples(
            proptest::collection::vec(
                (proptest::sample::select(FIELDS.to_vec()), any::<String>()),
                0..5,
            ),
            10,
        );
        for mut form in fields.into_iter().chain([vec![("name", String::new())]]) {
            form.push(("csrf_token", csrf.clone()));
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = post_form(&app, &path, &session, None, &pairs).await;
            if response.status.as_u16() >= 500 {
                failures.push(format!("POST {path} {form:?}: {}", response.status));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Throttle keys are small whatever username is sent, and failures older than the window are
/// forgotten, so what is kept stays bounded by the attempts of one window.
#[actix_rt::test]
async fn the_sign_in_throttle_keeps_small_keys_and_forgets_old_failures() {
    let huge = "x".repeat(256 * 1024);
    for key in LoginThrottle::keys(&huge, Some(&huge)) {
        assert!(key.len() <= 40, "{} bytes", key.len());
    }
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    let throttle = LoginThrottle::new(5, std::time::Duration::from_secs(1));
    for i in 0..20 {
        let keys = LoginThrottle::keys(&format!("{huge}{i}"), Some("203.0.113.9"));
        let _ = throttle.begin(&mut conn, &keys);
    }
    // The address fills at five; the refused attempts are not counted.
    assert_eq!(LoginThrottle::tracked(&mut conn).unwrap(), 10);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let keys = LoginThrottle::keys("someone", Some("203.0.113.10"));
    throttle.begin(&mut conn, &keys).unwrap();
    assert_eq!(
        LoginThrottle::tracked(&mut conn).unwrap(),
        2,
        "only the new attempt's two keys are kept"
    );
}

/// Changing one's own password is throttled like signing in, and the new one must differ.
#[actix_rt::test]
async fn a_password_change_is_throttled_and_must_change_the_password() {
    let app = TestApp::new().await;
    World::build(&app);
    let officer = app.token("wgn.officer").await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let same = app
        .send_json(
            Method::POST,
            "/api/v1/me/password",
            Some(&officer),
            &change(PASSWORD, PASSWORD),
        )
        .await;
    assert_eq!(same.status, 422, "{}", same.text());
    assert!(same.json()["error"]["fields"]["new_password"].is_string());
    let mut statuses = Vec::new();
    for i in 0..7 {
        let response = app
            .send_json(
                Method::POST,
                "/api/v1/me/password",
                Some(&officer),
                &change(&format!("wrong guess number {i}"), "a brand new passphrase"),
            )
            .await;
        statuses.push(response.status.as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    let last = app
        .send_json(
            Method::POST,
            "/api/v1/me/password",
            Some(&officer),
            &change(PASSWORD, "a brand new passphrase"),
        )
        .await;
    assert_eq!(
        last.status, 429,
        "even the right password waits out the throttle"
    );
}

/// Nothing personal is cached by a browser or a proxy; static assets may be.
#[actix_rt::test]
async fn personal_answers_are_never_cached() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let session = browser_sign_in(&app, "admin").await;
    for path in [
        format!("/api/v1/members/{}", world.wigan_member),
        "/api/v1/members/export".into(),
        "/api/v1/cases".into(),
    ] {
        let response = app.get_as(&path, &admin).await;
        assert_eq!(response.header("cache-control"), Some("no-store"), "{path}");
    }
    for path in [
        format!("/members/{}", world.wigan_member),
        format!("/cases/{}", world.wigan_case),
        "/members.csv".into(),
    ] {
        let response = page(&app, &path, &session).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("cache-control"), Some("no-store"), "{path}");
    }
    // The stylesheet every page links to holds nothing personal: it may be cached.
    let css = app.get("/static/css/caseload.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("cache-control"), Some("public, max-age=3600"));
}

/// Equality data without consent is refused on update as on create, not silently dropped.
#[actix_rt::test]
async fn equality_data_without_consent_is_refused_on_update() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let path = format!("/api/v1/members/{}", world.wigan_member);
    for body in [
        json!({"ethnic_group": "white"}),
        json!({"age_band": "25_34"}),
        json!({"equality_consent": false, "age_band": "25_34"}),
    ] {
        let response = app
            .send_json(Method::PATCH, &path, Some(&admin), &body)
            .await;
        assert_eq!(response.status, 422, "{body}: {}", response.text());
        assert!(response.json()["error"]["fields"]["equality_consent"].is_string());
    }
    let member = app.get_as(&path, &admin).await.json();
    assert!(member["ethnic_group"].is_null() && member["age_band"].is_null());
    let consent = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&admin),
            &json!({"equality_consent": true, "ethnic_group": "white"}),
        )
        .await;
    assert_eq!(consent.status, 200, "{}", consent.text());
    let withdrawn = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&admin),
            &json!({"equality_consent": false}),
        )
        .await;
    assert_eq!(withdrawn.status, 200);
    assert!(
        withdrawn.json()["ethnic_group"].is_null(),
        "withdrawing consent removes the data"
    );
}

/// A body is one JSON value: anything after it is refused, naming the body.
#[actix_rt::test]
async fn a_body_with_data_after_its_json_value_is_refused() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    for trailing in [
        r#"{"name":"Wales"}{"name":"Scotland"}"#,
        r#"{"name":"Wales"} x"#,
        r#"{"name":"Wales"}]"#,
        r#"{"name":"Wales"},{}"#,
    ] {
        let response = app
            .call(
                TestRequest::post()
                    .uri("/api/v1/regions")
                    .insert_header(("authorization", format!("Bearer {admin}")))
                    .insert_header(("content-type", "application/json"))
                    .set_payload(trailing),
            )
            .await;
        assert_eq!(response.status, 400, "{trailing}");
        assert!(response.json()["error"]["fields"]["body"].is_string());
    }
    let regions = app.get_as("/api/v1/regions", &admin).await.json();
    assert_eq!(regions["total"], 2, "nothing was written");
    let padded = app
        .call(
            TestRequest::patch()
                .uri(&format!("/api/v1/regions/{}", world.north_west))
                .insert_header(("authorization", format!("Bearer {admin}")))
                .insert_header(("content-type", "application/json"))
                .set_payload("{\"name\":\"North West\"}\n  "),
        )
        .await;
    assert_eq!(padded.status, 200, "whitespace after the value is fine");
}

/// Refusing an assignee says the same whoever the id belongs to: it does not tell which users
/// exist, are active or work in which branch.
#[actix_rt::test]
async fn assignee_refusals_say_nothing_about_other_users() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let leeds_officer: i64 = app
        .get_as("/api/v1/users?per_page=200", &admin)
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "lds.officer")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let officer = app.token("wgn.officer").await;
    let mut messages = Vec::new();
    for assignee in [999_999, leeds_officer] {
        let response = app
            .send_json(
                Method::PATCH,
                &format!("/api/v1/cases/{}", world.wigan_case),
                Some(&officer),
                &json!({"assigned_to": assignee}),
            )
            .await;
        assert_eq!(response.status, 422, "{}", response.text());
        messages.push(response.json()["error"]["fields"]["assigned_to"].clone());
    }
    assert_eq!(messages[0], messages[1]);
}

/// The calendar feed's secret address is a capability of its own: a calendar program keeps it
/// through its owner's sign-outs and password changes; its owner revokes it, and deactivating
/// the owner does for good. It is never written to the log.
#[actix_rt::test]
async fn the_calendar_address_outlives_sessions_not_its_owner_and_stays_out_of_the_log() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let issue = |token: String| {
        let app = &app;
        async move {
            app.send_json(
                Method::POST,
                "/api/v1/me/calendar",
                Some(&token),
                &json!({}),
            )
            .await
            .json()["calendar_url"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let url = issue(officer.clone()).await;
    assert_eq!(app.get(&url).await.status, 200);
    let head = app
        .call(TestRequest::default().method(Method::HEAD).uri(&url))
        .await;
    assert_eq!(head.status, 200, "HEAD answers as GET does");
    let out = app
        .send_json(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&officer),
            &json!({}),
        )
        .await;
    assert!(out.status.is_success(), "{}", out.status);
    assert_eq!(
        app.get(&url).await.status,
        200,
        "signing out keeps the feed"
    );
    let officer = app.token("wgn.officer").await;
    let changed = app
        .send_json(
            Method::POST,
            "/api/v1/me/password",
            Some(&officer),
            &json!({"current_password": PASSWORD, "new_password": "another long passphrase"}),
        )
        .await;
    assert!(changed.status.is_success(), "{}", changed.text());
    assert_eq!(
        app.get(&url).await.status,
        200,
        "a new password keeps the feed"
    );
    // Its owner revokes it.
    let officer = app
        .token_with("wgn.officer", "another long passphrase")
        .await;
    let revoked = app
        .send_json(
            Method::DELETE,
            "/api/v1/me/calendar",
            Some(&officer),
            &json!(null),
        )
        .await;
    assert!(revoked.status.is_success(), "{}", revoked.text());
    assert_eq!(app.get(&url).await.status, 404, "revoked by its owner");
    // Deactivating the owner ends it for good, reactivating does not bring it back.
    let url = issue(officer.clone()).await;
    assert_eq!(app.get(&url).await.status, 200);
    let admin = app.token("admin").await;
    let user = format!("/api/v1/users/{}", world.wigan_officer.0);
    for active in [false, true] {
        let answer = app
            .send_json(
                Method::PATCH,
                &user,
                Some(&admin),
                &json!({"active": active}),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        assert_eq!(app.get(&url).await.status, 404, "active={active}");
    }
    // The request log and the metrics name the route pattern, never the path: however the
    // secret is spelled, it is not recorded.
    for path in [
        "/calendar/0123abcd.ics",
        "/%63alendar/0123abcd.ics",
        "/c%61lendar/0123abcd.ics",
    ] {
        app.get(path).await;
    }
    let counted = app.state.metrics.render(&[]);
    assert!(!counted.contains("0123abcd"), "{counted}");
    assert!(
        counted.contains("route=\"/calendar/{token}.ics\""),
        "{counted}"
    );
}

/// A new SQLite database, its write-ahead log and a backup are readable by their owner only.
#[cfg(unix)]
#[actix_rt::test]
async fn database_files_and_backups_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("private.db");
    let url = caseload::db::DatabaseUrl::parse(&path.display().to_string()).unwrap();
    let db = caseload::db::Database::connect(url, 2, std::time::Duration::from_secs(5)).unwrap();
    db.migrate().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    let wal = dir.path().join("private.db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    let backup = dir.path().join("backup.db");
    let mut conn = db.get().unwrap();
    caseload::casework::protection::backup(&mut conn, &backup.display().to_string()).unwrap();
    assert_eq!(mode(&backup), 0o600);
}

/// An API token is not a page session and a page session is not an API token.
#[actix_rt::test]
async fn api_tokens_and_page_sessions_are_not_interchangeable() {
    let app = TestApp::new().await;
    World::build(&app);
    let api = app.token("admin").await;
    let session = browser_sign_in(&app, "admin").await;
    let as_cookie = app
        .call(
            TestRequest::get()
                .uri("/members")
                .cookie(Cookie::new("caseload_session", api.clone())),
        )
        .await;
    assert_eq!(
        as_cookie.status, 303,
        "an API token as the cookie is no session"
    );
    assert_eq!(app.get_as("/api/v1/me", &session).await.status, 401);
    assert_eq!(page(&app, "/members", &session).await.status, 200);
    assert_eq!(app.get_as("/api/v1/me", &api).await.status, 200);
}

/// Import problems name the line a spreadsheet shows, whatever the line ends, with quoted
/// fields that hold line breaks, and after a byte-order mark.
#[actix_rt::test]
async fn import_problems_name_the_spreadsheet_line_for_any_line_ending() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let header =
        "membership_number,first_name,last_name,employer,job_role,fte,start_date,branch_code";
    let good = |i: usize| format!("N{i:04},Ann,Lee,Wigan Council,Social worker,1,,WGN");
    let bad = "N9999,Ann,Lee,Wigan Council,Social worker,1,31/02/2026,WGN";
    for (ending, bom, quoted) in [
        ("\n", false, false),
        ("\r\n", false, false),
        ("\r\n", true, false),
        ("\n", true, true),
        ("\r\n", false, true),
    ] {
        let mut lines = vec![header.to_owned()];
        lines.extend((1..=9).map(good));
        if quoted {
            // Line 5 holds a name with a line break inside quotes: it spans two lines (and is
            // refused, on line 5, since a name is one line).
            lines[4] = format!("N0004,Ann,\"Lee{ending}Smith\",Wigan Council,Social worker,1,,WGN");
        }
        lines.push(bad.to_owned());
        let mut body = lines.join(ending);
        body.push_str(ending);
        if bom {
            body.insert(0, '\u{FEFF}');
        }
        let expected = 11 + usize::from(quoted);
        let response = app
            .call(
                TestRequest::post()
                    .uri("/api/v1/members/import?dry_run=true")
                    .insert_header(("authorization", format!("Bearer {admin}")))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload(body),
            )
            .await;
        assert_eq!(response.status, 422, "{}", response.text());
        let errors = response.json()["report"]["errors"].clone();
        let line_of = |column: &str| {
            errors
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["column"] == column)
                .map(|e| e["line"].as_u64().unwrap())
        };
        let case = format!("{ending:?} bom={bom} quoted={quoted}: {errors}");
        assert_eq!(line_of("start_date"), Some(expected as u64), "{case}");
        if quoted {
            assert_eq!(line_of("last_name"), Some(5), "{case}");
        }
    }
}

/// An administrator stops someone's calendar address from their user page; the entry names
/// the administrator.
#[actix_rt::test]
async fn an_administrator_stops_a_users_calendar() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let url = app
        .send_json(
            Method::POST,
            "/api/v1/me/calendar",
            Some(&officer),
            &json!({}),
        )
        .await
        .json()["calendar_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get(&url).await.status, 200);
    let session = browser_sign_in(&app, "admin").await;
    let path = format!("/admin/users/{}", world.wigan_officer.0);
    let html = page(&app, &path, &session).await.text();
    assert!(html.contains("Stop their calendar"), "{html}");
    let stopped = post_form(
        &app,
        &format!("{path}/calendar/stop"),
        &session,
        None,
        &[("csrf_token", csrf_of(&html).as_str())],
    )
    .await;
    assert_eq!(stopped.status, 303, "{}", stopped.text());
    assert_eq!(app.get(&url).await.status, 404);
    assert!(
        page(&app, &path, &session)
            .await
            .text()
            .contains("has no calendar address")
    );
    let entry = app
        .audit_entries()
        .into_iter()
        .find(|e| e.action == "calendar_revoked")
        .expect("an audit entry");
    assert_ne!(
        entry.user_id,
        Some(world.wigan_officer),
        "recorded as the administrator's act"
    );
    assert_eq!(entry.entity_id, Some(world.wigan_officer.0));
}

//! What an outside security review found, each as the class of attack it belongs to: the
//! review's own probes are run again with variants, so each test tries several.

use actix_web::cookie::Cookie;
use actix_web::http::Method;
use actix_web::test::TestRequest;
use caseload::db::schema::employers;
use diesel::prelude::*;

use crate::common::TestApp;
use crate::common::{browser_sign_in, csrf_of, page};
use crate::fixtures::{PASSWORD, World};

const HEADER: &str = "membership_number,first_name,last_name,email,phone,employer,job_role,team,fte,start_date,branch_code";

fn with_cookie(request: TestRequest, session: &str) -> TestRequest {
    request.cookie(Cookie::new("caseload_session", session.to_owned()))
}

async fn member_total(app: &TestApp, token: &str) -> i64 {
    app.get_as("/api/v1/members?per_page=1", token).await.json()["total"]
        .as_i64()
        .unwrap()
}

/// The router matches the percent-decoded path, so every spelling of an API path is the API:
/// it takes a bearer token and never the page cookie (which would let a third site's form
/// drive it without a CSRF token).
#[actix_rt::test]
async fn the_api_never_takes_the_page_cookie_however_its_path_is_spelled() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "admin").await;
    let admin = app.token("admin").await;
    let before = member_total(&app, &admin).await;
    let csv = format!("{HEADER}\nX1,Eve,Ill,,,Wigan Council,Social worker,,1,,WGN\n");
    for prefix in ["/%61pi", "/%61%70%69", "/ap%69", "/api"] {
        let import = app
            .call(with_cookie(
                TestRequest::post()
                    .uri(&format!("{prefix}/v1/members/import"))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload(csv.clone()),
                &session,
            ))
            .await;
        assert_eq!(import.status, 401, "{prefix}: {}", import.text());
        assert!(import.json()["error"]["code"].is_string(), "a JSON error");
        let patch = app
            .call(with_cookie(
                TestRequest::patch()
                    .uri(&format!("{prefix}/v1/members/{}", world.wigan_member))
                    .set_json(serde_json::json!({"first_name": "Mallory"})),
                &session,
            ))
            .await;
        assert_eq!(patch.status, 401, "{prefix}");
        for path in ["/v1/members/export", "/v1/me", "/v1/%6Dembers/export"] {
            let read = app
                .call(with_cookie(
                    TestRequest::get().uri(&format!("{prefix}{path}")),
                    &session,
                ))
                .await;
            assert_eq!(read.status, 401, "{prefix}{path}");
        }
        // The same spelling with a bearer token is the API as usual.
        assert_eq!(
            app.get_as(&format!("{prefix}/v1/me"), &admin).await.status,
            200,
            "{prefix}"
        );
    }
    assert_eq!(
        member_total(&app, &admin).await,
        before,
        "nothing was created"
    );
    let member = app
        .get_as(&format!("/api/v1/members/{}", world.wigan_member), &admin)
        .await
        .json();
    assert_eq!(member["first_name"], "Ada", "nothing was changed");
}

/// A page write is checked for its Origin however its path is spelled, and "this site" is
/// never taken from headers a client sets (`X-Forwarded-Host`, `Forwarded`).
#[actix_rt::test]
async fn page_writes_from_another_origin_are_refused_whatever_the_headers_say() {
    let app = TestApp::new().await;
    World::build(&app);
    let session = browser_sign_in(&app, "admin").await;
    let csrf = csrf_of(&page(&app, "/admin/regions", &session).await.text());
    for path in ["/admin/regions", "/%61dmin/regions", "/admin/%72egions"] {
        for (header, value) in [
            ("x-forwarded-host", "evil.example"),
            ("forwarded", "host=evil.example;proto=https"),
            ("x-forwarded-proto", "https"),
        ] {
            let response = app
                .call(with_cookie(
                    TestRequest::post()
                        .uri(path)
                        .insert_header(("origin", "https://evil.example"))
                        .insert_header((header, value))
                        .set_form([("name", "Wales"), ("csrf_token", csrf.as_str())]),
                    &session,
                ))
                .await;
            assert_eq!(response.status, 403, "{path} with {header}");
        }
    }
    assert!(
        !page(&app, "/admin/regions", &session)
            .await
            .text()
            .contains("Wales")
    );
}

/// An import reads only a body sent as CSV: a form, multipart or plain-text body (all a third
/// site's form can send) is refused before anything is read, naming `content-type`.
#[actix_rt::test]
async fn imports_refuse_a_body_that_is_not_sent_as_csv() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let before = member_total(&app, &admin).await;
    let csv = format!("{HEADER}\nX1,Eve,Ill,,,Wigan Council,Social worker,,1,,WGN\n");
    for path in ["/api/v1/members/import", "/api/v1/workload/import"] {
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/json"),
            Some("text/csvx"),
        ] {
            let mut request = TestRequest::post()
                .uri(path)
                .insert_header(("authorization", format!("Bearer {admin}")))
                .set_payload(csv.clone());
            if let Some(t) = content_type {
                request = request.insert_header(("content-type", t));
            }
            let response = app.call(request).await;
            assert_eq!(response.status, 400, "{path} as {content_type:?}");
            assert!(response.json()["error"]["fields"]["content-type"].is_string());
        }
    }
    assert_eq!(member_total(&app, &admin).await, before);
    let accepted = app
        .call(
            TestRequest::post()
                .uri("/api/v1/members/import")
                .insert_header(("authorization", format!("Bearer {admin}")))
                .insert_header(("content-type", "text/csv; charset=utf-8"))
                .set_payload(csv),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
}

/// After sign-in, `next` may only be a path on this site. Browsers drop tabs and newlines
/// from URLs and read `\` as `/`, so anything but a plain local path goes home.
#[actix_rt::test]
async fn sign_in_sends_people_only_to_paths_on_this_site() {
    let app = TestApp::new().await;
    World::build(&app);
    for next in [
        "/\t/evil.example",
        "/%09/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: x=y",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        " /members",
        "/members\u{202E}",
        "/ /evil.example",
        "evil.example",
    ] {
        let response = app
            .call(TestRequest::post().uri("/login").set_form([
                ("username", "admin"),
                ("password", PASSWORD),
                ("next", next),
            ]))
            .await;
        assert_eq!(response.status, 303, "{next:?}: {}", response.text());
        let location = response.header("location").unwrap();
        let expected = if next == "/%09/evil.example" {
            next
        } else {
            "/"
        };
        assert_eq!(location, expected, "{next:?}");
        assert!(!location.starts_with("//") && !location.contains('\\'));
        let form = app
            .get(&format!(
                "/login?{}",
                serde_urlencoded::to_string([("next", next)]).unwrap()
            ))
            .await;
        assert!(!form.text().contains("evil.example") || next == "/%09/evil.example");
    }
    let response = app
        .call(TestRequest::post().uri("/login").set_form([
            ("username", "admin"),
            ("password", PASSWORD),
            ("next", "/cases?status=open"),
        ]))
        .await;
    assert_eq!(response.header("location"), Some("/cases?status=open"));
}

/// Employers are reference data for every branch: an import creates them only for an
/// administrator, and their names go through the one name check like every other name.
#[actix_rt::test]
async fn only_administrators_create_employers_and_every_name_is_checked() {
    let app = TestApp::new().await;
    World::build(&app);
    let officer = app.token("wgn.officer").await;
    let admin = app.token("admin").await;
    let employer_count = |app: &TestApp| {
        let mut conn = app.state.db.get().unwrap();
        employers::table
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
    };
    let before = employer_count(&app);
    let csv = format!("{HEADER}\nX1,Eve,Ill,,,New Council,Social worker,,1,,WGN\n");
    let send = |token: String, query: &'static str, body: String| {
        let app = &app;
        async move {
            app.call(
                TestRequest::post()
                    .uri(&format!("/api/v1/members/import{query}"))
                    .insert_header(("authorization", format!("Bearer {token}")))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload(body),
            )
            .await
        }
    };
    for query in [
        "?create_employers=true",
        "?create_employers=true&dry_run=true",
    ] {
        let refused = send(officer.clone(), query, csv.clone()).await;
        assert_eq!(refused.status, 403, "{query}: {}", refused.text());
    }
    assert_eq!(employer_count(&app), before);
    for bad in [
        "Bad\u{7}Council",
        "Evil\u{202E}lionuoC",
        "Zero\u{200B}Width",
        "\u{2028}",
    ] {
        let body = format!("{HEADER}\nX1,Eve,Ill,,,\"{bad}\",Social worker,,1,,WGN\n");
        let refused = send(admin.clone(), "?create_employers=true", body).await;
        assert_eq!(refused.status, 422, "{bad:?}: {}", refused.text());
        let api = app
            .send_json(
                Method::POST,
                "/api/v1/employers",
                Some(&admin),
                &serde_json::json!({"name": bad}),
            )
            .await;
        assert_eq!(api.status, 422, "{bad:?}");
        let member = app
            .send_json(
                Method::POST,
                "/api/v1/members",
                Some(&admin),
                &serde_json::json!({
                    "branch_id": 1, "employer_id": 1, "membership_number": "Q1",
                    "first_name": bad, "last_name": "Ill", "job_role": "Social worker", "fte": 1.0
                }),
            )
            .await;
        assert_eq!(member.status, 422, "{bad:?}: {}", member.text());
        assert!(member.json()["error"]["fields"]["first_name"].is_string());
    }
    assert_eq!(employer_count(&app), before);
    // The import page offers the choice to administrators only.
    let officer_page = page(&app, "/import", &browser_sign_in(&app, "wgn.officer").await).await;
    assert!(!officer_page.text().contains("create_employers"));
    let admin_page = page(&app, "/import", &browser_sign_in(&app, "admin").await).await;
    assert!(admin_page.text().contains("create_employers"));
    let made = send(admin.clone(), "?create_employers=true", csv).await;
    assert_eq!(made.status, 200, "{}", made.text());
    assert_eq!(employer_count(&app), before + 1);
}

/// Dry runs are audited, and an import names the members it touched.
#[actix_rt::test]
async fn imports_and_dry_runs_name_the_members_they_touch_in_the_audit_trail() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let csv = format!("{HEADER}\nW001,Ada,Renamed,,,Wigan Council,Social worker,,1,,WGN\n");
    for query in ["?dry_run=true", ""] {
        let response = app
            .call(
                TestRequest::post()
                    .uri(&format!("/api/v1/members/import{query}"))
                    .insert_header(("authorization", format!("Bearer {officer}")))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload(csv.clone()),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
    }
    let id = world.wigan_member.0;
    let entries = audit_entries(&app);
    let mut conn = app.state.db.get().unwrap();
    for (action, detail) in [
        ("import_dry_run", "would update count=1"),
        ("import", "updated count=1"),
    ] {
        let entry = entries
            .iter()
            .find(|e| {
                e.entity == "member" && e.action == action && e.detail.as_deref() == Some(detail)
            })
            .unwrap_or_else(|| panic!("no {action} entry: {entries:?}"));
        assert_eq!(
            caseload::models::AuditEntry::subjects(&mut conn, entry.id).unwrap(),
            vec![("member".to_owned(), id)],
            "the {action} names the member it touched"
        );
    }
}

/// A cell a spreadsheet would run as a formula is written with a leading `'` in every CSV the
/// application writes, and reads back unchanged through the import.
#[actix_rt::test]
async fn csv_files_never_carry_a_formula_and_round_trip() {
    use caseload::csv_writer::{neutralised, restored};
    for cell in [
        "=1+1",
        "+cmd",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "＝1",
        "=HYPERLINK(\"x\")",
    ] {
        let written = neutralised(cell);
        assert!(written.starts_with('\''), "{cell:?}");
        assert_eq!(restored(&written), cell);
    }
    for plain in ["-6%", "+12%", "-1.5", "42", "Ada", "O'Neil", "'quoted"] {
        assert_eq!(neutralised(plain), plain, "{plain:?} is left alone");
        assert_eq!(restored(plain), plain);
    }
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let patch = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/members/{}", world.wigan_member),
            Some(&admin),
            &serde_json::json!({"first_name": "=HYPERLINK(\"http://evil.example\",\"x\")", "team": "@team"}),
        )
        .await;
    assert_eq!(patch.status, 200, "{}", patch.text());
    let export = app.get_as("/api/v1/members/export", &admin).await;
    let text = export.text();
    assert!(text.contains("\"'=HYPERLINK"), "{text}");
    assert!(text.contains(",'@team,"), "{text}");
    for line in text.lines() {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '@']), "{line}");
        }
    }
    // The export imports back without changing anyone.
    let back = app
        .call(
            TestRequest::post()
                .uri("/api/v1/members/import")
                .insert_header(("authorization", format!("Bearer {admin}")))
                .insert_header(("content-type", "text/csv"))
                .set_payload(text),
        )
        .await;
    assert_eq!(back.status, 200, "{}", back.text());
    assert_eq!(back.json()["updated"], 0, "{}", back.text());
}

fn audit_entries(app: &TestApp) -> Vec<caseload::models::AuditEntry> {
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let paging = caseload::paging::Paging {
        page: 1,
        per_page: 200,
    };
    caseload::models::AuditEntry::search(&mut conn, &Default::default(), paging)
        .unwrap()
        .0
}

/// Every read of an identifiable record names the ids read, on every route that shows one;
/// and asking for a record out of scope (a 404, like a record that does not exist) leaves a
/// trace with the id asked for, never the rest of the path.
#[actix_rt::test]
async fn every_read_names_the_ids_it_showed_and_out_of_scope_probes_are_recorded() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let session = browser_sign_in(&app, "wgn.officer").await;
    let admin = app.token("admin").await;
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(5)).to_string();
    let added = app
        .send_json(
            Method::POST,
            &format!("/api/v1/cases/{}/deadlines", world.wigan_case),
            Some(&officer),
            &serde_json::json!({"kind": "hearing", "due_on": due}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let assigned = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/cases/{}", world.wigan_case),
            Some(&officer),
            &serde_json::json!({"assigned_to": world.wigan_officer}),
        )
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.text());
    let wigan_case = world.wigan_case.0;
    let wigan_member = world.wigan_member.0;

    assert_eq!(app.get_as("/api/v1/deadlines", &officer).await.status, 200);
    assert_eq!(
        page(&app, &format!("/members/{wigan_member}/edit"), &session)
            .await
            .status,
        200
    );
    assert_eq!(
        page(&app, &format!("/cases/{wigan_case}"), &session)
            .await
            .status,
        200
    );
    assert_eq!(
        app.get_as("/api/v1/members/export", &admin).await.status,
        200
    );
    let calendar = app
        .send_json(
            Method::POST,
            "/api/v1/me/calendar",
            Some(&officer),
            &serde_json::json!({}),
        )
        .await
        .json();
    let feed = app.get(calendar["calendar_url"].as_str().unwrap()).await;
    assert_eq!(feed.status, 200);
    // Out of scope: Leeds's member and case, through the API and the pages.
    for path in [
        format!("/api/v1/members/{}", world.leeds_member),
        format!("/api/v1/cases/{}", world.leeds_case),
    ] {
        assert_eq!(app.get_as(&path, &officer).await.status, 404, "{path}");
    }
    assert_eq!(
        page(&app, &format!("/members/{}", world.leeds_member), &session)
            .await
            .status,
        404
    );
    assert_eq!(
        app.get_as("/api/v1/members/Ada%20Okafor", &officer)
            .await
            .status,
        404
    );

    let entries = audit_entries(&app);
    let mut conn = app.state.db.get().unwrap();
    let shown: Vec<Vec<(String, i64)>> = entries
        .iter()
        .map(|e| caseload::models::AuditEntry::subjects(&mut conn, e.id).unwrap())
        .collect();
    let showed =
        |i: usize, entity: &str, id: i64| shown[i].iter().any(|(e, x)| e == entity && *x == id);
    let has = |action: &str, entity: &str, id: Option<i64>, detail: &dyn Fn(&str) -> bool| {
        entries.iter().any(|e| {
            e.action == action
                && e.entity == entity
                && (id.is_none() || e.entity_id == id)
                && detail(e.detail.as_deref().unwrap_or_default())
        })
    };
    let has_showing =
        |action: &str, entity: &str, detail: &str, (shown_entity, id): (&str, i64)| {
            entries.iter().enumerate().any(|(i, e)| {
                e.action == action
                    && e.entity == entity
                    && e.detail.as_deref().unwrap_or_default().starts_with(detail)
                    && showed(i, shown_entity, id)
            })
        };
    assert!(
        has_showing("list", "case", "deadlines", ("case", wigan_case)),
        "the deadlines list names its cases"
    );
    assert!(has("read", "member", Some(wigan_member), &|d| d == "edit form"));
    assert!(
        has("read", "member", Some(wigan_member), &|d| d.is_empty()),
        "the case page shows the member, and says so"
    );
    assert!(has_showing(
        "export",
        "member",
        "count=",
        ("member", wigan_member)
    ));
    assert!(
        has_showing("read", "calendar", "deadlines=", ("case", wigan_case)),
        "the calendar feed names the cases it showed"
    );
    for id in [world.leeds_member.0, world.leeds_case.0] {
        assert!(
            has("not_found", "request", None, &|d| d
                .ends_with(&format!("{{id}} id={id}"))),
            "the probe for {id} is recorded: {entries:?}"
        );
    }
    for e in &entries {
        let detail = e.detail.as_deref().unwrap_or_default();
        assert!(
            !detail.contains("Ada") && !detail.contains("Okafor"),
            "{detail}"
        );
    }
}

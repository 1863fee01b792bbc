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
    // A query parameter twice is refused the same way.
    for query in [
        "page=1&page=2",
        "q=a&q=b",
        "type=grievance&type=disciplinary",
    ] {
        let answer = app.get_as(&format!("/api/v1/cases?{query}"), &admin).await;
        assert_eq!(answer.status, 400, "{query}: {}", answer.text());
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

/// Every text a person types, on every write route, refuses hidden characters (controls other
/// than line breaks, direction overrides, zero-width spaces): the fields are read from the
/// document's request schemas, so a text field added later is covered too.
#[actix_rt::test]
async fn every_text_field_of_every_write_refuses_hidden_characters() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let document = app.get("/api/openapi.json").await.json();
    let schemas = &document["components"]["schemas"];
    let member = world.wigan_member.0;
    let case = world.wigan_case.0;
    let deadline = app
        .send_json(
            Method::POST,
            &format!("/api/v1/cases/{case}/deadlines"),
            Some(&admin),
            &json!({"kind": "hearing", "due_on": "2027-06-01"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let event = app
        .send_json(
            Method::POST,
            &format!("/api/v1/cases/{case}/events"),
            Some(&admin),
            &json!({"occurred_on": "2026-05-02", "kind": "note", "text": "First words"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let routes: Vec<(Method, String, &str, serde_json::Value)> = vec![
        (
            Method::POST,
            "/api/v1/members".into(),
            "/api/v1/members",
            json!({"membership_number": "H1", "first_name": "A", "last_name": "B", "employer_id": world.council.0, "job_role": "Social worker", "fte": 1.0, "branch_id": world.wigan.0}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/members/{member}"),
            "/api/v1/members/{id}",
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/members/{member}/workload"),
            "/api/v1/members/{id}/workload",
            json!({"recorded_on": "2026-05-03", "open_cases": 3, "source": "supervision"}),
        ),
        (
            Method::POST,
            "/api/v1/cases".into(),
            "/api/v1/cases",
            json!({"member_id": member, "type": "grievance", "opened_on": "2026-05-01"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/cases/{case}"),
            "/api/v1/cases/{id}",
            json!({"referred_to_region": true, "referral_reason": "Needs the region"}),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{case}/events"),
            "/api/v1/cases/{id}/events",
            json!({"occurred_on": "2026-05-02", "kind": "note", "text": "Words"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/cases/{case}/events/{event}"),
            "/api/v1/cases/{id}/events/{event}",
            json!({}),
        ),
        (
            Method::POST,
            format!("/api/v1/cases/{case}/deadlines"),
            "/api/v1/cases/{id}/deadlines",
            json!({"kind": "hearing", "due_on": "2027-06-02"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/deadlines/{deadline}"),
            "/api/v1/deadlines/{id}",
            json!({}),
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            "/api/v1/users",
            json!({"username": "hidden.test", "password": "long enough password", "role": "delegate"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{}", world.wigan_officer.0),
            "/api/v1/users/{id}",
            json!({}),
        ),
        (
            Method::POST,
            "/api/v1/regions".into(),
            "/api/v1/regions",
            json!({"name": "Hidden region"}),
        ),
        (
            Method::POST,
            "/api/v1/employers".into(),
            "/api/v1/employers",
            json!({"name": "Hidden employer"}),
        ),
    ];
    let mut checked = 0;
    let mut accepted = Vec::new();
    for (method, path, pattern, base) in routes {
        let operation = &document["paths"][pattern][method.as_str().to_lowercase()];
        let reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{method} {pattern} has a JSON body"));
        let schema = &schemas[reference.rsplit('/').next().unwrap()];
        for (field, property) in schema["properties"].as_object().unwrap() {
            let types = property["type"].to_string();
            let plain_text = types.contains("string")
                && property.get("enum").is_none()
                && property.get("format").is_none()
                && !["password", "current_password", "new_password", "starts_at"]
                    .contains(&field.as_str());
            if !plain_text {
                continue;
            }
            for hidden in ["\u{202E}", "\u{200B}", "\u{0007}", "\u{2066}"] {
                let mut body = base.clone();
                body[field] = json!(format!("Right{hidden}text"));
                let answer = app
                    .send_json(method.clone(), &path, Some(&admin), &body)
                    .await;
                let names_it = answer.status.is_client_error()
                    && answer.json()["error"]["fields"][field].is_string();
                if !names_it {
                    accepted.push(format!(
                        "{method} {pattern} {field} {hidden:?}: {} {}",
                        answer.status,
                        answer.text()
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked} checks");
    assert!(accepted.is_empty(), "{accepted:#?}");
    // Line breaks and tabs are text, where a text may have several lines.
    let lines = app
        .send_json(
            Method::POST,
            &format!("/api/v1/cases/{case}/deadlines"),
            Some(&admin),
            &json!({"kind": "hearing", "due_on": "2027-06-03", "note": "Bring:\r\n\tthe letter\n\tthe notes"}),
        )
        .await;
    assert_eq!(lines.status, 201, "{}", lines.text());
}

/// A create refused because the membership number is held elsewhere is audited,
/// though nothing was written: the answer tells the caller something about another branch.
#[actix_rt::test]
async fn a_membership_number_held_elsewhere_is_an_audited_refusal() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let created = app
        .send_json(
            Method::POST,
            "/api/v1/members",
            Some(&officer),
            &json!({"membership_number": "L001", "first_name": "A", "last_name": "B", "employer_id": world.council.0, "job_role": "Social worker", "fte": 1.0}),
        )
        .await;
    assert_eq!(created.status, 409, "{}", created.text());
    let refusals: Vec<_> = app
        .audit_entries()
        .into_iter()
        .filter(|e| {
            e.detail
                .as_deref()
                .is_some_and(|d| d.contains("refused=conflict"))
        })
        .map(|e| (e.action, e.entity_id))
        .collect();
    assert_eq!(refusals, [("create".to_owned(), None)]);
}

/// One rule for a member's casework after they move branch: it goes with them. The former
/// branch reads none of it (list, export, case, case page), the new branch reads all of it,
/// and a rep who cannot see the new branch is taken off the case.
#[actix_rt::test]
async fn a_moved_members_cases_go_with_them_everywhere() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let officer = app.token("wgn.officer").await;
    let took = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/cases/{}", world.wigan_case),
            Some(&officer),
            &json!({"assigned_to": world.wigan_officer.0}),
        )
        .await;
    assert!(took.status.is_success(), "{}", took.text());
    let moved = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/members/{}", world.wigan_member),
            Some(&admin),
            &json!({"branch_id": world.bury.0}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());

    let case = world.wigan_case.0;
    let former = crate::common::browser_sign_in(&app, "wgn.officer").await;
    let list = app.get_as("/api/v1/cases", &officer).await.json();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != case),
        "{list}"
    );
    let export = app.get_as("/api/v1/cases/export", &officer).await.text();
    assert!(!export.contains("WGN-2026-0001"), "{export}");
    assert_eq!(
        app.get_as(&format!("/api/v1/cases/{case}"), &officer)
            .await
            .status,
        404
    );
    assert_eq!(
        app.get_as(&format!("/api/v1/cases/{case}/events"), &officer)
            .await
            .status,
        404
    );
    assert_eq!(
        crate::common::page(&app, &format!("/cases/{case}"), &former)
            .await
            .status,
        404
    );
    let page_list = crate::common::page(&app, "/cases", &former).await.text();
    assert!(!page_list.contains("WGN-2026-0001"));

    // The organiser of the region sees it in Bury now, on the API and the page alike.
    let organiser = app.token("nw.organiser").await;
    let shown = app
        .get_as(&format!("/api/v1/cases/{case}"), &organiser)
        .await;
    assert_eq!(shown.status, 200);
    let shown = shown.json();
    assert_eq!(shown["branch_id"], world.bury.0);
    assert!(
        shown["assigned_to"].is_null(),
        "the Wigan rep is taken off: {shown}"
    );
    let organiser_page = crate::common::browser_sign_in(&app, "nw.organiser").await;
    assert_eq!(
        crate::common::page(&app, &format!("/cases/{case}"), &organiser_page)
            .await
            .status,
        200
    );
    let events = app
        .get_as(&format!("/api/v1/cases/{case}/events"), &organiser)
        .await
        .text();
    assert!(
        events.contains("Moved from Wigan to Bury with the member"),
        "{events}"
    );
}

/// The member page's list of cases is audited: each case shown is a subject of the entry.
#[actix_rt::test]
async fn the_member_pages_cases_are_audited() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = crate::common::browser_sign_in(&app, "wgn.officer").await;
    let page =
        crate::common::page(&app, &format!("/members/{}", world.wigan_member), &session).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("WGN-2026-0001"));
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let showing =
        caseload::models::AuditEntry::showing(&mut conn, "case", &[world.wigan_case.0]).unwrap();
    assert!(
        !showing.is_empty(),
        "the case shown on the member page is in no audit entry"
    );
}

/// Files written with personal data or secrets are new, private files: never an existing file
/// overwritten, never written through a symbolic link, 0600 whatever the name's form.
#[cfg(unix)]
#[actix_rt::test]
async fn files_with_personal_data_are_new_and_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // A database named by a `file:` URI is private like a plain path.
    let uri_db = dir.path().join("by-uri.db");
    let url =
        caseload::db::DatabaseUrl::parse(&format!("file:{}?mode=rwc", uri_db.display())).unwrap();
    let db = caseload::db::Database::connect(url, 1, std::time::Duration::from_secs(5)).unwrap();
    db.migrate().unwrap();
    assert_eq!(mode(&uri_db), 0o600);
    let mut conn = db.get().unwrap();
    let backup = |conn: &mut caseload::db::DbConn, to: &str| {
        caseload::casework::protection::backup(conn, to)
    };

    // A backup to an existing file is refused and leaves it as it was.
    let existing = dir.path().join("existing.db");
    std::fs::write(&existing, "keep me").unwrap();
    assert!(backup(&mut conn, &existing.display().to_string()).is_err());
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");
    // Through a symbolic link, pointing anywhere or nowhere: refused, nothing written.
    let target = dir.path().join("elsewhere.db");
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert!(backup(&mut conn, &link.display().to_string()).is_err());
    assert!(!target.exists(), "the backup went through the link");
    // By URI, to a new name: written, private.
    let by_uri = dir.path().join("backup-by-uri.db");
    backup(&mut conn, &format!("file:{}", by_uri.display())).unwrap();
    assert_eq!(mode(&by_uri), 0o600);
    assert!(std::fs::metadata(&by_uri).unwrap().len() > 0);

    // The subject access export's file: new and private (the command writes through this).
    let export = dir.path().join("export.json");
    drop(caseload::private_file::create_new(&export).unwrap());
    assert_eq!(mode(&export), 0o600);
    assert!(
        caseload::private_file::create_new(&export).is_err(),
        "an existing file is refused"
    );
    assert!(
        caseload::private_file::create_new(&link).is_err(),
        "a link is refused"
    );

    // A signing secret others can read is refused at start-up, naming the fix.
    let secret = dir.path().join("caseload.secret");
    std::fs::write(&secret, "s".repeat(64)).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o644)).unwrap();
    let config = caseload::config::AuthConfig {
        jwt_secret_file: secret.clone(),
        ..Default::default()
    };
    let refused = caseload::auth::secret::load(&config).unwrap_err();
    assert!(refused.contains("chmod 600"), "{refused}");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(caseload::auth::secret::load(&config).is_ok());
}

/// The page import reads its form's fields and no more: an unknown or repeated field is
/// refused, and so is a body of many small fields adding up past the limit.
#[actix_rt::test]
async fn the_import_form_reads_a_bounded_body() {
    use actix_web::cookie::Cookie;
    let app = TestApp::new().await;
    World::build(&app);
    let session = crate::common::browser_sign_in(&app, "wgn.officer").await;
    let csrf = crate::common::csrf_of(&crate::common::page(&app, "/import", &session).await.text());
    let send = |parts: Vec<(String, String)>| {
        let boundary = "probeboundary42";
        let mut body = String::new();
        for (name, value) in parts {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        TestRequest::post()
            .uri("/import")
            .cookie(Cookie::new("caseload_session", session.clone()))
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body)
    };
    let base = || {
        vec![
            ("csrf_token".to_owned(), csrf.clone()),
            ("kind".to_owned(), "members".to_owned()),
        ]
    };
    // Thousands of extra fields.
    let mut many = base();
    many.extend((0..5000).map(|i| (format!("padding{i}"), "x".repeat(100))));
    let answer = app.call(send(many)).await;
    assert_eq!(answer.status, 400, "{}", answer.text());
    // A field twice.
    let mut twice = base();
    twice.push(("kind".to_owned(), "workload".to_owned()));
    assert_eq!(app.call(send(twice)).await.status, 400);
    // A small field grown large.
    let mut large = base();
    large[1].1 = "m".repeat(64 * 1024);
    assert_eq!(app.call(send(large)).await.status, 413);
    // The form as a browser sends it still works.
    let fine = crate::pages_members::upload(
        &app,
        &session,
        &csrf,
        "members",
        "membership_number,first_name,last_name,employer,job_role,fte\nW900,New,Person,Wigan Council,Social worker,1\n",
        true,
    )
    .await;
    assert_eq!(fine.status, 200, "{}", fine.text());
}

/// The command-line import reads at most the import limit (a device that never ends is refused,
/// not read until memory runs out) and prints nothing from the file that a terminal would run.
#[cfg(unix)]
#[actix_rt::test]
async fn the_command_line_import_is_bounded_and_prints_no_escape_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let run = |file: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
            .args(["import", "members", file])
            .env("DATABASE_URL", dir.path().join("cli.db"))
            .env("RUST_LOG", "warn")
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let endless = run("/dev/zero");
    assert!(!endless.status.success());
    let said = String::from_utf8_lossy(&endless.stderr);
    assert!(said.contains("larger than the import limit"), "{said}");

    let hostile = dir.path().join("hostile.csv");
    std::fs::write(
        &hostile,
        "membership_number,first_name,last_name,employer,job_role,fte,\u{1b}[2J\u{1b}]0;owned\u{7}\n\
         X1,A\u{1b}[31m,B,Nowhere,Social worker,1,x\n",
    )
    .unwrap();
    let refused = run(hostile.to_str().unwrap());
    assert!(!refused.status.success());
    for stream in [&refused.stdout, &refused.stderr] {
        assert!(
            !stream.contains(&0x1b) && !stream.contains(&0x07),
            "{}",
            String::from_utf8_lossy(stream)
        );
    }
    assert!(String::from_utf8_lossy(&refused.stderr).contains("\\u{1b}"));
}

//! Member pages as a browser uses them: forms, the workload form, the CSV upload.

use actix_web::cookie::Cookie;
use actix_web::test::TestRequest;

use crate::common::{TestApp, TestResponse};
use crate::common::{browser_sign_in, csrf_of, page, post_form};
use crate::fixtures::World;

/// Uploads a CSV file through the import form, as a browser sends it.
pub(crate) async fn upload(
    app: &TestApp,
    session: &str,
    csrf: &str,
    kind: &str,
    csv: &str,
    dry_run: bool,
) -> TestResponse {
    let boundary = "caseloadboundary7MA4YWxk";
    let mut body = String::new();
    let mut part = |name: &str, extra: &str, value: &str| {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n{value}\r\n"));
    };
    part("csrf_token", "", csrf);
    part("kind", "", kind);
    if dry_run {
        part("dry_run", "", "on");
    }
    part(
        "file",
        "; filename=\"members.csv\"\r\nContent-Type: text/csv",
        csv,
    );
    body.push_str(&format!("--{boundary}--\r\n"));
    app.call(
        TestRequest::post()
            .uri("/import")
            .cookie(Cookie::new("caseload_session", session.to_owned()))
            .insert_header((
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            ))
            .set_payload(body),
    )
    .await
}

#[actix_rt::test]
async fn an_officer_adds_a_member_through_the_form_and_logs_workload() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let csrf = csrf_of(&page(&app, "/members/new", &session).await.text());
    let council = world.council.to_string();
    let refused = post_form(
        &app,
        "/members",
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("membership_number", "F1"),
            ("first_name", "<script>alert(1)</script>"),
            ("last_name", "Shah"),
            ("job_role", "Social worker"),
            ("fte", "3"),
            ("employer_id", &council),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    let html = refused.text();
    assert!(html.contains("id=\"fte-error\""));
    assert!(html.contains("value=\"F1\""), "what was typed is kept");
    assert!(!html.contains("<script>alert(1)</script>"), "and escaped");

    let created = post_form(
        &app,
        "/members",
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("membership_number", "F1"),
            ("first_name", "<script>alert(1)</script>"),
            ("last_name", "Shah"),
            ("job_role", "Social worker"),
            ("fte", "0.5"),
            ("employer_id", &council),
            ("team", ""),
            ("email", ""),
        ],
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.text());
    let location = created
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let member_page = page(&app, &location, &session).await.text();
    assert!(member_page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!member_page.contains("<script>alert(1)</script>"));

    let logged = post_form(
        &app,
        &format!("{location}/workload"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("recorded_on", "2026-06-01"),
            ("open_cases", "9"),
            ("source", "supervision"),
        ],
    )
    .await;
    assert_eq!(logged.status, 303, "{}", logged.text());
    let member_page = page(&app, &location, &session).await.text();
    assert!(
        member_page.contains("Above the safe caseload"),
        "9 cases at 0.5 FTE is 18 per FTE"
    );
    assert!(member_page.contains("<svg"));
}

#[actix_rt::test]
async fn a_bad_upload_lists_its_problems_and_a_good_one_imports() {
    let app = TestApp::new().await;
    World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let csrf = csrf_of(&page(&app, "/import", &session).await.text());
    let bad = "membership_number,first_name,last_name,employer,job_role,fte\nU1,Ann,Lee,Wigan Council,Social worker,1\nU2,Bob,Lee,Wigan Council,Social worker,many\n";
    let response = upload(&app, &session, &csrf, "members", bad, false).await;
    assert_eq!(response.status, 422, "{}", response.text());
    let html = response.text();
    assert!(html.contains("Nothing was imported"));
    assert!(html.contains("<td>3</td><td>fte</td>"), "{html}");

    let good = bad.replace("many", "0.8");
    let dry = upload(&app, &session, &csrf, "members", &good, true)
        .await
        .text();
    assert!(dry.contains("Dry run"));
    let done = upload(&app, &session, &csrf, "members", &good, false).await;
    assert_eq!(done.status, 200);
    assert!(done.text().contains("2 created"), "{}", done.text());
    let list = page(&app, "/members?q=lee", &session).await.text();
    assert!(list.contains("2 members"));

    let forged = upload(&app, &session, "not-the-token", "members", &good, false).await;
    assert_eq!(forged.status, 403);
}

#[actix_rt::test]
async fn settings_change_the_threshold_members_are_measured_against() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "admin").await;
    let csrf = csrf_of(&page(&app, "/admin/settings", &session).await.text());
    let refused = post_form(
        &app,
        "/admin/settings",
        &session,
        None,
        &[("csrf_token", &csrf), ("safe_caseload", "0")],
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("id=\"safe_caseload-error\""));
    let saved = post_form(
        &app,
        "/admin/settings",
        &session,
        None,
        &[("csrf_token", &csrf), ("safe_caseload", "12")],
    )
    .await;
    assert_eq!(saved.status, 303);
    let officer = app.token("wgn.officer").await;
    let history = app
        .get_as(
            &format!("/api/v1/members/{}/workload", world.wigan_member),
            &officer,
        )
        .await
        .json();
    assert_eq!(history["safe_caseload"], 12.0);
}

//! Signing in and out in the browser, and what protects browser writes: CSRF tokens, the Origin
//! check and the cookie's attributes.

use actix_web::test::TestRequest;

use crate::common::{TestApp, browser_sign_in, csrf_of, page, post_form, session_cookie};
use crate::fixtures::{PASSWORD, World};

#[actix_rt::test]
async fn the_session_cookie_is_httponly_and_strict() {
    let app = TestApp::new().await;
    World::build(&app);
    let response = app
        .call(
            TestRequest::post()
                .uri("/login")
                .set_form([("username", "admin"), ("password", PASSWORD)]),
        )
        .await;
    let cookie = session_cookie(&response).unwrap();
    assert_eq!(cookie.http_only(), Some(true));
    assert_eq!(
        cookie.same_site(),
        Some(actix_web::cookie::SameSite::Strict)
    );
    assert_ne!(cookie.secure(), Some(true), "plain http in tests");

    let https = TestApp::with_public_url("https://caseload.example.org").await;
    World::build(&https);
    let response = https
        .call(
            TestRequest::post()
                .uri("/login")
                .set_form([("username", "admin"), ("password", PASSWORD)]),
        )
        .await;
    assert_eq!(session_cookie(&response).unwrap().secure(), Some(true));
}

#[actix_rt::test]
async fn a_failed_sign_in_shows_the_form_again_without_the_password() {
    let app = TestApp::new().await;
    World::build(&app);
    let response = app
        .call(
            TestRequest::post()
                .uri("/login")
                .set_form([("username", "wgn.officer"), ("password", "secret-typo-123")]),
        )
        .await;
    assert_eq!(response.status, 401);
    let html = response.text();
    assert!(html.contains("do not match"));
    assert!(html.contains("value=\"wgn.officer\""));
    assert!(!html.contains("secret-typo-123"));
    assert!(session_cookie(&response).is_none());
}

#[actix_rt::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = TestApp::new().await;
    World::build(&app);
    for path in ["/admin/users", "/account", "/admin/audit"] {
        let response = app.get(path).await;
        assert_eq!(response.status, 303, "{path}");
        assert_eq!(response.header("location"), Some("/login"), "{path}");
    }
    assert_eq!(app.get("/login").await.status, 200);
    assert_eq!(app.get("/").await.status, 200, "the landing page is public");
}

#[actix_rt::test]
async fn admin_pages_are_for_admins_only() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = browser_sign_in(&app, "admin").await;
    let officer = browser_sign_in(&app, "wgn.officer").await;
    for path in [
        "/admin/users",
        "/admin/regions",
        "/admin/branches",
        "/admin/employers",
        "/admin/audit",
    ] {
        assert_eq!(page(&app, path, &admin).await.status, 200, "{path}");
        assert_eq!(page(&app, path, &officer).await.status, 403, "{path}");
    }
    let home = page(&app, "/", &officer).await.text();
    assert!(
        !home.contains("/admin/users"),
        "officers are not shown admin links"
    );
    assert!(
        page(&app, "/", &admin)
            .await
            .text()
            .contains("/admin/users")
    );
}

#[actix_rt::test]
async fn a_form_without_the_csrf_token_or_from_another_origin_is_refused() {
    let app = TestApp::new().await;
    World::build(&app);
    let session = browser_sign_in(&app, "admin").await;
    let csrf = csrf_of(&page(&app, "/admin/regions", &session).await.text());

    let missing = post_form(&app, "/admin/regions", &session, None, &[("name", "Wales")]).await;
    assert_eq!(missing.status, 403);
    let forged = post_form(
        &app,
        "/admin/regions",
        &session,
        None,
        &[("name", "Wales"), ("csrf_token", "0123abcd")],
    )
    .await;
    assert_eq!(forged.status, 403);
    let cross = post_form(
        &app,
        "/admin/regions",
        &session,
        Some("https://evil.example"),
        &[("name", "Wales"), ("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(cross.status, 403);
    assert!(
        !page(&app, "/admin/regions", &session)
            .await
            .text()
            .contains("Wales")
    );

    let same = post_form(
        &app,
        "/admin/regions",
        &session,
        Some("http://localhost:8080"),
        &[("name", "Wales"), ("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(same.status, 303, "{}", same.text());
    assert!(
        page(&app, "/admin/regions", &session)
            .await
            .text()
            .contains("Wales")
    );
}

#[actix_rt::test]
async fn a_refused_form_keeps_what_was_typed_and_names_the_field() {
    let app = TestApp::new().await;
    World::build(&app);
    let session = browser_sign_in(&app, "admin").await;
    let csrf = csrf_of(&page(&app, "/admin/branches", &session).await.text());
    let response = post_form(
        &app,
        "/admin/branches",
        &session,
        None,
        &[
            ("name", "Stockport <b>"),
            ("code", "!!"),
            ("region_id", "1"),
            ("csrf_token", &csrf),
        ],
    )
    .await;
    assert_eq!(response.status, 422);
    let html = response.text();
    assert!(html.contains("id=\"code-error\""));
    assert!(
        html.contains("Stockport &lt;b&gt;"),
        "typed text comes back, escaped"
    );
}

#[actix_rt::test]
async fn signing_out_in_the_browser_ends_the_session() {
    let app = TestApp::new().await;
    World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let home = page(&app, "/", &session).await;
    assert!(home.text().contains("Sign out"));
    let csrf = csrf_of(&home.text());
    let out = post_form(&app, "/logout", &session, None, &[("csrf_token", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(
        page(&app, "/account", &session).await.status,
        303,
        "the old cookie is dead"
    );
}

#[actix_rt::test]
async fn deactivating_a_user_in_the_browser_needs_a_confirmation() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "admin").await;
    let path = format!("/admin/users/{}", world.wigan_officer);
    let csrf = csrf_of(&page(&app, &path, &session).await.text());
    let branch = world.wigan.to_string();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("role", "officer"),
        ("branch_id", branch.as_str()),
        ("region_id", ""),
        ("display_name", "Wigan officer"),
    ];
    let unconfirmed = post_form(&app, &path, &session, None, &fields).await;
    assert_eq!(unconfirmed.status, 422);
    assert!(unconfirmed.text().contains("id=\"active-error\""));
    let officer = app.token("wgn.officer").await;
    assert_eq!(
        app.get_as("/api/v1/me", &officer).await.status,
        200,
        "still active"
    );
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm_deactivate", "on"));
    assert_eq!(
        post_form(&app, &path, &session, None, &confirmed)
            .await
            .status,
        303
    );
    assert_eq!(
        app.get_as("/api/v1/me", &officer).await.status,
        401,
        "deactivated"
    );
}

/// A note typed while the session ends (here: revoked elsewhere, as expiry does) is not lost:
/// the sign-in page carries it, and after signing in it comes back, filled, to be saved.
#[actix_rt::test]
async fn a_note_typed_as_the_session_ends_comes_back_filled_after_signing_in() {
    use caseload::db::schema::users;
    use diesel::prelude::*;
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let case_path = format!("/cases/{}", world.wigan_case);
    let csrf = csrf_of(&page(&app, &case_path, &session).await.text());
    {
        let mut conn = app.state.db.get().unwrap();
        diesel::update(users::table.filter(users::username.eq("wgn.officer")))
            .set(users::token_version.eq(users::token_version + 1))
            .execute(&mut conn)
            .unwrap();
    }
    let note = "Met Ada after the hearing; she wants to appeal & needs the letter by Friday.";
    let lost = post_form(
        &app,
        &format!("{case_path}/events"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("occurred_on", "2026-05-04"),
            ("kind", "note"),
            ("text", note),
        ],
    )
    .await;
    assert_eq!(lost.status, 401);
    let sign_in = lost.text();
    assert!(sign_in.contains("what you typed is kept"), "{sign_in}");
    let resume_fields = sign_in
        .split("name=\"resume_fields\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the kept form");
    let resume_fields = resume_fields.replace("&amp;", "&").replace("&#x2F;", "/");
    assert!(
        !resume_fields.contains(&csrf),
        "the old token is not carried"
    );
    let back = app
        .call(TestRequest::post().uri("/login").set_form([
            ("username", "wgn.officer"),
            ("password", PASSWORD),
            ("next", "/"),
            ("resume_to", &format!("{case_path}/events")),
            ("resume_fields", &resume_fields),
        ]))
        .await;
    assert_eq!(back.status, 200);
    let new_session = session_cookie(&back).unwrap().value().to_owned();
    let form = back.text();
    assert!(form.contains("Save what you typed"));
    assert!(form.contains("Met Ada after the hearing"), "{form}");
    let timeline = page(&app, &case_path, &new_session).await.text();
    assert!(
        !timeline.contains("Met Ada after"),
        "nothing saved before the second press"
    );
    let saved = post_form(
        &app,
        &format!("{case_path}/events"),
        &new_session,
        None,
        &[
            ("csrf_token", &csrf_of(&form)),
            ("occurred_on", "2026-05-04"),
            ("kind", "note"),
            ("text", note),
        ],
    )
    .await;
    assert_eq!(saved.status, 303);
    let timeline = page(&app, &case_path, &new_session).await.text();
    assert!(timeline.contains("Met Ada after the hearing"));
}

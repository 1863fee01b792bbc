//! Tokens, revocation, throttling and the signing secret.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use caseload::auth::token::{Claims, TokenKeys};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::common::{TEST_SECRET, TestApp};
use crate::fixtures::{PASSWORD, World};

async fn sign_in(
    app: &TestApp,
    username: &str,
    password: &str,
    from: &str,
) -> crate::common::TestResponse {
    app.call(
        TestRequest::post()
            .uri("/api/v1/auth/token")
            .peer_addr(from.parse().unwrap())
            .set_json(json!({"username": username, "password": password})),
    )
    .await
}

#[actix_rt::test]
async fn a_token_reads_me_with_role_and_scope() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let response = sign_in(&app, "wgn.officer", PASSWORD, "10.0.0.1:1000").await;
    assert_eq!(response.status, 200);
    let body = response.json();
    // One precision for every moment the API writes: whole seconds, in UTC.
    let expires = body["expires_at"].as_str().unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(expires, "%Y-%m-%dT%H:%M:%SZ").is_ok(),
        "{expires}"
    );
    let token = body["token"].as_str().unwrap();

    let me = app.get_as("/api/v1/me", token).await;
    assert_eq!(me.status, 200);
    let me = me.json();
    assert_eq!(me["username"], "wgn.officer");
    assert_eq!(me["role"], "officer");
    assert_eq!(me["scope"]["kind"], "branch");
    assert_eq!(me["scope"]["branch_id"], world.wigan.0);
    // The field is there, and empty until a feed is issued.
    assert!(me.as_object().unwrap().contains_key("calendar_url"));
    assert!(me["calendar_url"].is_null());
    assert!(me.get("password_hash").is_none());
}

#[actix_rt::test]
async fn usernames_match_whatever_their_case() {
    let app = TestApp::new().await;
    World::build(&app);
    assert_eq!(
        sign_in(&app, "WGN.Officer", PASSWORD, "10.0.0.1:1")
            .await
            .status,
        200
    );
}

#[actix_rt::test]
async fn a_wrong_password_is_401_and_the_sixth_try_429() {
    let app = TestApp::new().await;
    World::build(&app);
    for attempt in 1..=5 {
        let response = sign_in(
            &app,
            "wgn.officer",
            "not the password",
            &format!("10.0.0.{attempt}:1"),
        )
        .await;
        assert_eq!(response.status, 401, "attempt {attempt}");
        assert_eq!(response.json()["error"]["code"], "unauthorized");
    }
    // Even the right password is refused while throttled, from any address.
    let sixth = sign_in(&app, "wgn.officer", PASSWORD, "10.0.0.9:1").await;
    assert_eq!(sixth.status, 429);
    let wait: u64 = sixth.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 15 * 60);
    // Another account is not affected.
    assert_eq!(
        sign_in(&app, "lds.officer", PASSWORD, "10.0.0.10:1")
            .await
            .status,
        200
    );
}

/// A branch office signs in from behind one router: one person's typos throttle their own
/// username, not their colleagues; an address trying many usernames is throttled at the
/// per-address limit (50 by default).
#[actix_rt::test]
async fn a_shared_office_is_not_locked_out_by_one_persons_typos_but_a_guessing_address_is() {
    let app = TestApp::new().await;
    World::build(&app);
    let office = "192.0.2.7:5000";
    for _ in 0..5 {
        let typo = sign_in(&app, "wgn.officer", "guess-guess-guess", office).await;
        assert_eq!(typo.status, 401);
    }
    let locked = sign_in(&app, "wgn.officer", PASSWORD, office).await;
    assert_eq!(locked.status, 429, "the username is throttled");
    let colleague = sign_in(&app, "lds.officer", PASSWORD, office).await;
    assert_eq!(
        colleague.status, 200,
        "a colleague at the same address signs in"
    );

    // Five failures so far from the office; 45 more usernames fill the address's allowance.
    for i in 0..45 {
        let guess = sign_in(&app, &format!("guess.{i}"), "guess-guess-guess", office).await;
        assert_eq!(guess.status, 401, "attempt {i}");
    }
    let refused = sign_in(&app, "lds.officer", PASSWORD, office).await;
    assert_eq!(refused.status, 429, "the address is throttled");
    let elsewhere = sign_in(&app, "lds.officer", PASSWORD, "192.0.2.8:5001").await;
    assert_eq!(elsewhere.status, 200, "other addresses are not");
}

async fn sign_in_through(
    app: &TestApp,
    username: &str,
    password: &str,
    proxy: &str,
    forwarded_for: &str,
) -> crate::common::TestResponse {
    app.call(
        TestRequest::post()
            .uri("/api/v1/auth/token")
            .peer_addr(proxy.parse().unwrap())
            .insert_header(("x-forwarded-for", forwarded_for))
            .set_json(json!({"username": username, "password": password})),
    )
    .await
}

/// Behind a trusted reverse proxy, the sign-in limit counts each client by the address the
/// proxy forwards, so one guessing client does not lock out everyone behind the proxy; from an
/// address that is not a trusted proxy, `X-Forwarded-For` is ignored, so a guesser cannot
/// spread attempts over made-up addresses. The audit names the address believed.
#[actix_rt::test]
async fn the_sign_in_limit_believes_forwarded_addresses_from_trusted_proxies_only() {
    let app = TestApp::behind("10.9.0.0/16").await;
    World::build(&app);
    let proxy = "10.9.0.2:443";
    for i in 0..50 {
        let guess = sign_in_through(
            &app,
            &format!("guess.{i}"),
            "guess-guess-guess",
            proxy,
            "203.0.113.66",
        )
        .await;
        assert_eq!(guess.status, 401, "attempt {i}");
    }
    let guesser = sign_in_through(&app, "lds.officer", PASSWORD, proxy, "203.0.113.66").await;
    assert_eq!(guesser.status, 429, "the guessing client is throttled");
    let colleague = sign_in_through(&app, "lds.officer", PASSWORD, proxy, "198.51.100.4").await;
    assert_eq!(
        colleague.status, 200,
        "another client behind the same proxy signs in"
    );

    // Not through the proxy: the forwarded address is a claim, and ignored.
    let direct = "192.0.2.50:5000";
    for i in 0..50 {
        let claimed = format!("198.18.0.{i}");
        let guess = sign_in_through(
            &app,
            &format!("other.{i}"),
            "guess-guess-guess",
            direct,
            &claimed,
        )
        .await;
        assert_eq!(guess.status, 401, "attempt {i}");
    }
    let spoofer = sign_in_through(&app, "lds.officer", PASSWORD, direct, "198.18.1.1").await;
    assert_eq!(
        spoofer.status, 429,
        "made-up addresses do not escape the limit"
    );

    let entries = app.audit_entries();
    let signed_in = entries
        .iter()
        .find(|e| e.action == "sign_in")
        .expect("a sign-in entry");
    assert_eq!(signed_in.detail.as_deref(), Some("from 198.51.100.4"));
    assert!(
        entries
            .iter()
            .all(|e| !e.detail.as_deref().unwrap_or_default().contains("198.18."))
    );
}

#[actix_rt::test]
async fn throttling_holds_under_parallel_attempts() {
    let app = TestApp::new().await;
    World::build(&app);
    let attempts = (0..12).map(|i| {
        let app = &app;
        async move {
            sign_in(
                app,
                "wgn.officer",
                "wrong-wrong-wrong",
                &format!("10.1.0.{i}:1"),
            )
            .await
            .status
            .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        7,
        "{statuses:?}"
    );
}

fn forge(claims: &Claims, alg: Algorithm, key: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).unwrap()
}

fn claims_for(app_user: i64, exp_offset_secs: i64) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: app_user.to_string(),
        role: caseload::models::Role::Admin,
        branch: None,
        region: None,
        iss: "caseload".into(),
        iat: now,
        exp: now + exp_offset_secs,
        ver: 0,
        purpose: Some(caseload::auth::surface::Surface::Api),
    }
}

#[actix_rt::test]
async fn expired_tampered_foreign_and_wrong_algorithm_tokens_are_refused() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let good = forge(
        &claims_for(world.admin.0, 600),
        Algorithm::HS256,
        TEST_SECRET,
    );
    assert_eq!(
        app.get_as("/api/v1/me", &good).await.status,
        200,
        "the control token works"
    );

    let expired = forge(
        &claims_for(world.admin.0, -3600),
        Algorithm::HS256,
        TEST_SECRET,
    );
    let other_key = forge(
        &claims_for(world.admin.0, 600),
        Algorithm::HS256,
        b"another-secret-of-the-right-length-for-hs256!!",
    );
    let other_alg = forge(
        &claims_for(world.admin.0, 600),
        Algorithm::HS384,
        TEST_SECRET,
    );
    let mut wrong_issuer = claims_for(world.admin.0, 600);
    wrong_issuer.iss = "someone-else".into();
    let wrong_issuer = forge(&wrong_issuer, Algorithm::HS256, TEST_SECRET);
    // Claims of an officer re-signed as nothing: {"alg":"none"}.
    let none = {
        use base64_url as b64;
        let header = b64::encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = b64::encode(
            serde_json::to_string(&claims_for(world.admin.0, 600))
                .unwrap()
                .as_bytes(),
        );
        format!("{header}.{payload}.")
    };
    // The officer's own token with its payload swapped for the admin's claims.
    let tampered = {
        let officer = forge(
            &claims_for(world.wigan_officer.0, 600),
            Algorithm::HS256,
            TEST_SECRET,
        );
        let parts: Vec<&str> = officer.split('.').collect();
        let admin_payload = good.split('.').nth(1).unwrap();
        format!("{}.{}.{}", parts[0], admin_payload, parts[2])
    };
    for (what, token) in [
        ("expired", expired),
        ("another key", other_key),
        ("HS384", other_alg),
        ("wrong issuer", wrong_issuer),
        ("alg none", none),
        ("tampered", tampered),
        ("garbage", "not.a.token".to_owned()),
    ] {
        let response = app.get_as("/api/v1/me", &token).await;
        assert_eq!(response.status, 401, "{what}");
        assert_eq!(response.json()["error"]["code"], "unauthorized", "{what}");
    }
    assert_eq!(app.get("/api/v1/me").await.status, 401, "no token");
}

/// Base64url without padding, as JWT segments are written.
mod base64_url {
    pub fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}

#[actix_rt::test]
async fn signing_out_revokes_earlier_tokens_at_once() {
    let app = TestApp::new().await;
    World::build(&app);
    let first = app.token("wgn.officer").await;
    let second = app.token("wgn.officer").await;
    assert_eq!(app.get_as("/api/v1/me", &first).await.status, 200);
    let out = app
        .send_json(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&first),
            &json!({}),
        )
        .await;
    assert_eq!(out.status, 204);
    assert_eq!(app.get_as("/api/v1/me", &first).await.status, 401);
    assert_eq!(
        app.get_as("/api/v1/me", &second).await.status,
        401,
        "every session ends"
    );
    let fresh = app.token("wgn.officer").await;
    assert_eq!(app.get_as("/api/v1/me", &fresh).await.status, 200);
}

#[actix_rt::test]
async fn a_password_change_needs_the_current_one_and_revokes_sessions() {
    let app = TestApp::new().await;
    World::build(&app);
    let token = app.token("wgn.officer").await;
    let wrong = app
        .send_json(Method::POST, "/api/v1/me/password", Some(&token),
            &json!({"current_password": "nope-nope-nope", "new_password": "a much better passphrase"}))
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.json()["error"]["fields"]["current_password"].is_string());
    let short = app
        .send_json(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!(short.status, 422);
    assert!(
        short.json()["error"]["fields"]["new_password"]
            .as_str()
            .unwrap()
            .contains("12")
    );

    let ok = app
        .send_json(
            Method::POST,
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": PASSWORD, "new_password": "a much better passphrase"}),
        )
        .await;
    assert_eq!(ok.status, 204);
    assert_eq!(app.get_as("/api/v1/me", &token).await.status, 401);
    assert_eq!(
        sign_in(&app, "wgn.officer", PASSWORD, "10.3.0.1:1")
            .await
            .status,
        401
    );
    assert_eq!(
        sign_in(
            &app,
            "wgn.officer",
            "a much better passphrase",
            "10.3.0.2:1"
        )
        .await
        .status,
        200
    );
}

#[actix_rt::test]
async fn deactivation_revokes_and_blocks_sign_in() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let officer = app.token("wgn.officer").await;
    let path = format!("/api/v1/users/{}", world.wigan_officer);
    let response = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&admin),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["active"], false);
    assert_eq!(app.get_as("/api/v1/me", &officer).await.status, 401);
    assert_eq!(
        sign_in(&app, "wgn.officer", PASSWORD, "10.4.0.1:1")
            .await
            .status,
        401
    );
}

#[actix_rt::test]
async fn a_revoked_session_is_refused_even_where_the_answer_needs_no_data() {
    let app = TestApp::new().await;
    World::build(&app);
    let delegate = app.token("delegate").await;
    // A delegate's role alone refuses the case list (403) before any database work.
    assert_eq!(app.get_as("/api/v1/cases", &delegate).await.status, 403);
    let out = app
        .send_json(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&delegate),
            &json!({}),
        )
        .await;
    assert_eq!(out.status, 204);
    assert_eq!(
        app.get_as("/api/v1/cases", &delegate).await.status,
        401,
        "the session check still runs when the handler read nothing"
    );
    let officer = app.token("wgn.officer").await;
    let problem = app
        .send_json(Method::POST, "/api/v1/cases", Some(&officer), &json!({}))
        .await;
    assert_eq!(problem.status, 400, "{}", problem.text());
    app.send_json(
        Method::POST,
        "/api/v1/auth/logout",
        Some(&officer),
        &json!({}),
    )
    .await;
    let after = app
        .send_json(Method::POST, "/api/v1/cases", Some(&officer), &json!({}))
        .await;
    assert_eq!(after.status, 401, "{}", after.text());
}

#[actix_rt::test]
async fn a_token_whose_role_or_scope_no_longer_matches_the_user_is_refused() {
    use caseload::db::schema::users;
    use diesel::prelude::*;
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    assert_eq!(app.get_as("/api/v1/cases", &officer).await.status, 200);
    // Changed behind the application's back (no token version bump): the token's claims no
    // longer describe the user, and the database has the last word.
    let mut conn = app.state.db.get().unwrap();
    diesel::update(users::table.find(world.wigan_officer))
        .set(users::branch_id.eq(world.bury))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(app.get_as("/api/v1/cases", &officer).await.status, 401);
    assert_eq!(app.get_as("/api/v1/me", &officer).await.status, 401);
    let fresh = app.token("wgn.officer").await;
    let me = app.get_as("/api/v1/me", &fresh).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["scope"]["branch_id"], world.bury.0);
}

#[actix_rt::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let path = format!("/api/v1/users/{}", world.admin);
    let response = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&admin),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(response.status, 422);
    assert!(response.json()["error"]["fields"]["active"].is_string());
}

#[actix_rt::test]
async fn users_are_created_with_a_scope_that_fits_their_role() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let create = |body: serde_json::Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.send_json(Method::POST, "/api/v1/users", Some(&admin), &body)
                .await
        }
    };
    let no_branch = create(
        json!({"username": "new.officer", "password": "long enough password", "role": "officer"}),
    )
    .await;
    assert_eq!(no_branch.status, 422);
    assert!(no_branch.json()["error"]["fields"]["branch_id"].is_string());
    let short = create(json!({"username": "new.officer", "password": "short", "role": "officer", "branch_id": world.wigan})).await;
    assert_eq!(
        short.json()["error"]["fields"]["password"],
        "must be at least 12 characters"
    );
    let bad_role =
        create(json!({"username": "x.y.z", "password": "long enough password", "role": "king"}))
            .await;
    assert_eq!(bad_role.status, 400);
    assert!(
        bad_role.json()["error"]["fields"]["role"].is_string(),
        "{}",
        bad_role.text()
    );
    let ok = create(json!({"username": "New.Officer", "password": "long enough password", "role": "officer", "branch_id": world.wigan})).await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    assert_eq!(ok.json()["username"], "new.officer");
    assert!(ok.json().get("password_hash").is_none());
    let again = create(json!({"username": "new.officer", "password": "long enough password", "role": "officer", "branch_id": world.wigan})).await;
    assert_eq!(again.status, 409);
    let signed_in = sign_in(&app, "new.officer", "long enough password", "10.6.0.1:1").await;
    assert_eq!(signed_in.status, 200);
}

#[test]
fn a_secret_under_32_bytes_is_refused() {
    assert!(TokenKeys::new(b"too short", 8).is_err());
    assert!(TokenKeys::new(&[7u8; 32], 8).is_ok());
    let config = caseload::config::AuthConfig {
        jwt_secret: Some("short".into()),
        ..Default::default()
    };
    assert!(
        caseload::auth::secret::load(&config)
            .unwrap_err()
            .contains("32 bytes")
    );
}

#[test]
fn a_generated_secret_is_private_and_kept_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let config = caseload::config::AuthConfig {
        jwt_secret_file: dir.path().join("caseload.secret"),
        ..Default::default()
    };
    let first = caseload::auth::secret::load(&config).unwrap();
    let second = caseload::auth::secret::load(&config).unwrap();
    assert_eq!(first, second);
    assert!(first.len() >= 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config.jwt_secret_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn servers_starting_together_on_a_new_installation_share_one_secret() {
    let dir = tempfile::tempdir().unwrap();
    let config = caseload::config::AuthConfig {
        jwt_secret_file: dir.path().join("caseload.secret"),
        ..Default::default()
    };
    let start = std::sync::Barrier::new(8);
    let secrets: Vec<Vec<u8>> = std::thread::scope(|s| {
        let starts: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    caseload::auth::secret::load(&config)
                })
            })
            .collect();
        starts
            .into_iter()
            .map(|t| t.join().unwrap().expect("every start succeeds"))
            .collect()
    });
    assert!(
        secrets.iter().all(|s| *s == secrets[0]),
        "one secret for all"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no drafts left beside the secret");
}

#[actix_rt::test]
async fn the_first_start_creates_one_admin_with_a_printed_password() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    let password = caseload::accounts::bootstrap_admin(&mut conn, None)
        .unwrap()
        .expect("created");
    assert!(password.len() >= 12);
    assert!(
        caseload::accounts::bootstrap_admin(&mut conn, None)
            .unwrap()
            .is_none()
    );
    drop(conn);
    let response = sign_in(&app, "admin", &password, "10.5.0.1:1").await;
    assert_eq!(response.status, 200);
}

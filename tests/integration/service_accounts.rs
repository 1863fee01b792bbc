//! API keys for integrations: issued by an administrator to an account made for the
//! integration, scoped as that account, shown once, kept hashed, revocable, audited.

use actix_web::http::Method;
use serde_json::json;

use crate::common::TestApp;
use crate::fixtures::World;

#[actix_rt::test]
async fn an_integration_key_acts_as_its_account_until_revoked() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let account = app
        .send_json(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "wigan.sync", "password": "not used by the integration", "role": "officer", "branch_id": world.wigan.0, "display_name": "Membership sync"}),
        )
        .await;
    assert_eq!(account.status, 201, "{}", account.text());
    let account = account.json()["id"].as_i64().unwrap();
    let keys = format!("/api/v1/users/{account}/api-keys");

    let issued = app
        .send_json(
            Method::POST,
            &keys,
            Some(&admin),
            &json!({"name": "Membership system"}),
        )
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text());
    let issued = issued.json();
    let key = issued["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("ck_") && key.len() > 60, "{key}");

    // Scoped as its account: the branch's members, not another branch's.
    let members = app.get_as("/api/v1/members", &key).await;
    assert_eq!(members.status, 200, "{}", members.text());
    let numbers: Vec<String> = members.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["membership_number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(numbers, ["W001"]);
    assert_eq!(
        app.get_as(&format!("/api/v1/members/{}", world.leeds_member), &key)
            .await
            .status,
        404
    );
    assert_eq!(app.get_as("/api/v1/users", &key).await.status, 403);

    // Shown once: the list never holds the secret, and neither does the database.
    let listed = app.get_as(&keys, &admin).await.json();
    assert_eq!(listed["items"][0]["name"], "Membership system");
    assert!(listed["items"][0].get("key").is_none(), "{listed}");
    assert!(!listed.to_string().contains(&key[3..]));
    {
        use diesel::prelude::*;
        let mut conn = app.state.db.get().unwrap();
        let stored: Vec<String> = caseload::db::schema::api_keys::table
            .select(caseload::db::schema::api_keys::secret_hash)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert!(!stored[0].contains(&key[3..]) && stored[0].len() == 64);
    }
    // A key that was never issued, or is one character off, is refused.
    let mut wrong = key.clone();
    wrong.pop();
    wrong.push('x');
    assert_eq!(app.get_as("/api/v1/members", &wrong).await.status, 401);
    assert_eq!(app.get_as("/api/v1/members", "ck_").await.status, 401);
    // Not a page credential.
    let page = app
        .call(actix_web::test::TestRequest::get().uri("/members").cookie(
            actix_web::cookie::Cookie::new("caseload_session", key.clone()),
        ))
        .await;
    assert_ne!(page.status, 200);

    // Only administrators issue keys.
    let officer = app.token("wgn.officer").await;
    assert_eq!(
        app.send_json(
            Method::POST,
            &keys,
            Some(&officer),
            &json!({"name": "Mine"})
        )
        .await
        .status,
        403
    );
    // Revoked: refused at once.
    let id = issued["id"].as_i64().unwrap();
    let revoked = app
        .send_json(
            Method::DELETE,
            &format!("{keys}/{id}"),
            Some(&admin),
            &json!(null),
        )
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text());
    assert_eq!(app.get_as("/api/v1/members", &key).await.status, 401);
    assert!(app.get_as(&keys, &admin).await.json()["items"][0]["revoked_at"].is_string());

    // A deactivated account's keys stop working too.
    let second = app
        .send_json(
            Method::POST,
            &keys,
            Some(&admin),
            &json!({"name": "Spreadsheet"}),
        )
        .await
        .json()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.get_as("/api/v1/members", &second).await.status, 200);
    let deactivated = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/users/{account}"),
            Some(&admin),
            &json!({"active": false}),
        )
        .await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text());
    assert_eq!(app.get_as("/api/v1/members", &second).await.status, 401);

    // Issuing and revoking are audited, and so is a read made with a key, as its account's.
    let entries = app.audit_entries();
    let of = |action: &str, entity: &str| {
        entries
            .iter()
            .filter(|e| e.action == action && e.entity == entity)
            .count()
    };
    assert_eq!(of("create", "api_key"), 2);
    assert_eq!(of("revoke", "api_key"), 1);
    assert!(
        entries
            .iter()
            .any(|e| e.user_id.map(|u| u.0) == Some(account) && e.action == "list")
    );
}

/// `updated_since` lists only what changed at or after a moment, for incremental sync.
#[actix_rt::test]
async fn lists_give_what_changed_since_a_moment() {
    use diesel::prelude::*;
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    {
        use caseload::db::schema::{cases, members};
        let long_ago = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let mut conn = app.state.db.get().unwrap();
        diesel::update(members::table)
            .set(members::updated_at.eq(long_ago))
            .execute(&mut *conn)
            .unwrap();
        diesel::update(cases::table)
            .set(cases::updated_at.eq(long_ago))
            .execute(&mut *conn)
            .unwrap();
    }
    let member = format!("/api/v1/members/{}", world.wigan_member);
    let changed = app
        .send_json(
            Method::PATCH,
            &member,
            Some(&admin),
            &json!({"team": "Duty"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    let case = format!("/api/v1/cases/{}", world.leeds_case);
    let changed = app
        .send_json(
            Method::PATCH,
            &case,
            Some(&admin),
            &json!({"stage": "hearing"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());

    let ids = |answer: serde_json::Value| -> Vec<i64> {
        answer["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    for since in [
        "2021-06-01",
        "2021-06-01T09:30:00Z",
        "2021-06-01T10:30:00%2B01:00",
    ] {
        let members = app
            .get_as(&format!("/api/v1/members?updated_since={since}"), &admin)
            .await;
        assert_eq!(members.status, 200, "{since}: {}", members.text());
        assert_eq!(ids(members.json()), [world.wigan_member.0], "{since}");
        let cases = app
            .get_as(&format!("/api/v1/cases?updated_since={since}"), &admin)
            .await;
        assert_eq!(ids(cases.json()), [world.leeds_case.0], "{since}");
    }
    let all = app
        .get_as("/api/v1/members?updated_since=2019-12-31", &admin)
        .await
        .json();
    assert!(all["total"].as_i64().unwrap() >= 3, "{all}");
    let later = app
        .get_as("/api/v1/cases?updated_since=2999-01-01", &admin)
        .await
        .json();
    assert_eq!(later["total"], 0);
    for bad in ["yesterday", "2026-13-01", "1700000000"] {
        let refused = app
            .get_as(&format!("/api/v1/members?updated_since={bad}"), &admin)
            .await;
        assert_eq!(refused.status, 400, "{bad}");
        assert!(
            refused.text().contains("updated_since"),
            "{}",
            refused.text()
        );
    }
}

/// The administrator's user page issues a key (shown once) and revokes it.
#[actix_rt::test]
async fn the_user_page_issues_and_revokes_keys() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = crate::common::browser_sign_in(&app, "admin").await;
    let path = format!("/admin/users/{}", world.wigan_officer.0);
    let csrf = crate::common::csrf_of(&crate::common::page(&app, &path, &session).await.text());
    let refused = crate::common::post_form(
        &app,
        &format!("{path}/api-keys"),
        &session,
        None,
        &[("csrf_token", csrf.as_str()), ("name", "")],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    let issued = crate::common::post_form(
        &app,
        &format!("{path}/api-keys"),
        &session,
        None,
        &[("csrf_token", csrf.as_str()), ("name", "Membership sync")],
    )
    .await;
    assert_eq!(issued.status, 200, "{}", issued.text());
    let html = issued.text();
    let start = html.find("value=\"ck_").expect("the key is shown") + 7;
    let key = html[start..start + 67].to_owned();
    assert!(key.starts_with("ck_"), "{key}");
    assert_eq!(app.get_as("/api/v1/members", &key).await.status, 200);
    // Shown once: the page does not hold it again.
    let again = crate::common::page(&app, &path, &session).await.text();
    assert!(again.contains("Membership sync") && !again.contains(&key));
    let id = app
        .get_as(
            &format!("/api/v1/users/{}/api-keys", world.wigan_officer.0),
            &app.token("admin").await,
        )
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let revoked = crate::common::post_form(
        &app,
        &format!("{path}/api-keys/{id}/revoke"),
        &session,
        None,
        &[("csrf_token", csrf.as_str())],
    )
    .await;
    assert_eq!(revoked.status, 303, "{}", revoked.text());
    assert_eq!(app.get_as("/api/v1/members", &key).await.status, 401);
}

//! Every write and every read of a member or a case leaves an audit entry.

use actix_web::http::Method;
use caseload::models::{AuditEntry, AuditFilter};
use serde_json::json;

use crate::common::TestApp;
use crate::fixtures::World;

fn entries(app: &TestApp, entity: &str) -> Vec<AuditEntry> {
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let filter = AuditFilter {
        entity: Some(entity.into()),
        ..Default::default()
    };
    let paging = caseload::paging::Paging {
        page: 1,
        per_page: 200,
    };
    AuditEntry::search(&mut conn, &filter, paging).unwrap().0
}

#[actix_rt::test]
async fn reading_a_member_or_a_case_is_audited_with_who_and_which() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let token = app.token("wgn.officer").await;
    app.get_as(&format!("/api/v1/members/{}", world.wigan_member), &token)
        .await;
    app.get_as(&format!("/api/v1/cases/{}", world.wigan_case), &token)
        .await;
    app.get_as("/api/v1/members", &token).await;

    let members = entries(&app, "member");
    let read = members
        .iter()
        .find(|e| e.action == "read")
        .expect("a read entry");
    assert_eq!(read.user_id, Some(world.wigan_officer));
    assert_eq!(read.entity_id, Some(world.wigan_member.0));
    let listed = members
        .iter()
        .find(|e| e.action == "list")
        .expect("a list entry");
    assert_eq!(listed.detail.as_deref(), Some("count=1"));
    let mut conn = app.state.db.get().unwrap();
    assert_eq!(
        AuditEntry::subjects(&mut conn, listed.id).unwrap(),
        vec![("member".to_owned(), world.wigan_member.0)],
        "the list names the member it showed"
    );
    let cases = entries(&app, "case");
    assert!(
        cases
            .iter()
            .any(|e| e.action == "read" && e.entity_id == Some(world.wigan_case.0))
    );
}

#[actix_rt::test]
async fn a_read_out_of_scope_is_not_recorded_as_a_read() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let token = app.token("wgn.officer").await;
    let response = app
        .get_as(&format!("/api/v1/members/{}", world.leeds_member), &token)
        .await;
    assert_eq!(response.status, 404);
    assert!(entries(&app, "member").is_empty());
}

#[actix_rt::test]
async fn writes_are_audited_without_names() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let created = app
        .send_json(
            Method::POST,
            "/api/v1/regions",
            Some(&admin),
            &json!({"name": "South West"}),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.json()["id"].as_i64().unwrap();
    let regions = entries(&app, "region");
    assert_eq!(regions.len(), 1);
    assert_eq!(regions[0].action, "create");
    assert_eq!(regions[0].entity_id, Some(id));

    let user = app
        .send_json(Method::POST, "/api/v1/users", Some(&admin),
            &json!({"username": "jo.bloggs", "display_name": "Jo Bloggs", "password": "long enough password", "role": "delegate"}))
        .await;
    assert_eq!(user.status, 201);
    let users = entries(&app, "user");
    let create = users.iter().find(|e| e.action == "create").unwrap();
    assert!(!create.detail.clone().unwrap_or_default().contains("Bloggs"));
}

#[actix_rt::test]
async fn sign_ins_and_failures_are_audited() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    app.token("wgn.officer").await;
    app.send_json(
        Method::POST,
        "/api/v1/auth/token",
        None,
        &json!({"username": "wgn.officer", "password": "wrong wrong wrong"}),
    )
    .await;
    let users = entries(&app, "user");
    assert!(
        users
            .iter()
            .any(|e| e.action == "sign_in" && e.user_id == Some(world.wigan_officer))
    );
    assert!(
        users
            .iter()
            .any(|e| e.action == "sign_in_failed" && e.entity_id == Some(world.wigan_officer.0))
    );
}

#[actix_rt::test]
async fn the_audit_page_searches_the_trail() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let token = app.token("wgn.officer").await;
    app.get_as(&format!("/api/v1/members/{}", world.wigan_member), &token)
        .await;
    app.flush_audit();
    let session = crate::common::browser_sign_in(&app, "admin").await;
    let html = crate::common::page(&app, "/admin/audit?entity=member&action=read", &session)
        .await
        .text();
    assert!(
        html.contains("1 entry<"),
        "one entry, in the singular: {html}"
    );
    let who = format!("<td>wgn.officer display ({})</td>", world.wigan_officer);
    assert!(html.contains(&who), "the user is shown by name: {html}");
    let bad = crate::common::page(&app, "/admin/audit?from=yesterday", &session).await;
    assert_eq!(bad.status, 400);
}

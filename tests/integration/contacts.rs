//! The people around a case: added, listed and removed by those who work it, each field checked
//! and every problem named; someone on another case of the employer picked again, but never
//! from a case the caller does not work; shown on the case page and its print summary; audited
//! with their ids; in the subject access export, and gone after erasure and retention.

use actix_web::http::Method;
use caseload::audit::Entity;
use caseload::casework::protection;
use serde_json::{Value, json};

use crate::common::{TestApp, browser_sign_in, csrf_of, page, post_form};
use crate::fixtures::World;

const DANA: &str = "Dana Whitfield";

async fn add(app: &TestApp, token: &str, case: i64, body: Value) -> crate::common::TestResponse {
    app.send_json(
        Method::POST,
        &format!("/api/v1/cases/{case}/contacts"),
        Some(token),
        &body,
    )
    .await
}

fn dana() -> Value {
    json!({"role": "hr_adviser", "name": DANA, "organisation": "Wigan Council HR",
           "email": "d.whitfield@council.example", "phone": "+44 161 496 0000",
           "note": "Copy her into the hearing letters"})
}

#[actix_rt::test]
async fn an_officer_adds_lists_and_removes_the_people_around_a_case() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let added = add(&app, &officer, case, dana()).await;
    assert_eq!(added.status, 201, "{}", added.text());
    let contact = added.json();
    assert_eq!(contact["role"], "hr_adviser");
    assert_eq!(contact["phone"], "+44 161 496 0000");
    assert_eq!(contact["added_by"], world.wigan_officer.0);
    let id = contact["id"].as_i64().unwrap();

    let listed = app
        .get_as(&format!("/api/v1/cases/{case}/contacts"), &officer)
        .await;
    assert_eq!(listed.status, 200);
    assert_eq!(listed.json()["items"][0]["name"], DANA);
    let entries = app.audit_entries();
    let list = entries
        .iter()
        .find(|e| e.entity == Entity::Contact.as_str() && e.action == "list")
        .expect("the list is audited");
    assert!(
        list.detail
            .as_deref()
            .unwrap_or_default()
            .contains("count=1")
    );
    assert!(
        !format!("{entries:?}").contains(DANA),
        "the audit names ids, never the person"
    );

    let removed = app
        .send_json(
            Method::DELETE,
            &format!("/api/v1/cases/{case}/contacts/{id}"),
            Some(&officer),
            &json!(null),
        )
        .await;
    assert_eq!(removed.status, 204);
    let again = app
        .get_as(&format!("/api/v1/cases/{case}/contacts"), &officer)
        .await
        .json();
    assert_eq!(again["items"], json!([]));
    assert!(
        app.audit_entries()
            .iter()
            .any(|e| e.entity == "contact" && e.action == "delete" && e.entity_id == Some(id))
    );
}

#[actix_rt::test]
async fn every_problem_with_a_contact_is_named_and_nothing_is_written() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let refused = add(
        &app,
        &officer,
        case,
        json!({"name": "Dana\u{200b}Whitfield", "email": "dana at council",
               "phone": "ring reception", "note": "x".repeat(501)}),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    let body = refused.json();
    let fields = &body["error"]["fields"];
    for field in ["role", "name", "email", "phone", "note"] {
        assert!(
            fields[field].is_string(),
            "{field} is named: {}",
            refused.text()
        );
    }
    let unknown = add(
        &app,
        &officer,
        case,
        json!({"role": "hr_adviser", "name": DANA, "mobile": "07700 900000"}),
    )
    .await;
    assert!(
        unknown.status == 400 || unknown.status == 422,
        "an unknown field is refused: {}",
        unknown.status
    );
    let role = add(
        &app,
        &officer,
        case,
        json!({"role": "friend", "name": DANA}),
    )
    .await;
    assert!(role.status.is_client_error());
    assert!(role.text().contains("role"), "{}", role.text());
    let listed = app
        .get_as(&format!("/api/v1/cases/{case}/contacts"), &officer)
        .await
        .json();
    assert_eq!(listed["items"], json!([]));
}

#[actix_rt::test]
async fn someone_on_another_case_of_the_employer_is_picked_again_but_only_from_cases_the_caller_works()
 {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let leeds = app.token("lds.officer").await;
    // Dana on the Wigan case, twice over (the same person is offered once).
    let first = add(&app, &officer, world.wigan_case.0, dana()).await.json();
    add(&app, &officer, world.wigan_case.0, dana()).await;
    // Someone on a Leeds case of the same employer: not the Wigan officer's to see.
    let leeds_contact = add(
        &app,
        &leeds,
        world.leeds_case.0,
        json!({"role": "investigating_officer", "name": "Priya Leeds"}),
    )
    .await
    .json();
    let second = app
        .send_json(
            Method::POST,
            "/api/v1/cases",
            Some(&officer),
            &json!({"member_id": world.wigan_member, "type": "disciplinary", "opened_on": "2026-09-01"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();

    let known = app
        .get_as(&format!("/api/v1/cases/{second}/contacts/known"), &officer)
        .await
        .json();
    let names: Vec<&str> = known["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [DANA], "once, and nobody from Leeds");

    let picked = add(
        &app,
        &officer,
        second,
        json!({"copy_of": known["items"][0]["id"], "role": "hearing_manager"}),
    )
    .await;
    assert_eq!(picked.status, 201, "{}", picked.text());
    let picked = picked.json();
    assert_eq!(picked["name"], DANA);
    assert_eq!(picked["email"], first["email"]);
    assert_eq!(picked["phone"], first["phone"]);
    assert_eq!(picked["role"], "hearing_manager", "what is given wins");
    assert_eq!(picked["note"], Value::Null, "a note stays on its own case");
    assert_ne!(picked["id"], first["id"], "a copy of its own");

    let stolen = add(
        &app,
        &officer,
        second,
        json!({"copy_of": leeds_contact["id"]}),
    )
    .await;
    assert_eq!(stolen.status, 422, "{}", stolen.text());
    assert!(
        stolen.json()["error"]["fields"]["copy_of"].is_string(),
        "{}",
        stolen.text()
    );
    assert!(!stolen.text().contains("Priya"));
}

#[actix_rt::test]
async fn the_case_page_and_its_print_summary_show_the_people_and_the_form_names_its_own_fields() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let path = format!("/cases/{}", world.wigan_case);
    let html = page(&app, &path, &session).await.text();
    assert!(html.contains("id=\"people\""));
    let csrf = csrf_of(&html);
    let added = post_form(
        &app,
        &format!("{path}/contacts"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("contact_role", "companion"),
            ("contact_name", "Chris Ali"),
            ("contact_phone", "07700 900123"),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.text());
    let html = page(&app, &path, &session).await.text();
    assert!(html.contains("Chris Ali") && html.contains("href=\"tel:07700900123\""));
    let print = page(&app, &format!("{path}/print"), &session).await.text();
    assert!(print.contains("Chris Ali") && print.contains("Companion"));

    let refused = post_form(
        &app,
        &format!("{path}/contacts"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("contact_role", "companion"),
            ("contact_name", "Jo Bloggs"),
            ("contact_email", "not an address"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    let html = refused.text();
    assert!(
        html.contains("id=\"contact-email-error\""),
        "beside its own field"
    );
    assert!(
        html.contains("value=\"Jo Bloggs\""),
        "what was typed comes back"
    );
    assert!(
        !html.contains("id=\"note-error\""),
        "not beside the deadline's note"
    );
}

#[actix_rt::test]
async fn the_export_carries_the_people_and_erasure_and_retention_remove_them() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    assert_eq!(
        add(&app, &officer, world.wigan_case.0, dana()).await.status,
        201
    );
    assert_eq!(
        add(
            &app,
            &app.token("lds.officer").await,
            world.leeds_case.0,
            dana()
        )
        .await
        .status,
        201
    );
    let mut conn = app.state.db.get().unwrap();
    let export = protection::export_member(&mut conn, world.wigan_member, None, None).unwrap();
    assert_eq!(export["contacts"][0]["name"], DANA);
    assert_eq!(
        export["contacts"].as_array().unwrap().len(),
        1,
        "only the member's own cases"
    );
    protection::erase_member(&mut conn, world.wigan_member, None).unwrap();
    drop(conn);
    let admin = app.token("admin").await;
    let after = app
        .get_as(
            &format!("/api/v1/cases/{}/contacts", world.wigan_case),
            &admin,
        )
        .await
        .json();
    assert_eq!(after["items"], json!([]), "erasure removes them");
    let leeds = app
        .get_as(
            &format!("/api/v1/cases/{}/contacts", world.leeds_case),
            &admin,
        )
        .await
        .json();
    assert_eq!(leeds["items"].as_array().unwrap().len(), 1, "others' stay");

    let mut conn = app.state.db.get().unwrap();
    crate::data_protection::close_long_ago(&mut conn, world.leeds_case, "2015-03-02", "2015-06-30");
    protection::retention(&mut conn, chrono::Utc::now().date_naive(), true).unwrap();
    drop(conn);
    let retained = app
        .get_as(
            &format!("/api/v1/cases/{}/contacts", world.leeds_case),
            &admin,
        )
        .await
        .json();
    assert_eq!(
        retained["items"],
        json!([]),
        "retention removes them with the case's identity"
    );
}

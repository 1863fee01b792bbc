//! Nothing typed is lost, nothing stored is erased by accident: imports list each field's old
//! and new value and keep the old; a deleted workload record can be restored; the list's
//! filters reach its CSV; erasure and the subject access export start from the admin pages
//! with a typed confirmation.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::common::{TestApp, TestResponse, browser_sign_in, csrf_of, page, post_form};
use crate::fixtures::World;

async fn import(app: &TestApp, token: &str, path: &str, body: &str) -> TestResponse {
    app.call(
        TestRequest::post()
            .uri(path)
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", "text/csv"))
            .set_payload(body.to_owned()),
    )
    .await
}

fn field<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["changes"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == name)
        .unwrap_or_else(|| panic!("no change of {name}: {report}"))
}

#[actix_rt::test]
async fn an_import_lists_each_fields_old_and_new_value_and_keeps_the_old_one() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    // No email column: Ada's email stays. Her team and FTE change.
    let csv = "membership_number,first_name,last_name,employer,job_role,fte,team\n\
               W001,Ada,Okafor,Wigan Council,Social worker,0.8,Duty\n";
    let dry = import(&app, &officer, "/api/v1/members/import?dry_run=true", csv).await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    let report = dry.json();
    assert_eq!(report["changes"][0]["line"], 2);
    assert_eq!(report["changes"][0]["record"], "W001");
    assert_eq!(field(&report, "team")["old"], "Assessment");
    assert_eq!(field(&report, "team")["new"], "Duty");
    assert_eq!(field(&report, "fte")["old"], "1");
    assert_eq!(field(&report, "fte")["new"], "0.8");
    assert_eq!(report["changes"][0]["fields"].as_array().unwrap().len(), 2);
    let path = format!("/api/v1/members/{}", world.wigan_member);
    assert_eq!(
        app.get_as(&path, &officer).await.json()["team"],
        "Assessment"
    );

    let done = import(&app, &officer, "/api/v1/members/import", csv)
        .await
        .json();
    assert_eq!(done["updated"], 1);
    let member = app.get_as(&path, &officer).await.json();
    assert_eq!(member["team"], "Duty");
    assert_eq!(
        member["email"], "ada@example.org",
        "a column left out is kept"
    );
    let mut conn = app.state.db.get().unwrap();
    let export =
        caseload::casework::protection::export_member(&mut conn, world.wigan_member, None, None)
            .unwrap();
    let kept = export["changes_to_these_records"].as_array().unwrap();
    assert!(
        kept.iter().any(|c| c["field"] == "team"
            && c["old_value"] == "Assessment"
            && c["new_value"] == "Duty"
            && c["via"] == "import"),
        "{kept:?}"
    );

    // Workload: the source as the pages write it, in any case; the dry run lists the change.
    let workload = format!("/api/v1/members/{}/workload", world.wigan_member);
    let added = app
        .send_json(
            Method::POST,
            &workload,
            Some(&officer),
            &json!({"recorded_on": "2026-03-02", "open_cases": 18, "source": "supervision"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let csv = "membership_number,recorded_on,open_cases,source\nW001,2026-03-02,21,Supervision\n";
    let dry = import(&app, &officer, "/api/v1/workload/import?dry_run=true", csv).await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    let report = dry.json();
    assert_eq!(
        report["changes"][0]["record"],
        "W001 2026-03-02 Supervision"
    );
    assert_eq!(field(&report, "open_cases")["old"], "18");
    assert_eq!(field(&report, "open_cases")["new"], "21");
    let lower =
        "membership_number,recorded_on,open_cases,source\nW001,2026-04-06,9,member report\n";
    let read = import(&app, &officer, "/api/v1/workload/import", lower).await;
    assert_eq!(read.status, 200, "{}", read.text());
}

#[actix_rt::test]
async fn the_import_page_shows_the_changes_and_keeps_the_kind_chosen_when_a_file_is_refused() {
    let app = TestApp::new().await;
    World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let csrf = csrf_of(&page(&app, "/import", &session).await.text());
    let upload = |kind: &'static str, csv: &'static str, dry: bool| {
        let (app, session, csrf) = (&app, &session, csrf.clone());
        async move { crate::pages_members::upload(app, session, &csrf, kind, csv, dry).await }
    };
    let refused = upload(
        "workload",
        "membership_number,recorded_on,open_cases,source\nW001,2026-13-01,5,supervision\n",
        true,
    )
    .await;
    assert_eq!(refused.status, 422);
    let html = refused.text();
    assert!(html.contains("value=\"workload\" checked"), "{html}");
    assert!(html.contains("name=\"dry_run\" value=\"on\" checked"));

    let dry = upload(
        "members",
        "membership_number,first_name,last_name,employer,job_role,fte,team\nW001,Ada,Okafor,Wigan Council,Social worker,1,Duty\n",
        true,
    )
    .await
    .text();
    assert!(
        dry.contains("<td>team</td><td>Assessment</td><td>Duty</td>"),
        "{dry}"
    );
}

#[actix_rt::test]
async fn the_members_csv_holds_the_members_the_list_shows() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let all = app.get_as("/api/v1/members/export", &admin).await.text();
    let some = app
        .get_as("/api/v1/members/export?q=okafor", &admin)
        .await
        .text();
    assert!(all.lines().count() > 2, "{all}");
    assert_eq!(some.lines().count(), 2, "a header and Ada: {some}");
    assert!(some.contains("W001"));
    let session = browser_sign_in(&app, "admin").await;
    let list = page(&app, "/members?q=okafor", &session).await.text();
    assert!(list.contains("href=\"/members.csv?q=okafor\""), "{list}");
    let csv = page(&app, "/members.csv?q=okafor", &session).await.text();
    assert_eq!(csv.lines().count(), 2, "{csv}");
}

#[actix_rt::test]
async fn an_fte_above_one_is_refused_and_a_second_record_on_a_date_asks_first() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let path = format!("/api/v1/members/{}", world.wigan_member);
    let refused = app
        .send_json(Method::PATCH, &path, Some(&officer), &json!({"fte": 1.2}))
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.json()["error"]["fields"]["fte"]
            .as_str()
            .unwrap()
            .contains("hours worked")
    );

    let session = browser_sign_in(&app, "wgn.officer").await;
    let member_page = format!("/members/{}", world.wigan_member);
    let csrf = csrf_of(&page(&app, &member_page, &session).await.text());
    let add = |confirmed: bool| {
        let (app, session, csrf) = (&app, &session, csrf.clone());
        let path = format!("{member_page}/workload");
        async move {
            let mut fields = vec![
                ("csrf_token", csrf.clone()),
                ("recorded_on", "2026-02-02".to_owned()),
                ("open_cases", "17".to_owned()),
                ("source", "member_report".to_owned()),
            ];
            if confirmed {
                fields.push(("same_date_confirmed", "1".to_owned()));
            }
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post_form(app, &path, session, None, &fields).await
        }
    };
    let count = || async {
        app.get_as(&format!("{path}/workload"), &officer)
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(add(false).await.status, 303);
    let before = count().await;
    let asked = add(false).await;
    assert_eq!(asked.status, 200);
    assert!(
        asked
            .text()
            .contains("already has a workload record on 2026-02-02")
    );
    assert!(asked.text().contains("Save it anyway"));
    assert_eq!(count().await, before, "nothing saved before the answer");
    assert_eq!(add(true).await.status, 303);
    assert_eq!(count().await, before + 1);
}

#[actix_rt::test]
async fn deleting_a_workload_record_asks_first_and_can_be_undone_by_who_deleted_it() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let api = format!("/api/v1/members/{}/workload", world.wigan_member);
    let record = app
        .send_json(
            Method::POST,
            &api,
            Some(&officer),
            &json!({"recorded_on": "2026-02-02", "open_cases": 23, "hours_worked": 45.5,
                    "source": "member_report", "note": "Survey week"}),
        )
        .await
        .json();
    let session = browser_sign_in(&app, "wgn.officer").await;
    let member_page = format!("/members/{}", world.wigan_member);
    let shown = page(&app, &member_page, &session).await.text();
    let confirm_path = format!("{member_page}/workload/{}/delete", record["id"]);
    assert!(
        shown.contains(&format!("href=\"{confirm_path}\"")),
        "Delete is a link to a confirmation, not a button that deletes"
    );
    let confirm = page(&app, &confirm_path, &session).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.text().contains("Delete this record"));
    assert_eq!(
        app.get_as(&api, &officer).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let deleted = post_form(
        &app,
        &confirm_path,
        &session,
        None,
        &[("csrf_token", &csrf_of(&confirm.text()))],
    )
    .await;
    assert_eq!(deleted.status, 303);
    assert!(
        app.get_as(&api, &officer).await.json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let shown = page(&app, &member_page, &session).await.text();
    let restore = format!("{member_page}/workload/{}/restore", record["id"]);
    assert!(shown.contains(&restore), "{shown}");

    // Someone else cannot undo it; the one who deleted it can, once.
    let admin = browser_sign_in(&app, "admin").await;
    let admin_csrf = csrf_of(&page(&app, &member_page, &admin).await.text());
    let theirs = post_form(&app, &restore, &admin, None, &[("csrf_token", &admin_csrf)]).await;
    assert_eq!(theirs.status, 404);
    let csrf = csrf_of(&shown);
    let undone = post_form(&app, &restore, &session, None, &[("csrf_token", &csrf)]).await;
    assert_eq!(undone.status, 303, "{}", undone.text());
    let items = app.get_as(&api, &officer).await.json()["items"].clone();
    assert_eq!(items[0]["open_cases"], 23);
    assert_eq!(items[0]["hours_worked"], 45.5);
    assert_eq!(items[0]["note"], "Survey week");
    assert_eq!(items[0]["source"], "member_report");
    let again = post_form(&app, &restore, &session, None, &[("csrf_token", &csrf)]).await;
    assert_eq!(again.status, 404);
}

#[actix_rt::test]
async fn an_administrator_erases_or_exports_a_member_from_the_pages_after_typing_the_name() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let protection = format!("/admin/members/{}/protection", world.wigan_member);
    let officer_session = browser_sign_in(&app, "wgn.officer").await;
    assert_eq!(page(&app, &protection, &officer_session).await.status, 403);

    let session = browser_sign_in(&app, "admin").await;
    let form = page(&app, &protection, &session).await;
    assert_eq!(form.status, 200);
    let csrf = csrf_of(&form.text());
    let export = format!("/admin/members/{}/export", world.wigan_member);
    let export_refused = post_form(
        &app,
        &export,
        &session,
        None,
        &[("csrf_token", &csrf), ("confirm_name", "Ada")],
    )
    .await;
    assert_eq!(export_refused.status, 422);
    let exported = post_form(
        &app,
        &export,
        &session,
        None,
        &[("csrf_token", &csrf), ("confirm_name", "ada  okafor")],
    )
    .await;
    assert_eq!(exported.status, 200);
    assert!(
        exported
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(exported.json()["member"]["last_name"], "Okafor");

    let erase = format!("/admin/members/{}/erase", world.wigan_member);
    let wrong = post_form(
        &app,
        &erase,
        &session,
        None,
        &[("csrf_token", &csrf), ("confirm_name", "Bea Okafor")],
    )
    .await;
    assert_eq!(wrong.status, 422);
    let officer = app.token("wgn.officer").await;
    let path = format!("/api/v1/members/{}", world.wigan_member);
    assert_eq!(
        app.get_as(&path, &officer).await.json()["first_name"],
        "Ada"
    );
    let erased = post_form(
        &app,
        &erase,
        &session,
        None,
        &[("csrf_token", &csrf), ("confirm_name", "Ada Okafor")],
    )
    .await;
    assert_eq!(erased.status, 303);
    assert_eq!(
        app.get_as(&path, &officer).await.json()["first_name"],
        "Erased"
    );

    let member_page = page(
        &app,
        &format!("/members/{}", world.wigan_member),
        &officer_session,
    )
    .await
    .text();
    assert!(member_page.contains("details were erased"));
    for action in ["/edit\">Edit</a>", "Open a case", "Add a workload record"] {
        assert!(
            !member_page.contains(action),
            "an erased member offers {action}"
        );
    }
    let changed = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&officer),
            &json!({"team": "Duty"}),
        )
        .await;
    assert_eq!(changed.status, 409);
}

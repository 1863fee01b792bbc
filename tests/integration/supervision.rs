//! Supervision records: entered by those who may write the member, every problem named; read as
//! workload is; audited with their ids; the note never in what the API returns; regular by the
//! setting or the employer's own; in the export and cleared by erasure.

use actix_web::http::Method;
use caseload::audit::Entity;
use caseload::casework::protection;
use serde_json::{Value, json};

use crate::common::{TestApp, TestResponse};
use crate::fixtures::World;

async fn record(app: &TestApp, token: &str, member: i64, body: Value) -> TestResponse {
    app.send_json(
        Method::POST,
        &format!("/api/v1/members/{member}/supervision"),
        Some(token),
        &body,
    )
    .await
}

fn days_ago(days: u64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Days::new(days)).to_string()
}

const NOTE: &str = "Talked through the Hollins family visit";

#[actix_rt::test]
async fn an_officer_records_supervision_and_sees_whether_it_is_regular() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let member = world.wigan_member.0;
    let path = format!("/api/v1/members/{member}/supervision");

    let none = app.get_as(&path, &officer).await.json();
    assert_eq!(none["standing"], "not_recorded");
    assert_eq!(none["regular_days"], 28);

    let called_off = record(
        &app,
        &officer,
        member,
        json!({"held_on": days_ago(10), "kind": "reflective", "status": "cancelled",
               "called_off_by": "employer", "source": "member_report"}),
    )
    .await;
    assert_eq!(called_off.status, 201, "{}", called_off.text());
    let overdue = app.get_as(&path, &officer).await.json();
    assert_eq!(
        overdue["standing"], "overdue",
        "a cancelled session is recorded but is not supervision"
    );

    let old = record(
        &app,
        &officer,
        member,
        json!({"held_on": days_ago(40), "kind": "both", "minutes": 60, "source": "supervision_notes"}),
    )
    .await;
    assert_eq!(old.status, 201, "{}", old.text());
    assert_eq!(
        app.get_as(&path, &officer).await.json()["standing"],
        "overdue"
    );

    let held = record(
        &app,
        &officer,
        member,
        json!({"held_on": days_ago(3), "kind": "reflective", "minutes": 90,
               "source": "member_report", "note": NOTE}),
    )
    .await;
    assert_eq!(held.status, 201, "{}", held.text());
    let held = held.json();
    assert_eq!(held["status"], "held");
    assert_eq!(held["has_note"], true);
    assert!(
        held.get("note").is_none(),
        "the note stays on the member's page"
    );

    let listed = app.get_as(&path, &officer).await;
    assert_eq!(listed.status, 200);
    assert!(!listed.text().contains("Hollins"), "{}", listed.text());
    let listed = listed.json();
    assert_eq!(listed["standing"], "regular");
    assert_eq!(listed["last_reflective"], days_ago(3));
    assert_eq!(listed["total"], 3);
    assert_eq!(listed["items"][1]["status"], "cancelled");
    assert_eq!(listed["items"][0]["held_on"], days_ago(40), "oldest first");

    // A session recorded in error is deleted, audited; another member's is not found.
    let cancelled = listed["items"][1]["id"].as_i64().unwrap();
    let other = format!(
        "/api/v1/members/{}/supervision/{cancelled}",
        world.bury_member
    );
    let admin_token = app.token("admin").await;
    let wrong = app
        .send_json(Method::DELETE, &other, Some(&admin_token), &json!(null))
        .await;
    assert_eq!(
        wrong.status, 404,
        "a record is deleted only through its member"
    );
    let gone = app
        .send_json(
            Method::DELETE,
            &format!("{path}/{cancelled}"),
            Some(&officer),
            &json!(null),
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text());
    assert_eq!(app.get_as(&path, &officer).await.json()["total"], 2);
    let deleted = app
        .audit_entries()
        .into_iter()
        .any(|e| e.entity == Entity::SupervisionRecord.as_str() && e.action == "delete");
    assert!(deleted);

    // A case-management session alone is not reflective supervision.
    let other = world.bury_member.0;
    let admin = app.token("admin").await;
    let cm = record(
        &app,
        &admin,
        other,
        json!({"held_on": days_ago(2), "kind": "case_management", "source": "employer_data"}),
    )
    .await;
    assert_eq!(cm.status, 201, "{}", cm.text());
    let bury = app
        .get_as(&format!("/api/v1/members/{other}/supervision"), &admin)
        .await
        .json();
    assert_eq!(bury["standing"], "overdue");

    // Audited: each write with its record's id, the read with the ids it showed; never the
    // note.
    let entries = app.audit_entries();
    let created = entries
        .iter()
        .filter(|e| e.entity == Entity::SupervisionRecord.as_str() && e.action == "create")
        .count();
    assert_eq!(created, 4);
    assert!(!format!("{entries:?}").contains("Hollins"));
    let mut conn = app.state.db.get().unwrap();
    let read = entries
        .iter()
        .find(|e| e.action == "read" && e.detail.as_deref() == Some("supervision"))
        .expect("the read is audited");
    let shown = caseload::models::AuditEntry::subjects(&mut conn, read.id).unwrap();
    assert!(
        shown
            .iter()
            .any(|(entity, _)| entity == Entity::SupervisionRecord.as_str()),
        "{shown:?}"
    );
}

#[actix_rt::test]
async fn every_problem_with_a_supervision_record_is_named_and_nothing_is_written() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let member = world.wigan_member.0;
    let tomorrow_but_one = (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string();
    let cases: Vec<(Value, &[&str])> = vec![
        (
            json!({"held_on": days_ago(1), "kind": "reflective", "status": "cancelled",
                   "minutes": 30, "source": "member_report"}),
            &["called_off_by", "minutes"],
        ),
        (
            json!({"held_on": days_ago(1), "kind": "reflective", "called_off_by": "member",
                   "source": "member_report"}),
            &["called_off_by"],
        ),
        (
            json!({"held_on": tomorrow_but_one, "kind": "reflective", "minutes": 900,
                   "source": "member_report", "note": "a\u{202e}b"}),
            &["held_on", "minutes", "note"],
        ),
        (
            json!({"held_on": "1989-12-31", "kind": "both", "minutes": 0, "source": "employer_data"}),
            &["held_on", "minutes"],
        ),
    ];
    for (body, fields) in cases {
        let answer = record(&app, &officer, member, body.clone()).await;
        assert_eq!(answer.status, 422, "{body}: {}", answer.text());
        let named = answer.json()["error"]["fields"].clone();
        for field in fields {
            assert!(named.get(*field).is_some(), "{body}: {named}");
        }
        assert_eq!(
            named.as_object().map(|o| o.len()),
            Some(fields.len()),
            "{body}: {named}"
        );
    }
    let unknown = record(
        &app,
        &officer,
        member,
        json!({"held_on": days_ago(1), "kind": "peer", "source": "member_report"}),
    )
    .await;
    assert_eq!(unknown.status, 400, "{}", unknown.text());
    assert!(
        unknown.json()["error"]["fields"]["kind"].is_string(),
        "{}",
        unknown.text()
    );
    let listed = app
        .get_as(&format!("/api/v1/members/{member}/supervision"), &officer)
        .await
        .json();
    assert_eq!(listed["total"], 0, "nothing half-written");
}

#[actix_rt::test]
async fn an_employer_can_set_its_own_regular_gap() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let member = world.wigan_member.0;
    let path = format!("/api/v1/members/{member}/supervision");
    let added = record(
        &app,
        &admin,
        member,
        json!({"held_on": days_ago(35), "kind": "reflective", "minutes": 60, "source": "member_report"}),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.text());
    assert_eq!(
        app.get_as(&path, &admin).await.json()["standing"],
        "overdue"
    );
    let employer = format!("/api/v1/employers/{}", world.council);
    let refused = app
        .send_json(
            Method::PATCH,
            &employer,
            Some(&admin),
            &json!({"supervision_regular_days_override": 400}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.json()["error"]["fields"]["supervision_regular_days_override"].is_string());
    let set = app
        .send_json(
            Method::PATCH,
            &employer,
            Some(&admin),
            &json!({"supervision_regular_days_override": 42}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(set.json()["supervision_regular_days_override"], 42);
    let now = app.get_as(&path, &admin).await.json();
    assert_eq!(now["regular_days"], 42);
    assert_eq!(now["standing"], "regular");
}

#[actix_rt::test]
async fn the_export_carries_the_records_and_erasure_clears_their_notes() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let member = world.wigan_member.0;
    let added = record(
        &app,
        &officer,
        member,
        json!({"held_on": days_ago(5), "kind": "reflective", "minutes": 45,
               "source": "member_report", "note": NOTE}),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.text());
    let mut conn = app.state.db.get().unwrap();
    let export = protection::export_member(&mut conn, world.wigan_member, None, None).unwrap();
    assert_eq!(export["supervision_records"][0]["note"], NOTE);
    protection::erase_member(&mut conn, world.wigan_member, None).unwrap();
    let after = protection::export_member(&mut conn, world.wigan_member, None, None).unwrap();
    let rows = after["supervision_records"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "the session is still counted");
    assert_eq!(rows[0]["note"], Value::Null);
    assert_eq!(rows[0]["kind"], "reflective");
    drop(conn);
    let again = record(
        &app,
        &officer,
        member,
        json!({"held_on": days_ago(1), "kind": "reflective", "source": "member_report"}),
    )
    .await;
    assert_eq!(again.status, 409, "nothing more about an erased member");
}

/// Wigan, January to March 2026. Ada: reflective sessions on 5 and 31 January (26 days apart)
/// and 16 March (44 days), one postponed by her on 20 January and one cancelled by the employer
/// on 2 March. Wes: one reflective session on 20 December 2025, one cancelled by the employer on
/// 10 February. At each month's end Ada is regular (31 January to 28 February is exactly 28
/// days) and Wes is not: 1 of 2, 50%. The median gap in the period is 26 days (nearest rank of
/// 26 and 44); the employer called off 2 sessions, the members 1.
#[actix_rt::test]
async fn the_dashboard_counts_regular_supervision_gaps_and_who_called_sessions_off() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let wes = {
        let mut conn = app.state.db.get().unwrap();
        crate::fixtures::member(
            &mut conn,
            world.wigan,
            world.council,
            "W002",
            "Wes",
            "Adeyemi",
        )
    };
    let officer = app.token("wgn.officer").await;
    let sessions = [
        (world.wigan_member.0, "2026-01-05", None),
        (world.wigan_member.0, "2026-01-31", None),
        (world.wigan_member.0, "2026-03-16", None),
        (
            world.wigan_member.0,
            "2026-01-20",
            Some(("postponed", "member")),
        ),
        (
            world.wigan_member.0,
            "2026-03-02",
            Some(("cancelled", "employer")),
        ),
        (wes.0, "2025-12-20", None),
        (wes.0, "2026-02-10", Some(("cancelled", "employer"))),
    ];
    for (member, on, called_off) in sessions {
        let body = match called_off {
            None => {
                json!({"held_on": on, "kind": "reflective", "minutes": 60, "source": "supervision_notes"})
            }
            Some((status, by)) => json!({"held_on": on, "kind": "reflective", "status": status,
                                          "called_off_by": by, "source": "member_report"}),
        };
        let answer = record(&app, &officer, member, body).await;
        assert_eq!(answer.status, 201, "{}", answer.text());
    }
    let organiser = app.token("nw.organiser").await;
    let board = app
        .get_as(
            &format!(
                "/api/v1/dashboard?branch_id={}&from=2026-01-01&to=2026-03-31",
                world.wigan
            ),
            &organiser,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text());
    let supervision = &board.json()["supervision"];
    let total = &supervision["total"];
    assert_eq!(total["members_counted"], 2, "{supervision}");
    assert_eq!(total["regular"], 1);
    assert_eq!(total["regular_share"], 50.0);
    assert_eq!(total["median_gap_days"], 26.0);
    assert_eq!(total["called_off_by_employer"], 2);
    assert_eq!(total["called_off_by_member"], 1);
    assert_eq!(supervision["branches"][0]["name"], "Wigan");
    assert_eq!(supervision["branches"][0]["regular"], 1);
    let months: Vec<(String, i64, i64)> = supervision["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["on"].as_str().unwrap().to_owned(),
                m["members_counted"].as_i64().unwrap(),
                m["regular"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-01-31".to_owned(), 2, 1),
            ("2026-02-28".to_owned(), 2, 1),
            ("2026-03-31".to_owned(), 2, 1),
        ]
    );
    // A shorter gap for the employer: Ada's 28 days to 28 February are no longer regular.
    let admin = app.token("admin").await;
    let set = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/employers/{}", world.council),
            Some(&admin),
            &json!({"supervision_regular_days_override": 27}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    let february = app
        .get_as(
            &format!(
                "/api/v1/dashboard?branch_id={}&from=2026-02-01&to=2026-02-28",
                world.wigan
            ),
            &organiser,
        )
        .await
        .json();
    assert_eq!(february["supervision"]["total"]["regular"], 0);
    // The page shows it, with the chart and its table.
    let session = crate::common::browser_sign_in(&app, "nw.organiser").await;
    let page = crate::common::page(
        &app,
        &format!(
            "/dashboard?branch_id={}&from=2026-01-01&to=2026-03-31",
            world.wigan
        ),
        &session,
    )
    .await;
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("Supervision by branch and employer"),
        "{html}"
    );
    assert!(html.contains("Share with regular reflective supervision by month"));
}

#[actix_rt::test]
async fn the_member_page_records_a_session_and_names_each_problem_beside_its_field() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = crate::common::browser_sign_in(&app, "wgn.officer").await;
    let path = format!("/members/{}", world.wigan_member);
    let shown = crate::common::page(&app, &path, &session).await;
    assert_eq!(shown.status, 200);
    let html = shown.text();
    assert!(html.contains("No supervision recorded yet."), "{html}");
    let csrf = crate::common::csrf_of(&html);
    let refused = crate::common::post_form(
        &app,
        &format!("{path}/supervision"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("supervision_held_on", &days_ago(2)),
            ("supervision_kind", "reflective"),
            ("supervision_status", "cancelled"),
            ("supervision_called_off_by", ""),
            ("supervision_source", "member_report"),
            ("supervision_minutes", "45"),
            ("supervision_note", ""),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    let html = refused.text();
    assert!(
        html.contains(r#"id="supervision_called_off_by-error""#),
        "{html}"
    );
    assert!(html.contains(r#"id="supervision_minutes-error""#), "{html}");
    assert!(
        !html.contains(r#"id="note-error""#),
        "not beside the workload form's note"
    );
    let added = crate::common::post_form(
        &app,
        &format!("{path}/supervision"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("supervision_held_on", &days_ago(2)),
            ("supervision_kind", "both"),
            ("supervision_status", "held"),
            ("supervision_called_off_by", ""),
            ("supervision_source", "supervision_notes"),
            ("supervision_minutes", "75"),
            ("supervision_note", NOTE),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.text());
    let html = crate::common::page(&app, &path, &session).await.text();
    assert!(html.contains("Regular reflective supervision"), "{html}");
    assert!(html.contains(NOTE), "the note is on the member's page");
    assert!(html.contains("Supervision notes"));
    // An organiser sees the page but not the form.
    let organiser = crate::common::browser_sign_in(&app, "nw.organiser").await;
    let theirs = crate::common::page(&app, &path, &organiser).await.text();
    assert!(theirs.contains("Supervision sessions"));
    assert!(!theirs.contains(r#"id="add-supervision""#));
    assert!(!theirs.contains("/supervision/1/delete"));
    // The officer deletes it again from its row.
    let marker = format!("action=\"{path}/supervision/");
    let start = html.find(&marker).expect("a delete button") + marker.len();
    let record: String = html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let deleted = crate::common::post_form(
        &app,
        &format!("{path}/supervision/{record}/delete"),
        &session,
        None,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(deleted.status, 303, "{}", deleted.text());
    let html = crate::common::page(&app, &path, &session).await.text();
    assert!(html.contains("No supervision recorded yet."));
}

async fn import(app: &TestApp, token: &str, csv: &str, dry_run: bool) -> TestResponse {
    app.call(
        actix_web::test::TestRequest::post()
            .uri(&format!("/api/v1/supervision/import?dry_run={dry_run}"))
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", "text/csv"))
            .set_payload(csv.to_owned()),
    )
    .await
}

#[actix_rt::test]
async fn an_import_writes_every_row_or_none_and_never_doubles_a_session() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let path = format!("/api/v1/members/{}/supervision", world.wigan_member);
    let count = || {
        let (app, officer, path) = (&app, officer.clone(), path.clone());
        async move { app.get_as(&path, &officer).await.json()["total"].clone() }
    };
    // Line 3 is wrong three ways, line 4 names a member of another branch: nothing is written.
    let bad = "\u{feff}membership_number,held_on,kind,minutes,status,called_off_by,source,note\r\n\
               W001,2026-03-02,Reflective,60,,,Member report,Good session\r\n\
               W001,2026-03-16,reflective,45,cancelled,,member_report,\r\n\
               B001,2026-03-02,both,60,held,,employer_data,\r\n";
    let refused = import(&app, &officer, bad, false).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    let errors = refused.json()["error"]["fields"].to_string() + &refused.text();
    assert!(errors.contains("called_off_by"), "{errors}");
    assert!(errors.contains("minutes"), "{errors}");
    assert!(
        errors.contains("no member numbered B001 in your scope"),
        "{errors}"
    );
    assert_eq!(count().await, 0, "nothing half-written");

    let good = "membership_number,held_on,kind,minutes,status,called_off_by,source,note\n\
                W001,2026-03-02,Reflective,60,,,Member report,Good session\n\
                W001,2026-03-16,reflective,,postponed,Employer,member_report,\n\
                W001,2026-03-30,Case management,30,held,,supervision_notes,\n";
    let dry = import(&app, &officer, good, true).await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    assert_eq!(dry.json()["created"], 3);
    assert_eq!(count().await, 0, "a dry run writes nothing");
    let done = import(&app, &officer, good, false).await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(done.json()["created"], 3);
    assert_eq!(count().await, 3);
    let again = import(&app, &officer, good, false).await.json();
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (json!(0), json!(3))
    );
    assert_eq!(count().await, 3, "never doubled");
    let listed = app.get_as(&path, &officer).await.json();
    assert_eq!(listed["items"][1]["called_off_by"], "employer");
    assert_eq!(listed["items"][0]["has_note"], true);
    // The same session twice in one file is named, not written.
    let twice = "membership_number,held_on,kind,source\n\
                 W001,2026-04-01,reflective,member_report\n\
                 W001,2026-04-01,reflective,member_report\n";
    let refused = import(&app, &officer, twice, false).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("on line 2"), "{}", refused.text());
    // Organisers read; they do not import.
    let organiser = app.token("nw.organiser").await;
    assert_eq!(import(&app, &organiser, good, true).await.status, 403);
    let entries = app.audit_entries();
    assert!(
        entries
            .iter()
            .any(|e| e.entity == Entity::SupervisionRecord.as_str()
                && e.action == "import"
                && e.detail.as_deref().is_some_and(|d| d.contains("created=3")))
    );
}

#[actix_rt::test]
async fn an_administrator_sets_and_clears_an_employers_overrides_on_its_page() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = crate::common::browser_sign_in(&app, "admin").await;
    let path = format!("/admin/employers/{}", world.council);
    let form = crate::common::page(&app, &path, &session).await.text();
    assert!(form.contains(r#"id="supervision_regular_days_override""#));
    let csrf = crate::common::csrf_of(&form);
    let send = |gap: &'static str| {
        let (app, session, path, csrf) = (&app, session.clone(), path.clone(), csrf.clone());
        async move {
            crate::common::post_form(
                app,
                &path,
                &session,
                None,
                &[
                    ("csrf_token", &csrf),
                    ("name", "Wigan Council"),
                    ("safe_caseload_override", ""),
                    ("supervision_regular_days_override", gap),
                ],
            )
            .await
        }
    };
    let refused = send("3").await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused
            .text()
            .contains(r#"id="supervision_regular_days_override-error""#)
    );
    assert_eq!(send("35").await.status, 303);
    let admin = app.token("admin").await;
    let shown = app
        .get_as(&format!("/api/v1/employers/{}", world.council), &admin)
        .await
        .json();
    assert_eq!(shown["supervision_regular_days_override"], 35);
    // A blank field clears an override, as the form says ("blank for the default").
    let set = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/employers/{}", world.council),
            Some(&admin),
            &json!({"safe_caseload_override": 18}),
        )
        .await;
    assert_eq!(set.status, 200);
    assert_eq!(send("").await.status, 303);
    let cleared = app
        .get_as(&format!("/api/v1/employers/{}", world.council), &admin)
        .await
        .json();
    assert_eq!(cleared["supervision_regular_days_override"], Value::Null);
    assert_eq!(cleared["safe_caseload_override"], Value::Null);
}

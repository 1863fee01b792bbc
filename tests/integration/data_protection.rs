//! Retention, subject access export, erasure and backup.

use caseload::access::ReportScope;
use caseload::casework::protection;
use caseload::db::schema::{case_events, cases, members};
use caseload::db::{Backend, write_transaction};
use caseload::models::*;
use caseload::reports::releases::ReleasePeriod;

use crate::common::compute;
use chrono::{NaiveDate, Utc};
use diesel::prelude::*;

use crate::common::TestApp;
use crate::fixtures::World;

pub(crate) fn close_long_ago(
    conn: &mut caseload::db::DbConn,
    id: CaseId,
    opened: &str,
    closed: &str,
) {
    diesel::update(cases::table.find(id))
        .set((
            cases::opened_on.eq(opened.parse::<NaiveDate>().unwrap()),
            cases::status.eq(CaseStatus::Closed),
            cases::stage.eq(Stage::Closed),
            cases::outcome.eq(Outcome::WrittenWarning),
            cases::closed_on.eq(closed.parse::<NaiveDate>().unwrap()),
        ))
        .execute(conn)
        .unwrap();
    diesel::insert_into(case_events::table)
        .values(NewCaseEvent {
            case_id: id,
            occurred_on: opened.parse().unwrap(),
            kind: EventKind::Note,
            text: "Private details from long ago".into(),
            author_id: None,
            system: false,
        })
        .execute(conn)
        .unwrap();
}

#[actix_rt::test]
async fn retention_anonymises_old_cases_and_keeps_the_counts() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let mut conn = app.state.db.get().unwrap();
    close_long_ago(&mut conn, world.wigan_case, "2015-03-02", "2015-06-30");
    let today = Utc::now().date_naive();
    let old_scope = ReportScope::National;
    let old_period = ReleasePeriod::Year(2015);
    let before = serde_json::to_value(compute(&mut conn, None, old_scope, old_period)).unwrap();

    assert_eq!(
        protection::retention(&mut conn, today, false).unwrap(),
        1,
        "a dry run counts"
    );
    assert!(
        cases::table
            .find(world.wigan_case)
            .select(cases::member_id)
            .first::<Option<MemberId>>(&mut conn)
            .unwrap()
            .is_some()
    );
    let done = write_transaction(&mut conn, |c| protection::retention(c, today, true)).unwrap();
    assert_eq!(done, 1);
    let case: Case = cases::table
        .find(world.wigan_case)
        .select(Case::as_select())
        .first(&mut conn)
        .unwrap();
    assert_eq!(case.member_id, None);
    assert_eq!(case.summary, None);
    assert!(case.anonymised_at.is_some());
    let texts: Vec<String> = case_events::table
        .filter(case_events::case_id.eq(world.wigan_case))
        .select(case_events::body)
        .load(&mut conn)
        .unwrap();
    assert!(texts.iter().all(|t| t.is_empty()), "{texts:?}");
    let recent: Case = cases::table
        .find(world.leeds_case)
        .select(Case::as_select())
        .first(&mut conn)
        .unwrap();
    assert!(
        recent.member_id.is_some(),
        "open and recent cases are untouched"
    );

    let after = serde_json::to_value(compute(&mut conn, None, old_scope, old_period)).unwrap();
    // Case counts stand; the member-level risk tables no longer count a case whose member link
    // retention removed.
    let case_tables = |e: &serde_json::Value| -> Vec<serde_json::Value> {
        e["tables"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["title"].as_str().unwrap().starts_with("Cases"))
            .cloned()
            .collect()
    };
    assert_eq!(
        case_tables(&before),
        case_tables(&after),
        "evidence counts are unchanged"
    );
    assert_eq!(
        protection::retention(&mut conn, today, true).unwrap(),
        0,
        "nothing twice"
    );
}

#[actix_rt::test]
async fn a_subject_access_export_holds_everything_about_the_member() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    app.get_as(&format!("/api/v1/members/{}", world.wigan_member), &officer)
        .await;
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let export = protection::export_member(&mut conn, world.wigan_member, None, None).unwrap();
    assert_eq!(export["member"]["last_name"], "Okafor");
    assert_eq!(export["cases"][0]["reference"], "WGN-2026-0001");
    assert_eq!(export["cases"][0]["summary"], "Confidential summary");
    assert!(
        export["who_saw_or_changed_these_records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "read")
    );
    assert!(protection::export_member(&mut conn, MemberId(999_999), None, None).is_err());
}

#[actix_rt::test]
async fn erasure_removes_identity_and_keeps_anonymous_counts() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    // A corrected timeline entry: both its texts must go with the member's identity.
    let officer = app.token("wgn.officer").await;
    let events = format!("/api/v1/cases/{}/events", world.wigan_case);
    let entry = app
        .send_json(
            actix_web::http::Method::POST,
            &events,
            Some(&officer),
            &serde_json::json!({"occurred_on": "2026-06-01", "kind": "note", "text": "Ada said X"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let corrected = app
        .send_json(
            actix_web::http::Method::PATCH,
            &format!("{events}/{entry}"),
            Some(&officer),
            &serde_json::json!({"text": "Ada said Y"}),
        )
        .await;
    assert_eq!(corrected.status, 200, "{}", corrected.text());
    let mut conn = app.state.db.get().unwrap();
    let period = ReleasePeriod::Year(2026);
    let before =
        serde_json::to_value(compute(&mut conn, None, ReportScope::National, period)).unwrap();
    write_transaction(&mut conn, |c| {
        protection::erase_member(c, world.wigan_member, None)
    })
    .unwrap();
    let member: Member = members::table
        .find(world.wigan_member)
        .select(Member::as_select())
        .first(&mut conn)
        .unwrap();
    assert_eq!(
        (member.first_name.as_str(), member.email.as_deref()),
        ("Erased", None)
    );
    assert!(!member.membership_number.contains("W001"));
    let summary: Option<String> = cases::table
        .find(world.wigan_case)
        .select(cases::summary)
        .first(&mut conn)
        .unwrap();
    assert_eq!(summary, None);
    let earlier: i64 = caseload::db::schema::case_event_revisions::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(
        earlier, 0,
        "no earlier version of a timeline entry survives"
    );
    let after =
        serde_json::to_value(compute(&mut conn, None, ReportScope::National, period)).unwrap();
    assert_eq!(
        before["tables"][0], after["tables"][0],
        "case counts by type unchanged"
    );
    drop(conn);
    let admin = app.token("admin").await;
    assert_eq!(
        app.get_as("/api/v1/members?q=okafor", &admin).await.json()["total"],
        0
    );
}

#[actix_rt::test]
async fn a_backup_taken_while_serving_restores_every_row() {
    let app = TestApp::new().await;
    World::build(&app);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.db");
    let mut conn = app.state.db.get().unwrap();
    if app.backend() != Backend::Sqlite {
        // PostgreSQL is backed up with its own tools: the command says so and writes nothing.
        let refused = protection::backup(&mut conn, &path.to_string_lossy());
        let message = format!("{:?}", refused.unwrap_err());
        assert!(message.contains("pg_dump"), "{message}");
        assert!(!path.exists());
        return;
    }
    protection::backup(&mut conn, &path.to_string_lossy()).unwrap();
    let count = |conn: &mut caseload::db::DbConn| -> (i64, i64) {
        (
            members::table.count().get_result(conn).unwrap(),
            cases::table.count().get_result(conn).unwrap(),
        )
    };
    let live = count(&mut conn);
    let restored = caseload::db::Database::connect(
        caseload::db::DatabaseUrl::parse(&path.to_string_lossy()).unwrap(),
        1,
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let mut backup_conn = restored.get().unwrap();
    assert_eq!(count(&mut backup_conn), live);
    assert!(
        protection::backup(&mut conn, &path.to_string_lossy()).is_err(),
        "never overwrites"
    );
}

/// "Who saw member X": after an officer lists, exports and imports them, the subject access
/// export names all three, with who and when; the calendar link and the retention job are
/// recorded as what they are.
#[actix_rt::test]
async fn the_subject_access_export_names_every_list_export_and_import_that_showed_the_member() {
    use actix_web::test::TestRequest;
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    assert_eq!(
        app.get_as("/api/v1/members?q=okafor", &officer)
            .await
            .status,
        200
    );
    assert_eq!(
        app.get_as("/api/v1/members/export", &officer).await.status,
        200
    );
    let imported = app
        .call(
            TestRequest::post()
                .uri("/api/v1/members/import")
                .insert_header(("authorization", format!("Bearer {officer}")))
                .insert_header(("content-type", "text/csv"))
                .set_payload(
                    "membership_number,first_name,last_name,employer,job_role,fte\n\
                     W001,Ada,Okafor,Wigan Council,Social worker,0.9\n",
                ),
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.text());
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let export = protection::export_member(&mut conn, world.wigan_member, None, None).unwrap();
    let seen = export["who_saw_or_changed_these_records"]
        .as_array()
        .unwrap();
    for action in ["list", "export", "import"] {
        assert!(
            seen.iter().any(|e| e["action"] == action
                && e["user_id"] == world.wigan_officer.0
                && e["principal"] == "user"
                && e["at"].is_string()),
            "the export lacks the {action}: {seen:?}"
        );
    }
    let bury = export.to_string();
    assert!(!bury.contains("Bury"), "only this member's entries");

    protection::retention(&mut conn, chrono::Utc::now().date_naive(), true).unwrap();
    let retention: Vec<String> = caseload::db::schema::audit_log::table
        .filter(caseload::db::schema::audit_log::action.eq("retention"))
        .select(caseload::db::schema::audit_log::principal)
        .load(&mut conn)
        .unwrap();
    assert_eq!(retention, ["system:retention"]);
}

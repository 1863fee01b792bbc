//! Correcting mistakes and seeing who did what: workload records, timeline entries, deadlines
//! and case details, through the API and the pages.

use actix_web::http::Method;
use serde_json::json;

use crate::common::{TestApp, browser_sign_in, csrf_of, page, post_form};
use crate::fixtures::World;

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

#[actix_rt::test]
async fn a_mistyped_workload_record_is_corrected_or_deleted_and_charts_follow() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let token = app.token("wgn.officer").await;
    let member = world.wigan_member;
    let path = format!("/api/v1/members/{member}/workload");
    // 500 for 50: refused as implausible, naming the field.
    let typo = app
        .send_json(
            Method::POST,
            &path,
            Some(&token),
            &json!({"recorded_on": today(), "open_cases": 500, "source": "supervision"}),
        )
        .await;
    assert_eq!(typo.status, 422, "{}", typo.text());
    let why = typo.json()["error"]["fields"]["open_cases"].to_string();
    assert!(why.contains("not plausible"), "{why}");

    let made = app
        .send_json(
            Method::POST,
            &path,
            Some(&token),
            &json!({"recorded_on": today(), "open_cases": 140, "source": "supervision",
                    "note": "from supervision notes"}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let record = made.json()["id"].as_i64().unwrap();

    let fixed = app
        .send_json(
            Method::PATCH,
            &format!("{path}/{record}"),
            Some(&token),
            &json!({"open_cases": 14}),
        )
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.text());
    assert_eq!(fixed.json()["open_cases"], 14);
    assert_eq!(
        fixed.json()["note"],
        "from supervision notes",
        "untouched fields stay"
    );
    let history = app.get_as(&path, &token).await.json();
    let latest = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(latest["open_cases"], 14, "{history}");

    // The member page shows the note beside the record.
    let session = browser_sign_in(&app, "wgn.officer").await;
    let html = page(&app, &format!("/members/{member}"), &session)
        .await
        .text();
    assert!(html.contains("from supervision notes"), "{html}");

    // Another branch's officer cannot touch it; deleting it removes it.
    let leeds = app.token("lds.officer").await;
    let refused = app
        .send_json(
            Method::PATCH,
            &format!("{path}/{record}"),
            Some(&leeds),
            &json!({"open_cases": 1}),
        )
        .await;
    assert_eq!(refused.status, 404);
    let gone = app
        .send_json(
            Method::DELETE,
            &format!("{path}/{record}"),
            Some(&token),
            &json!(null),
        )
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text());
    let history = app.get_as(&path, &token).await.json();
    assert!(
        history["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["id"] != record),
        "{history}"
    );
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let filter = caseload::models::AuditFilter {
        entity: Some("workload_record".into()),
        entity_id: Some(record),
        ..Default::default()
    };
    let (entries, _) =
        caseload::models::AuditEntry::search(&mut conn, &filter, Default::default()).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for action in ["create", "update", "delete"] {
        assert!(
            actions.contains(&action),
            "{action} is audited: {actions:?}"
        );
    }
}

#[actix_rt::test]
async fn only_the_author_corrects_a_timeline_entry_and_the_first_text_stays_visible() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let events = format!("/api/v1/cases/{}/events", world.wigan_case);
    let entry = app
        .send_json(
            Method::POST,
            &events,
            Some(&officer),
            &json!({"occurred_on": today(), "kind": "meeting", "text": "Met the manger on Tuesday"}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let admin = app.token("admin").await;
    let not_theirs = app
        .send_json(
            Method::PATCH,
            &format!("{events}/{entry}"),
            Some(&admin),
            &json!({"text": "Rewritten by someone else"}),
        )
        .await;
    assert_eq!(not_theirs.status, 403, "{}", not_theirs.text());

    let corrected = app
        .send_json(
            Method::PATCH,
            &format!("{events}/{entry}"),
            Some(&officer),
            &json!({"text": "Met the manager on Tuesday"}),
        )
        .await;
    assert_eq!(corrected.status, 200, "{}", corrected.text());
    assert_eq!(corrected.json()["text"], "Met the manager on Tuesday");

    let session = browser_sign_in(&app, "wgn.officer").await;
    let html = page(&app, &format!("/cases/{}", world.wigan_case), &session)
        .await
        .text();
    assert!(html.contains("Met the manager on Tuesday"), "{html}");
    assert!(
        html.contains("Met the manger on Tuesday"),
        "the first text is kept: {html}"
    );
    assert!(
        html.contains("Corrected by wgn.officer display"),
        "who corrected it is named: {html}"
    );
    // A stage change written by the workflow is not corrected as text.
    let stage = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/cases/{}", world.wigan_case),
            Some(&officer),
            &json!({"stage": "hearing"}),
        )
        .await;
    assert_eq!(stage.status, 200, "{}", stage.text());
    let timeline = app.get_as(&events, &officer).await.json();
    let change = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "stage_change")
        .expect("a stage change")["id"]
        .as_i64()
        .unwrap();
    let refused = app
        .send_json(
            Method::PATCH,
            &format!("{events}/{change}"),
            Some(&officer),
            &json!({"text": "Stage: nothing happened"}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
}

#[actix_rt::test]
async fn a_hearing_gets_a_time_and_place_on_the_page_and_only_its_time_in_the_calendar() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let token = app.token("wgn.officer").await;
    // The calendar holds the hearings of the cases assigned to the rep.
    let assigned = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/cases/{}", world.wigan_case),
            Some(&token),
            &json!({"assigned_to": world.wigan_officer.0}),
        )
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.text());
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).to_string();
    let made = app
        .send_json(
            Method::POST,
            &format!("/api/v1/cases/{}/deadlines", world.wigan_case),
            Some(&token),
            &json!({"kind": "hearing", "due_on": due}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let id = made.json()["id"].as_i64().unwrap();
    // Every problem at once, each by its field.
    let bad = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/deadlines/{id}"),
            Some(&token),
            &json!({"starts_at": "25:70", "place": "x".repeat(201)}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    let fields = &bad.json()["error"]["fields"];
    assert!(
        fields["starts_at"].is_string() && fields["place"].is_string(),
        "{fields}"
    );

    let changed = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/deadlines/{id}"),
            Some(&token),
            &json!({"starts_at": "14:30", "place": "Town Hall, committee room B"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());
    assert_eq!(changed.json()["starts_at"], "14:30");
    assert_eq!(changed.json()["updated_by"], world.wigan_officer.0);

    let session = browser_sign_in(&app, "wgn.officer").await;
    let html = page(&app, &format!("/cases/{}", world.wigan_case), &session)
        .await
        .text();
    assert!(html.contains("14:30 Town Hall, committee room B"), "{html}");
    assert!(html.contains("changed by wgn.officer display"), "{html}");

    let calendar = app
        .send_json(
            Method::POST,
            "/api/v1/me/calendar",
            Some(&token),
            &json!(null),
        )
        .await
        .json();
    let url = calendar["calendar_url"].as_str().unwrap();
    let path = &url[url.find("/calendar/").unwrap()..];
    let feed = app.get(path).await.text();
    crate::cases::assert_valid_icalendar(&feed);
    // Zoned in UK time with the zone's definition, so Outlook places it right; busy time.
    let start = format!("DTSTART;TZID=Europe/London:{}T143000", due.replace('-', ""));
    assert!(feed.contains(&start), "{feed}");
    assert!(
        feed.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n"),
        "{feed}"
    );
    assert!(feed.contains("TRANSP:OPAQUE"), "{feed}");
    // Every event's timed property names its zone: none floats.
    let unfolded = feed.replace("\r\n ", "");
    let mut in_event = false;
    for line in unfolded.lines() {
        in_event = match line {
            "BEGIN:VEVENT" => true,
            "END:VEVENT" => false,
            _ => in_event,
        };
        if in_event && (line.starts_with("DTSTART") || line.starts_with("DTEND")) {
            assert!(
                line.contains(";TZID=") || line.contains(";VALUE=DATE:"),
                "{line}"
            );
        }
    }
    // The place stays in caseload (calendars are synced to phones and shared), unless the
    // feed's owner chooses to have it.
    assert!(!feed.contains("Town Hall"), "{feed}");
    assert!(!feed.contains("\nLOCATION:"), "{feed}");
    let chose = app
        .send_json(
            Method::PATCH,
            "/api/v1/me",
            Some(&token),
            &json!({"calendar_places": true}),
        )
        .await;
    assert_eq!(chose.status, 200, "{}", chose.text());
    assert_eq!(chose.json()["calendar_places"], true);
    let feed = app.get(path).await.text();
    assert!(
        feed.contains("LOCATION:Town Hall\\, committee room B"),
        "{feed}"
    );
}

#[actix_rt::test]
async fn case_details_are_edited_on_the_page_and_printed_without_forms() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let path = format!("/cases/{}/edit", world.wigan_case);
    let form = page(&app, &path, &session).await;
    assert_eq!(form.status, 200, "{}", form.text());
    let csrf = csrf_of(&form.text());
    let officer = world.wigan_officer.0.to_string();
    let saved = post_form(
        &app,
        &path,
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("type", "capability"),
            ("assigned_to", &officer),
            ("workload_factors", "vacancies"),
            (
                "summary",
                "Capability meeting after months over the safe caseload",
            ),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.text());
    let token = app.token("wgn.officer").await;
    let case = app
        .get_as(&format!("/api/v1/cases/{}", world.wigan_case), &token)
        .await
        .json();
    assert_eq!(case["type"], "capability", "{case}");
    assert_eq!(case["assigned_to"], world.wigan_officer.0);
    assert_eq!(case["workload_factors"], json!(["vacancies"]));

    let print = page(
        &app,
        &format!("/cases/{}/print", world.wigan_case),
        &session,
    )
    .await
    .text();
    assert!(print.contains("Capability meeting after months"), "{print}");
    assert!(!print.contains("<form"), "no forms on paper: {print}");
    assert!(
        !print.contains("aria-label=\"Main\""),
        "no navigation on paper"
    );
}

#[actix_rt::test]
async fn a_form_with_several_mistakes_names_each_in_the_forms_words() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let member = format!("/members/{}", world.wigan_member);
    let csrf = csrf_of(&page(&app, &member, &session).await.text());
    let refused = post_form(
        &app,
        &format!("{member}/workload"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("recorded_on", "31/02/2026"),
            ("open_cases", "twelve"),
            ("source", "supervision"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    let html = refused.text();
    assert!(html.contains("Date: 31/02/2026 is not a date"), "{html}");
    assert!(
        html.contains("Open cases held: twelve is not a whole number"),
        "{html}"
    );
    for parser_text in [
        "invalid digit",
        "missing field",
        "recorded_on:",
        "input contains",
    ] {
        assert!(
            !html.contains(parser_text),
            "no parser text ({parser_text}): {html}"
        );
    }
    assert!(html.contains("value=\"twelve\""), "what was typed is kept");
}

#[actix_rt::test]
async fn case_lists_show_member_and_next_deadline_find_words_and_export_what_they_show() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let token = app.token("wgn.officer").await;
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(5)).to_string();
    app.send_json(
        Method::POST,
        &format!("/api/v1/cases/{}/deadlines", world.wigan_case),
        Some(&token),
        &json!({"kind": "hearing", "due_on": due}),
    )
    .await;
    app.send_json(
        Method::POST,
        &format!("/api/v1/cases/{}/events", world.wigan_case),
        Some(&token),
        &json!({"occurred_on": today(), "kind": "note", "text": "Occupational health referral agreed"}),
    )
    .await;
    let list = app.get_as("/api/v1/cases", &token).await.json();
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == world.wigan_case.0)
        .unwrap()
        .clone();
    assert_eq!(row["member_name"], "Ada Okafor", "{row}");
    assert_eq!(row["next_deadline"], due.as_str(), "{row}");

    let found = app
        .get_as("/api/v1/cases?q=OCCUPATIONAL", &token)
        .await
        .json();
    assert_eq!(
        found["total"], 1,
        "a word of the timeline finds its case: {found}"
    );
    let literal = app.get_as("/api/v1/cases?q=100%25", &token).await.json();
    assert_eq!(literal["total"], 0, "% is a literal character: {literal}");

    let session = browser_sign_in(&app, "wgn.officer").await;
    let html = page(&app, "/cases?type=disciplinary", &session)
        .await
        .text();
    assert!(html.contains("Ada Okafor") && html.contains(&due), "{html}");
    assert!(
        html.contains("/cases/export.csv?type=disciplinary"),
        "{html}"
    );
    let everything = page(&app, "/cases/export.csv", &session).await.text();
    assert!(everything.contains("WGN-2026-0001"), "{everything}");
    let none = page(&app, "/cases/export.csv?type=restructure", &session)
        .await
        .text();
    assert_eq!(
        none.lines().count(),
        1,
        "only the heading when nothing matches: {none}"
    );

    let past = page(&app, "/cases?page=99", &session).await.text();
    assert!(!past.contains("page 99 of"), "{past}");
    assert!(past.contains("there is only 1 page"), "{past}");
}

#[actix_rt::test]
async fn the_dashboard_offers_only_the_areas_a_user_may_choose_and_names_the_employer() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let html = page(&app, "/dashboard", &session).await.text();
    assert!(
        !html.contains(">Leeds<"),
        "another region's branch is not offered: {html}"
    );
    assert!(!html.contains(">Yorkshire and the Humber<"), "{html}");
    let html = page(
        &app,
        &format!("/dashboard?employer_id={}", world.council),
        &session,
    )
    .await
    .text();
    assert!(
        html.contains(", staff of Wigan Council</h1>"),
        "the heading names the employer: {html}"
    );
}

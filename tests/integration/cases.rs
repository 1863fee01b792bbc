//! Cases through the API: references, workflow rules, timeline, deadlines, referral, calendar.

use actix_web::http::Method;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::fixtures::World;

async fn open_case(app: &TestApp, token: &str, member: i64, body: Value) -> Value {
    let mut body = body;
    body["member_id"] = json!(member);
    let response = app
        .send_json(Method::POST, "/api/v1/cases", Some(token), &body)
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    response.json()
}

fn patch(
    app: &TestApp,
    token: &str,
    id: i64,
    body: Value,
) -> impl std::future::Future<Output = crate::common::TestResponse> {
    let path = format!("/api/v1/cases/{id}");
    let token = token.to_owned();
    async move {
        app.send_json(Method::PATCH, &path, Some(&token), &body)
            .await
    }
}

#[actix_rt::test]
async fn a_case_gets_the_branch_code_and_year_and_is_assigned_to_its_officer() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = open_case(&app, &officer, world.wigan_member.0,
        json!({"type": "ill_health", "opened_on": "2026-02-03", "workload_factor": true, "workload_factors": ["high_caseload", "lack_of_supervision"]})).await;
    // The fixture already holds WGN-2026-0001 outside the counter; counters start at 1 per branch and year.
    assert!(
        case["reference"].as_str().unwrap().starts_with("WGN-2026-"),
        "{case}"
    );
    assert_eq!(case["assigned_to"], world.wigan_officer.0);
    assert_eq!(case["stage"], "referral");
    assert_eq!(
        case["workload_factors"],
        json!(["high_caseload", "lack_of_supervision"])
    );
    let next = open_case(
        &app,
        &officer,
        world.wigan_member.0,
        json!({"type": "grievance", "opened_on": "2025-12-01"}),
    )
    .await;
    assert_eq!(next["reference"], "WGN-2025-0001");
}

#[actix_rt::test]
async fn concurrent_creations_never_share_a_reference() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let creations = (0..32).map(|_| {
        let app = &app;
        let officer = officer.clone();
        let member = world.wigan_member.0;
        async move {
            let response = app
                .send_json(Method::POST, "/api/v1/cases", Some(&officer),
                    &json!({"member_id": member, "type": "disciplinary", "opened_on": "2026-01-15"}))
                .await;
            assert_eq!(response.status, 201, "{}", response.text());
            response.json()["reference"].as_str().unwrap().to_owned()
        }
    });
    let mut references = futures_util::future::join_all(creations).await;
    references.sort();
    references.dedup();
    assert_eq!(references.len(), 32);
    // The fixture's WGN-2026-0001 came from elsewhere: the sequence passes over it.
    assert_eq!(references[0], "WGN-2026-0002");
    assert_eq!(references[31], "WGN-2026-0033");
}

#[actix_rt::test]
async fn the_workflow_moves_forward_closes_with_an_outcome_and_reopens() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = open_case(
        &app,
        &officer,
        world.wigan_member.0,
        json!({"type": "disciplinary", "opened_on": "2026-02-03"}),
    )
    .await;
    let id = case["id"].as_i64().unwrap();

    let skip = patch(&app, &officer, id, json!({"stage": "hearing"})).await;
    assert_eq!(skip.status, 200, "skipping investigation is allowed");
    let back = patch(&app, &officer, id, json!({"stage": "investigation"})).await;
    assert_eq!(back.status, 422);
    assert!(back.json()["error"]["fields"]["stage"].is_string());

    let no_outcome = patch(
        &app,
        &officer,
        id,
        json!({"status": "closed", "closed_on": "2026-03-01"}),
    )
    .await;
    assert_eq!(no_outcome.status, 422);
    assert!(no_outcome.json()["error"]["fields"]["outcome"].is_string());
    let too_early = patch(
        &app,
        &officer,
        id,
        json!({"status": "closed", "outcome": "written_warning", "closed_on": "2026-01-01"}),
    )
    .await;
    assert_eq!(too_early.status, 422);
    assert!(too_early.json()["error"]["fields"]["closed_on"].is_string());
    let closed = patch(
        &app,
        &officer,
        id,
        json!({"status": "closed", "outcome": "written_warning", "closed_on": "2026-03-01"}),
    )
    .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    assert_eq!(closed.json()["stage"], "closed");
    assert_eq!(closed.json()["outcome"], "written_warning");

    let stage_while_closed = patch(&app, &officer, id, json!({"stage": "appeal"})).await;
    assert_eq!(stage_while_closed.status, 422);
    let reopen_without_stage = patch(&app, &officer, id, json!({"status": "open"})).await;
    assert_eq!(reopen_without_stage.status, 422);
    let reopened = patch(
        &app,
        &officer,
        id,
        json!({"status": "open", "stage": "appeal"}),
    )
    .await;
    assert_eq!(reopened.status, 200);
    assert_eq!(
        reopened.json()["outcome"],
        "written_warning",
        "the outcome stands when the case is reopened for an appeal"
    );
    assert_eq!(reopened.json()["closed_on"], Value::Null);
    assert_eq!(reopened.json()["stage"], "appeal");

    let timeline = app
        .get_as(&format!("/api/v1/cases/{id}/events"), &officer)
        .await
        .json();
    let bodies: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        vec![
            "Case opened at Referral",
            "Stage: Referral → Hearing",
            "Outcome: Written warning (1 March 2026)",
            "Stage: Hearing → Closed",
            "Case reopened at Appeal",
        ]
    );
}

/// An outcome is recorded while the case is open ("Dismissal — appeal pending"), on the day it
/// was given; the stage then moves to appeal; closing later needs no outcome again; an outcome
/// on a closed case, a date without an outcome, or one before the case opened is refused.
#[actix_rt::test]
async fn an_outcome_is_recorded_without_closing_and_the_case_moves_on_to_appeal() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = open_case(
        &app,
        &officer,
        world.wigan_member.0,
        json!({"type": "disciplinary", "opened_on": "2026-02-03", "stage": "hearing"}),
    )
    .await;
    let id = case["id"].as_i64().unwrap();
    for (body, field) in [
        (json!({"outcome_on": "2026-03-02"}), "outcome_on"),
        (
            json!({"outcome": "dismissal", "outcome_on": "2026-01-02"}),
            "outcome_on",
        ),
        (
            json!({"outcome": "dismissal", "outcome_on": "2999-01-02"}),
            "outcome_on",
        ),
        (
            json!({"outcome": "dismissal", "closed_on": "2026-03-02"}),
            "closed_on",
        ),
    ] {
        let refused = patch(&app, &officer, id, body.clone()).await;
        assert_eq!(refused.status, 422, "{body}: {}", refused.text());
        assert!(
            refused.json()["error"]["fields"][field].is_string(),
            "{body} names {field}: {}",
            refused.text()
        );
    }
    let recorded = patch(
        &app,
        &officer,
        id,
        json!({"outcome": "dismissal", "outcome_on": "2026-03-02"}),
    )
    .await;
    assert_eq!(recorded.status, 200, "{}", recorded.text());
    let recorded = recorded.json();
    assert_eq!(
        (
            &recorded["status"],
            &recorded["outcome"],
            &recorded["outcome_on"]
        ),
        (&json!("open"), &json!("dismissal"), &json!("2026-03-02"))
    );
    let appeal = patch(&app, &officer, id, json!({"stage": "appeal"})).await;
    assert_eq!(appeal.status, 200, "{}", appeal.text());
    let closed = patch(
        &app,
        &officer,
        id,
        json!({"status": "closed", "closed_on": "2026-04-01"}),
    )
    .await;
    assert_eq!(
        closed.status, 200,
        "the outcome recorded is the one it closes with"
    );
    assert_eq!(closed.json()["outcome"], "dismissal");
    assert_eq!(closed.json()["outcome_on"], "2026-03-02");
    let after = patch(&app, &officer, id, json!({"outcome": "settlement"})).await;
    assert_eq!(after.status, 422, "reopen the case to change how it closed");
    let timeline = app
        .get_as(&format!("/api/v1/cases/{id}/events"), &officer)
        .await
        .json();
    let bodies: Vec<&str> = timeline["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(
        bodies.contains(&"Outcome: Dismissal (2 March 2026)"),
        "{bodies:?}"
    );
    assert!(bodies.contains(&"Stage: Hearing → Appeal"), "{bodies:?}");
}

#[actix_rt::test]
async fn timeline_entries_and_deadlines_by_hand_and_by_rule() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let id = open_case(
        &app,
        &officer,
        world.wigan_member.0,
        json!({"type": "disciplinary", "opened_on": "2026-02-03"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let events = format!("/api/v1/cases/{id}/events");
    let note = app.send_json(Method::POST, &events, Some(&officer),
        &json!({"occurred_on": "2026-02-10", "kind": "meeting", "text": "Met the member; investigation meeting set."})).await;
    assert_eq!(note.status, 201);
    let forged = app
        .send_json(
            Method::POST,
            &events,
            Some(&officer),
            &json!({"occurred_on": "2026-02-10", "kind": "outcome", "text": "Dismissed"}),
        )
        .await;
    assert_eq!(forged.status, 422);
    let empty = app
        .send_json(
            Method::POST,
            &events,
            Some(&officer),
            &json!({"occurred_on": "2026-02-10", "kind": "note", "text": "  "}),
        )
        .await;
    assert!(empty.json()["error"]["fields"]["text"].is_string());

    let deadlines = format!("/api/v1/cases/{id}/deadlines");
    let tribunal = app
        .send_json(
            Method::POST,
            &deadlines,
            Some(&officer),
            &json!({"kind": "tribunal", "from": "2026-03-10"}),
        )
        .await;
    assert_eq!(tribunal.status, 201, "{}", tribunal.text());
    assert_eq!(tribunal.json()["due_on"], "2026-06-09");
    let appeal = app
        .send_json(
            Method::POST,
            &deadlines,
            Some(&officer),
            &json!({"kind": "appeal", "from": "2026-12-18"}),
        )
        .await;
    assert_eq!(appeal.json()["due_on"], "2026-12-29");
    let hearing_due = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).to_string();
    let hearing = app
        .send_json(
            Method::POST,
            &deadlines,
            Some(&officer),
            &json!({"kind": "hearing", "due_on": hearing_due}),
        )
        .await;
    assert_eq!(hearing.status, 201);
    assert_eq!(hearing.json()["urgency"], "within14");
    let computed_hearing = app
        .send_json(
            Method::POST,
            &deadlines,
            Some(&officer),
            &json!({"kind": "hearing", "from": "2026-03-10"}),
        )
        .await;
    assert!(computed_hearing.json()["error"]["fields"]["from"].is_string());
    let neither = app
        .send_json(
            Method::POST,
            &deadlines,
            Some(&officer),
            &json!({"kind": "other"}),
        )
        .await;
    assert!(neither.json()["error"]["fields"]["due_on"].is_string());

    let soon = app
        .get_as("/api/v1/deadlines?within_days=14", &officer)
        .await
        .json();
    let kinds: Vec<&str> = soon["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"hearing"), "{soon}");
    assert!(
        soon["items"][0]["reference"]
            .as_str()
            .unwrap()
            .starts_with("WGN-")
    );
    let other_branch = app.token("lds.officer").await;
    assert_eq!(
        app.get_as("/api/v1/deadlines?within_days=366", &other_branch)
            .await
            .json()["total"],
        0
    );
    assert_eq!(
        app.get_as("/api/v1/deadlines?within_days=-1", &officer)
            .await
            .status,
        400
    );

    let hearing_id = hearing.json()["id"].as_i64().unwrap();
    let done = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/deadlines/{hearing_id}"),
            Some(&officer),
            &json!({"done": true}),
        )
        .await;
    assert_eq!(done.json()["done"], true);
    let refused = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/deadlines/{hearing_id}"),
            Some(&other_branch),
            &json!({"done": false}),
        )
        .await;
    assert_eq!(refused.status, 404);
}

#[actix_rt::test]
async fn organisers_work_only_cases_referred_to_their_region() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let organiser = app.token("nw.organiser").await;
    let id = world.wigan_case.0;
    assert_eq!(
        app.get_as(&format!("/api/v1/cases/{id}"), &organiser)
            .await
            .status,
        200,
        "reads the region"
    );
    assert_eq!(
        patch(&app, &organiser, id, json!({"stage": "hearing"}))
            .await
            .status,
        403
    );
    let referred = patch(&app, &officer, id, json!({"referred_to_region": true, "referral_reason": "Dismissal likely: needs the region"})).await;
    assert_eq!(referred.status, 200);
    assert_eq!(
        patch(&app, &organiser, id, json!({"stage": "hearing"}))
            .await
            .status,
        200,
        "works it once referred"
    );
    let other = app.token("yk.organiser").await;
    assert_eq!(
        patch(&app, &other, id, json!({"stage": "appeal"}))
            .await
            .status,
        404
    );
    let create = app
        .send_json(
            Method::POST,
            "/api/v1/cases",
            Some(&organiser),
            &json!({"member_id": world.wigan_member, "type": "other", "opened_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(create.status, 403);
    // Only the branch may withdraw its referral: the organiser working it may not, however it
    // asks, and the case stays referred.
    let withdrawn = patch(&app, &organiser, id, json!({"referred_to_region": false})).await;
    assert_eq!(withdrawn.status, 403, "{}", withdrawn.text());
    let mixed = patch(
        &app,
        &organiser,
        id,
        json!({"stage": "appeal", "referred_to_region": false}),
    )
    .await;
    assert_eq!(mixed.status, 403, "nothing of a refused change is written");
    let case = app
        .get_as(&format!("/api/v1/cases/{id}"), &organiser)
        .await
        .json();
    assert_eq!(case["referred_to_region"], true);
    assert_eq!(case["stage"], "hearing");
    let by_branch = patch(&app, &officer, id, json!({"referred_to_region": false})).await;
    assert_eq!(by_branch.status, 200, "{}", by_branch.text());
}

#[actix_rt::test]
async fn case_lists_filter_sort_and_page_within_scope() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    for (t, date, workload) in [
        ("ill_health", "2026-01-10", true),
        ("grievance", "2026-02-10", false),
        ("ill_health", "2026-03-10", true),
    ] {
        open_case(
            &app,
            &officer,
            world.wigan_member.0,
            json!({"type": t, "opened_on": date, "workload_factor": workload}),
        )
        .await;
    }
    let list = |q: &str| {
        let path = format!("/api/v1/cases?{q}");
        let app = &app;
        let officer = officer.clone();
        async move { app.get_as(&path, &officer).await.json() }
    };
    assert_eq!(list("type=ill_health").await["total"], 2);
    assert_eq!(
        list("workload_factor=true").await["total"],
        3,
        "two new and the fixture's"
    );
    assert_eq!(
        list("opened_from=2026-02-01&opened_to=2026-02-28").await["total"],
        1
    );
    assert_eq!(list("q=okafor").await["total"], 4);
    assert_eq!(list("q=wgn-2026-0002").await["total"], 1);
    let oldest = list("sort=opened_on&per_page=1").await;
    assert_eq!(oldest["items"][0]["opened_on"], "2026-01-10");
    assert_eq!(oldest["total"], 4);
    assert_eq!(
        list(&format!("assigned_to={}", world.wigan_officer)).await["total"],
        3
    );
    assert_eq!(
        app.get_as("/api/v1/cases?sort=size", &officer).await.status,
        400
    );
    assert_eq!(
        app.get_as("/api/v1/cases?opened_from=last-week", &officer)
            .await
            .status,
        400
    );
}

#[actix_rt::test]
async fn the_calendar_feed_is_valid_icalendar_at_a_revocable_secret_url() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let id = open_case(
        &app,
        &officer,
        world.wigan_member.0,
        json!({"type": "disciplinary", "opened_on": "2026-02-03"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let due = (chrono::Utc::now().date_naive() + chrono::Days::new(20))
        .format("%Y%m%d")
        .to_string();
    let due_iso = (chrono::Utc::now().date_naive() + chrono::Days::new(20)).to_string();
    app.send_json(
        Method::POST,
        &format!("/api/v1/cases/{id}/deadlines"),
        Some(&officer),
        &json!({"kind": "hearing", "due_on": due_iso}),
    )
    .await;

    let me = app
        .send_json(
            Method::POST,
            "/api/v1/me/calendar",
            Some(&officer),
            &json!({}),
        )
        .await
        .json();
    let url = me["calendar_url"].as_str().unwrap().to_owned();
    // The whole address, to paste into Outlook or Google: under the public address when one
    // is set, else under the address the request came to.
    assert!(
        url.starts_with("http://localhost:8080/calendar/") && url.ends_with(".ics"),
        "{url}"
    );
    // Stored hashed, the address is shown only in the answer that issued it.
    let me_now = app.get_as("/api/v1/me", &officer).await.json();
    assert_eq!(me_now["calendar_url"], Value::Null);
    assert_eq!(me_now["calendar_active"], true);
    let mut conn = app.state.db.get().unwrap();
    let stored: Option<String> = caseload::db::schema::users::table
        .filter(caseload::db::schema::users::username.eq("wgn.officer"))
        .select(caseload::db::schema::users::calendar_token)
        .first(&mut conn)
        .unwrap();
    let secret = url.rsplit('/').next().unwrap().trim_end_matches(".ics");
    let stored = stored.unwrap();
    assert_eq!(stored.len(), 64, "a SHA-256 fingerprint");
    assert_ne!(stored, secret, "never the secret itself");
    drop(conn);
    let feed = app.get(&url).await;
    assert_eq!(feed.status, 200);
    assert!(
        feed.header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = feed.text();
    crate::cases::assert_valid_icalendar(&text);
    assert!(text.contains(&format!("DTSTART;VALUE=DATE:{due}")));
    assert!(text.contains("SUMMARY:Hearing: WGN-2026-"));
    assert!(
        !text.contains("Okafor") && !text.contains("Ada"),
        "no names in a calendar"
    );

    app.send_json(
        Method::POST,
        "/api/v1/me/calendar",
        Some(&officer),
        &json!({}),
    )
    .await;
    assert_eq!(
        app.get(&url).await.status,
        404,
        "a new address revokes the old"
    );
    app.send_json(
        Method::DELETE,
        "/api/v1/me/calendar",
        Some(&officer),
        &json!({}),
    )
    .await;
    assert_eq!(
        app.get_as("/api/v1/me", &officer).await.json()["calendar_active"],
        false
    );
}

/// RFC 5545 structure: CRLF lines of at most 75 octets, balanced components, required properties.
pub fn assert_valid_icalendar(text: &str) {
    assert!(text.ends_with("\r\n"));
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
    for line in &lines {
        assert!(line.len() <= 75, "line longer than 75 octets: {line}");
    }
    // Unfold continuation lines before reading properties.
    let unfolded = text.replace("\r\n ", "");
    let props: Vec<&str> = unfolded.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(props.first(), Some(&"BEGIN:VCALENDAR"));
    assert_eq!(props.last(), Some(&"END:VCALENDAR"));
    assert!(props.contains(&"VERSION:2.0"));
    assert!(props.iter().any(|p| p.starts_with("PRODID:")));
    let mut stack = Vec::new();
    let mut event_props: Vec<&str> = Vec::new();
    for p in &props {
        if let Some(name) = p.strip_prefix("BEGIN:") {
            stack.push(name);
            if name == "VEVENT" {
                event_props.clear();
            }
        } else if let Some(name) = p.strip_prefix("END:") {
            assert_eq!(stack.pop(), Some(name), "unbalanced {name}");
            if name == "VEVENT" {
                for required in ["UID:", "DTSTAMP:", "DTSTART"] {
                    assert!(
                        event_props.iter().any(|e| e.starts_with(required)),
                        "VEVENT without {required}"
                    );
                }
            }
        } else {
            assert!(p.contains(':'), "not a property: {p}");
            event_props.push(p);
        }
    }
    assert!(stack.is_empty());
}

/// Closing a case closes its hearings and other deadlines (listed on its timeline), and leaves
/// its appeal window and tribunal limitation date live: they are the dates that matter after an
/// outcome. One already done stays as it was. Reopening the case reopens exactly what closing
/// closed.
#[actix_rt::test]
async fn closing_a_case_closes_hearings_keeps_appeal_and_tribunal_dates_and_reopening_restores() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let id = world.wigan_case.0;
    let add = |kind: &str, due: &str| {
        let body = json!({"kind": kind, "due_on": due});
        let path = format!("/api/v1/cases/{id}/deadlines");
        let officer = officer.clone();
        let app = &app;
        async move {
            let response = app
                .send_json(Method::POST, &path, Some(&officer), &body)
                .await;
            assert_eq!(response.status, 201, "{}", response.text());
            response.json()["id"].as_i64().unwrap()
        }
    };
    let me = app.get_as("/api/v1/me", &officer).await.json()["id"].clone();
    let assigned = patch(&app, &officer, id, json!({"assigned_to": me})).await;
    assert_eq!(assigned.status, 200, "{}", assigned.text());
    let today = chrono::Utc::now().date_naive();
    let on = |days: u64| (today + chrono::Days::new(days)).to_string();
    add("hearing", &on(20)).await;
    add("other", &on(40)).await;
    let appeal = add("appeal", &on(5)).await;
    let tribunal = add("tribunal", &on(50)).await;
    let done = add("other", &on(10)).await;
    let marked = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/deadlines/{done}"),
            Some(&officer),
            &json!({"done": true}),
        )
        .await;
    assert_eq!(marked.status, 200);
    let upcoming = || async {
        let listed = app
            .get_as("/api/v1/deadlines?within_days=60", &officer)
            .await
            .json();
        let mut ids: Vec<i64> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_i64().unwrap())
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(upcoming().await.len(), 4);

    let closed = patch(
        &app,
        &officer,
        id,
        json!({"status": "closed", "outcome": "dismissal", "closed_on": today.to_string()}),
    )
    .await;
    assert_eq!(closed.status, 200, "{}", closed.text());
    assert_eq!(
        upcoming().await,
        [appeal, tribunal],
        "the appeal window and the tribunal date stay live after the case closes"
    );
    let deadlines = app
        .get_as(&format!("/api/v1/cases/{id}/deadlines"), &officer)
        .await
        .json();
    let state: Vec<(String, bool, bool)> = deadlines["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_owned(),
                d["done"].as_bool().unwrap(),
                d["closed_with_case"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        state,
        [
            ("appeal".into(), false, false),
            ("other".into(), true, false),
            ("hearing".into(), true, true),
            ("other".into(), true, true),
            ("tribunal".into(), false, false),
        ]
    );
    let events = || async {
        app.get_as(&format!("/api/v1/cases/{id}/events"), &officer)
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["text"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    let listed = events()
        .await
        .into_iter()
        .find(|b| b.starts_with("Closed with the case:"))
        .expect("the closed deadlines are listed on the timeline");
    assert!(listed.contains("Hearing due"), "{listed}");
    assert!(
        !listed.contains("Appeal") && !listed.contains("Tribunal"),
        "{listed}"
    );
    assert_eq!(
        listed.matches("due").count(),
        2,
        "one already done is not listed: {listed}"
    );

    // The calendar feed still carries the tribunal date of the closed case.
    let feed = app
        .send_json(
            Method::POST,
            "/api/v1/me/calendar",
            Some(&officer),
            &json!({}),
        )
        .await
        .json()["calendar_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = &feed[feed.find("/calendar/").unwrap()..];
    let ics = app.get(path).await.text();
    assert!(ics.contains("Tribunal"), "{ics}");

    let reopened = patch(
        &app,
        &officer,
        id,
        json!({"status": "open", "stage": "appeal"}),
    )
    .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text());
    assert_eq!(
        upcoming().await.len(),
        4,
        "reopening reopens what closing closed, no more"
    );
    assert!(
        events()
            .await
            .iter()
            .any(|b| b.starts_with("Reopened with the case:") && b.contains("Hearing due")),
        "listed on the timeline"
    );
}

/// With the public address set, the calendar address is under it, whatever host the request
/// named (a proxy's inside name is no use in Outlook); the account page shows it whole.
#[actix_rt::test]
async fn the_calendar_address_is_under_the_public_address() {
    let app = TestApp::with_public_url("https://caseload.example.org/").await;
    World::build(&app);
    let officer = app.token("wgn.officer").await;
    let me = app
        .send_json(
            Method::POST,
            "/api/v1/me/calendar",
            Some(&officer),
            &json!({}),
        )
        .await
        .json();
    let url = me["calendar_url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with("https://caseload.example.org/calendar/") && url.ends_with(".ics"),
        "{url}"
    );
    // The account page shows a new address whole, once, under the public address too.
    let session = crate::common::browser_sign_in(&app, "wgn.officer").await;
    let account = crate::common::page(&app, "/account", &session).await.text();
    assert!(
        !account.contains("/calendar/"),
        "an address is never shown again"
    );
    let issued = crate::common::post_form(
        &app,
        "/account/calendar",
        &session,
        None,
        &[
            ("csrf_token", &crate::common::csrf_of(&account)),
            ("action", "issue"),
        ],
    )
    .await
    .text();
    let shown = issued
        .split("id=\"calendar_url\" readonly value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the new address")
        .replace("&#x2F;", "/");
    assert!(
        shown.starts_with("https://caseload.example.org/calendar/") && shown.ends_with(".ics"),
        "{shown}"
    );
    assert_eq!(
        app.get(&url).await.status,
        404,
        "the page's new address replaced it"
    );
    assert_eq!(
        app.get(&shown.replace("https://caseload.example.org", ""))
            .await
            .status,
        200
    );
}

/// The "case opened" entry is dated the day the case opened; a note, letter or other entry is
/// recorded once it has happened (a future date is refused, naming it), while a hearing or a
/// meeting may be planned ahead.
#[actix_rt::test]
async fn the_timeline_dates_the_opening_and_refuses_future_notes_but_not_plans() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = open_case(
        &app,
        &officer,
        world.wigan_member.0,
        json!({"type": "grievance", "opened_on": "2026-02-03"}),
    )
    .await;
    let id = case["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/events");
    let events = app.get_as(&path, &officer).await.json();
    assert_eq!(events["items"][0]["text"], "Case opened at Referral");
    assert_eq!(events["items"][0]["occurred_on"], "2026-02-03");
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let add = |kind: &str| {
        let body = json!({"occurred_on": tomorrow, "kind": kind, "text": "Planned"});
        let (app, officer, path) = (&app, officer.clone(), path.clone());
        async move {
            app.send_json(Method::POST, &path, Some(&officer), &body)
                .await
        }
    };
    for kind in ["note", "letter"] {
        let refused = add(kind).await;
        assert_eq!(refused.status, 422, "{kind}: {}", refused.text());
        assert!(refused.json()["error"]["fields"]["occurred_on"].is_string());
    }
    for kind in ["hearing", "meeting"] {
        assert_eq!(add(kind).await.status, 201, "a {kind} is planned ahead");
    }
}

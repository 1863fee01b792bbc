//! A rep's queue: who, where and when on the home page, the branch's unassigned cases, the
//! case list by rep and next deadline, referrals with a reason, taking a case, and the
//! timeline's record of what moved.

use actix_web::http::Method;
use caseload::models::Role;
use chrono::{Datelike, Days, Utc};
use serde_json::{Value, json};

use crate::common::{TestApp, browser_sign_in, csrf_of, page, post_form};
use crate::fixtures::{World, user};

async fn send(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let response = app.send_json(method, path, Some(token), &body).await;
    assert!(response.status.is_success(), "{path}: {}", response.text());
    response.json()
}

/// A hearing on a case, `days` from today, at a time and a place.
async fn hearing(app: &TestApp, token: &str, case: i64, days: u64, at: &str, place: &str) -> Value {
    let due = Utc::now().date_naive() + Days::new(days);
    send(
        app,
        Method::POST,
        &format!("/api/v1/cases/{case}/deadlines"),
        token,
        json!({"kind": "hearing", "due_on": due, "starts_at": at, "place": place}),
    )
    .await
}

async fn open_case(app: &TestApp, token: &str, member: i64, body: Value) -> Value {
    let mut input = json!({"member_id": member, "type": "disciplinary", "opened_on": "2026-01-05"});
    input
        .as_object_mut()
        .unwrap()
        .extend(body.as_object().unwrap().clone());
    send(app, Method::POST, "/api/v1/cases", token, input).await
}

#[actix_rt::test]
async fn an_officers_home_names_member_day_time_place_and_rep_and_holds_the_branchs_unassigned_cases()
 {
    let app = TestApp::new().await;
    let world = World::build(&app);
    {
        let mut conn = app.state.db.get().unwrap();
        user(
            &mut conn,
            "wgn.second",
            Role::Officer,
            Some(world.wigan),
            None,
        );
    }
    let officer = app.token("wgn.officer").await;
    // The fixture's Wigan case has no rep: before, it and its hearing were in nobody's queue.
    let unassigned = world.wigan_case.0;
    hearing(
        &app,
        &officer,
        unassigned,
        3,
        "10:00",
        "Civic Centre, room 2",
    )
    .await;
    let mine = open_case(&app, &officer, world.wigan_member.0, json!({})).await;
    hearing(
        &app,
        &officer,
        mine["id"].as_i64().unwrap(),
        5,
        "14:30",
        "Town Hall",
    )
    .await;
    let second = app.token("wgn.second").await;
    let theirs = open_case(&app, &second, world.wigan_member.0, json!({})).await;
    hearing(
        &app,
        &second,
        theirs["id"].as_i64().unwrap(),
        4,
        "09:00",
        "Elsewhere",
    )
    .await;

    let session = browser_sign_in(&app, "wgn.officer").await;
    let home = page(&app, "/", &session).await.text();
    let day = |days: u64| {
        let due = Utc::now().date_naive() + Days::new(days);
        format!("{} {} ", due.format("%a"), due.day())
    };
    for expected in [
        "Ada Okafor",
        "Civic Centre, room 2",
        "10:00",
        "no rep yet",
        "Town Hall",
        "14:30",
        "wgn.officer display",
        "s cases with no rep</h2>",
    ] {
        assert!(home.contains(expected), "home lacks {expected}: {home}");
    }
    assert!(
        home.contains(&day(3)) && home.contains(&day(5)),
        "weekdays: {home}"
    );
    assert!(
        !home.contains("Elsewhere") && !home.contains(theirs["reference"].as_str().unwrap()),
        "another officer's case is theirs, not in this queue"
    );
    // An organiser's home is their own: unassigned branch cases are the branch's to take.
    let organiser = browser_sign_in(&app, "nw.organiser").await;
    let theirs = page(&app, "/", &organiser).await.text();
    assert!(!theirs.contains("Civic Centre"), "{theirs}");
}

#[actix_rt::test]
async fn the_case_list_filters_mine_and_unassigned_shows_the_rep_and_sorts_by_next_deadline() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let late = open_case(&app, &officer, world.wigan_member.0, json!({})).await;
    let soon = open_case(&app, &officer, world.wigan_member.0, json!({})).await;
    hearing(
        &app,
        &officer,
        late["id"].as_i64().unwrap(),
        20,
        "10:00",
        "A",
    )
    .await;
    hearing(
        &app,
        &officer,
        soon["id"].as_i64().unwrap(),
        2,
        "10:00",
        "B",
    )
    .await;
    let list = |query: &'static str| {
        let (app, officer) = (&app, &officer);
        async move { app.get_as(&format!("/api/v1/cases?{query}"), officer).await }
    };
    let ids = |page: Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let mine = list("assigned_to=me&sort=next_deadline").await.json();
    assert_eq!(
        ids(mine.clone()),
        vec![soon["id"].as_i64().unwrap(), late["id"].as_i64().unwrap()]
    );
    assert_eq!(mine["items"][0]["rep_name"], "wgn.officer display");
    let nobody = list("assigned_to=none").await.json();
    assert_eq!(ids(nobody.clone()), vec![world.wigan_case.0]);
    assert_eq!(nobody["items"][0]["rep_name"], Value::Null);
    // Cases without a deadline come after those with one.
    let all = ids(list("sort=next_deadline").await.json());
    assert_eq!(all.last(), Some(&world.wigan_case.0), "{all:?}");
    let refused = list("assigned_to=someone").await;
    assert_eq!(refused.status, 400);
    assert!(refused.json()["error"]["fields"]["assigned_to"].is_string());

    let session = browser_sign_in(&app, "wgn.officer").await;
    let shown = page(&app, "/cases?assigned_to=none", &session).await.text();
    assert!(
        shown.contains("no rep yet") && shown.contains("<th scope=\"col\">Rep</th>"),
        "{shown}"
    );
    let csv = page(&app, "/cases/export.csv?assigned_to=me", &session)
        .await
        .text();
    assert_eq!(csv.lines().count(), 3, "a header and my two cases: {csv}");
    assert!(csv.contains("wgn.officer display"));
}

#[actix_rt::test]
async fn a_referral_gives_a_reason_the_organiser_sees_and_taking_the_case_is_one_action_on_the_timeline()
 {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let path = format!("/api/v1/cases/{case}");
    let without = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&officer),
            &json!({"referred_to_region": true}),
        )
        .await;
    assert_eq!(without.status, 422);
    assert!(without.json()["error"]["fields"]["referral_reason"].is_string());
    let reason = "Dismissal likely: the member wants to claim";
    send(
        &app,
        Method::PATCH,
        &path,
        &officer,
        json!({"referred_to_region": true, "referral_reason": reason}),
    )
    .await;

    let session = browser_sign_in(&app, "nw.organiser").await;
    let home = page(&app, "/", &session).await.text();
    assert!(
        home.contains(reason) && home.contains("not taken yet"),
        "{home}"
    );
    let shown = page(&app, &format!("/cases/{case}"), &session).await.text();
    assert!(shown.contains("Take this case"));
    let taken = post_form(
        &app,
        &format!("/cases/{case}/take"),
        &session,
        None,
        &[("csrf_token", &csrf_of(&shown))],
    )
    .await;
    assert_eq!(taken.status, 303, "{}", taken.text());
    let organiser = app.token("nw.organiser").await;
    let read = app.get_as(&path, &organiser).await.json();
    let me = app.get_as("/api/v1/me", &organiser).await.json();
    assert_eq!(read["assigned_to"], me["id"]);
    let events = app
        .get_as(&format!("{path}/events"), &organiser)
        .await
        .json();
    let items = events["items"].as_array().unwrap();
    let entry = |start: &str| {
        items
            .iter()
            .find(|e| e["text"].as_str().unwrap().starts_with(start))
            .unwrap_or_else(|| panic!("no entry {start}: {events}"))
            .clone()
    };
    assert_eq!(entry("Taken by nw.organiser display")["system"], true);
    assert_eq!(
        entry("Referred to the region: ")["text"],
        format!("Referred to the region: {reason}")
    );
    let home = page(&app, "/", &session).await.text();
    assert!(
        home.contains("nw.organiser display"),
        "the queue names who took it"
    );

    // Only the branch withdraws a referral.
    let refused = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&organiser),
            &json!({"referred_to_region": false}),
        )
        .await;
    assert_eq!(refused.status, 403);
}

#[actix_rt::test]
async fn a_moved_hearing_keeps_its_history_and_entries_caseload_wrote_cannot_be_corrected() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = open_case(&app, &officer, world.wigan_member.0, json!({})).await;
    let id = case["id"].as_i64().unwrap();
    let heard = hearing(&app, &officer, id, 10, "10:00", "Civic Centre").await;
    let moved_to = Utc::now().date_naive() + Days::new(12);
    send(
        &app,
        Method::PATCH,
        &format!("/api/v1/deadlines/{}", heard["id"]),
        &officer,
        json!({"due_on": moved_to, "starts_at": "14:00"}),
    )
    .await;
    let events = app
        .get_as(&format!("/api/v1/cases/{id}/events"), &officer)
        .await
        .json();
    let was = Utc::now().date_naive() + Days::new(10);
    let moved = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["text"].as_str().unwrap().starts_with("Hearing moved"))
        .unwrap_or_else(|| panic!("no history: {events}"))
        .clone();
    let text = moved["text"].as_str().unwrap();
    assert!(
        text.contains(&format!(
            "{} 10:00, Civic Centre",
            was.format("%a %-d %b %Y")
        )) && text.contains(&format!(
            "{} 14:00, Civic Centre",
            moved_to.format("%a %-d %b %Y")
        )),
        "{text}"
    );
    assert_eq!(moved["system"], true);
    assert!(moved["author_id"].is_i64(), "who moved it");

    // Neither the move nor the opening can be corrected, by the API or from the page.
    for entry in events["items"].as_array().unwrap() {
        let corrected = app
            .send_json(
                Method::PATCH,
                &format!("/api/v1/cases/{id}/events/{}", entry["id"]),
                Some(&officer),
                &json!({"text": "rewritten"}),
            )
            .await;
        assert_eq!(corrected.status, 422, "{entry}");
        assert!(corrected.json()["error"]["fields"]["kind"].is_string());
    }
    let session = browser_sign_in(&app, "wgn.officer").await;
    let shown = page(&app, &format!("/cases/{id}"), &session).await.text();
    assert!(!shown.contains("/edit\">Correct</a>"), "{shown}");
    let form = page(
        &app,
        &format!("/cases/{id}/events/{}/edit", moved["id"]),
        &session,
    )
    .await;
    assert_eq!(form.status, 403);
}

//! Case pages as a rep uses them: open a case, add a hearing, see it at home, close it.

use crate::common::TestApp;
use crate::common::{browser_sign_in, csrf_of, page, post_form};
use crate::fixtures::World;

#[actix_rt::test]
async fn a_rep_opens_a_case_adds_a_hearing_sees_it_at_home_and_closes_it() {
    let app = TestApp::new().await;
    World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let form = page(&app, "/cases/new?membership_number=W001", &session)
        .await
        .text();
    assert!(form.contains("value=\"W001\""));
    let csrf = csrf_of(&form);

    let unknown = post_form(
        &app,
        "/cases",
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("membership_number", "L001"),
            ("type", "ill_health"),
            ("opened_on", "2026-05-01"),
        ],
    )
    .await;
    assert_eq!(
        unknown.status, 422,
        "another branch's member is not in scope"
    );
    assert!(unknown.text().contains("id=\"membership_number-error\""));

    let opened = post_form(
        &app,
        "/cases",
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("membership_number", "W001"),
            ("type", "ill_health"),
            ("opened_on", "2026-05-01"),
            ("workload_factors", "high_caseload"),
            ("workload_factors", "work_related_stress"),
            ("summary", "Stress after caseload rose to 24."),
        ],
    )
    .await;
    assert_eq!(opened.status, 303, "{}", opened.text());
    let case_path = opened
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let case_page = page(&app, &case_path, &session).await.text();
    assert!(case_page.contains("High caseload, Work-related stress"));

    let hearing = (chrono::Utc::now().date_naive() + chrono::Days::new(5)).to_string();
    let added = post_form(
        &app,
        &format!("{case_path}/deadlines"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("kind", "hearing"),
            ("due_on", &hearing),
            ("from", ""),
            ("note", "Capability hearing"),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.text());
    let home = page(&app, "/", &session).await.text();
    assert!(home.contains("1 open case assigned to you"));
    assert!(home.contains(&hearing), "the hearing is on the home page");
    assert!(home.contains("urgency-within7"));

    let refused = post_form(
        &app,
        &format!("{case_path}/workflow"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("status", "closed"),
            ("outcome", ""),
            ("closed_on", "2026-06-01"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("id=\"outcome-error\""));
    let closed = post_form(
        &app,
        &format!("{case_path}/workflow"),
        &session,
        None,
        &[
            ("csrf_token", &csrf),
            ("status", "closed"),
            ("outcome", "phased_return"),
            ("closed_on", "2026-06-01"),
        ],
    )
    .await;
    assert_eq!(closed.status, 303);
    let case_page = page(&app, &case_path, &session).await.text();
    assert!(case_page.contains("Phased return"));
    assert!(case_page.contains("Reopen case"));
    let home = page(&app, "/", &session).await.text();
    assert!(
        home.contains("0 open cases assigned to you"),
        "closed cases leave 'my open cases'"
    );
}

/// An organiser works from a queue: the open cases referred to their region, on the home page
/// and as a filter of the case list (API and page).
#[actix_rt::test]
async fn an_organiser_sees_the_cases_referred_to_the_region_as_a_queue() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let organiser_session = browser_sign_in(&app, "nw.organiser").await;
    let home = page(&app, "/", &organiser_session).await.text();
    assert!(home.contains("Referred to your region"), "{home}");
    assert!(home.contains("No open case is referred to your region."));

    let officer = app.token("wgn.officer").await;
    let referred = app
        .send_json(
            actix_web::http::Method::PATCH,
            &format!("/api/v1/cases/{}", world.wigan_case),
            Some(&officer),
            &serde_json::json!({"referred_to_region": true, "referral_reason": "Dismissal likely: needs the region"}),
        )
        .await;
    assert_eq!(referred.status, 200, "{}", referred.text());
    let reference = referred.json()["reference"].as_str().unwrap().to_owned();

    let home = page(&app, "/", &organiser_session).await.text();
    assert!(home.contains(&reference), "the queue lists the case");
    let organiser = app.token("nw.organiser").await;
    let queue = app
        .get_as("/api/v1/cases?referred=true", &organiser)
        .await
        .json();
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["id"], world.wigan_case.0);
    let others = app
        .get_as("/api/v1/cases?referred=false", &organiser)
        .await
        .json();
    assert!(
        others["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != world.wigan_case.0)
    );
    let listed = page(&app, "/cases?referred=true", &organiser_session)
        .await
        .text();
    assert!(listed.contains(&reference));
    let bad = app.get_as("/api/v1/cases?referred=maybe", &organiser).await;
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"]["fields"]["referred"].is_string());

    let officer_session = browser_sign_in(&app, "wgn.officer").await;
    let officer_home = page(&app, "/", &officer_session).await.text();
    assert!(!officer_home.contains("Referred to your region"));
}

/// Pages speak in labels: enumerations as people read them, never their stored spelling; an
/// administrator is "an administrator"; a new account starts as the least privileged role.
#[actix_rt::test]
async fn pages_show_labels_grammar_and_the_least_privileged_role_first() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let opened = app
        .send_json(
            actix_web::http::Method::POST,
            "/api/v1/cases",
            Some(&officer),
            &serde_json::json!({"member_id": world.wigan_member, "type": "ill_health",
                                "opened_on": "2026-06-01"}),
        )
        .await;
    assert_eq!(opened.status, 201, "{}", opened.text());
    let session = browser_sign_in(&app, "wgn.officer").await;
    for path in ["/cases", "/", &format!("/members/{}", world.wigan_member)] {
        let html = page(&app, path, &session).await.text();
        assert!(html.contains("Ill-health"), "{path} shows the label");
        for stored in [
            ">ill_health<",
            ">disciplinary<",
            ">investigation<",
            ">referral<",
            ">open<",
        ] {
            assert!(!html.contains(stored), "{path} shows {stored}");
        }
    }
    let admin = browser_sign_in(&app, "admin").await;
    let home = page(&app, "/", &admin).await.text();
    assert!(home.contains("signed in as an administrator"), "{home}");
    let users = page(&app, "/admin/users", &admin).await.text();
    assert!(
        users.contains(r#"<option value="delegate" selected>"#),
        "a new account starts as a delegate"
    );
    assert!(!users.contains(r#"<option value="admin" selected>"#));
}

/// Slips are undone where they were made: a deadline marked done by mistake is open again,
/// and a referral to the region can be withdrawn (both on the timeline or audited).
#[actix_rt::test]
async fn a_rep_undoes_a_done_deadline_and_withdraws_a_referral() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let id = world.wigan_case.0;
    let added = app
        .send_json(
            actix_web::http::Method::POST,
            &format!("/api/v1/cases/{id}/deadlines"),
            Some(&officer),
            &serde_json::json!({"kind": "hearing", "due_on": "2026-12-21"}),
        )
        .await;
    assert_eq!(added.status, 201);
    let deadline = added.json()["id"].as_i64().unwrap();
    let session = browser_sign_in(&app, "wgn.officer").await;
    let case_path = format!("/cases/{id}");
    let csrf = csrf_of(&page(&app, &case_path, &session).await.text());
    let done_path = format!("{case_path}/deadlines/{deadline}/done");
    let done = |value: &'static str| {
        let (app, session, csrf, done_path) = (&app, &session, csrf.clone(), done_path.clone());
        async move {
            let mut fields = vec![("csrf_token", csrf.as_str())];
            if !value.is_empty() {
                fields.push(("done", value));
            }
            post_form(app, &done_path, session, None, &fields).await
        }
    };
    assert_eq!(done("").await.status, 303);
    let shown = page(&app, &case_path, &session).await.text();
    assert!(
        shown.contains("Not done after all"),
        "a done deadline can be undone"
    );
    assert_eq!(done("false").await.status, 303);
    let listed = app
        .get_as(&format!("/api/v1/cases/{id}/deadlines"), &officer)
        .await
        .json();
    assert_eq!(listed["items"][0]["done"], false, "open again");

    let refer = |value: &'static str| {
        let (app, session, csrf) = (&app, &session, csrf.clone());
        let path = format!("{case_path}/workflow");
        async move {
            post_form(
                app,
                &path,
                session,
                None,
                &[
                    ("csrf_token", csrf.as_str()),
                    ("referred_to_region", value),
                    (
                        "referral_reason",
                        if value == "true" { "No rep free" } else { "" },
                    ),
                ],
            )
            .await
        }
    };
    assert_eq!(refer("true").await.status, 303);
    let shown = page(&app, &case_path, &session).await.text();
    assert!(shown.contains("Withdraw the referral to the region"));
    assert_eq!(refer("false").await.status, 303);
    let case = app
        .get_as(&format!("/api/v1/cases/{id}"), &officer)
        .await
        .json();
    assert_eq!(case["referred_to_region"], false);
    let events = app
        .get_as(&format!("/api/v1/cases/{id}/events"), &officer)
        .await
        .json();
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["text"] == "Referral to the region withdrawn"),
        "the withdrawal is on the timeline"
    );
}

/// A note as long as the limit is accepted in any script (here 3 bytes a character, 9 once
/// percent-encoded); one over it comes back with the form, the text kept and a message.
#[actix_rt::test]
async fn a_long_note_in_any_script_is_accepted_up_to_its_limit_and_kept_beyond_it() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let session = browser_sign_in(&app, "wgn.officer").await;
    let case_path = format!("/cases/{}", world.wigan_case);
    let csrf = csrf_of(&page(&app, &case_path, &session).await.text());
    let events = format!("{case_path}/events");
    let note = |chars: usize| "漢".repeat(chars);
    let fields = |body: &str| {
        vec![
            ("csrf_token".to_owned(), csrf.clone()),
            ("occurred_on".to_owned(), "2026-06-01".to_owned()),
            ("kind".to_owned(), "note".to_owned()),
            ("text".to_owned(), body.to_owned()),
        ]
    };
    let send = |body: String| {
        let fields = fields(&body);
        let (app, session, events) = (&app, &session, events.clone());
        async move {
            let borrowed: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            post_form(app, &events, session, None, &borrowed).await
        }
    };
    let accepted = send(note(10_000)).await;
    assert_eq!(accepted.status, 303, "{}", accepted.text());
    let refused = send(note(10_001)).await;
    assert_eq!(refused.status, 422);
    let html = refused.text();
    assert!(html.contains(&note(10_001)), "the text is kept");
    assert!(
        html.contains("id=\"text-error\""),
        "and the problem said by the field"
    );
}

/// Recording an outcome on the case page: the outcome and its day, then the appeal window and
/// the tribunal limitation date it starts, shown with their dates and both ticked; one can be
/// declined, and the outcome and the chosen deadline are saved in one action. The case stays
/// open.
#[actix_rt::test]
async fn an_outcome_recorded_on_the_page_offers_the_deadlines_it_starts() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let session = browser_sign_in(&app, "wgn.officer").await;
    let id = world.wigan_case.0;
    let case_path = format!("/cases/{id}");
    let html = page(&app, &case_path, &session).await.text();
    assert!(html.contains("Record the outcome"), "{html}");
    let csrf = csrf_of(&html);
    let missing = page(
        &app,
        &format!("{case_path}/outcome?outcome=&outcome_on=2026-03-02"),
        &session,
    )
    .await;
    assert_eq!(missing.status, 422, "the outcome is named as missing");
    assert!(missing.text().contains("choose the outcome"));
    let on = chrono::Utc::now().date_naive() - chrono::Days::new(2);
    let offer = page(
        &app,
        &format!("{case_path}/outcome?outcome=dismissal&outcome_on={on}"),
        &session,
    )
    .await;
    assert_eq!(offer.status, 200, "{}", offer.text());
    let offer = offer.text();
    let tribunal = caseload::casework::dates::tribunal_limitation(on).unwrap();
    assert!(offer.contains("Add the appeal window: due"), "{offer}");
    assert!(
        offer.contains(&format!(
            "Add the tribunal limitation: due {}",
            tribunal.format("%A %-d %B %Y")
        )),
        "{offer}"
    );
    let on_text = on.to_string();
    let recorded = post_form(
        &app,
        &format!("{case_path}/outcome"),
        &session,
        None,
        &[
            ("csrf_token", csrf.as_str()),
            ("outcome", "dismissal"),
            ("outcome_on", on_text.as_str()),
            ("add", "tribunal"),
        ],
    )
    .await;
    assert_eq!(recorded.status, 303, "{}", recorded.text());
    let case = app
        .get_as(&format!("/api/v1/cases/{id}"), &officer)
        .await
        .json();
    assert_eq!(
        (&case["status"], &case["outcome"], &case["outcome_on"]),
        (
            &serde_json::json!("open"),
            &serde_json::json!("dismissal"),
            &serde_json::json!(on_text)
        )
    );
    let deadlines = app
        .get_as(&format!("/api/v1/cases/{id}/deadlines"), &officer)
        .await
        .json();
    let kinds: Vec<(&str, &str)> = deadlines["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["kind"].as_str().unwrap(), d["due_on"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [("tribunal", tribunal.to_string().as_str())],
        "the declined appeal window is not added"
    );
}

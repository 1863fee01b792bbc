//! Member surveys: built for a scope large enough to publish, sent by one-time links, answered
//! once per link with no account, stored with nothing that leads back to a member, and their
//! results worked out once after closing, perturbed like the evidence.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use caseload::audit::Entity;
use chrono::{Days, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::{TestApp, TestResponse};
use crate::fixtures::World;

fn day(offset: i64) -> String {
    let today = Utc::now().date_naive();
    if offset >= 0 {
        (today + Days::new(offset as u64)).to_string()
    } else {
        (today - Days::new((-offset) as u64)).to_string()
    }
}

/// Leeds with 110 generated members (111 with the fixture's own).
fn leeds(app: &TestApp) -> World {
    let world = World::build(app);
    let mut conn = app.state.db.get().unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    crate::crowd::populate(
        &mut conn,
        world.leeds,
        world.council,
        "SV",
        110,
        start,
        0,
        0,
        21,
    );
    world
}

fn questions() -> Value {
    json!([
        {"kind": "scale", "text": "The scheme will result in more pressure on social workers"},
        {"kind": "single", "text": "What should the priority be?",
         "choices": ["More funding for social services", "Limiting caseloads", "Accreditation"]},
        {"kind": "several", "text": "Which do you lack?", "choices": ["Time", "Supervision", "Training"]},
        {"kind": "number", "text": "Open cases you hold", "min": 0, "max": 150},
        {"kind": "text", "text": "Anything else?"}
    ])
}

async fn build(app: &TestApp, token: &str, body: Value) -> TestResponse {
    app.send_json(Method::POST, "/api/v1/surveys", Some(token), &body)
        .await
}

async fn links(app: &TestApp, token: &str, survey: i64) -> Vec<String> {
    let answer = app
        .call(
            TestRequest::post()
                .uri(&format!("/api/v1/surveys/{survey}/links"))
                .insert_header(("authorization", format!("Bearer {token}"))),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer
        .text()
        .lines()
        .skip(1)
        .map(|line| {
            let link = line.rsplit(',').next().unwrap().trim();
            link[link.find("/s/").unwrap()..].to_owned()
        })
        .collect()
}

async fn answer(app: &TestApp, link: &str, fields: &[(&str, &str)]) -> TestResponse {
    app.call(TestRequest::post().uri(link).set_form(fields))
        .await
}

fn close(app: &TestApp, survey: i64) {
    let mut conn = app.state.db.get().unwrap();
    diesel::sql_query(format!(
        "UPDATE surveys SET opens_on = '{}', closes_on = '{}' WHERE id = {survey}",
        day(-10),
        day(-1)
    ))
    .execute(&mut conn)
    .unwrap();
}

#[actix_rt::test]
async fn a_survey_is_sent_answered_once_per_link_and_its_results_are_frozen_when_it_closes() {
    let app = TestApp::new().await;
    let world = leeds(&app);
    let officer = app.token("lds.officer").await;
    let built = build(
        &app,
        &officer,
        json!({"title": "Pressure and priorities", "introduction": "Ten minutes.",
               "opens_on": day(0), "closes_on": day(7), "questions": questions()}),
    )
    .await;
    assert_eq!(built.status, 201, "{}", built.text());
    let survey = built.json();
    let id = survey["id"].as_i64().unwrap();
    assert_eq!(survey["scope"], format!("branch:{}", world.leeds));
    let q: Vec<i64> = survey["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_i64().unwrap())
        .collect();
    assert_eq!(survey["questions"][0]["choices"][0], "Strongly agree");

    let sent = links(&app, &officer, id).await;
    assert_eq!(sent.len(), 111, "a link for each member in scope");
    assert!(
        links(&app, &officer, id).await.is_empty(),
        "a link is made once"
    );

    // The page shows the questions, with no account.
    let page = app.get(&sent[0]).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("What should the priority be?"));

    // 80 answer: 72 agree (40 strongly), 8 disagree; priorities 48 / 24 / 8.
    for (i, link) in sent.iter().take(80).enumerate() {
        let scale = if i < 40 {
            "0"
        } else if i < 72 {
            "1"
        } else {
            "3"
        };
        let priority = if i < 48 {
            "0"
        } else if i < 72 {
            "1"
        } else {
            "2"
        };
        let cases = (10 + i % 15).to_string();
        let fields = [
            (format!("q{}", q[0]), scale.to_owned()),
            (format!("q{}", q[1]), priority.to_owned()),
            (format!("q{}", q[2]), "0".to_owned()),
            (
                format!("q{}", q[2]),
                if i < 2 { "2" } else { "1" }.to_owned(),
            ),
            (format!("q{}", q[3]), cases),
            (format!("q{}", q[4]), "Member 4471 said so".to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let done = answer(&app, link, &fields).await;
        assert_eq!(done.status, 200, "{}", done.text());
    }
    let again = answer(&app, &sent[0], &[(&format!("q{}", q[0]), "1")]).await;
    assert_eq!(again.status, 410, "a used link answers 410");
    assert!(again.text().contains("already been used"));
    let wrong = answer(
        &app,
        &sent[100],
        &[(&format!("q{}", q[3]), "900"), (&format!("q{}", q[1]), "2")],
    )
    .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text());
    assert!(wrong.text().contains("give a number from 0 to 150"));
    assert!(
        wrong.text().contains(r#"value="2" checked"#),
        "the choices made are kept"
    );
    assert_eq!(
        app.get(&sent[100]).await.status,
        200,
        "a refused answer leaves the link unused"
    );

    // While open: the owner sees the count, nobody sees results.
    let shown = app
        .get_as(&format!("/api/v1/surveys/{id}"), &officer)
        .await
        .json();
    assert_eq!(shown["progress"]["responses"], 80);
    assert_eq!(shown["progress"]["links_sent"], 111);
    let early = app
        .get_as(&format!("/api/v1/surveys/{id}/results"), &officer)
        .await;
    assert_eq!(early.status, 409, "{}", early.text());

    close(&app, id);
    assert_eq!(
        app.get(&sent[90]).await.status,
        410,
        "closed: no more answers"
    );
    let delegate = app.token("delegate").await;
    let results = app
        .get_as(&format!("/api/v1/surveys/{id}/results"), &delegate)
        .await;
    assert_eq!(results.status, 200, "{}", results.text());
    let r = results.json();
    let count = |text: &Value| text.as_str().unwrap().parse::<i64>().unwrap();
    assert!(
        (count(&r["responses"]) - 80).abs() <= 2,
        "{}",
        r["responses"]
    );
    assert!((count(&r["sent"]) - 111).abs() <= 2);
    let agreed = r["questions"][0]["agreed"].as_i64().unwrap();
    assert!((86..=94).contains(&agreed), "72 of 80 agreed: {agreed}");
    let priority = &r["questions"][1]["rows"];
    assert!((count(&priority[0]["count"]) - 48).abs() <= 2);
    // By group: everyone here works for one council as a social worker.
    let groups = r["questions"][0]["by_group"].as_array().unwrap();
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Wigan Council", "Social worker"], "{groups:?}");
    assert!(
        groups
            .iter()
            .all(|g| (86..=94).contains(&g["agreed"].as_i64().unwrap()))
    );
    // Two chose "Training": a count under k, shown as <5, with no share.
    let lacking = &r["questions"][2]["rows"];
    assert_eq!(lacking[2]["count"], "<5");
    assert_eq!(lacking[2]["share"], "—");
    assert!((count(&lacking[1]["count"]) - 78).abs() <= 2);
    let median = r["questions"][3]["median"].as_i64().unwrap();
    assert!((15..=18).contains(&median), "{median}");
    assert!(
        !results.text().contains("4471"),
        "free text is never in the results"
    );
    // Frozen: answers changed afterwards change nothing.
    {
        let mut conn = app.state.db.get().unwrap();
        diesel::sql_query("UPDATE survey_answers SET chosen = 8 WHERE chosen = 1")
            .execute(&mut conn)
            .unwrap();
    }
    let later = app
        .get_as(&format!("/api/v1/surveys/{id}/results"), &officer)
        .await;
    assert_eq!(later.json(), r, "the same figures for every request after");
    let brief = app
        .get_as(
            &format!("/api/v1/surveys/{id}/results?format=md"),
            &delegate,
        )
        .await
        .text();
    assert!(
        brief.contains(&format!(
            "({agreed}%) agreed: The scheme will result in more pressure on social workers"
        )),
        "{brief}"
    );
    assert!(
        brief.contains("members answered in the Leeds branch"),
        "{brief}"
    );
    let csv = app
        .get_as(
            &format!("/api/v1/surveys/{id}/results?format=csv"),
            &delegate,
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(!csv.text().contains("4471"));

    // The free text: to the one who built the survey, and no one else.
    let free = app
        .get_as(&format!("/api/v1/surveys/{id}/free-text"), &officer)
        .await;
    assert_eq!(free.status, 200, "{}", free.text());
    assert_eq!(
        free.json()["items"][0]["answers"].as_array().unwrap().len(),
        80
    );
    let refused = app
        .get_as(&format!("/api/v1/surveys/{id}/free-text"), &delegate)
        .await;
    assert_eq!(refused.status, 404);
    // The pages: the builder sees the results and the free text; a delegate the results only.
    let session = crate::common::browser_sign_in(&app, "lds.officer").await;
    let page = crate::common::page(&app, &format!("/surveys/{id}"), &session).await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("Answers to question 1"));
    assert!(page.text().contains("Member 4471 said so"));
    assert!(page.text().contains("Question 1 by employer and job role"));
    let delegate_session = crate::common::browser_sign_in(&app, "delegate").await;
    let list = crate::common::page(&app, "/surveys", &delegate_session).await;
    assert!(list.text().contains("Pressure and priorities"));
    let theirs = crate::common::page(&app, &format!("/surveys/{id}"), &delegate_session).await;
    assert_eq!(theirs.status, 200);
    assert!(theirs.text().contains("Answers to question 1"));
    assert!(!theirs.text().contains("4471"));
}

/// A survey's tables hold no path from an answer to a member: the response has a random id,
/// its survey, the date and a random key; the link only whether it was used; the audit trail
/// that the survey was answered, by no one.
#[actix_rt::test]
async fn nothing_stored_leads_from_an_answer_to_a_member() {
    let app = TestApp::new().await;
    let world = leeds(&app);
    let officer = app.token("lds.officer").await;
    let built = build(
        &app,
        &officer,
        json!({"title": "Quick", "opens_on": day(0), "closes_on": day(3), "scope": format!("branch:{}", world.leeds),
               "questions": [{"kind": "scale", "text": "Caseloads are safe"}]}),
    )
    .await;
    assert_eq!(built.status, 201, "{}", built.text());
    let survey = built.json();
    let q = survey["questions"][0]["id"].as_i64().unwrap();
    // The fixture's Leeds member (the first link, by member id) is the only team manager.
    {
        let mut conn = app.state.db.get().unwrap();
        diesel::sql_query(format!(
            "UPDATE members SET job_role = 'Team manager' WHERE id = {}",
            world.leeds_member
        ))
        .execute(&mut conn)
        .unwrap();
    }
    let sent = links(&app, &officer, survey["id"].as_i64().unwrap()).await;
    for link in sent.iter().take(12) {
        let done = answer(&app, link, &[(&format!("q{q}"), "2")]).await;
        assert_eq!(done.status, 200);
    }
    let mut conn = app.state.db.get().unwrap();
    // A group kept with a response has at least the minimum group of recipients: the one team
    // manager's response keeps no job role.
    #[derive(QueryableByName)]
    struct Role {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        job_role: Option<String>,
    }
    let roles: Vec<Role> = diesel::sql_query("SELECT job_role FROM survey_responses")
        .load(&mut conn)
        .unwrap();
    let roles: Vec<Option<String>> = roles.into_iter().map(|r| r.job_role).collect();
    assert_eq!(roles.iter().filter(|r| r.is_none()).count(), 1, "{roles:?}");
    assert_eq!(
        roles
            .iter()
            .filter(|r| r.as_deref() == Some("Social worker"))
            .count(),
        11
    );
    let columns = caseload::db::dialect::columns(&mut conn).unwrap();
    let of = |table: &str| -> Vec<String> {
        let mut c: Vec<String> = columns
            .iter()
            .filter(|(t, _)| t == table)
            .map(|(_, c)| c.clone())
            .collect();
        c.sort();
        c
    };
    assert_eq!(
        of("survey_responses"),
        [
            "answered_on",
            "employer_id",
            "id",
            "job_role",
            "record_key",
            "survey_id"
        ]
    );
    assert_eq!(
        of("survey_answers"),
        ["chosen", "number", "question_id", "response_id", "text"]
    );
    assert_eq!(
        of("survey_links"),
        ["id", "member_id", "survey_id", "token_hash", "used"],
        "a link says that it was used, not when"
    );
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let ids: Vec<Id> = diesel::sql_query("SELECT id FROM survey_responses")
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids.len(), 12);
    assert!(
        ids.iter()
            .all(|r| r.id.len() == 32 && r.id.chars().all(|c| c.is_ascii_hexdigit()))
    );
    let mut sorted: Vec<&str> = ids.iter().map(|r| r.id.as_str()).collect();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 12, "random ids, all different");
    drop(conn);
    let answered: Vec<_> = app
        .audit_entries()
        .into_iter()
        .filter(|e| e.entity == Entity::Survey.as_str() && e.detail.as_deref() == Some("answered"))
        .collect();
    assert_eq!(answered.len(), 12);
    let mut conn = app.state.db.get().unwrap();
    for entry in &answered {
        assert_eq!(entry.user_id, None, "answered by no one the trail knows");
        let shown = caseload::models::AuditEntry::subjects(&mut conn, entry.id).unwrap();
        assert!(
            shown
                .iter()
                .all(|(entity, _)| entity == Entity::Survey.as_str()),
            "showing the survey and no member: {shown:?}"
        );
    }
}

#[actix_rt::test]
async fn concurrent_answers_on_one_link_give_one_response() {
    let app = TestApp::new().await;
    let world = leeds(&app);
    let officer = app.token("lds.officer").await;
    let built = build(
        &app,
        &officer,
        json!({"title": "Race", "opens_on": day(0), "closes_on": day(3), "scope": format!("branch:{}", world.leeds),
               "questions": [{"kind": "scale", "text": "Caseloads are safe"}]}),
    )
    .await;
    let survey = built.json();
    let q = format!("q{}", survey["questions"][0]["id"]);
    let sent = links(&app, &officer, survey["id"].as_i64().unwrap()).await;
    let link = sent[0].clone();
    let fields = [(q.as_str(), "1")];
    let tries = (0..8).map(|_| answer(&app, &link, &fields));
    let statuses: Vec<u16> = futures_util::future::join_all(tries)
        .await
        .into_iter()
        .map(|r| r.status.as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 410),
        "{statuses:?}"
    );
    let mut conn = app.state.db.get().unwrap();
    let n: i64 = caseload::db::schema::survey_responses::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(n, 1);
}

#[actix_rt::test]
async fn who_may_build_and_read_a_survey_and_a_small_scope_is_refused() {
    let app = TestApp::new().await;
    let world = leeds(&app);
    let body = |scope: String| {
        json!({"title": "Who", "opens_on": day(0), "closes_on": day(3), "scope": scope,
               "questions": [{"kind": "text", "text": "Anything?"}]})
    };
    let leeds_scope = format!("branch:{}", world.leeds);
    let delegate = app.token("delegate").await;
    assert_eq!(
        build(&app, &delegate, body(leeds_scope.clone()))
            .await
            .status,
        403
    );
    let organiser = app.token("nw.organiser").await;
    assert_eq!(
        build(&app, &organiser, body(leeds_scope.clone()))
            .await
            .status,
        403,
        "Leeds is not in the North West"
    );
    let small = build(&app, &organiser, body(format!("branch:{}", world.wigan))).await;
    assert_eq!(small.status, 422, "{}", small.text());
    assert!(
        small.json()["error"]["fields"]["scope"]
            .as_str()
            .unwrap()
            .contains("fewer than the 100")
    );
    let bad = build(
        &app,
        &app.token("lds.officer").await,
        json!({"title": "", "opens_on": day(3), "closes_on": day(1),
               "questions": [{"kind": "single", "text": "Pick", "choices": ["Only one"]},
                             {"kind": "number", "text": "How many"}]}),
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    let fields = bad.json()["error"]["fields"].clone();
    for field in [
        "title",
        "closes_on",
        "questions[0].choices",
        "questions[1].max",
    ] {
        assert!(fields.get(field).is_some(), "{field}: {fields}");
    }
    let officer = app.token("lds.officer").await;
    let built = build(&app, &officer, body(leeds_scope)).await;
    assert_eq!(built.status, 201, "{}", built.text());
    let id = built.json()["id"].as_i64().unwrap();
    // Its page, while open: the count so far and the links to send.
    let session = crate::common::browser_sign_in(&app, "lds.officer").await;
    let page = crate::common::page(&app, &format!("/surveys/{id}"), &session).await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("0 links sent; 0 answered so far"));
    let csrf = crate::common::csrf_of(&page.text());
    let sent = crate::common::post_form(
        &app,
        &format!("/surveys/{id}/links"),
        &session,
        None,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(sent.status, 200);
    assert_eq!(
        sent.text().lines().count(),
        112,
        "a header and a line per member"
    );
    let wigan_officer = app.token("wgn.officer").await;
    let theirs = app
        .get_as(&format!("/api/v1/surveys/{id}"), &wigan_officer)
        .await;
    assert_eq!(theirs.status, 404, "another's survey is not found");
    let results = app
        .get_as(&format!("/api/v1/surveys/{id}/results"), &wigan_officer)
        .await;
    assert_eq!(results.status, 404);
}

#[test]
fn shares_are_put_in_words_as_a_press_release_would() {
    use caseload::surveys::results::in_words;
    assert_eq!(in_words(99), "Almost all");
    assert_eq!(in_words(93), "Over nine in ten");
    assert_eq!(in_words(90), "Nine in ten");
    assert_eq!(in_words(58), "Over five in ten");
    assert_eq!(in_words(30), "Three in ten");
    assert_eq!(in_words(6), "Fewer than one in ten");
    assert_eq!(in_words(0), "None");
}

/// With email configured, each member with an address gets their link by email (a real SMTP
/// conversation on loopback), and the CSV that comes back holds only the others' links.
#[actix_rt::test]
async fn links_are_emailed_and_only_the_rest_come_back_for_a_mail_merge() {
    let app = TestApp::new().await;
    let world = leeds(&app);
    let officer = app.token("lds.officer").await;
    let built = build(
        &app,
        &officer,
        json!({"title": "By email", "opens_on": day(0), "closes_on": day(5),
               "scope": format!("branch:{}", world.leeds),
               "questions": [{"kind": "scale", "text": "Caseloads are safe"}]}),
    )
    .await;
    assert_eq!(built.status, 201, "{}", built.text());
    let survey = built.json();
    let id = caseload::models::SurveyId(survey["id"].as_i64().unwrap());
    let receiver = crate::smtp_receiver::Receiver::start();
    let base = "https://caseload.example.org";
    let mailer = receiver.mailer(Some(base));
    let today = Utc::now().date_naive();
    let done = caseload::surveys::email::send(&app.state.db, &mailer, id, base, today).unwrap();
    assert_eq!(
        (done.links, done.emailed),
        (111, 1),
        "only the fixture's member has an address"
    );
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].to, ["cara@example.org"]);
    assert!(received[0].subject.contains("By email"));
    let text = &received[0].text;
    let start = text.find(&format!("{base}/s/")).expect("the link") + base.len();
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let csv = String::from_utf8(done.csv).unwrap();
    assert_eq!(csv.lines().count(), 112);
    assert!(
        !csv.contains(&link),
        "an emailed link is not in the file too"
    );
    assert!(
        csv.contains("L001,Cara,Lindqvist,cara@example.org,(emailed)"),
        "{csv}"
    );
    let q = format!("q{}", survey["questions"][0]["id"]);
    assert_eq!(answer(&app, &link, &[(q.as_str(), "0")]).await.status, 200);
    let again = caseload::surveys::email::send(&app.state.db, &mailer, id, base, today).unwrap();
    assert_eq!(again.links, 0, "a member is sent one link");
}

#[actix_rt::test]
async fn an_officer_builds_a_survey_on_the_page_with_each_problem_beside_its_field() {
    let app = TestApp::new().await;
    let world = leeds(&app);
    let session = crate::common::browser_sign_in(&app, "lds.officer").await;
    let form = crate::common::page(&app, "/surveys/new", &session).await;
    assert_eq!(form.status, 200);
    let csrf = crate::common::csrf_of(&form.text());
    let (opens, closes) = (day(0), day(10));
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("title", "Caseloads on the page"),
        ("opens_on", opens.as_str()),
        ("closes_on", closes.as_str()),
        ("questions[0].kind", "single"),
        ("questions[0].text", "What should the priority be?"),
        ("questions[0].choices", "Funding"),
        ("questions[1].kind", "number"),
        ("questions[1].text", "Open cases you hold"),
        ("questions[1].min", "0"),
        ("questions[1].max", "150"),
    ];
    let refused = crate::common::post_form(&app, "/surveys/new", &session, None, &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.text().contains(r#"id="q0-choices-error""#));
    assert!(
        refused.text().contains("Caseloads on the page"),
        "what was typed is kept"
    );
    fields[6] = (
        "questions[0].choices",
        "Funding\nLimiting caseloads\nAccreditation",
    );
    let built = crate::common::post_form(&app, "/surveys/new", &session, None, &fields).await;
    assert_eq!(built.status, 303, "{}", built.text());
    let officer = app.token("lds.officer").await;
    let listed = app.get_as("/api/v1/surveys", &officer).await.json();
    assert_eq!(listed["items"][0]["title"], "Caseloads on the page");
    let id = listed["items"][0]["id"].as_i64().unwrap();
    let shown = app
        .get_as(&format!("/api/v1/surveys/{id}"), &officer)
        .await
        .json();
    assert_eq!(shown["scope"], format!("branch:{}", world.leeds));
    assert_eq!(shown["questions"][0]["choices"][2], "Accreditation");
    assert_eq!(shown["questions"][1]["max"], 150.0);
}

/// Whatever a form sends to a link — a choice that is not offered, several for a one-choice
/// question, a number out of range or not a number at all, hidden characters, text over the
/// limit, fields of no question — is refused by name or ignored, never a server error, and
/// leaves the link unused.
#[actix_rt::test]
async fn any_answer_form_is_refused_by_name_or_ignored_and_the_link_stays_unused() {
    let app = TestApp::new().await;
    let world = leeds(&app);
    let officer = app.token("lds.officer").await;
    let built = build(
        &app,
        &officer,
        json!({"title": "Hostile", "opens_on": day(0), "closes_on": day(3),
               "scope": format!("branch:{}", world.leeds), "questions": questions()}),
    )
    .await;
    let survey = built.json();
    let q: Vec<String> = survey["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| format!("q{}", q["id"]))
        .collect();
    let link = links(&app, &officer, survey["id"].as_i64().unwrap()).await[0].clone();
    let long = "x".repeat(2001);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![(&q[0], "5")],
        vec![(&q[0], "-1")],
        vec![(&q[0], "1.5")],
        vec![(&q[0], "99999999999999999999")],
        vec![(&q[0], "agree")],
        vec![(&q[1], "0"), (&q[1], "1")],
        vec![(&q[2], "3")],
        vec![(&q[2], "0"), (&q[2], "63")],
        vec![(&q[3], "151")],
        vec![(&q[3], "-0.5")],
        vec![(&q[3], "NaN")],
        vec![(&q[3], "inf")],
        vec![(&q[3], "1e400")],
        vec![(&q[3], "12"), (&q[3], "13")],
        vec![(&q[4], "a\u{202e}b")],
        vec![(&q[4], "a\u{0}b")],
        vec![(&q[4], &long)],
        vec![("q999999", "1")],
        vec![("form", "1")],
        vec![],
    ];
    for fields in &cases {
        let answered = answer(&app, &link, fields).await;
        assert_eq!(answered.status, 422, "{fields:?}: {}", answered.text());
    }
    assert_eq!(app.get(&link).await.status, 200, "the link is still unused");
    let mut conn = app.state.db.get().unwrap();
    let n: i64 = caseload::db::schema::survey_responses::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(n, 0, "nothing half-written");
}

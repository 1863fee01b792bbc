//! Evidence summaries end to end: perturbed counts that stay near the truth, `<k` only for
//! small published counts, the risk ratio from published counts, whole-month periods, scopes
//! with enough members, the daily allowance, the same bytes for the same request, no
//! identifier in any output, and who may ask.

use actix_web::http::Method;
use caseload::db::schema::{audit_log, cases, members, workload_records};
use caseload::models::*;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::Value;

use crate::common::TestApp;
use crate::crowd;
use crate::fixtures::{self, World};

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn record(conn: &mut caseload::db::DbConn, member: MemberId, on: &str, open_cases: i32) {
    let (fte, employer_id): (f64, EmployerId) = members::table
        .find(member)
        .select((members::fte, members::employer_id))
        .first(conn)
        .unwrap();
    diesel::insert_into(workload_records::table)
        .values(NewWorkloadRecord {
            fte,
            employer_id,
            member_id: member,
            recorded_on: d(on),
            open_cases,
            hours_worked: None,
            contracted_hours: None,
            source: WorkloadSource::Supervision,
            note: None,
            created_by: None,
        })
        .execute(conn)
        .unwrap();
}

fn case(
    conn: &mut caseload::db::DbConn,
    member: MemberId,
    branch: BranchId,
    reference: &str,
    case_type: CaseType,
    opened: &str,
) {
    diesel::insert_into(cases::table)
        .values(NewCase {
            record_key: RecordKey::random(),
            reference: reference.into(),
            member_id: Some(member),
            branch_id: branch,
            employer_id: members::table
                .find(member)
                .select(members::employer_id)
                .first(conn)
                .ok(),
            case_type,
            stage: Stage::Referral,
            status: CaseStatus::Open,
            opened_on: d(opened),
            workload_factor: false,
            assigned_to: None,
            referred_to_region: false,
            summary: Some("Confidential: the member said something private.".into()),
        })
        .execute(conn)
        .unwrap();
}

pub async fn evidence(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_as(&format!("/api/v1/evidence?{query}"), token)
        .await;
    assert_eq!(response.status, 200, "{query}: {}", response.text());
    response.json()
}

pub fn table<'a>(e: &'a Value, title: &str) -> &'a Value {
    e["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == title)
        .unwrap_or_else(|| panic!("no table {title}"))
}

pub fn cell<'a>(t: &'a Value, row: &str, column: usize) -> &'a str {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == row)
        .unwrap_or_else(|| panic!("no row {row}"))["cells"][column]
        .as_str()
        .unwrap()
}

/// The number a published cell shows, `None` for `<k`, `—` or empty.
pub fn number(text: &str) -> Option<i64> {
    text.trim_end_matches('%').parse().ok()
}

#[actix_rt::test]
async fn counts_stay_within_d_of_the_truth_and_under_k_is_said_only_of_small_ones() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let admin = app.token("admin").await;
    let (k, d_max) = (5, 2);
    let mut small = 0;
    for (scope, branches) in [
        (format!("branch:{}", world.leeds), vec![world.leeds]),
        (format!("branch:{}", world.wigan), vec![world.wigan]),
        (
            format!("region:{}", world.north_west),
            vec![world.wigan, world.bury],
        ),
    ] {
        for (from, to) in [("2025-04-01", "2025-06-30"), ("2026-01-01", "2026-09-30")] {
            let e = evidence(&app, &admin, &format!("scope={scope}&from={from}&to={to}")).await;
            let types = table(&e, "Cases opened, by type");
            let mut conn = app.state.db.get().unwrap();
            for t in CaseType::ALL {
                let truth: i64 = cases::table
                    .filter(cases::branch_id.eq_any(&branches))
                    .filter(cases::case_type.eq(*t))
                    .filter(cases::opened_on.between(d(from), d(to)))
                    .count()
                    .get_result(&mut conn)
                    .unwrap();
                let shown = cell(types, t.label(), 0);
                match number(shown) {
                    Some(0) => {}
                    Some(p) => {
                        assert!(p >= k, "{p} is under k and shown as a number");
                        assert!((p - truth).abs() <= d_max, "{t}: {p} shown for {truth}");
                    }
                    None if shown == "<5" => {
                        small += 1;
                        assert!(
                            (1..k + d_max).contains(&truth),
                            "<5 shown for a true count of {truth}"
                        );
                    }
                    None => panic!("{shown:?} is not a count"),
                }
                assert_eq!(shown == "0", truth == 0, "zero is shown for zero only");
            }
        }
    }
    assert!(
        small > 0,
        "the generated data has small counts to show as <5"
    );
}

#[actix_rt::test]
async fn the_risk_ratio_is_worked_out_from_the_published_counts_to_two_places() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    {
        let mut conn = app.state.db.get().unwrap();
        let conn = &mut conn;
        // 20 members above the safe caseload (20 per FTE), 40 at or below (10 per FTE), measured
        // before the period; 10 and 8 of them get a disciplinary case in the period; 60 more
        // members have no workload record.
        for i in 0..120 {
            let member = fixtures::member(
                conn,
                world.leeds,
                world.council,
                &format!("RR{i:03}"),
                "Test",
                &format!("Person{i}"),
            );
            if i < 60 {
                record(conn, member, "2025-12-15", if i < 20 { 20 } else { 10 });
            }
            if i < 10 || (20..28).contains(&i) {
                case(
                    conn,
                    member,
                    world.leeds,
                    &format!("RR-{i}"),
                    CaseType::Disciplinary,
                    "2026-02-10",
                );
            }
        }
    }
    let admin = app.token("admin").await;
    let query = format!("scope=branch:{}&from=2026-01-01&to=2026-12-31", world.leeds);
    let e = evidence(&app, &admin, &query).await;
    let risk = table(
        &e,
        "New disciplinary or ill-health cases by caseload at the start of the period",
    );
    let above = "Above the safe caseload (15 per FTE)";
    let below = "At or below the safe caseload";
    let shown = |row: &str, column: usize| number(cell(risk, row, column)).unwrap() as f64;
    let (a, n1, c, n0) = (
        shown(above, 1),
        shown(above, 0),
        shown(below, 1),
        shown(below, 0),
    );
    // Each count is within 2 of the truth (10 of 20, 8 of 40).
    for (published, truth) in [(a, 10.0), (n1, 20.0), (c, 8.0), (n0, 40.0)] {
        assert!((published - truth).abs() <= 2.0, "{published} for {truth}");
    }
    let ratio = (a / n1) / (c / n0);
    let se = (1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n0).sqrt();
    let two = |x: f64| format!("{:.2}", (x * 100.0).round() / 100.0);
    let rr = &e["relative_risk"];
    assert_eq!(two(rr["ratio"].as_f64().unwrap()), two(ratio), "{rr}");
    assert_eq!(
        two(rr["lower"].as_f64().unwrap()),
        two((ratio.ln() - 1.96 * se).exp())
    );
    assert_eq!(
        two(rr["upper"].as_f64().unwrap()),
        two((ratio.ln() + 1.96 * se).exp())
    );
    let shown_risk = number(cell(risk, below, 2)).unwrap() as f64;
    assert!(
        (shown_risk - c / n0 * 100.0).abs() <= 0.5,
        "the risk shown is the published cases over the published members"
    );
    let md = app
        .get_as(&format!("/api/v1/evidence?{query}&format=md"), &admin)
        .await
        .text();
    assert!(
        md.contains(&format!("{} times as likely", two(ratio))),
        "{md}"
    );
    assert!(md.contains("## Method"));
    assert!(
        md.starts_with("# Casework and workload evidence: "),
        "a motion-ready title: {md}"
    );
}

#[actix_rt::test]
async fn periods_are_whole_calendar_months_of_at_least_the_minimum() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let admin = app.token("admin").await;
    let scope = format!("scope=branch:{}", world.wigan);
    // A value that is no date is unreadable (400); a date against the rules is refused (422).
    for (query, field, status) in [
        ("from=2026-01-02&to=2026-06-30", "from", 422),
        ("from=2026-01-01&to=2026-06-29", "to", 422),
        ("from=2026-01-01&to=2026-02-28", "from", 422),
        ("from=2026-06-01&to=2026-01-31", "from", 422),
        ("from=2026-01&to=2026-06", "from", 400),
        ("from=2026-01-01&to=2026-02-30", "to", 400),
        ("from=2016-01-01&to=2026-06-30", "from", 422),
    ] {
        let response = app
            .get_as(&format!("/api/v1/evidence?{scope}&{query}"), &admin)
            .await;
        assert_eq!(response.status, status, "{query}: {}", response.text());
        assert!(
            response.json()["error"]["fields"][field].is_string(),
            "{query} names {field}: {}",
            response.text()
        );
    }
    let e = evidence(
        &app,
        &admin,
        &format!("{scope}&from=2026-01-01&to=2026-03-31"),
    )
    .await;
    assert_eq!(e["months"], 3);
    assert_eq!(e["previous_from"], "2025-10-01");
    assert_eq!(e["previous_to"], "2025-12-31");
    let default = evidence(&app, &admin, &scope).await;
    assert_eq!(
        default["months"], 12,
        "by default the last twelve whole months"
    );
    // The page offers months.
    let session = crate::common::browser_sign_in(&app, "admin").await;
    let page = crate::common::page(
        &app,
        &format!("/evidence?{scope}&from=2026-01&to=2026-03"),
        &session,
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains("2026-01-01 to 2026-03-31"));
    assert!(page.text().contains(r#"type="month""#));
}

#[actix_rt::test]
async fn a_scope_with_too_few_members_is_refused_but_counts_in_its_region() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let delegate = app.token("delegate").await;
    let bury = app
        .get_as(
            &format!("/api/v1/evidence?scope=branch:{}", world.bury),
            &delegate,
        )
        .await;
    assert_eq!(bury.status, 422, "{}", bury.text());
    let why = bury.json()["error"]["fields"]["scope"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(why.contains("fewer than 100 members"), "{why}");
    let region = evidence(
        &app,
        &delegate,
        &format!("scope=region:{}", world.north_west),
    )
    .await;
    let everyone = cell(
        table(&region, "Caseload per FTE at the end of the period"),
        "All members",
        0,
    );
    let measured = number(everyone).unwrap();
    assert!(
        (measured - 200).abs() <= 2,
        "Wigan's 160 and Bury's 40: {measured}"
    );
}

#[actix_rt::test]
async fn each_user_has_a_daily_allowance_of_distinct_summaries() {
    let app = TestApp::new().await;
    crowd::crowded(&app);
    {
        let mut conn = app.state.db.get().unwrap();
        Setting::set(&mut conn, "evidence_daily_allowance", "3").unwrap();
    }
    let delegate = app.token("delegate").await;
    let ask = |from: &str, format: &str| {
        format!("/api/v1/evidence?scope=national&from={from}&to=2026-06-30&format={format}")
    };
    for from in ["2026-01-01", "2026-02-01", "2026-03-01"] {
        assert_eq!(app.get_as(&ask(from, "json"), &delegate).await.status, 200);
    }
    assert_eq!(
        app.get_as(&ask("2026-01-01", "md"), &delegate).await.status,
        200,
        "the same summary again, in another format, is free"
    );
    let refused = app.get_as(&ask("2025-12-01", "json"), &delegate).await;
    assert_eq!(refused.status, 429, "{}", refused.text());
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait));
    assert_eq!(refused.json()["error"]["code"], "too_many_requests");
    // Another user has an allowance of their own.
    let admin = app.token("admin").await;
    assert_eq!(
        app.get_as(&ask("2025-12-01", "json"), &admin).await.status,
        200
    );
    // Every request is in the audit trail with scope, period and format, refused ones too.
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let details: Vec<Option<String>> = audit_log::table
        .filter(audit_log::entity.eq("evidence"))
        .select(audit_log::detail)
        .load(&mut conn)
        .unwrap();
    let details: Vec<String> = details.into_iter().flatten().collect();
    assert_eq!(details.len(), 6, "{details:?}");
    assert!(details.contains(&"scope=national from=2026-01-01 to=2026-06-30 format=md".to_owned()));
    assert!(
        details
            .iter()
            .any(|d| d.contains("from=2025-12-01") && d.contains("refused=too_many_requests"))
    );
}

#[actix_rt::test]
async fn the_same_request_gives_the_same_bytes_in_every_format() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let delegate = app.token("delegate").await;
    for format in ["json", "csv", "md"] {
        let path = format!(
            "/api/v1/evidence?scope=branch:{}&from=2025-03-01&to=2025-08-31&format={format}",
            world.wigan
        );
        let first = app.get_as(&path, &delegate).await;
        let second = app.get_as(&path, &delegate).await;
        assert_eq!(first.status, 200);
        assert_eq!(first.body, second.body, "{format}");
        let text = first.text();
        assert!(
            text.contains("perturbed"),
            "{format} says the counts are perturbed"
        );
        assert!(
            text.contains("whole calendar months"),
            "{format} says periods are months"
        );
        assert!(
            text.contains("may not add up"),
            "{format} says tables may not add up"
        );
    }
}

#[actix_rt::test]
async fn no_identifier_or_free_text_appears_in_any_evidence_output() {
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    let logins = caseload::demo::load(&mut conn).unwrap().unwrap();
    let people: Vec<Member> = caseload::db::schema::members::table
        .select(Member::as_select())
        .load(&mut conn)
        .unwrap();
    let texts: Vec<String> = caseload::db::schema::case_events::table
        .select(caseload::db::schema::case_events::body)
        .load(&mut conn)
        .unwrap();
    let keys: Vec<i32> = members::table
        .select(members::record_key)
        .load(&mut conn)
        .unwrap();
    drop(conn);
    // Record keys are set on every row and spread over 0..4096, not left at a default.
    let distinct: std::collections::BTreeSet<i32> = keys.iter().copied().collect();
    assert!(
        distinct.len() > keys.len() / 2,
        "keys are random: {}",
        distinct.len()
    );
    assert!(keys.iter().all(|k| (0..4096).contains(k)));
    let delegate = &logins
        .iter()
        .find(|l| l.username == "delegate")
        .unwrap()
        .password;
    let token = app
        .send_json(
            Method::POST,
            "/api/v1/auth/token",
            None,
            &serde_json::json!({"username": "delegate", "password": delegate}),
        )
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut outputs = Vec::new();
    for format in ["json", "csv", "md"] {
        let response = app
            .get_as(
                &format!("/api/v1/evidence?scope=national&format={format}"),
                &token,
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
        outputs.push(response.text());
    }
    assert!(
        outputs[2].contains("times as likely"),
        "the demo shows the risk: {}",
        outputs[2]
    );
    for output in &outputs {
        assert!(!output.contains("record_key"));
        for m in &people {
            for identifier in [
                format!("{} {}", m.first_name, m.last_name),
                m.membership_number.clone(),
                m.email.clone().unwrap_or_default(),
                m.phone.clone().unwrap_or_default(),
            ] {
                assert!(
                    !output.contains(&identifier),
                    "{identifier} appears in evidence"
                );
            }
        }
        for text in texts.iter().filter(|t| {
            !t.starts_with("Stage:") && !t.starts_with("Outcome:") && !t.starts_with("Case opened")
        }) {
            assert!(
                !output.contains(text.as_str()),
                "case text {text:?} appears in evidence"
            );
        }
        assert!(!output.contains("Demo case"), "case summaries never appear");
    }
}

#[actix_rt::test]
async fn record_keys_never_leave_the_database() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let admin = app.token("admin").await;
    for path in [
        "/api/v1/members".to_owned(),
        format!("/api/v1/members/{}", world.wigan_member),
        "/api/v1/members/export".to_owned(),
        "/api/v1/cases".to_owned(),
        format!("/api/v1/cases/{}", world.wigan_case),
    ] {
        let response = app.get_as(&path, &admin).await;
        assert_eq!(response.status, 200, "{path}");
        assert!(!response.text().contains("record_key"), "{path}");
    }
    let session = crate::common::browser_sign_in(&app, "admin").await;
    for path in [
        format!("/members/{}", world.wigan_member),
        format!("/cases/{}", world.wigan_case),
    ] {
        let response = crate::common::page(&app, &path, &session).await;
        assert_eq!(response.status, 200, "{path}");
        assert!(!response.text().contains("record_key"), "{path}");
    }
    let mut conn = app.state.db.get().unwrap();
    let export =
        caseload::casework::protection::export_member(&mut conn, world.wigan_member).unwrap();
    assert!(!format!("{export:?}").contains("record_key"));
    assert!(
        !serde_json::to_string(&export)
            .unwrap()
            .contains("record_key")
    );
}

#[actix_rt::test]
async fn delegates_reach_evidence_and_nothing_identifiable() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let delegate = app.token("delegate").await;
    assert_eq!(app.get_as("/api/v1/members", &delegate).await.status, 403);
    assert_eq!(app.get_as("/api/v1/cases", &delegate).await.status, 403);
    assert_eq!(app.get_as("/api/v1/dashboard", &delegate).await.status, 403);
    assert_eq!(app.get_as("/api/v1/evidence", &delegate).await.status, 200);
    {
        let mut conn = app.state.db.get().unwrap();
        fixtures::user(
            &mut conn,
            "nw.delegate",
            Role::Delegate,
            None,
            Some(world.north_west),
        );
    }
    let regional = app.token("nw.delegate").await;
    let status = |path: String, token: String| {
        let app = &app;
        async move { app.get_as(&path, &token).await.status }
    };
    assert_eq!(
        status("/api/v1/evidence?scope=national".into(), regional.clone()).await,
        403
    );
    assert_eq!(
        status(
            format!("/api/v1/evidence?scope=region:{}", world.north_west),
            regional.clone()
        )
        .await,
        200
    );
    assert_eq!(
        status(
            format!("/api/v1/evidence?scope=branch:{}", world.wigan),
            regional.clone()
        )
        .await,
        200
    );
    assert_eq!(
        status(
            format!("/api/v1/evidence?scope=branch:{}", world.leeds),
            regional.clone()
        )
        .await,
        403
    );
    assert_eq!(
        status("/api/v1/evidence?scope=region:999".into(), delegate.clone()).await,
        404
    );
    let bad = app.get_as("/api/v1/evidence?scope=planet", &delegate).await;
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"]["fields"]["scope"].is_string());
    assert_eq!(
        status("/api/v1/evidence?format=pdf".into(), delegate.clone()).await,
        400
    );
}

#[actix_rt::test]
async fn the_dashboard_counts_per_branch_and_employer() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    {
        let mut conn = app.state.db.get().unwrap();
        record(&mut conn, world.wigan_member, "2026-04-01", 18);
        record(&mut conn, world.bury_member, "2026-04-01", 12);
    }
    let organiser = app.token("nw.organiser").await;
    let board = app
        .get_as(
            "/api/v1/dashboard?from=2026-01-01&to=2026-06-30",
            &organiser,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text());
    let board = board.json();
    assert_eq!(board["scope"]["kind"], "region");
    assert_eq!(board["total"]["members"], 2, "the organiser's region only");
    assert_eq!(board["total"]["above_safe_caseload"], 1);
    assert_eq!(board["total"]["median_caseload_per_fte"], 12.0);
    let branches = board["branches"].as_array().unwrap();
    let wigan = branches.iter().find(|b| b["name"] == "Wigan").unwrap();
    assert_eq!(wigan["above_safe_caseload"], 1);
    assert_eq!(wigan["open_cases"], 1);
    assert_eq!(wigan["open_cases_by_type"]["disciplinary"], 1);
    assert_eq!(board["employers"][0]["name"], "Wigan Council");
    let leeds = app
        .get_as(
            &format!("/api/v1/dashboard?branch_id={}", world.leeds),
            &organiser,
        )
        .await;
    assert_eq!(leeds.status, 403);
}

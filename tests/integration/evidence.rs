//! Evidence summaries end to end: suppression, the risk ratio on a hand-built data set, no
//! identifiers in any output, and who may ask.

use actix_web::http::Method;
use caseload::db::schema::{cases, members, workload_records};
use caseload::models::*;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::Value;

use crate::common::TestApp;
use crate::fixtures::{self, World};

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn record(conn: &mut caseload::db::DbConn, member: MemberId, on: &str, open_cases: i32) {
    diesel::insert_into(workload_records::table)
        .values(NewWorkloadRecord {
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

async fn evidence(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_as(&format!("/api/v1/evidence?{query}"), token)
        .await;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

fn table<'a>(e: &'a Value, title: &str) -> &'a Value {
    e["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == title)
        .unwrap_or_else(|| panic!("no table {title}"))
}

fn cell<'a>(t: &'a Value, row: &str, column: usize) -> &'a str {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == row)
        .unwrap()["cells"][column]
        .as_str()
        .unwrap()
}

#[actix_rt::test]
async fn three_ill_health_cases_show_as_under_five_with_no_percentage() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    {
        let mut conn = app.state.db.get().unwrap();
        for (i, member) in [world.wigan_member, world.bury_member, world.leeds_member]
            .into_iter()
            .enumerate()
        {
            case(
                &mut conn,
                member,
                world.wigan,
                &format!("T-{i}"),
                CaseType::IllHealth,
                "2026-03-01",
            );
        }
    }
    let admin = app.token("admin").await;
    let e = evidence(&app, &admin, "scope=national&from=2026-01-01&to=2026-06-30").await;
    let types = table(&e, "Cases opened, by type");
    assert_eq!(cell(types, "Ill-health", 0), "<5");
    assert_eq!(
        cell(types, "Ill-health", 2),
        "—",
        "no change computed from a suppressed count"
    );
    let text = e.to_string();
    assert!(
        !text.contains("\"3\""),
        "the count 3 appears nowhere: {text}"
    );
    let workload = table(&e, "Workload as a factor in cases opened");
    assert_eq!(cell(workload, "Workload a factor", 1), "—");
    assert!(e["relative_risk"].is_null());
}

#[actix_rt::test]
async fn the_risk_ratio_of_a_hand_built_branch_matches_the_hand_calculation() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    {
        let mut conn = app.state.db.get().unwrap();
        let conn = &mut conn;
        // 20 members above the safe caseload (20 per FTE), 40 at or below (10 per FTE), measured
        // before the period; 10 and 8 of them get a disciplinary case in the period.
        for i in 0..60 {
            let member = fixtures::member(
                conn,
                world.leeds,
                world.council,
                &format!("RR{i:03}"),
                "Test",
                &format!("Person{i}"),
            );
            record(conn, member, "2025-12-15", if i < 20 { 20 } else { 10 });
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
    let e = evidence(
        &app,
        &admin,
        &format!("scope=branch:{}&from=2026-01-01&to=2026-12-31", world.leeds),
    )
    .await;
    // RR = (10/20) / (8/40) = 2.5; SE = √(1/10 − 1/20 + 1/8 − 1/40) = √0.15 = 0.3873;
    // 95% CI = exp(ln 2.5 ± 1.96 × 0.3873) = 1.170 to 5.341.
    let rr = &e["relative_risk"];
    assert!((rr["ratio"].as_f64().unwrap() - 2.5).abs() < 1e-9, "{rr}");
    assert!(
        (rr["lower"].as_f64().unwrap() - 1.170).abs() < 0.001,
        "{rr}"
    );
    assert!(
        (rr["upper"].as_f64().unwrap() - 5.341).abs() < 0.001,
        "{rr}"
    );
    let risk = table(
        &e,
        "Disciplinary or ill-health cases by caseload at the start of the period",
    );
    assert_eq!(cell(risk, "At or below the safe caseload", 0), "40");
    assert_eq!(cell(risk, "At or below the safe caseload", 1), "8");
    assert_eq!(cell(risk, "At or below the safe caseload", 2), "20%");
    let md = app
        .get_as(
            &format!(
                "/api/v1/evidence?scope=branch:{}&from=2026-01-01&to=2026-12-31&format=md",
                world.leeds
            ),
            &admin,
        )
        .await
        .text();
    assert!(md.contains("2.5 times as likely"), "{md}");
    assert!(md.contains("## Method"));
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
    drop(conn);
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
        assert_eq!(response.status, 200);
        outputs.push(response.text());
    }
    assert!(
        outputs[2].contains("times as likely"),
        "the demo shows the risk: {}",
        outputs[2]
    );
    for output in &outputs {
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
async fn delegates_reach_evidence_and_nothing_identifiable() {
    let app = TestApp::new().await;
    let world = World::build(&app);
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
    assert_eq!(
        app.get_as("/api/v1/evidence?scope=national", &regional)
            .await
            .status,
        403
    );
    assert_eq!(
        app.get_as(
            &format!("/api/v1/evidence?scope=region:{}", world.north_west),
            &regional
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.get_as(
            &format!("/api/v1/evidence?scope=branch:{}", world.wigan),
            &regional
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.get_as(
            &format!("/api/v1/evidence?scope=branch:{}", world.leeds),
            &regional
        )
        .await
        .status,
        403
    );
    assert_eq!(
        app.get_as("/api/v1/evidence?scope=region:999", &delegate)
            .await
            .status,
        404
    );
    let bad = app.get_as("/api/v1/evidence?scope=planet", &delegate).await;
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"]["fields"]["scope"].is_string());
    assert_eq!(
        app.get_as("/api/v1/evidence?from=2026-05-01&to=2026-01-01", &delegate)
            .await
            .status,
        400
    );
    assert_eq!(
        app.get_as("/api/v1/evidence?format=pdf", &delegate)
            .await
            .status,
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

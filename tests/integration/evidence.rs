//! Evidence releases end to end: perturbed counts that stay near the truth, `<k` only for
//! small published counts, the risk ratio from published counts, the menu of periods, scopes
//! with enough members, releases frozen against later records, settings and restarts, the same
//! bytes for the same request, no identifier in any output, and who may ask.

use actix_web::http::Method;
use actix_web::web::Bytes;
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

/// A day on which every release of 2025 and 2026 has been published.
pub const AFTER_2026: &str = "2027-05-01";

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
            referral_reason: None,
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
    let app = TestApp::on(AFTER_2026).await;
    let world = crowd::crowded(&app);
    let admin = app.token("admin").await;
    let (k, d_max) = (5, 2);
    let mut small = 0;
    let years = ["2025", "2025-26"];
    let quarters = ["2025-Q2", "2026-Q3", "2026"];
    for (scope, branches, periods) in [
        (format!("branch:{}", world.leeds), vec![world.leeds], years),
        (format!("branch:{}", world.wigan), vec![world.wigan], years),
        (
            format!("region:{}", world.north_west),
            vec![world.wigan, world.bury],
            quarters[..2].try_into().unwrap(),
        ),
    ] {
        for period in periods {
            let e = evidence(&app, &admin, &format!("scope={scope}&period={period}")).await;
            let (from, to) = (
                e["from"].as_str().unwrap().to_owned(),
                e["to"].as_str().unwrap().to_owned(),
            );
            let (from, to) = (from.as_str(), to.as_str());
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
    let app = TestApp::on(AFTER_2026).await;
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
    let query = format!("scope=branch:{}&period=2026", world.leeds);
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
async fn only_periods_of_the_menu_are_answered_once_ended_and_settled() {
    let app = TestApp::on("2026-12-03").await;
    let world = crowd::crowded(&app);
    let admin = app.token("admin").await;
    let branch = format!("scope=branch:{}", world.wigan);
    let region = format!("scope=region:{}", world.north_west);
    for (query, why) in [
        (format!("{branch}&period=2026-Q1"), "years only"),
        (format!("{branch}&period=2026"), "published on 2027-01-31"),
        (
            format!("{region}&period=2026-Q4"),
            "published on 2027-01-31",
        ),
        (format!("{region}&period=2026-Q5"), "2025-26"),
        (format!("{branch}&period=2023"), "first case recorded"),
        (format!("{region}&period=1900-Q1"), "first case recorded"),
        (format!("{branch}&period=2026-03"), "2026-Q1"),
        (format!("{branch}&period=2025-01-01"), "2026-Q1"),
        (format!("{branch}&from=2025-01-01&to=2025-12-31"), "period="),
        (format!("{region}&period=2025&to=2025-12-31"), "period="),
    ] {
        let response = app
            .get_as(&format!("/api/v1/evidence?{query}"), &admin)
            .await;
        assert_eq!(response.status, 422, "{query}: {}", response.text());
        let named = response.json()["error"]["fields"]["period"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(named.contains(why), "{query}: {named}");
    }
    let year = evidence(&app, &admin, &format!("{branch}&period=2025")).await;
    assert_eq!(
        (year["from"].as_str(), year["to"].as_str(), &year["months"]),
        (Some("2025-01-01"), Some("2025-12-31"), &Value::from(12))
    );
    assert_eq!(year["previous_from"], "2024-01-01");
    assert_eq!(
        year["release"]["id"],
        format!("branch-{}-2025", world.wigan)
    );
    assert_eq!(year["release"]["period_kind"], "calendar year");
    assert_eq!(
        year["release"]["citation"],
        "caseload evidence, wigan branch, 2025, published 2026-12-03"
    );
    let quarter = evidence(&app, &admin, &format!("{region}&period=2026-Q3")).await;
    assert_eq!(
        (quarter["from"].as_str(), quarter["to"].as_str()),
        (Some("2026-07-01"), Some("2026-09-30"))
    );
    let financial = evidence(&app, &admin, &format!("{region}&period=2025/26")).await;
    assert_eq!(financial["release"]["period"], "2025-26");
    assert_eq!(financial["from"], "2025-04-01");
    let default = evidence(&app, &admin, &branch).await;
    assert_eq!(
        default["release"]["period"], "2025-26",
        "by default the latest year-long release: the financial year ended in March"
    );
    // The list says what is published, what can be and what is to come.
    let listed = app
        .get_as(&format!("/api/v1/evidence/releases?{branch}"), &admin)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    let items = listed.json()["items"].as_array().unwrap().clone();
    let status = |period: &str| {
        let item = items
            .iter()
            .find(|i| i["period"] == period)
            .unwrap_or_else(|| panic!("{period} is listed"));
        (
            item["status"].as_str().unwrap().to_owned(),
            item["available_on"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(status("2025"), ("published".into(), "2026-12-03".into()));
    assert_eq!(status("2025-26").0, "published");
    assert_eq!(
        status("2024-25").0,
        "published",
        "published as the release 2025-26 compares with"
    );
    assert_eq!(status("2026"), ("scheduled".into(), "2027-01-31".into()));
    assert!(
        items
            .iter()
            .all(|i| !i["period"].as_str().unwrap().contains('Q')),
        "a branch has no quarters"
    );
    let regional = app
        .get_as(&format!("/api/v1/evidence/releases?{region}"), &admin)
        .await
        .json();
    let region_status = |period: &str| {
        regional["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["period"] == period)
            .map(|i| i["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(region_status("2025").as_deref(), Some("available"));
    assert_eq!(region_status("2026-Q3").as_deref(), Some("published"));
    assert_eq!(region_status("2026-Q4").as_deref(), Some("scheduled"));
    assert_eq!(region_status("2024"), None, "nothing before the first case");
    // The page offers the releases of the scope and shows the one asked for.
    let session = crate::common::browser_sign_in(&app, "admin").await;
    let page =
        crate::common::page(&app, &format!("/evidence?{branch}&period=2025"), &session).await;
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains("2025-01-01 to 2025-12-31"), "{html}");
    assert!(html.contains(r#"<option value="2024-25""#), "{html}");
    assert!(html.contains("to be published"), "{html}");
    let refused =
        crate::common::page(&app, &format!("/evidence?{branch}&period=2026"), &session).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("2027-01-31"));
}

#[actix_rt::test]
async fn a_scope_with_too_few_members_is_refused_but_counts_in_its_region() {
    let app = TestApp::on(AFTER_2026).await;
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
async fn a_release_never_changes_once_published() {
    let mut app = TestApp::on(AFTER_2026).await;
    let world = crowd::crowded(&app);
    let delegate = app.token("delegate").await;
    let region = format!("scope=region:{}", world.north_west);
    let paths: Vec<String> = ["json", "csv", "md"]
        .iter()
        .map(|f| format!("/api/v1/evidence?{region}&period=2026-Q2&format={f}"))
        .collect();
    let mut published = Vec::new();
    for path in &paths {
        let response = app.get_as(path, &delegate).await;
        assert_eq!(response.status, 200, "{}", response.text());
        published.push(response.body.clone());
    }
    async fn same(app: &TestApp, token: &str, paths: &[String], published: &[Bytes], why: &str) {
        for (path, before) in paths.iter().zip(published) {
            let now = app.get_as(path, token).await;
            assert_eq!(now.status, 200, "{why}: {}", now.text());
            assert!(now.body == *before, "{why}: {path} changed");
        }
    }
    // Records added in the period, a record corrected, a case deleted: not in this release.
    {
        let mut conn = app.state.db.get().unwrap();
        for i in 0..12 {
            case(
                &mut conn,
                world.wigan_member,
                world.wigan,
                &format!("LATE-{i}"),
                CaseType::IllHealth,
                "2026-05-15",
            );
        }
        diesel::update(cases::table.filter(cases::reference.eq("LATE-0")))
            .set(cases::case_type.eq(CaseType::Disciplinary))
            .execute(&mut conn)
            .unwrap();
        diesel::delete(cases::table.filter(cases::reference.eq("LATE-1")))
            .execute(&mut conn)
            .unwrap();
    }
    same(
        &app,
        &delegate,
        &paths,
        &published,
        "after records were added",
    )
    .await;
    // Another account asks: the same.
    let admin = app.token("admin").await;
    same(&app, &admin, &paths, &published, "for another account").await;
    // D and k changed: the release keeps the settings it was made with.
    {
        let mut conn = app.state.db.get().unwrap();
        Setting::set(&mut conn, "evidence_max_noise", "4").unwrap();
        Setting::set(&mut conn, "disclosure_threshold", "10").unwrap();
    }
    same(&app, &delegate, &paths, &published, "after D and k changed").await;
    // A restart: the same.
    app.restart().await;
    same(&app, &delegate, &paths, &published, "after a restart").await;
    // The later data appear in a later release, made with the settings of its day.
    let later = evidence(&app, &delegate, &format!("{region}&period=2026-Q3")).await;
    assert_eq!(later["max_noise"], 4);
    assert_eq!(later["threshold"], 10);
    let earlier: Value = serde_json::from_slice(&published[0]).unwrap();
    assert_eq!(earlier["max_noise"], 2);
    // The next quarter's comparison column is this release's figures, as published.
    let before = table(&earlier, "Cases opened, by type");
    let compared = table(&later, "Cases opened, by type");
    for t in CaseType::ALL {
        assert_eq!(
            cell(compared, t.label(), 1),
            cell(before, t.label(), 0),
            "{t}"
        );
    }
    // Every request is in the audit trail with scope, period and format, refused ones too.
    let refused = app
        .get_as(&format!("/api/v1/evidence?{region}&period=2031"), &delegate)
        .await;
    assert_eq!(refused.status, 422);
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let details: Vec<Option<String>> = audit_log::table
        .filter(audit_log::entity.eq("evidence"))
        .select(audit_log::detail)
        .load(&mut conn)
        .unwrap();
    let details: Vec<String> = details.into_iter().flatten().collect();
    let scope = format!("region:{}", world.north_west);
    assert!(details.contains(&format!("scope={scope} period=2026-Q2 format=md")));
    assert!(
        details
            .iter()
            .any(|d| d.contains("period=2031") && d.contains("refused=validation_failed")),
        "{details:?}"
    );
    let published: Vec<Option<String>> = audit_log::table
        .filter(audit_log::entity.eq("evidence_release"))
        .filter(audit_log::action.eq("publish"))
        .select(audit_log::detail)
        .load(&mut conn)
        .unwrap();
    let published: Vec<String> = published.into_iter().flatten().collect();
    let distinct: std::collections::BTreeSet<&String> = published.iter().collect();
    assert_eq!(
        distinct.len(),
        published.len(),
        "each published once: {published:?}"
    );
    for quarter in ["2025-Q1", "2026-Q1", "2026-Q2", "2026-Q3"] {
        let release = format!("release=region-{}-{quarter}", world.north_west);
        assert!(
            published.contains(&release),
            "{quarter}: the quarters before Q2 were published for its comparison, back to \
             the first case; {published:?}"
        );
    }
}

#[actix_rt::test]
async fn an_administrator_withdraws_a_release_with_a_reason_and_it_is_never_recomputed() {
    let app = TestApp::on(AFTER_2026).await;
    crowd::crowded(&app);
    let delegate = app.token("delegate").await;
    let admin = app.token("admin").await;
    let path = "/api/v1/evidence?scope=national&period=2025";
    assert_eq!(app.get_as(path, &delegate).await.status, 200);
    let withdraw = |token: String, body: Value| {
        let app = &app;
        async move {
            app.send_json(
                Method::POST,
                "/api/v1/evidence/releases/national-2025/withdraw",
                Some(&token),
                &body,
            )
            .await
        }
    };
    let reason = serde_json::json!({"reason": "A branch's cases were imported twice."});
    assert_eq!(withdraw(delegate.clone(), reason.clone()).await.status, 403);
    let empty = withdraw(admin.clone(), serde_json::json!({"reason": " "})).await;
    assert_eq!(empty.status, 422);
    assert!(empty.json()["error"]["fields"]["reason"].is_string());
    let missing = app
        .send_json(
            Method::POST,
            "/api/v1/evidence/releases/national-2024/withdraw",
            Some(&admin),
            &reason,
        )
        .await;
    assert_eq!(missing.status, 404, "not published, so nothing to withdraw");
    assert_eq!(withdraw(admin.clone(), reason.clone()).await.status, 204);
    assert_eq!(withdraw(admin.clone(), reason.clone()).await.status, 409);
    for format in ["json", "csv", "md"] {
        let gone = app
            .get_as(&format!("{path}&format={format}"), &delegate)
            .await;
        assert_eq!(gone.status, 410, "{}", gone.text());
        assert_eq!(gone.json()["error"]["code"], "withdrawn");
        assert!(gone.text().contains("imported twice"));
    }
    let listed = app
        .get_as("/api/v1/evidence/releases?scope=national", &delegate)
        .await
        .json();
    let item = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["period"] == "2025")
        .unwrap()
        .clone();
    assert_eq!(item["status"], "withdrawn");
    assert_eq!(
        item["withdrawn"]["reason"],
        "A branch's cases were imported twice."
    );
    // The year after compares with nothing rather than with a fresh count of 2025.
    let next = evidence(&app, &delegate, "scope=national&period=2026").await;
    let compared = table(&next, "Cases opened, by type");
    assert_eq!(cell(compared, "Total", 1), "—");
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let withdrawals: i64 = audit_log::table
        .filter(audit_log::entity.eq("evidence_release"))
        .filter(audit_log::action.eq("withdraw"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(withdrawals, 1);
}

#[actix_rt::test]
async fn the_same_request_gives_the_same_bytes_in_every_format() {
    let app = TestApp::on(AFTER_2026).await;
    let world = crowd::crowded(&app);
    let delegate = app.token("delegate").await;
    for format in ["json", "csv", "md"] {
        let path = format!(
            "/api/v1/evidence?scope=branch:{}&period=2025-26&format={format}",
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
            text.contains("This is a release"),
            "{format} says the figures are a frozen release"
        );
        assert!(
            text.contains(&format!("branch-{}-2025-26", world.wigan)),
            "{format} names the release"
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
        caseload::casework::protection::export_member(&mut conn, world.wigan_member, None, None)
            .unwrap();
    assert!(!format!("{export:?}").contains("record_key"));
    assert!(
        !serde_json::to_string(&export)
            .unwrap()
            .contains("record_key")
    );
}

#[actix_rt::test]
async fn delegates_reach_evidence_and_nothing_identifiable() {
    let app = TestApp::on(AFTER_2026).await;
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

/// Several requests for a release nobody has asked for, at once: each may work it out, one is
/// stored, and every request answers with that one.
#[actix_rt::test]
async fn requests_racing_to_publish_a_release_store_one_and_all_answer_with_it() {
    let app = TestApp::on(AFTER_2026).await;
    crowd::crowded(&app);
    let delegate = app.token("delegate").await;
    let admin = app.token("admin").await;
    let requests = (0..8).map(|i| {
        let app = &app;
        let token = if i % 2 == 0 {
            delegate.clone()
        } else {
            admin.clone()
        };
        async move {
            let response = app
                .get_as("/api/v1/evidence?scope=national&period=2025", &token)
                .await;
            assert_eq!(response.status, 200, "{}", response.text());
            response.body
        }
    });
    let bodies = futures_util::future::join_all(requests).await;
    assert!(
        bodies.iter().all(|b| *b == bodies[0]),
        "every answer is the stored release"
    );
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let stored: Vec<String> = caseload::db::schema::evidence_releases::table
        .filter(caseload::db::schema::evidence_releases::scope.eq("national"))
        .filter(caseload::db::schema::evidence_releases::period.eq("2025"))
        .select(caseload::db::schema::evidence_releases::body)
        .load(&mut conn)
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].as_bytes(), &bodies[0][..]);
    let published: i64 = audit_log::table
        .filter(audit_log::entity.eq("evidence_release"))
        .filter(audit_log::action.eq("publish"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(published, 1, "one publication audited");
}

//! Supervision in the evidence, on a hand-built branch whose arithmetic is here. Leeds, the
//! 2026 release: the period starts on 2026-01-01, so with the default of 28 days a reflective
//! supervision on or after 2025-12-04 is regular; the look-back window starts on 2025-07-02.
//!
//! In membership at the start:
//! - 50 with regular reflective supervision, all at or below the safe caseload (10 per FTE):
//!   40 supervised on 2025-12-15 and 10 on 2025-12-04 (exactly 28 days before). 10 of the 50
//!   have a new disciplinary case in 2026 (risk 0.2).
//! - 75 without: 30 above the safe caseload (20 per FTE) and 30 at or below it, each last
//!   supervised reflectively on 2025-10-01 and with a session cancelled by the employer on
//!   2025-12-20; 10 at or below supervised on 2025-12-03 (29 days before); 5 at or below with
//!   only case-management supervision on 2025-12-20. New cases: 24 of the 30 above, 12 of the
//!   30 and 4 of the 10 below: 40 of 75.
//! - 20 with no supervision recorded, and the fixture's own Leeds member: 21 not counted.
//! - 10 who joined on 2025-12-20 with none yet: not counted.
//!
//! So: 75 of 125 (60%) without regular supervision; relative risk (40/75) ÷ (10/50) = 2.67
//! (95% CI 1.47 to 4.83); above the safe caseload and without, against at or below and with:
//! (24/30) ÷ (10/50) = 4.00 (95% CI 2.23 to 7.16).

use caseload::access::ReportScope;
use caseload::db::schema::supervision_records;
use caseload::models::*;
use caseload::reports::releases::ReleasePeriod;
use diesel::prelude::*;
use serde_json::Value;

use crate::common::{TestApp, compute_with};
use crate::evidence::{AFTER_2026, cell, evidence, number, table};
use crate::evidence_method::{Builder, near};
use crate::fixtures::World;

const SHARE: &str = "Reflective supervision at the start of the period";
const RISK: &str = "New disciplinary or ill-health cases by supervision at the start of the period";
const REGULAR: &str = "With regular reflective supervision (within 28 days)";
const WITHOUT: &str = "Without regular reflective supervision";
const BOTH: &str = "Above the safe caseload and without regular reflective supervision";
const NEITHER: &str = "At or below the safe caseload and with regular reflective supervision";

fn session(
    conn: &mut caseload::db::DbConn,
    member: MemberId,
    employer: EmployerId,
    on: &str,
    kind: SupervisionKind,
    called_off: Option<CalledOffBy>,
) {
    diesel::insert_into(supervision_records::table)
        .values(NewSupervisionRecord {
            member_id: member,
            held_on: on.parse().unwrap(),
            kind,
            minutes: called_off.is_none().then_some(60),
            status: if called_off.is_some() {
                SupervisionStatus::Cancelled
            } else {
                SupervisionStatus::Held
            },
            called_off_by: called_off,
            source: SupervisionSource::MemberReport,
            employer_id: employer,
            note: None,
            created_by: None,
            created_at: chrono::Utc::now().naive_utc(),
        })
        .execute(conn)
        .unwrap();
}

/// A group of the hand-built branch: how many members, their open cases, their last
/// reflective session, whether they also had one cancelled, whether they had case management
/// only, and how many of them have a new case.
type Group = (usize, i32, Option<&'static str>, bool, bool, usize);

/// The hand-built branch of the module's comment.
fn build(app: &TestApp, world: &World) {
    let council = world.council;
    let mut conn = app.state.db.get().unwrap();
    let mut members = Vec::new();
    {
        let mut b = Builder {
            conn: &mut conn,
            branch: world.leeds,
            serial: 0,
        };
        let groups: [Group; 7] = [
            (40, 10, Some("2025-12-15"), false, false, 8),
            (10, 10, Some("2025-12-04"), false, false, 2),
            (30, 20, Some("2025-10-01"), true, false, 24),
            (30, 10, Some("2025-10-01"), true, false, 12),
            (10, 10, Some("2025-12-03"), false, false, 4),
            (5, 10, None, false, true, 0),
            (20, 10, None, false, false, 0),
        ];
        for (n, open, last, cancelled, case_management, new_cases) in groups {
            for i in 0..n {
                let m = b.member(council, Some("2010-01-01"), None, 1.0);
                b.record(m, "2025-12-01", open, 1.0, council);
                if i < new_cases {
                    b.case(m, council, CaseType::Disciplinary, "2026-03-01");
                }
                members.push((m, last, cancelled, case_management));
            }
        }
        for _ in 0..10 {
            let m = b.member(council, Some("2025-12-20"), None, 1.0);
            b.record(m, "2025-12-21", 10, 1.0, council);
        }
    }
    for (m, last, cancelled, case_management) in members {
        if let Some(on) = last {
            session(&mut conn, m, council, on, SupervisionKind::Reflective, None);
        }
        if cancelled {
            let by = Some(CalledOffBy::Employer);
            session(
                &mut conn,
                m,
                council,
                "2025-12-20",
                SupervisionKind::Both,
                by,
            );
        }
        if case_management {
            let kind = SupervisionKind::CaseManagement;
            session(&mut conn, m, council, "2025-12-20", kind, None);
        }
    }
}

fn row<'a>(t: &'a Value, label: &str) -> Vec<&'a str> {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == label)
        .unwrap_or_else(|| panic!("no row {label}"))["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

#[actix_rt::test]
async fn without_noise_the_share_and_the_risks_are_the_hand_calculation() {
    let app = TestApp::on(AFTER_2026).await;
    let world = World::build(&app);
    build(&app, &world);
    let mut conn = app.state.db.get().unwrap();
    let e = compute_with(
        &mut conn,
        None,
        ReportScope::Branch(world.leeds),
        ReleasePeriod::Year(2026),
        |s| s.evidence_max_noise = 0,
    );
    let e = serde_json::to_value(e).unwrap();
    let share = table(&e, SHARE);
    assert_eq!(row(share, REGULAR), ["50", "40%"]);
    assert_eq!(row(share, WITHOUT), ["75", "60%"]);
    assert_eq!(row(share, "All with supervision recorded"), ["125", "—"]);
    assert_eq!(
        row(
            share,
            "No supervision recorded in the 183 days before (not counted)"
        ),
        ["21", "—"]
    );
    assert_eq!(
        row(share, "Joined within the gap, none due yet (not counted)"),
        ["10", "—"]
    );
    let risk = table(&e, RISK);
    assert_eq!(row(risk, WITHOUT), ["75", "40", "53%"]);
    assert_eq!(row(risk, REGULAR), ["50", "10", "20%"]);
    assert_eq!(row(risk, BOTH), ["30", "24", "80%"]);
    assert_eq!(row(risk, NEITHER), ["50", "10", "20%"]);
    let figures = &e["supervision"];
    assert_eq!(figures["share_without_regular"], 60);
    assert_eq!(
        figures["without_regular"],
        serde_json::json!({"ratio": 2.67, "lower": 1.47, "upper": 4.83})
    );
    assert_eq!(
        figures["above_safe_and_without_regular"],
        serde_json::json!({"ratio": 4.0, "lower": 2.23, "upper": 7.16})
    );
    let findings = e["findings"].to_string();
    assert!(
        findings.contains("60% of members with supervision recorded had had no reflective supervision within 28 days"),
        "{findings}"
    );
    assert!(findings.contains("2.67 times as likely"), "{findings}");
}

#[actix_rt::test]
async fn the_published_release_perturbs_the_supervision_counts_and_works_its_risk_from_them() {
    let app = TestApp::on(AFTER_2026).await;
    let world = World::build(&app);
    build(&app, &world);
    let delegate = app.token("delegate").await;
    let e = evidence(
        &app,
        &delegate,
        &format!("scope=branch:{}&period=2026", world.leeds),
    )
    .await;
    let share = table(&e, SHARE);
    for (label, truth) in [
        (REGULAR, 50),
        (WITHOUT, 75),
        ("All with supervision recorded", 125),
    ] {
        assert!(
            near(cell(share, label, 0), truth),
            "{label}: {}",
            cell(share, label, 0)
        );
    }
    let risk = table(&e, RISK);
    let shown = |label: &str, column: usize| number(cell(risk, label, column)).unwrap();
    for (label, members, cases) in [(WITHOUT, 75, 40), (REGULAR, 50, 10), (BOTH, 30, 24)] {
        assert!((shown(label, 0) - members).abs() <= 2, "{label}");
        assert!((shown(label, 1) - cases).abs() <= 2, "{label}");
    }
    // The risk is the one the shown counts give, whatever the noise did to them.
    let (a, n1, c, n0) = (
        shown(WITHOUT, 1) as f64,
        shown(WITHOUT, 0) as f64,
        shown(REGULAR, 1) as f64,
        shown(REGULAR, 0) as f64,
    );
    let ratio = (a / n1) / (c / n0);
    let published = e["supervision"]["without_regular"]["ratio"]
        .as_f64()
        .unwrap();
    assert!(
        (published - (ratio * 100.0).round() / 100.0).abs() < 1e-9,
        "{published} {ratio}"
    );
    // And the Markdown brief says it in words.
    let brief = app
        .get_as(
            &format!(
                "/api/v1/evidence?scope=branch:{}&period=2026&format=md",
                world.leeds
            ),
            &delegate,
        )
        .await
        .text();
    assert!(
        brief.contains("without regular reflective supervision were"),
        "{brief}"
    );
    assert!(
        brief.contains("Regular supervision: a reflective supervision"),
        "{brief}"
    );
}

/// Fewer than k members in a group: their counts are `<k` and no risk is worked out from them.
#[actix_rt::test]
async fn a_small_supervised_group_is_shown_under_k_and_gives_no_risk() {
    let app = TestApp::on(AFTER_2026).await;
    let world = World::build(&app);
    {
        let council = world.council;
        let mut conn = app.state.db.get().unwrap();
        let (mut supervised, mut unsupervised) = (Vec::new(), Vec::new());
        {
            let mut b = Builder {
                conn: &mut conn,
                branch: world.leeds,
                serial: 0,
            };
            for i in 0..120 {
                let m = b.member(council, Some("2010-01-01"), None, 1.0);
                b.record(m, "2025-12-01", 10, 1.0, council);
                if i < 2 {
                    supervised.push(m);
                    b.case(m, council, CaseType::IllHealth, "2026-02-01");
                } else {
                    unsupervised.push(m);
                    if i < 40 {
                        b.case(m, council, CaseType::IllHealth, "2026-02-01");
                    }
                }
            }
        }
        for m in supervised {
            session(
                &mut conn,
                m,
                council,
                "2025-12-20",
                SupervisionKind::Reflective,
                None,
            );
        }
        // The other 118 are recorded without it: a session the member postponed.
        for m in unsupervised {
            let by = Some(CalledOffBy::Member);
            session(
                &mut conn,
                m,
                council,
                "2025-12-20",
                SupervisionKind::Reflective,
                by,
            );
        }
    }
    let delegate = app.token("delegate").await;
    let e = evidence(
        &app,
        &delegate,
        &format!("scope=branch:{}&period=2026", world.leeds),
    )
    .await;
    let share = table(&e, SHARE);
    assert_eq!(cell(share, REGULAR, 0), "<5");
    assert_eq!(cell(share, REGULAR, 1), "—");
    assert!(near(cell(share, WITHOUT, 0), 118), "{share}");
    let risk = table(&e, RISK);
    assert!(near(cell(risk, WITHOUT, 1), 38));
    assert_eq!(e["supervision"]["without_regular"], Value::Null);
    assert!(
        !e["findings"]
            .to_string()
            .contains("without regular reflective supervision were"),
        "no risk from a group under k"
    );
}

/// Every count of the supervision tables, in generated branches and periods: within D of the
/// count without noise, `<k` only for a true count from 1 to k + D − 1, 0 only for none, and a
/// risk only from four published counts of at least k.
#[actix_rt::test]
async fn every_supervision_count_is_within_d_of_the_truth_and_under_k_only_when_small() {
    let app = TestApp::on(AFTER_2026).await;
    let world = crate::crowd::crowded(&app);
    let mut conn = app.state.db.get().unwrap();
    let (k, d) = (5, 2);
    let mut checked = 0;
    for branch in [world.wigan, world.leeds] {
        for period in [
            ReleasePeriod::Year(2026),
            "2026-Q3".parse().unwrap(),
            "2025-26".parse().unwrap(),
        ] {
            let scope = ReportScope::Branch(branch);
            let shown =
                serde_json::to_value(compute_with(&mut conn, None, scope, period, |_| {})).unwrap();
            let truth = serde_json::to_value(compute_with(&mut conn, None, scope, period, |s| {
                s.evidence_max_noise = 0
            }))
            .unwrap();
            for title in [SHARE, RISK] {
                let (shown, truth) = (table(&shown, title), table(&truth, title));
                for row in shown["rows"].as_array().unwrap() {
                    let label = row["label"].as_str().unwrap();
                    let counts = if title == SHARE { 1 } else { 2 };
                    for column in 0..counts {
                        let p = cell(shown, label, column);
                        // A line beside the table is shown by its published size, so the
                        // count without noise may not have it.
                        let Some(t) = truth["rows"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|r| r["label"] == label)
                            .and_then(|r| number(r["cells"][column].as_str()?))
                        else {
                            continue;
                        };
                        match number(p) {
                            Some(0) => assert_eq!(t, 0, "{title} / {label}: 0 for {t}"),
                            Some(n) => {
                                assert!(n >= k, "{n} under k shown as a number");
                                assert!((n - t).abs() <= d, "{label}: {n} shown for {t}");
                            }
                            None => {
                                assert_eq!(p, "<5", "{label}: {p:?} is not a count");
                                assert!((1..k + d).contains(&t), "<5 for a true {t}");
                            }
                        }
                        checked += 1;
                    }
                }
            }
            if let Some(risk) = shown["supervision"]["without_regular"].as_object() {
                assert!(risk.contains_key("ratio"));
                let risks = table(&shown, RISK);
                for label in [WITHOUT, REGULAR] {
                    for column in 0..2 {
                        let n = number(cell(risks, label, column));
                        assert!(n.is_some_and(|n| n >= k), "a risk from {label} {n:?}");
                    }
                }
            }
        }
    }
    assert!(checked >= 48, "{checked} counts checked");
}

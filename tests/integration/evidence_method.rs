//! The method behind the evidence's risks, on hand-built data sets whose arithmetic is in each
//! test: exposure from a record in the look-back window at the FTE it was taken with, members
//! in membership at the start (joiners and leavers apart), incident cases only, and the
//! employer-stratified risk when employers confound the crude one. Counts are perturbed by up
//! to ±2, so each is checked within that.

use actix_web::http::Method;
use caseload::db::DbConn;
use caseload::db::schema::{cases, employers, members, workload_records};
use caseload::models::*;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::{Value, json};

use caseload::access::ReportScope;
use caseload::reports::releases::ReleasePeriod;

use crate::common::{TestApp, compute};
use crate::evidence::{AFTER_2026, cell, evidence, number, table};
use crate::fixtures::World;

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

pub(crate) struct Builder<'c> {
    pub conn: &'c mut DbConn,
    pub branch: BranchId,
    pub serial: usize,
}

impl Builder<'_> {
    pub(crate) fn member(
        &mut self,
        employer: EmployerId,
        start: Option<&str>,
        left: Option<&str>,
        fte: f64,
    ) -> MemberId {
        self.serial += 1;
        let number = format!("M{:05}", self.serial);
        diesel::insert_into(members::table)
            .values(NewMember {
                record_key: RecordKey::random(),
                branch_id: self.branch,
                employer_id: employer,
                membership_number: number.clone(),
                first_name: "Hand".into(),
                last_name: format!("Built{}", self.serial),
                email: None,
                phone: None,
                job_role: "Social worker".into(),
                team: None,
                fte,
                start_date: start.map(d),
                left_on: left.map(d),
                equality_consent: false,
                age_band: None,
                ethnic_group: None,
                search_text: member::search_text("Hand", "Built", &number),
            })
            .returning(members::id)
            .get_result(self.conn)
            .unwrap()
    }

    pub(crate) fn record(
        &mut self,
        member: MemberId,
        on: &str,
        open: i32,
        fte: f64,
        employer: EmployerId,
    ) {
        diesel::insert_into(workload_records::table)
            .values(NewWorkloadRecord {
                member_id: member,
                recorded_on: d(on),
                open_cases: open,
                hours_worked: None,
                contracted_hours: None,
                source: WorkloadSource::Supervision,
                note: None,
                created_by: None,
                fte,
                employer_id: employer,
            })
            .execute(self.conn)
            .unwrap();
    }

    pub(crate) fn case(
        &mut self,
        member: MemberId,
        employer: EmployerId,
        t: CaseType,
        opened: &str,
    ) {
        self.serial += 1;
        diesel::insert_into(cases::table)
            .values(NewCase {
                record_key: RecordKey::random(),
                reference: format!("HB-{}", self.serial),
                member_id: Some(member),
                branch_id: self.branch,
                employer_id: Some(employer),
                case_type: t,
                stage: Stage::Referral,
                status: CaseStatus::Open,
                opened_on: d(opened),
                workload_factor: false,
                assigned_to: None,
                referred_to_region: false,
                referral_reason: None,
                summary: None,
            })
            .execute(self.conn)
            .unwrap();
    }
}

fn employer(conn: &mut DbConn, name: &str) -> EmployerId {
    diesel::insert_into(employers::table)
        .values(NewEmployer {
            name: name.into(),
            safe_caseload_override: None,
            supervision_regular_days_override: None,
        })
        .returning(employers::id)
        .get_result(conn)
        .unwrap()
}

pub(crate) fn near(shown: &str, truth: i64) -> bool {
    number(shown).is_some_and(|p| (p - truth).abs() <= 2)
}

const EITHER: &str = "New disciplinary or ill-health cases by caseload at the start of the period";
const DISCIPLINARY: &str = "New disciplinary cases by caseload at the start of the period";
const ILL_HEALTH: &str = "New ill-health cases by caseload at the start of the period";
const ABOVE: &str = "Above the safe caseload (15 per FTE)";
const BELOW: &str = "At or below the safe caseload";
const UNKNOWN: &str = "Exposure unknown (no workload record in the 183 days before)";
const JOINED: &str = "Joined during the period (not in the risk)";

/// Period 2026-01-01 to 2026-12-31; the look-back window is the 183 days before, from
/// 2025-07-02. In membership at the start: 30 members measured only on 2025-03-01 (outside the
/// window: exposure unknown), 40 measured on 2025-12-01 with 12 open cases at 0.5 FTE (24 per
/// FTE: above 15) whose FTE is 1.0 today, 50 measured on 2025-12-01 with 10 cases at 1.0 FTE
/// (below). Not in membership at the start: 20 who joined on 2026-03-01 (their own line) and
/// 15 who left on 2025-10-31 (nowhere). 25 of the "below" members have a disciplinary case
/// open since 2025-11-01: they are not at risk of a new disciplinary case, but are of a new
/// ill-health one.
#[actix_rt::test]
async fn exposure_membership_and_incidence_are_counted_as_defined() {
    let app = TestApp::on(AFTER_2026).await;
    let world = World::build(&app);
    let council = world.council;
    let mut above = Vec::new();
    {
        let mut conn = app.state.db.get().unwrap();
        let mut b = Builder {
            conn: &mut conn,
            branch: world.leeds,
            serial: 0,
        };
        for _ in 0..30 {
            let m = b.member(council, Some("2010-01-01"), None, 1.0);
            b.record(m, "2025-03-01", 20, 1.0, council);
        }
        for _ in 0..40 {
            let m = b.member(council, Some("2010-01-01"), None, 1.0);
            b.record(m, "2025-12-01", 12, 0.5, council);
            above.push(m);
        }
        for i in 0..50 {
            let m = b.member(council, Some("2010-01-01"), None, 1.0);
            b.record(m, "2025-12-01", 10, 1.0, council);
            if i < 25 {
                b.case(m, council, CaseType::Disciplinary, "2025-11-01");
            }
        }
        for _ in 0..20 {
            let m = b.member(council, Some("2026-03-01"), None, 1.0);
            b.record(m, "2026-03-15", 30, 1.0, council);
        }
        for _ in 0..15 {
            let m = b.member(council, Some("2010-01-01"), Some("2025-10-31"), 1.0);
            b.record(m, "2025-09-01", 30, 1.0, council);
        }
    }
    let admin = app.token("admin").await;
    let query = format!("scope=branch:{}&period=2026", world.leeds);
    let e = evidence(&app, &admin, &query).await;
    let either = table(&e, EITHER);
    // The fixture's own Leeds member (no workload record, no start date) is the 31st unknown.
    for (row, truth) in [(UNKNOWN, 31), (ABOVE, 40), (JOINED, 20)] {
        assert!(
            near(cell(either, row, 0), truth),
            "{row}: {}",
            cell(either, row, 0)
        );
    }
    // The 25 with a disciplinary case open at the start are not at risk of a new one.
    assert!(
        near(cell(either, BELOW, 0), 25),
        "{}",
        cell(either, BELOW, 0)
    );
    assert!(near(cell(table(&e, DISCIPLINARY), BELOW, 0), 25));
    assert!(near(cell(table(&e, ILL_HEALTH), BELOW, 0), 50));
    // Leavers are nowhere: the rows add up to the 121 in membership at the start (each within
    // 2, three rows), not to 136.
    let rows: i64 = [UNKNOWN, ABOVE, BELOW]
        .iter()
        .map(|r| number(cell(table(&e, ILL_HEALTH), r, 0)).unwrap())
        .sum();
    assert!(
        (rows - 121).abs() <= 6,
        "31 + 40 + 50 in membership: {rows}"
    );

    // Changing those members' FTE today rewrites nothing about last year, even worked out
    // afresh (the release itself never changes).
    let leeds = ReportScope::Branch(world.leeds);
    let afresh = || {
        let mut conn = app.state.db.get().unwrap();
        serde_json::to_value(compute(&mut conn, None, leeds, ReleasePeriod::Year(2026))).unwrap()
    };
    let before = afresh();
    for m in &above[..5] {
        let response = app
            .send_json(
                Method::PATCH,
                &format!("/api/v1/members/{m}"),
                Some(&admin),
                &json!({"fte": 0.8}),
            )
            .await;
        assert_eq!(response.status, 200, "{}", response.text());
    }
    assert_eq!(
        before["tables"],
        afresh()["tables"],
        "the records keep the FTE they were taken with"
    );
}

/// Three fixes to the method, each on its own numbers (Leeds, 2026):
/// - 30 members starting on 1 January 2026 and measured that day (10 per FTE) are at risk from
///   the start, not joiners: at or below the safe caseload ≈ 30; joined ≈ 20 (those starting on
///   1 March), not 50.
/// - Of the 20 joiners, 8 have a new ill-health case and none a disciplinary one: each table's
///   joined line counts its own outcome (0 for disciplinary, ≈ 8 for ill-health and either).
/// - Equality: 40 consenting members aged 25–34 in membership (12 with a new disciplinary
///   case) and 15 more with only a grievance case opened in 2026 are the 55 of the band, 12 with
///   a new case; 25 who left in 2025 are nowhere. The other bands, all empty, are below the
///   minimum group and not shown; the exposure-unknown line (the fixture's one member, and the
///   55 without a record) is shown, the line of one would not be.
#[actix_rt::test]
async fn joiners_on_the_first_day_each_outcome_and_equality_membership_are_counted_right() {
    let app = TestApp::on(AFTER_2026).await;
    let world = World::build(&app);
    let council = world.council;
    {
        let mut conn = app.state.db.get().unwrap();
        let mut b = Builder {
            conn: &mut conn,
            branch: world.leeds,
            serial: 0,
        };
        for _ in 0..30 {
            let m = b.member(council, Some("2026-01-01"), None, 1.0);
            b.record(m, "2026-01-01", 10, 1.0, council);
        }
        for i in 0..20 {
            let m = b.member(council, Some("2026-03-01"), None, 1.0);
            if i < 8 {
                b.case(m, council, CaseType::IllHealth, "2026-06-01");
            }
        }
        let mut consenting = Vec::new();
        for i in 0..40 {
            let m = b.member(council, Some("2010-01-01"), None, 1.0);
            if i < 12 {
                b.case(m, council, CaseType::Disciplinary, "2026-05-01");
            }
            consenting.push(m);
        }
        for _ in 0..15 {
            let m = b.member(council, Some("2010-01-01"), None, 1.0);
            b.case(m, council, CaseType::Grievance, "2026-05-01");
            consenting.push(m);
        }
        for _ in 0..25 {
            let m = b.member(council, Some("2010-01-01"), Some("2025-06-30"), 1.0);
            consenting.push(m);
        }
        diesel::update(members::table.filter(members::id.eq_any(&consenting)))
            .set((
                members::equality_consent.eq(true),
                members::age_band.eq(Some(AgeBand::From25To34)),
            ))
            .execute(b.conn)
            .unwrap();
    }
    let admin = app.token("admin").await;
    let e = evidence(
        &app,
        &admin,
        &format!("scope=branch:{}&period=2026", world.leeds),
    )
    .await;
    let either = table(&e, EITHER);
    assert!(
        near(cell(either, BELOW, 0), 30),
        "{}",
        cell(either, BELOW, 0)
    );
    assert!(
        near(cell(either, JOINED, 0), 20),
        "{}",
        cell(either, JOINED, 0)
    );
    assert!(
        near(cell(either, UNKNOWN, 0), 56),
        "{}",
        cell(either, UNKNOWN, 0)
    );
    assert_eq!(cell(table(&e, DISCIPLINARY), JOINED, 1), "0");
    assert!(near(cell(table(&e, ILL_HEALTH), JOINED, 1), 8));
    assert!(near(cell(either, JOINED, 1), 8));
    let band = table(
        &e,
        "Members with a new disciplinary or ill-health case, by age band",
    );
    assert!(near(cell(band, "25–34", 0), 55), "{band}");
    assert!(near(cell(band, "25–34", 1), 12), "{band}");
    let labels: Vec<&str> = band["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["25–34"], "groups below the minimum are not shown");
    assert!(
        e["tables"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| !t["title"].as_str().unwrap().ends_with("by ethnic group")),
        "no ethnic group recorded, no table"
    );
}

/// Two employers, and within each the risk is the same above and at or below the threshold
/// (40% at A, 10% at B), but A's staff are mostly above it: employer confounds the crude risk.
/// A: above 80 members, 32 new cases; below 20, 8. B: above 80, 8; below 200, 20 (every count
/// stays at least 5 after perturbation).
/// Crude: above 40 of 160 (25%), below 28 of 220 (12.7%): RR 1.96; SE(ln RR) =
/// √(1/40 − 1/160 + 1/28 − 1/220) = 0.2234, so CI exp(ln 1.96 ± 1.96 · 0.2234) = 1.27 to 3.04.
/// Mantel–Haenszel: each stratum's RR is 1, so the pooled one is 1 and its interval includes 1,
/// and the summary says the association is not clear within employers.
#[actix_rt::test]
async fn a_crude_risk_confounded_by_employer_is_said_to_be_so() {
    let app = TestApp::on(AFTER_2026).await;
    let world = World::build(&app);
    {
        let mut conn = app.state.db.get().unwrap();
        let a = employer(&mut conn, "Council A");
        let b_employer = employer(&mut conn, "Council B");
        let mut b = Builder {
            conn: &mut conn,
            branch: world.leeds,
            serial: 0,
        };
        for (employer, open, members, with_case) in [
            (a, 20, 80, 32),
            (a, 10, 20, 8),
            (b_employer, 20, 80, 8),
            (b_employer, 10, 200, 20),
        ] {
            for i in 0..members {
                let m = b.member(employer, Some("2010-01-01"), None, 1.0);
                b.record(m, "2025-12-01", open, 1.0, employer);
                if i < with_case {
                    b.case(m, employer, CaseType::Disciplinary, "2026-04-01");
                }
            }
        }
    }
    let admin = app.token("admin").await;
    let e: Value = evidence(
        &app,
        &admin,
        &format!("scope=branch:{}&period=2026", world.leeds),
    )
    .await;
    let either = e["risks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["outcome"] == "disciplinary_or_ill_health")
        .unwrap();
    let crude = &either["crude"];
    assert!(crude["lower"].as_f64().unwrap() > 1.0, "{crude}");
    // True counts: above 40 cases in 160 members, at or below 28 in 220 (RR 1.96). Each of
    // the four published counts is within D = 2 of its true value, so the published ratio lies
    // between the ratios of the counts pushed furthest apart either way (two places).
    let d = 2.0;
    let low = ((40.0 - d) / (160.0 + d)) / ((28.0 + d) / (220.0 - d));
    let high = ((40.0 + d) / (160.0 - d)) / ((28.0 - d) / (220.0 + d));
    let ratio = crude["ratio"].as_f64().unwrap();
    assert!(
        (low - 0.005..=high + 0.005).contains(&ratio),
        "{crude} outside {low:.2}..{high:.2}"
    );
    let stratified = &either["stratified"];
    assert_eq!(either["strata_used"], 2);
    assert!(stratified["lower"].as_f64().unwrap() < 1.0, "{stratified}");
    assert!(stratified["upper"].as_f64().unwrap() > 1.0, "{stratified}");
    assert!(
        (stratified["ratio"].as_f64().unwrap() - 1.0).abs() < 0.35,
        "{stratified}"
    );
    let findings = e["findings"].to_string();
    assert!(
        findings.contains("Within employers the association is not clear"),
        "{findings}"
    );
    let note = table(&e, EITHER)["note"].as_str().unwrap();
    assert!(
        note.contains("Mantel–Haenszel over all 2 employers"),
        "{note}"
    );
}

/// A record or a case dated outside a member's membership is refused with a 422 naming the
/// date, and a leaving date before the start is refused naming `left_on`.
#[actix_rt::test]
async fn records_and_cases_outside_a_membership_are_refused() {
    let app = TestApp::on(AFTER_2026).await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let path = format!("/api/v1/members/{}", world.wigan_member);
    let set = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&admin),
            &json!({"start_date": "2024-01-01", "left_on": "2026-06-30"}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    assert_eq!(set.json()["left_on"], "2026-06-30");
    let early = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&admin),
            &json!({"left_on": "2023-12-31"}),
        )
        .await;
    assert_eq!(early.status, 422);
    assert!(early.json()["error"]["fields"]["left_on"].is_string());
    for on in ["2023-12-31", "2026-07-01"] {
        let record = app
            .send_json(
                Method::POST,
                &format!("{path}/workload"),
                Some(&admin),
                &json!({"recorded_on": on, "open_cases": 10, "source": "supervision"}),
            )
            .await;
        assert_eq!(record.status, 422, "{on}: {}", record.text());
        assert!(record.json()["error"]["fields"]["recorded_on"].is_string());
        let case = app
            .send_json(
                Method::POST,
                "/api/v1/cases",
                Some(&admin),
                &json!({"member_id": world.wigan_member, "type": "disciplinary", "opened_on": on}),
            )
            .await;
        assert_eq!(case.status, 422, "{on}: {}", case.text());
        assert!(case.json()["error"]["fields"]["opened_on"].is_string());
    }
    let inside = app
        .send_json(
            Method::POST,
            &format!("{path}/workload"),
            Some(&admin),
            &json!({"recorded_on": "2025-05-01", "open_cases": 10, "source": "supervision", "fte": 0.6}),
        )
        .await;
    assert_eq!(inside.status, 201, "{}", inside.text());
    assert_eq!(inside.json()["fte"], 0.6, "the FTE at the time, as given");
    let filled = app
        .send_json(
            Method::POST,
            &format!("{path}/workload"),
            Some(&admin),
            &json!({"recorded_on": "2025-06-01", "open_cases": 10, "source": "supervision"}),
        )
        .await;
    assert_eq!(filled.json()["fte"], 1.0, "the member's FTE when not given");
    assert_eq!(filled.json()["employer_id"], world.council.0);
}

/// The demo data keeps to membership dates: no workload record or case before a member's start
/// or after they left.
#[actix_rt::test]
async fn the_demo_data_keeps_to_membership_dates() {
    let app = TestApp::on(AFTER_2026).await;
    let mut conn = app.state.db.get().unwrap();
    caseload::demo::load(&mut conn).unwrap().unwrap();
    let people: Vec<(i64, Option<NaiveDate>, Option<NaiveDate>)> = members::table
        .select((members::id, members::start_date, members::left_on))
        .load(&mut conn)
        .unwrap();
    let dates: std::collections::HashMap<i64, (Option<NaiveDate>, Option<NaiveDate>)> =
        people.iter().map(|(id, s, l)| (*id, (*s, *l))).collect();
    let outside = |member: i64, on: NaiveDate| {
        let (start, left) = dates[&member];
        start.is_some_and(|s| on < s) || left.is_some_and(|l| on > l)
    };
    let records: Vec<(i64, NaiveDate)> = workload_records::table
        .select((workload_records::member_id, workload_records::recorded_on))
        .load(&mut conn)
        .unwrap();
    assert_eq!(records.iter().filter(|(m, on)| outside(*m, *on)).count(), 0);
    let opened: Vec<(Option<i64>, NaiveDate)> = cases::table
        .select((cases::member_id, cases::opened_on))
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        opened
            .iter()
            .filter(|(m, on)| m.is_some_and(|m| outside(m, *on)))
            .count(),
        0
    );
    assert!(
        people.iter().any(|(_, _, l)| l.is_some()),
        "some members have left"
    );
}

/// The dashboard's open cases for a past period are those open at its end: a case opened in
/// February and closed in May was open on 31 March, though it is closed today; one opened
/// after the period is not counted.
#[actix_rt::test]
async fn the_dashboard_counts_cases_open_at_the_end_of_a_past_period() {
    let app = TestApp::on(AFTER_2026).await;
    let world = World::build(&app);
    {
        let mut conn = app.state.db.get().unwrap();
        let mut b = Builder {
            conn: &mut conn,
            branch: world.wigan,
            serial: 0,
        };
        b.case(
            world.wigan_member,
            world.council,
            CaseType::IllHealth,
            "2026-02-01",
        );
        diesel::update(cases::table.filter(cases::case_type.eq(CaseType::IllHealth)))
            .set((
                cases::status.eq(CaseStatus::Closed),
                cases::stage.eq(Stage::Closed),
                cases::closed_on.eq(Some(d("2026-05-01"))),
                cases::outcome.eq(Some(Outcome::PhasedReturn)),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let admin = app.token("admin").await;
    let board = app
        .get_as(
            &format!(
                "/api/v1/dashboard?branch_id={}&from=2026-01-01&to=2026-03-31",
                world.wigan
            ),
            &admin,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text());
    let wigan = &board.json()["branches"][0];
    assert_eq!(wigan["open_cases_by_type"]["ill_health"], 1, "{wigan}");
    assert!(
        wigan["open_cases_by_type"]["disciplinary"].is_null()
            || wigan["open_cases_by_type"]["disciplinary"] == 0,
        "the disciplinary case opened on 4 May was not open on 31 March: {wigan}"
    );
}

/// The caseloads at the end of a past period come from each member's record in force then,
/// whatever they recorded since: the crowded Wigan members are measured on 2025-12-15; a later
/// record for each of them (2026-08-03, another caseload) sends the figures of 2025-26, worked
/// out afresh, to look up the record on its last day member by member, and the table must come
/// out the same, cell for cell. The members represented are those measured with a case opened in
/// the period, each once however many cases they have.
#[actix_rt::test]
async fn caseloads_at_a_past_period_end_read_the_record_in_force_then() {
    let app = TestApp::on(AFTER_2026).await;
    let world = crate::crowd::crowded(&app);
    const CASELOADS: &str = "Caseload per FTE at the end of the period";
    let wigan = ReportScope::Branch(world.wigan);
    let afresh = || {
        let mut conn = app.state.db.get().unwrap();
        let e = compute(&mut conn, None, wigan, ReleasePeriod::FinancialYear(2025));
        serde_json::to_value(e).unwrap()
    };
    let before = afresh();

    let mut conn = app.state.db.get().unwrap();
    let measured: Vec<MemberId> = workload_records::table
        .inner_join(members::table)
        .filter(members::branch_id.eq(world.wigan))
        .select(workload_records::member_id)
        .distinct()
        .load(&mut conn)
        .unwrap();
    let represented = cases::table
        .filter(cases::member_id.eq_any(&measured))
        .filter(cases::opened_on.between(d("2025-04-01"), d("2026-03-31")))
        .select(cases::member_id)
        .distinct()
        .load::<Option<MemberId>>(&mut conn)
        .unwrap()
        .len() as i64;
    let mut builder = Builder {
        conn: &mut conn,
        branch: world.wigan,
        serial: 0,
    };
    for member in &measured {
        builder.record(*member, "2026-08-03", 40, 1.0, world.council);
    }
    drop(conn);
    let after = afresh();

    assert_eq!(table(&before, CASELOADS), table(&after, CASELOADS));
    let shown = cell(
        table(&after, CASELOADS),
        "Members represented in the period",
        0,
    );
    assert!(
        near(shown, represented),
        "{shown} represented, truth {represented}"
    );
    assert!(
        represented > 20 && represented < measured.len() as i64,
        "the test needs both kinds: {represented} of {}",
        measured.len()
    );
}

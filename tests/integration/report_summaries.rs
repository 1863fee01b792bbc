//! The report summaries (each member's latest workload record; records per month by caseload
//! bucket) are kept by the database on every write. After a mix of writes through the API and
//! straight to the tables they must equal what the raw records say.

use std::collections::BTreeMap;

use actix_web::http::Method;
use caseload::db::DbConn;
use caseload::db::schema::{
    case_monthly, case_workload_factors, cases, employers, members, workload_latest,
    workload_monthly, workload_records,
};
use caseload::models::*;
use caseload::reports::summaries;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use crate::common::TestApp;
use crate::fixtures::World;

type Latest = BTreeMap<i64, (i64, NaiveDate, i32, i64, i64, f64)>;
type Monthly = BTreeMap<(i64, i64, String, i64), i64>;

/// What the summaries should hold, worked out here from the records and members.
fn expected(conn: &mut DbConn) -> (Latest, Monthly) {
    let people: BTreeMap<i64, (i64, i64, f64)> = members::table
        .select((
            members::id,
            members::branch_id,
            members::employer_id,
            members::fte,
        ))
        .load::<(i64, i64, i64, f64)>(conn)
        .unwrap()
        .into_iter()
        .map(|(id, branch, employer, fte)| (id, (branch, employer, fte)))
        .collect();
    // A record counts under the member's present branch, with the FTE and employer it was
    // taken with.
    type Record = (i64, i64, NaiveDate, i32, Option<f64>, Option<i64>);
    let records: Vec<Record> = workload_records::table
        .select((
            workload_records::id,
            workload_records::member_id,
            workload_records::recorded_on,
            workload_records::open_cases,
            workload_records::fte,
            workload_records::employer_id,
        ))
        .load(conn)
        .unwrap();
    let mut latest = Latest::new();
    let mut monthly = Monthly::new();
    for (id, member, on, open, fte, employer) in records {
        let (branch, _, _) = people[&member];
        let (fte, employer) = (fte.unwrap(), employer.unwrap());
        let newer = latest
            .get(&member)
            .is_none_or(|(other, other_on, ..)| (on, id) > (*other_on, *other));
        if newer {
            latest.insert(member, (id, on, open, branch, employer, fte));
        }
        let bucket = caseload::reports::stats::bucket(f64::from(open) / fte);
        *monthly
            .entry((branch, employer, on.format("%Y-%m").to_string(), bucket))
            .or_default() += 1;
    }
    (latest, monthly)
}

fn summaries(conn: &mut DbConn) -> (Latest, Monthly) {
    let latest = workload_latest::table
        .load::<(i64, i64, NaiveDate, i32, i64, i64, f64)>(conn)
        .unwrap()
        .into_iter()
        .map(|(member, id, on, open, branch, employer, fte)| {
            (member, (id, on, open, branch, employer, fte))
        })
        .collect();
    let monthly = workload_monthly::table
        .filter(workload_monthly::records.ne(0))
        .load::<(i64, i64, String, i64, i64)>(conn)
        .unwrap()
        .into_iter()
        .map(|(branch, employer, month, bucket, n)| ((branch, employer, month, bucket), n))
        .collect();
    (latest, monthly)
}

#[actix_rt::test]
async fn summaries_follow_every_write_to_workload_and_members() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let add = |member: MemberId, on: &str, open: i32| {
        let path = format!("/api/v1/members/{member}/workload");
        let body = json!({"recorded_on": on, "open_cases": open, "source": "supervision"});
        let app = &app;
        let admin = admin.clone();
        async move {
            let response = app
                .send_json(Method::POST, &path, Some(&admin), &body)
                .await;
            assert_eq!(response.status, 201, "{}", response.text());
        }
    };
    // Out of date order, two on one day (the later entry wins), and a bucket on a half (37.5).
    add(world.wigan_member, "2026-03-02", 14).await;
    add(world.wigan_member, "2026-01-05", 20).await;
    add(world.wigan_member, "2026-03-02", 16).await;
    add(world.bury_member, "2026-02-10", 9).await;
    add(world.leeds_member, "2026-02-11", 3).await;
    let mut conn = app.state.db.get().unwrap();
    assert_eq!(summaries(&mut conn), expected(&mut conn));

    // A member changes FTE, employer and branch: their history moves with them.
    let other: EmployerId = diesel::insert_into(employers::table)
        .values(NewEmployer {
            name: "Bury Council".into(),
            safe_caseload_override: None,
            supervision_regular_days_override: None,
        })
        .returning(employers::id)
        .get_result(&mut conn)
        .unwrap();
    let moved = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/members/{}", world.leeds_member),
            Some(&admin),
            &json!({"fte": 0.8, "employer_id": other, "branch_id": world.bury}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert_eq!(summaries(&mut conn), expected(&mut conn));

    // A record edited (date and count), and one removed.
    let first: i64 = workload_records::table
        .filter(workload_records::member_id.eq(world.wigan_member))
        .order(workload_records::id)
        .select(workload_records::id)
        .first(&mut conn)
        .unwrap();
    diesel::update(workload_records::table.find(first))
        .set((
            workload_records::recorded_on.eq(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()),
            workload_records::open_cases.eq(11),
        ))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(summaries(&mut conn), expected(&mut conn));
    let (latest, _) = summaries(&mut conn);
    assert_eq!(
        latest[&world.wigan_member.0].0, first,
        "the edited record is now the latest"
    );
    diesel::delete(workload_records::table.find(first))
        .execute(&mut conn)
        .unwrap();
    diesel::delete(
        workload_records::table.filter(workload_records::member_id.eq(world.bury_member)),
    )
    .execute(&mut conn)
    .unwrap();
    let (latest, monthly) = summaries(&mut conn);
    assert_eq!((latest.clone(), monthly), expected(&mut conn));
    assert!(
        !latest.contains_key(&world.bury_member.0),
        "no records, no latest"
    );
}

#[actix_rt::test]
async fn a_dashboard_for_a_past_period_reads_the_records_of_then() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let path = format!("/api/v1/members/{}/workload", world.wigan_member);
    for (on, open) in [("2026-01-05", 12), ("2026-03-05", 20)] {
        let body = json!({"recorded_on": on, "open_cases": open, "source": "supervision"});
        let response = app
            .send_json(Method::POST, &path, Some(&admin), &body)
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
    }
    let board = |to: &str| {
        format!(
            "/api/v1/dashboard?branch_id={}&from=2025-12-01&to={to}",
            world.wigan
        )
    };
    let then = app.get_as(&board("2026-02-28"), &admin).await.json();
    assert_eq!(then["total"]["median_caseload_per_fte"], 12.0, "{then}");
    let now = app.get_as(&board("2026-03-31"), &admin).await.json();
    assert_eq!(now["total"]["median_caseload_per_fte"], 20.0, "{now}");
    let before_any = app.get_as(&board("2025-12-31"), &admin).await.json();
    assert_eq!(before_any["total"]["median_caseload_per_fte"], json!(null));
}

#[actix_rt::test]
async fn a_paused_bulk_load_is_rebuilt_to_the_same_summaries() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let mut conn = app.state.db.get().unwrap();
    let record = |member: MemberId, day: u32, open: i32| NewWorkloadRecord {
        member_id: member,
        recorded_on: NaiveDate::from_ymd_opt(2026, 2, day).unwrap(),
        open_cases: open,
        hours_worked: None,
        contracted_hours: None,
        source: WorkloadSource::Supervision,
        note: None,
        created_by: None,
        fte: 1.0,
        employer_id: world.council,
    };
    diesel::insert_into(workload_records::table)
        .values(record(world.wigan_member, 1, 10))
        .execute(&mut conn)
        .unwrap();
    summaries::pause(&mut conn).unwrap();
    // Records taken at another FTE than the member's present one (the rebuild uses it), one of
    // them on a half bucket (1 case at 0.8 FTE is 12.5 tenths: rounded up everywhere).
    for (member, day, open, fte) in [
        (world.wigan_member, 9, 17, 0.6),
        (world.bury_member, 3, 7, 0.6),
        (world.leeds_member, 4, 1, 0.8),
    ] {
        let mut taken = record(member, day, open);
        taken.fte = fte;
        diesel::insert_into(workload_records::table)
            .values(taken)
            .execute(&mut conn)
            .unwrap();
    }
    assert_ne!(
        summaries(&mut conn),
        expected(&mut conn),
        "paused: not kept"
    );
    summaries::resume_if_paused(&mut conn).unwrap();
    assert!(!summaries::paused(&mut conn).unwrap());
    assert_eq!(summaries(&mut conn), expected(&mut conn));
}

#[actix_rt::test]
async fn reports_are_the_same_on_one_connection_or_two() {
    use caseload::access::ReportScope;
    use caseload::reports::dashboard;
    use caseload::reports::scope::Narrowing;
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    caseload::demo::load(&mut conn).unwrap().unwrap();
    let mut spare = app.state.db.get().unwrap();
    let to = chrono::Utc::now().date_naive();
    let from = to - chrono::Days::new(365);
    let period = caseload::reports::releases::ReleasePeriod::latest_year(to, 30);
    let alone = crate::common::compute(&mut conn, None, ReportScope::National, period);
    let paired = crate::common::compute(&mut conn, Some(&mut spare), ReportScope::National, period);
    assert_eq!(
        serde_json::to_value(&alone).unwrap(),
        serde_json::to_value(&paired).unwrap()
    );
    // Not an empty comparison: the demo data gives findings and risk tables. (Whether the
    // headline risk is shown depends on the random record keys' noise, so it is not asked.)
    assert!(
        !alone.findings.is_empty() && !alone.risks.is_empty() && !alone.tables.is_empty(),
        "the demo data gives a summary with findings and risks"
    );
    let scope = ReportScope::National;
    let alone = dashboard::build(&mut conn, None, scope, Narrowing::default(), from, to).unwrap();
    let paired = dashboard::build(
        &mut conn,
        Some(&mut spare),
        scope,
        Narrowing::default(),
        from,
        to,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&alone).unwrap(),
        serde_json::to_value(&paired).unwrap()
    );
    assert!(alone.total.members > 0 && alone.total.median_caseload_per_fte.is_some());
}

type CaseMonthly = BTreeMap<(String, String, String, i64, i64), (i64, i64)>;

/// Cases opened per month under each dimension, worked out here from the cases and factors.
fn cases_expected(conn: &mut DbConn) -> CaseMonthly {
    type Row = (i64, i64, Option<i64>, String, String, bool, NaiveDate, i32);
    let rows: Vec<Row> = cases::table
        .select((
            cases::id,
            cases::branch_id,
            cases::employer_id,
            cases::case_type,
            cases::stage,
            cases::workload_factor,
            cases::opened_on,
            cases::record_key,
        ))
        .load(conn)
        .unwrap();
    let factors: Vec<(i64, String)> = case_workload_factors::table
        .select((
            case_workload_factors::case_id,
            case_workload_factors::factor,
        ))
        .load(conn)
        .unwrap();
    let mut out = CaseMonthly::new();
    for (id, branch, employer, case_type, stage, workload, opened, key) in rows {
        let month = opened.format("%Y-%m").to_string();
        let mut values = vec![
            ("type", case_type),
            ("stage", stage),
            ("workload", if workload { "yes" } else { "no" }.to_owned()),
        ];
        if workload {
            values.extend(
                factors
                    .iter()
                    .filter(|(case, _)| *case == id)
                    .map(|(_, f)| ("factor", f.clone())),
            );
        }
        for (dimension, value) in values {
            let key_of = (
                dimension.to_owned(),
                month.clone(),
                value,
                branch,
                employer.unwrap_or(0),
            );
            let entry = out.entry(key_of).or_default();
            entry.0 += 1;
            entry.1 += i64::from(key);
        }
    }
    out
}

fn cases_summary(conn: &mut DbConn) -> CaseMonthly {
    case_monthly::table
        .filter(case_monthly::cases.ne(0))
        .load::<(String, String, String, i64, i64, i64, i64)>(conn)
        .unwrap()
        .into_iter()
        .map(|(d, month, value, branch, employer, n, keys)| {
            ((d, month, value, branch, employer), (n, keys))
        })
        .collect()
}

#[actix_rt::test]
async fn case_counts_follow_every_write_to_cases_and_their_factors() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let mut conn = app.state.db.get().unwrap();
    assert_eq!(cases_summary(&mut conn), cases_expected(&mut conn));

    // Opened through the API, with and without workload factors, in two months.
    let mut opened = Vec::new();
    for (member, day, workload, factors) in [
        (
            world.wigan_member,
            "2026-01-31",
            true,
            json!(["high_caseload", "vacancies"]),
        ),
        (world.wigan_member, "2026-02-01", false, json!([])),
        (
            world.leeds_member,
            "2026-02-14",
            true,
            json!(["admin_burden"]),
        ),
    ] {
        let body = json!({"member_id": member, "type": "disciplinary", "opened_on": day,
                          "workload_factor": workload, "workload_factors": factors});
        let response = app
            .send_json(Method::POST, "/api/v1/cases", Some(&admin), &body)
            .await;
        assert_eq!(response.status, 201, "{}", response.text());
        opened.push(response.json()["id"].as_i64().unwrap());
    }
    assert_eq!(cases_summary(&mut conn), cases_expected(&mut conn));

    // Edited: type, stage, factors named, workload no longer a factor, closed.
    let patch = |id: i64, body: serde_json::Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let response = app
                .send_json(
                    Method::PATCH,
                    &format!("/api/v1/cases/{id}"),
                    Some(&admin),
                    &body,
                )
                .await;
            assert_eq!(response.status, 200, "{}", response.text());
        }
    };
    patch(opened[0], json!({"type": "ill_health", "stage": "hearing"})).await;
    patch(
        opened[0],
        json!({"workload_factors": ["lack_of_supervision"]}),
    )
    .await;
    patch(opened[2], json!({"workload_factor": false})).await;
    patch(
        opened[1],
        json!({"workload_factor": true, "workload_factors": ["other"]}),
    )
    .await;
    patch(
        opened[1],
        json!({"status": "closed", "outcome": "withdrawn", "closed_on": "2026-03-01"}),
    )
    .await;
    assert_eq!(cases_summary(&mut conn), cases_expected(&mut conn));

    // Straight to the tables: a new opening date, a move of branch and employer, a new key,
    // and a case removed with its factors.
    diesel::update(cases::table.find(opened[0]))
        .set((
            cases::opened_on.eq(NaiveDate::from_ymd_opt(2025, 12, 20).unwrap()),
            cases::branch_id.eq(world.bury),
            cases::employer_id.eq(None::<i64>),
            cases::record_key.eq(4000),
        ))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(cases_summary(&mut conn), cases_expected(&mut conn));
    diesel::delete(cases::table.find(opened[0]))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(cases_summary(&mut conn), cases_expected(&mut conn));

    // A bulk load pauses the triggers; the rebuild gives the same counts.
    summaries::pause(&mut conn).unwrap();
    diesel::update(cases::table.find(opened[2]))
        .set(cases::stage.eq("appeal"))
        .execute(&mut conn)
        .unwrap();
    assert_ne!(cases_summary(&mut conn), cases_expected(&mut conn));
    summaries::resume_if_paused(&mut conn).unwrap();
    assert_eq!(cases_summary(&mut conn), cases_expected(&mut conn));
}

#[actix_rt::test]
async fn an_upgrade_that_adds_the_case_summary_over_existing_cases_counts_them_before_serving() {
    use caseload::db::migrate;
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    caseload::demo::load(&mut conn).unwrap().unwrap();
    // Back to before the case summary (and anything newer), then forward again, as an upgrade
    // of a database holding cases does.
    while let Some(version) = migrate::revert_last(&mut conn).unwrap() {
        if version == "20261202000007" {
            break;
        }
    }
    let applied = migrate::run_pending(&mut conn).unwrap();
    assert!(
        applied.contains(&"20261202000007".to_owned()),
        "{applied:?}"
    );
    assert!(
        summaries::paused(&mut conn).unwrap(),
        "left for the start-up"
    );
    summaries::resume_if_paused(&mut conn).unwrap();
    assert!(!cases_expected(&mut conn).is_empty());
    assert_eq!(cases_summary(&mut conn), cases_expected(&mut conn));
}

#[actix_rt::test]
async fn dashboard_case_counts_match_the_cases_whatever_days_the_period_starts_and_ends_on() {
    use caseload::access::ReportScope;
    use caseload::reports::dashboard;
    use caseload::reports::scope::Narrowing;
    let scope = ReportScope::National;
    let app = TestApp::new().await;
    let mut conn = app.state.db.get().unwrap();
    caseload::demo::load(&mut conn).unwrap().unwrap();
    let opened: Vec<NaiveDate> = cases::table
        .select(cases::opened_on)
        .load(&mut conn)
        .unwrap();
    let today = chrono::Utc::now().date_naive();
    // Whole months, a month's middle to another's, within one month, and a leap day.
    for (from, to) in [
        (today - chrono::Days::new(365), today),
        (
            today - chrono::Days::new(200),
            today - chrono::Days::new(17),
        ),
        (today - chrono::Days::new(40), today - chrono::Days::new(30)),
        (
            NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        ),
    ] {
        let board = dashboard::build(&mut conn, None, scope, Narrowing::default(), from, to)
            .map(|board| serde_json::to_value(board).unwrap())
            .unwrap();
        let expected = opened.iter().filter(|d| **d >= from && **d <= to).count() as i64;
        assert_eq!(board["total"]["cases_opened"], expected, "{from} to {to}");
        let by_month: i64 = board["months"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["opened"].as_i64().unwrap())
            .sum();
        assert_eq!(by_month, expected, "{from} to {to}: months");
        let by_branch: i64 = board["branches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["cases_opened"].as_i64().unwrap())
            .sum();
        assert_eq!(by_branch, expected, "{from} to {to}: branches");
    }
}

//! The review's attacks on the evidence, replayed on generated data. Each test says what the
//! attacker learns; none may learn a count from 1 to k−1 with certainty. The attacker knows
//! the method, the perturbation table and D (all public), and works out bounds from every
//! published count and every sum it knows (see `attacker.rs`).

use std::collections::BTreeMap;

use caseload::db::schema::cases;
use caseload::models::*;
use chrono::{Datelike, Months, NaiveDate};
use diesel::prelude::*;
use serde_json::Value;

use crate::attacker::Attacker;
use crate::common::TestApp;
use crate::crowd;
use crate::evidence::{cell, evidence, number, table};

const K: i64 = 5;
const D: i64 = 2;

fn rows(t: &Value) -> Vec<(String, Vec<String>)> {
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_owned(),
                r["cells"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn month_end(first: NaiveDate, months: u32) -> NaiveDate {
    first
        .checked_add_months(Months::new(months))
        .unwrap()
        .pred_opt()
        .unwrap()
}

/// Requests over several scopes and periods of the crowded world.
async fn some_summaries(app: &TestApp, token: &str, world: &crate::fixtures::World) -> Vec<Value> {
    let mut all = Vec::new();
    for scope in [
        "national".to_owned(),
        format!("region:{}", world.north_west),
        format!("branch:{}", world.wigan),
        format!("branch:{}", world.leeds),
    ] {
        for (from, to) in [
            ("2025-01-01", "2025-03-31"),
            ("2025-05-01", "2025-10-31"),
            ("2026-01-01", "2026-12-31"),
        ] {
            all.push(evidence(app, token, &format!("scope={scope}&from={from}&to={to}")).await);
        }
    }
    all
}

/// A share printed beside a hidden cell used to give it back (`14 | <5 | 78.6%`). Now a share
/// is shown only when its part and whole are published counts of at least k, and it is exactly
/// those published counts divided: the attacker learns nothing the counts did not say.
#[actix_rt::test]
async fn shares_beside_hidden_cells_give_nothing_back() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let token = app.token("delegate").await;
    let mut hidden_beside_share_column = 0;
    for e in some_summaries(&app, &token, &world).await {
        // (title, part column, whole column or None for the Total row's first cell, share column)
        for (title, part, whole, share) in [
            ("Workload as a factor in cases opened", 0, None, 1),
            ("Caseload per FTE at the end of the period", 3, Some(0), 4),
            (
                "New disciplinary or ill-health cases by caseload at the start of the period",
                1,
                Some(0),
                2,
            ),
            ("Members with a case, by age band", 1, Some(0), 2),
            ("Members with a case, by ethnic group", 1, Some(0), 2),
        ] {
            let Some(t) = e["tables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["title"] == title)
            else {
                continue;
            };
            let rows = rows(t);
            let total = rows
                .iter()
                .find(|(l, _)| l == "Total")
                .map(|(_, c)| c[0].clone());
            for (label, cells) in rows.iter().filter(|(l, _)| l != "Total") {
                let part_text = &cells[part];
                let whole_text = whole.map_or_else(|| total.clone().unwrap(), |w| cells[w].clone());
                let shown = &cells[share];
                match (number(part_text), number(&whole_text)) {
                    (Some(p), Some(w)) if p >= K && w >= K => {
                        // Exactly the published part over the published whole, to a whole percent.
                        let s =
                            number(shown).unwrap_or_else(|| panic!("{title} / {label}: {shown}"));
                        let error = (s * w * 2 - 200 * p).abs();
                        assert!(
                            error <= w || (s == 100 && p >= w),
                            "{title} / {label}: {s}% of {p}/{w}"
                        );
                    }
                    _ => {
                        hidden_beside_share_column +=
                            usize::from(part_text == "<5" || whole_text == "<5");
                        assert_eq!(
                            shown, "—",
                            "{title} / {label}: share beside {part_text} of {whole_text}"
                        );
                    }
                }
            }
        }
    }
    assert!(
        hidden_beside_share_column > 0,
        "some rows had a hidden count to protect"
    );
}

/// The relative risk at full precision let the 2×2 table be solved exactly. Now it is worked
/// out from the published cells and given to two places, so solving it gives back the published
/// cells (already public) and nothing finer; no number in the JSON has more than two decimals.
#[actix_rt::test]
async fn the_published_risk_solves_only_to_the_published_counts() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let token = app.token("delegate").await;
    let mut risks = 0;
    for e in some_summaries(&app, &token, &world).await {
        let text = e.to_string();
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices('.') {
            let digits = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let in_number = i > 0 && bytes[i - 1].is_ascii_digit();
            assert!(
                !in_number || digits <= 2,
                "a number with {digits} decimals in {text}"
            );
        }
        let risk = &e["relative_risk"];
        if risk.is_null() {
            continue;
        }
        risks += 1;
        let t = table(
            &e,
            "New disciplinary or ill-health cases by caseload at the start of the period",
        );
        let above = "Above the safe caseload (15 per FTE)";
        let below = "At or below the safe caseload";
        let get = |row: &str, column: usize| number(cell(t, row, column)).unwrap() as f64;
        let (a, n1, c, n0) = (get(above, 1), get(above, 0), get(below, 1), get(below, 0));
        let ratio = (a / n1) / (c / n0);
        assert_eq!(
            format!("{:.2}", risk["ratio"].as_f64().unwrap()),
            format!("{:.2}", (ratio * 100.0).round() / 100.0)
        );
    }
    assert!(risks > 0, "some summaries showed a risk");
}

/// Two tables of one output (cases by type and by stage, workload as a factor, age bands and
/// ethnic groups), and each table with its total, used to combine to a hidden cell. Now every
/// count and total is perturbed on its own: the attacker propagates bounds over every sum the
/// output implies and still cannot pin down any `<k` cell.
#[actix_rt::test]
async fn cross_table_and_total_sums_pin_down_no_hidden_count() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let token = app.token("delegate").await;
    let mut attacked = 0;
    for e in some_summaries(&app, &token, &world).await {
        let mut attacker = Attacker::new(K, D);
        let mut hidden = Vec::new();
        let mut var = |attacker: &mut Attacker, text: &str| {
            let v = attacker.published(text);
            if text == "<5" {
                hidden.push(v);
            }
            v
        };
        let types = rows(table(&e, "Cases opened, by type"));
        for column in [0, 1] {
            let (parts, total): (Vec<_>, Vec<_>) =
                types.iter().partition(|(label, _)| label != "Total");
            let total = var(&mut attacker, &total[0].1[column]);
            let parts = parts
                .iter()
                .map(|(_, c)| var(&mut attacker, &c[column]))
                .collect();
            attacker.sum(total, parts);
            if column == 0 {
                // The same cases, by stage and by workload as a factor.
                for title in [
                    "Cases opened in the period, by stage reached",
                    "Workload as a factor in cases opened",
                ] {
                    let other: Vec<usize> = rows(table(&e, title))
                        .iter()
                        .filter(|(label, _)| label != "Total")
                        .map(|(_, c)| var(&mut attacker, &c[0]))
                        .collect();
                    attacker.sum(total, other);
                }
            }
        }
        let outcomes = rows(table(&e, "Cases closed in the period, by outcome"));
        let (parts, total): (Vec<_>, Vec<_>) = outcomes.iter().partition(|(l, _)| l != "Total");
        let total = var(&mut attacker, &total[0].1[0]);
        let parts = parts
            .iter()
            .map(|(_, c)| var(&mut attacker, &c[0]))
            .collect();
        attacker.sum(total, parts);
        // Everyone who consented has both an age band and an ethnic group here, so both tables
        // add up to the same consenting members and the same members with a case.
        let (members, with_case) = (attacker.unknown(), attacker.unknown());
        for title in [
            "Members with a case, by age band",
            "Members with a case, by ethnic group",
        ] {
            let Some(t) = e["tables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["title"] == title)
            else {
                continue;
            };
            let rows = rows(t);
            let m: Vec<usize> = rows
                .iter()
                .map(|(_, c)| var(&mut attacker, &c[0]))
                .collect();
            let w: Vec<usize> = rows
                .iter()
                .map(|(_, c)| var(&mut attacker, &c[1]))
                .collect();
            attacker.sum(members, m);
            attacker.sum(with_case, w);
        }
        attacker.solve();
        for v in &hidden {
            assert_eq!(
                attacker.disclosed(*v),
                None,
                "bounds {:?} in {}",
                attacker.bounds(*v),
                e["scope"]
            );
        }
        attacked += hidden.len();
    }
    assert!(attacked > 0, "the outputs had hidden counts to attack");
}

/// Moving the end of the period by a day used to reveal single cases. Periods are whole months
/// now; the attacker asks for every window of 3 to 6 months over two years of one branch and
/// subtracts overlapping windows to get single months, by type. No month's count of a type
/// from 1 to k−1 is pinned down.
#[actix_rt::test]
async fn shifting_the_period_month_by_month_pins_down_no_month() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let token = app.token("delegate").await;
    let scope = format!("branch:{}", world.leeds);
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let months = 24u32;
    let mut attacker = Attacker::new(K, D);
    let labels: Vec<&str> = CaseType::ALL.iter().map(|t| t.label()).collect();
    // month_vars[m][t]: the unknown count of type t opened in month m.
    let month_vars: Vec<Vec<usize>> = (0..months)
        .map(|_| labels.iter().map(|_| attacker.unknown()).collect())
        .collect();
    // And each month's total, the sum of its types.
    let month_totals: Vec<usize> = month_vars
        .iter()
        .map(|types| {
            let total = attacker.unknown();
            attacker.sum(total, types.clone());
            total
        })
        .collect();
    for first in 0..months {
        for length in 3..=6u32 {
            if first + length > months {
                continue;
            }
            let from = start.checked_add_months(Months::new(first)).unwrap();
            let to = month_end(from, length);
            let e = evidence(&app, &token, &format!("scope={scope}&from={from}&to={to}")).await;
            let types = table(&e, "Cases opened, by type");
            let mut window_types = Vec::new();
            for (t, label) in labels.iter().enumerate() {
                let window = attacker.published(cell(types, label, 0));
                let parts = (first..first + length)
                    .map(|m| month_vars[m as usize][t])
                    .collect();
                attacker.sum(window, parts);
                window_types.push(window);
            }
            let window_total = attacker.published(cell(types, "Total", 0));
            attacker.sum(window_total, window_types);
            let parts = (first..first + length)
                .map(|m| month_totals[m as usize])
                .collect();
            attacker.sum(window_total, parts);
        }
    }
    attacker.solve();
    // The true counts by month and type, to show the attack had small counts to find.
    let mut conn = app.state.db.get().unwrap();
    let opened: Vec<(NaiveDate, CaseType)> = cases::table
        .filter(cases::branch_id.eq(world.leeds))
        .select((cases::opened_on, cases::case_type))
        .load(&mut conn)
        .unwrap();
    let mut truth: BTreeMap<(u32, usize), i64> = BTreeMap::new();
    for (day, t) in opened {
        let m = ((day.year() - 2025) * 12) as u32 + day.month0();
        let t = CaseType::ALL.iter().position(|x| *x == t).unwrap();
        *truth.entry((m, t)).or_default() += 1;
    }
    let small = truth.values().filter(|n| (1..K).contains(*n)).count();
    assert!(
        small > 20,
        "many months have a small count of some type ({small})"
    );
    for (m, total) in month_totals.iter().enumerate() {
        assert_eq!(
            attacker.disclosed(*total),
            None,
            "month {m} in all: bounds {:?}",
            attacker.bounds(*total)
        );
    }
    for (m, vars) in month_vars.iter().enumerate() {
        for (t, v) in vars.iter().enumerate() {
            assert_eq!(
                attacker.disclosed(*v),
                None,
                "month {m}, {}: bounds {:?}, truth {:?}",
                labels[t],
                attacker.bounds(*v),
                truth.get(&(m as u32, t))
            );
        }
    }
}

/// A region minus its other branches used to give the branch that was hidden. A branch with
/// too few members is refused as a scope; its region's figures and its sibling's are perturbed
/// on their own, so the difference leaves the hidden branch's small counts uncertain.
#[actix_rt::test]
async fn a_region_minus_its_other_branches_pins_down_no_count_of_the_hidden_branch() {
    let app = TestApp::new().await;
    let world = crowd::crowded(&app);
    let token = app.token("delegate").await;
    let hidden = app
        .get_as(
            &format!("/api/v1/evidence?scope=branch:{}", world.bury),
            &token,
        )
        .await;
    assert_eq!(hidden.status, 422, "Bury has 40 members");
    let labels: Vec<&str> = CaseType::ALL.iter().map(|t| t.label()).collect();
    let mut small = 0;
    for (from, to) in [
        ("2025-01-01", "2025-03-31"),
        ("2025-04-01", "2025-09-30"),
        ("2026-01-01", "2026-12-31"),
    ] {
        let query = |scope: String| format!("scope={scope}&from={from}&to={to}");
        let region = evidence(&app, &token, &query(format!("region:{}", world.north_west))).await;
        let wigan = evidence(&app, &token, &query(format!("branch:{}", world.wigan))).await;
        let mut attacker = Attacker::new(K, D);
        let mut bury = Vec::new();
        for label in labels.iter().chain(std::iter::once(&"Total")) {
            let r = attacker.published(cell(table(&region, "Cases opened, by type"), label, 0));
            let w = attacker.published(cell(table(&wigan, "Cases opened, by type"), label, 0));
            let b = attacker.unknown();
            attacker.sum(r, vec![w, b]);
            bury.push((label.to_string(), b));
        }
        attacker.solve();
        let mut conn = app.state.db.get().unwrap();
        for (label, b) in bury {
            if let Some(t) = CaseType::ALL.iter().find(|t| t.label() == label) {
                let truth: i64 = cases::table
                    .filter(cases::branch_id.eq(world.bury))
                    .filter(cases::case_type.eq(*t))
                    .filter(cases::opened_on.between(
                        from.parse::<NaiveDate>().unwrap(),
                        to.parse::<NaiveDate>().unwrap(),
                    ))
                    .count()
                    .get_result(&mut conn)
                    .unwrap();
                small += usize::from((1..K).contains(&truth));
            }
            assert_eq!(
                attacker.disclosed(b),
                None,
                "Bury {label}: bounds {:?}",
                attacker.bounds(b)
            );
        }
    }
    assert!(small > 0, "Bury has small counts to find");
}

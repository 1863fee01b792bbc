//! The review's attacks on the evidence, replayed on generated data. Each test says what the
//! attacker learns; none may learn a count from 1 to k−1 with certainty. The attacker knows
//! the method, the perturbation table and D (all public), and works out bounds from every
//! published count and every sum it knows (see `attacker.rs`).

use caseload::access::ReportScope;
use caseload::db::schema::cases;
use caseload::models::*;
use caseload::reports::releases::ReleasePeriod;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::Value;

use crate::attacker::Attacker;
use crate::common::{TestApp, compute_with};
use crate::crowd;
use crate::evidence::{AFTER_2026, cell, evidence, number, table};

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

/// Releases of several scopes and periods of the crowded world.
async fn some_summaries(app: &TestApp, token: &str, world: &crate::fixtures::World) -> Vec<Value> {
    let mut all = Vec::new();
    for (scope, periods) in [
        ("national".to_owned(), &["2025-Q1", "2025-Q3", "2026"][..]),
        (
            format!("region:{}", world.north_west),
            &["2025-Q1", "2025-26", "2026"][..],
        ),
        (
            format!("branch:{}", world.wigan),
            &["2025", "2025-26", "2026"][..],
        ),
        (format!("branch:{}", world.leeds), &["2025", "2026"][..]),
    ] {
        for period in periods {
            all.push(evidence(app, token, &format!("scope={scope}&period={period}")).await);
        }
    }
    all
}

/// A share printed beside a hidden cell used to give it back (`14 | <5 | 78.6%`). Now a share
/// is shown only when its part and whole are published counts of at least k, and it is exactly
/// those published counts divided: the attacker learns nothing the counts did not say.
#[actix_rt::test]
async fn shares_beside_hidden_cells_give_nothing_back() {
    let app = TestApp::on(AFTER_2026).await;
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
            (
                "Members with a new disciplinary or ill-health case, by age band",
                1,
                Some(0),
                2,
            ),
            (
                "Members with a new disciplinary or ill-health case, by ethnic group",
                1,
                Some(0),
                2,
            ),
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
                        // Exactly the published part over the published whole, to a whole percent,
                        // and none when the part is within k of the whole ("5 of 6").
                        if w - p < K {
                            assert_eq!(shown, "—", "{title} / {label}: {p} of {w}");
                            continue;
                        }
                        let s =
                            number(shown).unwrap_or_else(|| panic!("{title} / {label}: {shown}"));
                        let error = (s * w * 2 - 200 * p).abs();
                        assert!(error <= w, "{title} / {label}: {s}% of {p}/{w}");
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
    let app = TestApp::on(AFTER_2026).await;
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
    let app = TestApp::on(AFTER_2026).await;
    let world = crowd::crowded(&app);
    let token = app.token("delegate").await;
    let mut attacked = 0;
    for e in some_summaries(&app, &token, &world).await {
        let (hidden, pinned) = cross_table_attack(&e, D);
        assert!(
            pinned.is_empty(),
            "pinned down in {}: {pinned:?}",
            e["scope"]
        );
        attacked += hidden;
    }
    assert!(attacked > 0, "the outputs had hidden counts to attack");

    // The control: the same attack on the same releases computed without noise pins some
    // hidden count down, so the attack is one that works where the noise is missing.
    let mut conn = app.state.db.get().unwrap();
    let mut pinned_without_noise = 0;
    for (scope, periods) in some_scopes(&world) {
        for period in periods {
            let period = period.parse::<ReleasePeriod>().unwrap();
            let bare = compute_with(&mut conn, None, scope, period, |s| s.evidence_max_noise = 0);
            let e = serde_json::to_value(bare).unwrap();
            pinned_without_noise += cross_table_attack(&e, 0).1.len();
        }
    }
    assert!(
        pinned_without_noise > 0,
        "without the noise the attack pins hidden counts down"
    );
}

/// The scopes and periods of [`some_summaries`], for computing them directly.
fn some_scopes(world: &crate::fixtures::World) -> Vec<(ReportScope, Vec<&'static str>)> {
    vec![
        (ReportScope::National, vec!["2025-Q1", "2025-Q3", "2026"]),
        (
            ReportScope::Region(world.north_west),
            vec!["2025-Q1", "2025-26", "2026"],
        ),
        (
            ReportScope::Branch(world.wigan),
            vec!["2025", "2025-26", "2026"],
        ),
        (ReportScope::Branch(world.leeds), vec!["2025", "2026"]),
    ]
}

/// Combines every sum one release implies (each table with its total, the same cases by type,
/// stage and workload factor, the same members by age band and ethnic group) and works out
/// bounds: how many `<k` cells there were, and the bounds of those pinned to one value.
fn cross_table_attack(e: &Value, d: i64) -> (usize, Vec<(i64, i64)>) {
    let mut attacker = Attacker::new(K, d);
    let mut hidden = Vec::new();
    let mut var = |attacker: &mut Attacker, text: &str| {
        let v = attacker.published(text);
        if text == "<5" {
            hidden.push(v);
        }
        v
    };
    let types = rows(table(e, "Cases opened, by type"));
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
                let other: Vec<usize> = rows(table(e, title))
                    .iter()
                    .filter(|(label, _)| label != "Total")
                    .map(|(_, c)| var(&mut attacker, &c[0]))
                    .collect();
                attacker.sum(total, other);
            }
        }
    }
    let outcomes = rows(table(e, "Cases closed in the period, by outcome"));
    let (parts, total): (Vec<_>, Vec<_>) = outcomes.iter().partition(|(l, _)| l != "Total");
    let total = var(&mut attacker, &total[0].1[0]);
    let parts = parts
        .iter()
        .map(|(_, c)| var(&mut attacker, &c[0]))
        .collect();
    attacker.sum(total, parts);
    // Everyone who consented has both an age band and an ethnic group here, so both tables
    // add up to the same consenting members and the same members with a case (with the groups
    // each leaves out).
    let (members, with_case) = (attacker.unknown(), attacker.unknown());
    for title in [
        "Members with a new disciplinary or ill-health case, by age band",
        "Members with a new disciplinary or ill-health case, by ethnic group",
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
        let mut m: Vec<usize> = rows
            .iter()
            .map(|(_, c)| var(&mut attacker, &c[0]))
            .collect();
        let mut w: Vec<usize> = rows
            .iter()
            .map(|(_, c)| var(&mut attacker, &c[1]))
            .collect();
        // Groups too small to show, even merged, are left out of a table: what they hold is
        // unknown, so each table adds up to the whole only with them.
        m.push(attacker.unknown());
        w.push(attacker.unknown());
        attacker.sum(members, m);
        attacker.sum(with_case, w);
    }
    attacker.solve();
    assert!(
        attacker.consistent(),
        "the sums the attack assumes hold in {} {} (D = {d})",
        e["scope"],
        e["period"]
    );
    let pinned = hidden
        .iter()
        .filter(|v| attacker.disclosed(**v).is_some())
        .map(|v| attacker.bounds(*v))
        .collect();
    (hidden.len(), pinned)
}

/// A region minus its other branches used to give the branch that was hidden. A branch with
/// too few members is refused as a scope; its region's figures and its sibling's are perturbed
/// on their own, so the difference leaves the hidden branch's small counts uncertain.
#[actix_rt::test]
async fn a_region_minus_its_other_branches_pins_down_no_count_of_the_hidden_branch() {
    let app = TestApp::on(AFTER_2026).await;
    let world = crowd::crowded(&app);
    let token = app.token("delegate").await;
    let hidden = app
        .get_as(
            &format!("/api/v1/evidence?scope=branch:{}", world.bury),
            &token,
        )
        .await;
    assert_eq!(hidden.status, 422, "Bury has 40 members");
    let mut small = 0;
    for period in ["2025", "2025-26", "2026"] {
        let query = |scope: String| format!("scope={scope}&period={period}");
        let region = evidence(&app, &token, &query(format!("region:{}", world.north_west))).await;
        let (from, to) = (
            region["from"].as_str().unwrap().to_owned(),
            region["to"].as_str().unwrap().to_owned(),
        );
        let wigan = evidence(&app, &token, &query(format!("branch:{}", world.wigan))).await;
        let (attacker, bury) = region_minus_branch(&region, &wigan, D);
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

    // The control: the same difference of releases computed without noise gives Bury's small
    // counts exactly.
    let mut conn = app.state.db.get().unwrap();
    let mut found = 0;
    for period in ["2025", "2025-26", "2026"] {
        let period = period.parse::<ReleasePeriod>().unwrap();
        let mut bare = |scope| {
            let e = compute_with(&mut conn, None, scope, period, |s| s.evidence_max_noise = 0);
            serde_json::to_value(e).unwrap()
        };
        let region = bare(ReportScope::Region(world.north_west));
        let wigan = bare(ReportScope::Branch(world.wigan));
        let (attacker, bury) = region_minus_branch(&region, &wigan, 0);
        found += bury
            .iter()
            .filter(|(_, b)| attacker.disclosed(*b).is_some())
            .count();
    }
    assert!(
        found > 0,
        "without the noise the difference gives Bury's small counts"
    );
}

/// Bury's cases by type as the region's published counts minus Wigan's: the attacker and the
/// variable of each type (and the total).
fn region_minus_branch(region: &Value, wigan: &Value, d: i64) -> (Attacker, Vec<(String, usize)>) {
    let labels: Vec<&str> = CaseType::ALL.iter().map(|t| t.label()).collect();
    let mut attacker = Attacker::new(K, d);
    let mut bury = Vec::new();
    for label in labels.iter().chain(std::iter::once(&"Total")) {
        let r = attacker.published(cell(table(region, "Cases opened, by type"), label, 0));
        let w = attacker.published(cell(table(wigan, "Cases opened, by type"), label, 0));
        let b = attacker.unknown();
        attacker.sum(r, vec![w, b]);
        bury.push((label.to_string(), b));
    }
    attacker.solve();
    assert!(attacker.consistent(), "the difference holds (D = {d})");
    (attacker, bury)
}

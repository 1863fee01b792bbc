//! The attacks free windows allowed, replayed against releases. An attacker holds every release
//! a world can produce — every scope (national, both regions, each branch big enough), every
//! period of the menu over two years (quarters, calendar and financial years), every table —
//! and combines them: a region is the sum of its branches, the nation of its regions, a year of
//! its quarters, a financial year of its four quarters across two calendar years, a total of
//! its rows. Bounds are propagated over all of it (`attacker.rs`); no count from 1 to k−1 may
//! be pinned. The control: the same attacker against releases that are not frozen, where an
//! officer adds dummy cases and a delegate asks again, does pin a hidden count.

use std::collections::HashMap;

use caseload::access::ReportScope;
use caseload::db::DbConn;
use caseload::db::schema::{cases, members};
use caseload::models::*;
use caseload::reports::releases::ReleasePeriod;
use diesel::prelude::*;
use serde_json::Value;

use crate::attacker::Attacker;
use crate::common::{TestApp, compute};
use crate::crowd;
use crate::evidence::{AFTER_2026, cell, table};

const K: i64 = 5;
const D: i64 = 2;

/// Tables whose counts add up over periods as well as scopes: cases, counted by when they
/// were opened or closed.
const FLOWS: [&str; 5] = [
    "Cases opened, by type",
    "Cases opened in the period, by stage reached",
    "Cases closed in the period, by outcome",
    "Workload as a factor in cases opened",
    "Workload factors named",
];

/// Columns that are not counts.
const NOT_COUNTS: [&str; 7] = [
    "Change",
    "Share",
    "Share above",
    "Median",
    "90th percentile",
    "Risk",
    "(release before)",
];

/// One published (or unpublished) count: scope, period, table, row, column.
type Key = (String, String, String, String, usize);

/// Gives every member and case a key from a seeded generator, so that the run is the same
/// every time (the fixtures' few rows otherwise draw theirs from the system).
fn rekey(conn: &mut DbConn) {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 4096) as i32
    };
    let member_ids: Vec<MemberId> = members::table
        .select(members::id)
        .order(members::id)
        .load(conn)
        .unwrap();
    for id in member_ids {
        diesel::update(members::table.find(id))
            .set(members::record_key.eq(next()))
            .execute(conn)
            .unwrap();
    }
    let case_ids: Vec<CaseId> = cases::table
        .select(cases::id)
        .order(cases::id)
        .load(conn)
        .unwrap();
    for id in case_ids {
        diesel::update(cases::table.find(id))
            .set(cases::record_key.eq(next()))
            .execute(conn)
            .unwrap();
    }
}

/// Every count the attacker knows or reasons about, each a variable.
struct Knowledge {
    attacker: Attacker,
    vars: HashMap<Key, usize>,
    hidden: usize,
}

impl Knowledge {
    fn new() -> Self {
        Self {
            attacker: Attacker::new(K, D),
            vars: HashMap::new(),
            hidden: 0,
        }
    }

    /// The variable of a count: the published one, or an unknown when nothing published it.
    fn var(&mut self, key: &Key) -> usize {
        if let Some(v) = self.vars.get(key) {
            return *v;
        }
        let v = self.attacker.unknown();
        self.vars.insert(key.clone(), v);
        v
    }

    /// Every count of one release, and the sums inside it: each table's total of its rows.
    fn release(&mut self, scope: &str, period: &str, e: &Value) {
        for t in e["tables"].as_array().unwrap() {
            let title = t["title"].as_str().unwrap();
            let columns: Vec<&str> = t["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            for (c, column) in columns.iter().enumerate() {
                if NOT_COUNTS.iter().any(|n| column.ends_with(n)) {
                    continue;
                }
                let mut rows = Vec::new();
                let mut total = None;
                for r in t["rows"].as_array().unwrap() {
                    let label = r["label"].as_str().unwrap();
                    let text = r["cells"][c].as_str().unwrap();
                    if text.is_empty() {
                        continue;
                    }
                    let v = self.attacker.published(text);
                    self.hidden += usize::from(text == format!("<{K}"));
                    let key = (scope.into(), period.into(), title.into(), label.into(), c);
                    self.vars.insert(key, v);
                    if label == "Total" {
                        total = Some(v);
                    } else {
                        rows.push(v);
                    }
                }
                if let Some(total) = total
                    && title != "Workload factors named"
                {
                    self.attacker.sum(total, rows);
                }
            }
        }
        // The cases opened are one set of records whichever way they are cut.
        let opened = (
            scope.to_owned(),
            period.to_owned(),
            FLOWS[0].to_owned(),
            "Total".to_owned(),
            0,
        );
        let total = self.var(&opened);
        for title in [FLOWS[1], FLOWS[3]] {
            let other = self.var(&(scope.into(), period.into(), title.into(), "Total".into(), 0));
            self.attacker.sum(total, vec![other]);
        }
    }

    /// `whole` = the sum of `parts`, for every table, row and column published for `whole`
    /// (the merged row of small groups excepted: its groups differ from scope to scope).
    fn sums(&mut self, whole: (&str, &str), parts: &[(String, String)], flows_only: bool) {
        let keys: Vec<Key> = self
            .vars
            .keys()
            .filter(|(s, p, title, row, _)| {
                s == whole.0
                    && p == whole.1
                    && row != "Smaller groups together"
                    && (!flows_only || FLOWS.contains(&title.as_str()))
            })
            .cloned()
            .collect();
        for (_, _, title, row, column) in keys {
            let total = self.vars[&(
                whole.0.into(),
                whole.1.into(),
                title.clone(),
                row.clone(),
                column,
            )];
            let vars = parts
                .iter()
                .map(|(s, p)| self.var(&(s.clone(), p.clone(), title.clone(), row.clone(), column)))
                .collect();
            self.attacker.sum(total, vars);
        }
    }
}

#[actix_rt::test]
async fn every_release_of_two_years_together_pins_no_small_count() {
    let app = TestApp::on(AFTER_2026).await;
    let world = crowd::crowded(&app);
    rekey(&mut app.state.db.get().unwrap());
    let delegate = app.token("delegate").await;
    let national = "national".to_owned();
    let regions = [
        (
            format!("region:{}", world.north_west),
            vec![
                format!("branch:{}", world.wigan),
                format!("branch:{}", world.bury),
            ],
        ),
        (
            format!("region:{}", world.yorkshire),
            vec![format!("branch:{}", world.leeds)],
        ),
    ];
    let mut scopes = vec![national.clone()];
    for (region, branches) in &regions {
        scopes.push(region.clone());
        scopes.extend(branches.iter().cloned());
    }
    let mut knowledge = Knowledge::new();
    let mut periods: Vec<String> = Vec::new();
    let mut released = 0;
    for scope in &scopes {
        let listed = app
            .get_as(
                &format!("/api/v1/evidence/releases?scope={scope}"),
                &delegate,
            )
            .await;
        assert_eq!(listed.status, 200, "{}", listed.text());
        for item in listed.json()["items"].as_array().unwrap() {
            if item["status"] != "available" && item["status"] != "published" {
                continue;
            }
            let period = item["period"].as_str().unwrap().to_owned();
            let e = app
                .get_as(
                    &format!("/api/v1/evidence?scope={scope}&period={period}"),
                    &delegate,
                )
                .await;
            if e.status == 422 {
                // A branch too small for evidence of its own: nothing published.
                assert!(e.text().contains("fewer than"), "{}", e.text());
                continue;
            }
            assert_eq!(e.status, 200, "{scope} {period}: {}", e.text());
            knowledge.release(scope, &period, &e.json());
            released += 1;
            if !periods.contains(&period) {
                periods.push(period);
            }
        }
    }
    assert!(released >= 45, "every release of the world: {released}");
    // Monitoring counts each release served.
    let counted = app.state.metrics.render(&[]);
    let served = format!("caseload_evidence_releases_served_total{{format=\"json\"}} {released}\n");
    assert!(counted.contains(&served), "{served} in {counted}");
    // Nested scopes: each region is its branches, the nation its regions.
    for period in &periods {
        for (region, branches) in &regions {
            let parts: Vec<_> = branches
                .iter()
                .map(|b| (b.clone(), period.clone()))
                .collect();
            knowledge.sums((region, period), &parts, false);
        }
        let parts: Vec<_> = regions
            .iter()
            .map(|(r, _)| (r.clone(), period.clone()))
            .collect();
        knowledge.sums((&national, period), &parts, false);
    }
    // Nested periods: a year is its quarters, a financial year its four quarters.
    for scope in &scopes {
        for period in &periods {
            let quarters: Vec<String> = match period.parse::<ReleasePeriod>().unwrap() {
                ReleasePeriod::Year(y) => (1..=4).map(|q| format!("{y}-Q{q}")).collect(),
                ReleasePeriod::FinancialYear(y) => {
                    let mut q: Vec<String> = (2..=4).map(|q| format!("{y}-Q{q}")).collect();
                    q.push(format!("{}-Q1", y + 1));
                    q
                }
                ReleasePeriod::Quarter { .. } => continue,
            };
            let parts: Vec<_> = quarters.into_iter().map(|q| (scope.clone(), q)).collect();
            knowledge.sums((scope, period), &parts, true);
        }
    }
    knowledge.attacker.solve();
    let mut pinned = Vec::new();
    for (key, v) in &knowledge.vars {
        if let Some(value) = knowledge.attacker.disclosed(*v) {
            pinned.push((key.clone(), value));
        }
    }
    assert!(pinned.is_empty(), "pinned: {pinned:?}");
    assert!(
        knowledge.hidden > 100,
        "the releases had hidden counts to attack: {}",
        knowledge.hidden
    );
}

/// An officer adds dummy cases to a period; a delegate asks for the region's release after
/// each. Released figures do not move, so the attacker learns nothing; figures computed afresh
/// each time (as before releases) draw new noise for every dummy, and the attacker, subtracting
/// the dummies it knows of, pins the hidden count.
#[actix_rt::test]
async fn dummy_records_pin_a_small_count_only_when_figures_are_not_frozen() {
    let app = TestApp::on(AFTER_2026).await;
    let world = crowd::crowded(&app);
    rekey(&mut app.state.db.get().unwrap());
    let delegate = app.token("delegate").await;
    let scope = ReportScope::Region(world.north_west);
    let period = ReleasePeriod::Quarter {
        year: 2026,
        quarter: 1,
    };
    let months = period.months();
    let mut conn = app.state.db.get().unwrap();
    let branches = [world.wigan, world.bury];
    let small = CaseType::ALL
        .iter()
        .map(|t| {
            let n: i64 = cases::table
                .filter(cases::branch_id.eq_any(branches))
                .filter(cases::case_type.eq(*t))
                .filter(cases::opened_on.between(months.from, months.to))
                .count()
                .get_result(&mut conn)
                .unwrap();
            (*t, n)
        })
        .find(|(_, n)| (1..K).contains(n));
    let (case_type, truth) = small.expect("the region has a small count in 2026 Q1");
    let path = format!("/api/v1/evidence?scope={scope}&period={period}");
    let first = app.get_as(&path, &delegate).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let shown =
        |e: &Value| cell(table(e, "Cases opened, by type"), case_type.label(), 0).to_owned();
    let mut frozen = Attacker::new(K, D);
    let mut fresh = Attacker::new(K, D);
    let (x_frozen, x_fresh) = (frozen.unknown(), fresh.unknown());
    let released = frozen.published(&shown(&first.json()));
    frozen.sum(released, vec![x_frozen]);
    let mut key: u64 = 12345;
    for dummy in 1..=150i64 {
        key = key
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        diesel::insert_into(cases::table)
            .values(NewCase {
                record_key: RecordKey::from_value(((key >> 33) % 4096) as i32).unwrap(),
                reference: format!("DUMMY-{dummy}"),
                member_id: Some(world.wigan_member),
                branch_id: world.wigan,
                employer_id: Some(world.council),
                case_type,
                stage: Stage::Referral,
                status: CaseStatus::Open,
                opened_on: months.from,
                workload_factor: false,
                assigned_to: None,
                referred_to_region: false,
                referral_reason: None,
                summary: None,
            })
            .execute(&mut conn)
            .unwrap();
        // Released: the same bytes, so the same observation of the same count.
        let again = app.get_as(&path, &delegate).await;
        assert!(
            again.body == first.body,
            "the release moved after dummy {dummy}"
        );
        let observed = frozen.published(&shown(&again.json()));
        frozen.sum(observed, vec![x_frozen]);
        // Not frozen: the count plus the dummies, under fresh noise.
        let e = serde_json::to_value(compute(&mut conn, None, scope, period)).unwrap();
        let observed = fresh.published(&shown(&e));
        let dummies = fresh.constant(dummy);
        fresh.sum(observed, vec![x_fresh, dummies]);
    }
    frozen.solve();
    fresh.solve();
    assert_eq!(
        frozen.disclosed(x_frozen),
        None,
        "bounds {:?}",
        frozen.bounds(x_frozen)
    );
    assert_eq!(
        fresh.disclosed(x_fresh),
        Some(truth),
        "the control pins the count: bounds {:?}",
        fresh.bounds(x_fresh)
    );
}

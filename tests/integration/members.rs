//! Members and their workload: create, edit, search, records, thresholds.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::fixtures::World;

fn new_member(world: &World, number: &str) -> Value {
    json!({
        "employer_id": world.council,
        "membership_number": number,
        "first_name": "Grace",
        "last_name": "McAllister-Öberg",
        "email": "Grace.M@Example.org",
        "job_role": "Social worker",
        "team": "Child protection",
        "fte": 0.8,
        "start_date": "2019-09-02"
    })
}

#[actix_rt::test]
async fn an_officer_adds_a_member_to_their_own_branch() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let created = app
        .send_json(
            Method::POST,
            "/api/v1/members",
            Some(&officer),
            &new_member(&world, "W900"),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let body = created.json();
    assert_eq!(body["branch_id"], world.wigan.0);
    assert_eq!(body["email"], "grace.m@example.org");
    let id = body["id"].as_i64().unwrap();
    let read = app.get_as(&format!("/api/v1/members/{id}"), &officer).await;
    assert_eq!(read.json()["last_name"], "McAllister-Öberg");

    let again = app
        .send_json(
            Method::POST,
            "/api/v1/members",
            Some(&officer),
            &new_member(&world, "W900"),
        )
        .await;
    assert_eq!(again.status, 409);

    let mut elsewhere = new_member(&world, "W901");
    elsewhere["branch_id"] = json!(world.leeds);
    let refused = app
        .send_json(Method::POST, "/api/v1/members", Some(&officer), &elsewhere)
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.json()["error"]["fields"]["branch_id"].is_string());
}

#[actix_rt::test]
async fn every_bad_field_is_named_and_nothing_is_written() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let mut bad = new_member(&world, "X1");
    bad["branch_id"] = json!(world.wigan);
    bad["fte"] = json!(7.5);
    bad["email"] = json!("not an email");
    bad["first_name"] = json!("   ");
    bad["age_band"] = json!("25_34");
    let response = app
        .send_json(Method::POST, "/api/v1/members", Some(&admin), &bad)
        .await;
    assert_eq!(response.status, 422);
    let fields = &response.json()["error"]["fields"];
    for field in ["fte", "email", "first_name", "equality_consent"] {
        assert!(fields[field].is_string(), "{field}: {fields}");
    }
    let listed = app.get_as("/api/v1/members?q=x1", &admin).await.json();
    assert_eq!(listed["total"], 0);

    let mut typed_wrong = new_member(&world, "X2");
    typed_wrong["fte"] = json!("full time");
    let response = app
        .send_json(Method::POST, "/api/v1/members", Some(&admin), &typed_wrong)
        .await;
    assert_eq!(response.status, 400);
    assert!(response.json()["error"]["fields"]["fte"].is_string());
}

#[actix_rt::test]
async fn organisers_read_members_but_do_not_edit_them() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let organiser = app.token("nw.organiser").await;
    let path = format!("/api/v1/members/{}", world.wigan_member);
    assert_eq!(app.get_as(&path, &organiser).await.status, 200);
    let patch = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&organiser),
            &json!({"team": "Fostering"}),
        )
        .await;
    assert_eq!(patch.status, 403);
}

#[actix_rt::test]
async fn editing_a_member_and_withdrawing_consent_removes_equality_data() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let path = format!("/api/v1/members/{}", world.wigan_member);
    let consent = app
        .send_json(Method::PATCH, &path, Some(&officer),
            &json!({"equality_consent": true, "age_band": "35_44", "ethnic_group": "black", "team": null}))
        .await;
    assert_eq!(consent.status, 200, "{}", consent.text());
    assert_eq!(consent.json()["age_band"], "35_44");
    assert_eq!(consent.json()["team"], Value::Null);
    let withdrawn = app
        .send_json(
            Method::PATCH,
            &path,
            Some(&officer),
            &json!({"equality_consent": false}),
        )
        .await;
    assert_eq!(withdrawn.json()["age_band"], Value::Null);
    assert_eq!(withdrawn.json()["ethnic_group"], Value::Null);
    let other = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/members/{}", world.leeds_member),
            Some(&officer),
            &json!({"team": "X"}),
        )
        .await;
    assert_eq!(other.status, 404);
}

#[actix_rt::test]
async fn search_ignores_case_on_names_and_numbers() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    for q in ["okafor", "OKAFOR", "Oka", "ada okafor", "w001"] {
        let found = app
            .get_as(
                &format!("/api/v1/members?q={}", q.replace(' ', "+")),
                &admin,
            )
            .await
            .json();
        assert_eq!(found["total"], 1, "{q}");
        assert_eq!(found["items"][0]["id"], world.wigan_member.0, "{q}");
    }
    // LIKE's wildcards are characters like any other.
    let percent = app.get_as("/api/v1/members?q=%25", &admin).await.json();
    assert_eq!(percent["total"], 0, "a % is a percent sign, not anything");
    let underscore = app.get_as("/api/v1/members?q=_kafor", &admin).await.json();
    assert_eq!(
        underscore["total"], 0,
        "an _ is an underscore, not any letter"
    );
    let filtered = app
        .get_as(
            &format!(
                "/api/v1/members?employer_id={}&team=Assessment",
                world.council
            ),
            &admin,
        )
        .await
        .json();
    assert_eq!(filtered["total"], 3);
    let paged = app
        .get_as("/api/v1/members?per_page=2&page=2", &admin)
        .await
        .json();
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    assert_eq!(paged["total"], 3);

    // A name that holds the wildcard characters is found by them.
    let mut body = new_member(&world, "W950");
    body["last_name"] = json!("Smith_Jones 100%");
    body["branch_id"] = json!(world.wigan);
    let created = app
        .send_json(Method::POST, "/api/v1/members", Some(&admin), &body)
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    for q in ["h_j", "100%25", "_"] {
        let found = app
            .get_as(&format!("/api/v1/members?q={q}"), &admin)
            .await
            .json();
        assert_eq!(found["total"], 1, "{q} finds only the name that holds it");
    }
    let backslash = app.get_as("/api/v1/members?q=%5C", &admin).await.json();
    assert_eq!(backslash["total"], 0, "a backslash is a backslash");
}

#[actix_rt::test]
async fn workload_records_give_caseload_per_fte_against_the_threshold() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let path = format!("/api/v1/members/{}/workload", world.wigan_member);
    for (date, cases) in [("2026-01-05", 12), ("2026-02-05", 16)] {
        let record = app
            .send_json(Method::POST, &path, Some(&officer),
                &json!({"recorded_on": date, "open_cases": cases, "hours_worked": 44.5, "contracted_hours": 37, "source": "supervision"}))
            .await;
        assert_eq!(record.status, 201, "{}", record.text());
    }
    let history = app.get_as(&path, &officer).await.json();
    assert_eq!(history["total"], 2);
    assert_eq!(history["items"][1]["caseload_per_fte"], 16.0);
    assert_eq!(history["safe_caseload"], 15.0);
    assert_eq!(history["above_safe_caseload"], true);

    // An employer's own threshold replaces the setting.
    let admin = app.token("admin").await;
    let employer = format!("/api/v1/employers/{}", world.council);
    app.send_json(
        Method::PATCH,
        &employer,
        Some(&admin),
        &json!({"safe_caseload_override": 18}),
    )
    .await;
    let history = app.get_as(&path, &officer).await.json();
    assert_eq!(history["safe_caseload"], 18.0);
    assert_eq!(history["above_safe_caseload"], false);
}

#[actix_rt::test]
async fn impossible_workload_is_refused_by_field() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let path = format!("/api/v1/members/{}/workload", world.wigan_member);
    for (body, field) in [
        (
            json!({"recorded_on": "2099-01-01", "open_cases": 3, "source": "supervision"}),
            "recorded_on",
        ),
        (
            json!({"recorded_on": "2026-01-01", "open_cases": -1, "source": "supervision"}),
            "open_cases",
        ),
        (
            json!({"recorded_on": "2026-01-01", "open_cases": 99999999999i64, "source": "supervision"}),
            "open_cases",
        ),
        (
            json!({"recorded_on": "2026-01-01", "open_cases": 3, "hours_worked": 200, "source": "supervision"}),
            "hours_worked",
        ),
        (
            json!({"recorded_on": "2026-01-01", "open_cases": 3, "contracted_hours": 0, "source": "supervision"}),
            "contracted_hours",
        ),
    ] {
        let response = app
            .send_json(Method::POST, &path, Some(&officer), &body)
            .await;
        assert_eq!(response.status, 422, "{field}: {}", response.text());
        assert!(
            response.json()["error"]["fields"][field].is_string(),
            "{field}"
        );
    }
    for (body, field) in [
        (
            json!({"recorded_on": "31/02/2026", "open_cases": 3, "source": "supervision"}),
            "recorded_on",
        ),
        (
            json!({"recorded_on": "2026-01-01", "open_cases": 3, "source": "gossip"}),
            "source",
        ),
        (
            json!({"recorded_on": "2026-01-01", "source": "supervision"}),
            "open_cases",
        ),
    ] {
        let response = app
            .send_json(Method::POST, &path, Some(&officer), &body)
            .await;
        assert_eq!(response.status, 400, "{field}: {}", response.text());
        assert!(
            response.json()["error"]["fields"][field].is_string(),
            "{field}: {}",
            response.text()
        );
    }
    assert_eq!(app.get_as(&path, &officer).await.json()["total"], 0);
}

#[actix_rt::test]
async fn the_member_export_holds_only_the_callers_branch_and_is_audited() {
    let app = TestApp::new().await;
    World::build(&app);
    let officer = app.token("wgn.officer").await;
    let response = app.get_as("/api/v1/members/export", &officer).await;
    assert_eq!(response.status, 200);
    assert!(
        response
            .header("content-type")
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = response.text();
    assert!(csv.starts_with("\u{feff}membership_number,first_name,last_name"));
    assert!(csv.contains("W001"));
    assert!(!csv.contains("L001") && !csv.contains("B001"));
    let organiser = app.token("nw.organiser").await;
    assert_eq!(
        app.get_as("/api/v1/members/export", &organiser)
            .await
            .status,
        403
    );
    app.flush_audit();
    let mut conn = app.state.db.get().unwrap();
    let filter = caseload::models::AuditFilter {
        action: Some("export".into()),
        ..Default::default()
    };
    let (entries, _) =
        caseload::models::AuditEntry::search(&mut conn, &filter, Default::default()).unwrap();
    assert_eq!(entries.len(), 1);
    let wigan: i64 = app.get_as("/api/v1/members", &officer).await.json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(entries[0].detail.as_deref(), Some("count=1"));
    assert_eq!(
        caseload::models::AuditEntry::subjects(&mut conn, entries[0].id).unwrap(),
        vec![("member".to_owned(), wigan)],
        "the export names the members it held"
    );
}

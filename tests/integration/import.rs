//! CSV import: all rows or none, every problem named by line and column.

use actix_web::test::TestRequest;
use serde_json::Value;

use crate::common::{TestApp, TestResponse};
use crate::fixtures::World;

const HEADER: &str = "membership_number,first_name,last_name,email,phone,employer,job_role,team,fte,start_date,branch_code";

fn rows(count: usize, code: &str) -> String {
    let mut csv = String::from(HEADER);
    csv.push('\n');
    for i in 0..count {
        csv.push_str(&format!(
            "N{i:06},First{i},Last{i},p{i}@example.org,07700 900{:03},Wigan Council,Social worker,Team {},{},2020-01-0{},{code}\n",
            i % 1000,
            i % 7,
            if i % 5 == 0 { "0.5" } else { "1" },
            1 + i % 9
        ));
    }
    csv
}

async fn import(app: &TestApp, token: &str, query: &str, body: impl Into<Vec<u8>>) -> TestResponse {
    app.call(
        TestRequest::post()
            .uri(&format!("/api/v1/members/import{query}"))
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", "text/csv"))
            .set_payload(body.into()),
    )
    .await
}

async fn member_count(app: &TestApp, token: &str) -> i64 {
    app.get_as("/api/v1/members?per_page=1", token).await.json()["total"]
        .as_i64()
        .unwrap()
}

fn errors(response: &TestResponse) -> Vec<(u64, String)> {
    response.json()["report"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_rt::test]
async fn one_bad_row_in_a_thousand_writes_nothing_and_names_the_row() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let good = rows(1000, "WGN");
    let bad = good.replacen("N000500,First500,Last500,p500@example.org,07700 900500,Wigan Council,Social worker,Team 3,0.5,", "N000500,First500,Last500,p500@example.org,07700 900500,Wigan Council,Social worker,Team 3,-2,", 1);
    assert_ne!(good, bad);
    let refused = import(&app, &admin, "", bad).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert_eq!(refused.json()["error"]["code"], "invalid_rows");
    assert_eq!(errors(&refused), vec![(502, "fte".to_owned())]);
    assert_eq!(member_count(&app, &admin).await, 3, "nothing written");

    let dry = import(&app, &admin, "?dry_run=true", good.clone()).await;
    assert_eq!(dry.status, 200);
    assert_eq!(dry.json()["created"], 1000);
    assert_eq!(
        member_count(&app, &admin).await,
        3,
        "a dry run writes nothing"
    );

    let done = import(&app, &admin, "", good.clone()).await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(done.json()["created"], 1000);
    assert_eq!(member_count(&app, &admin).await, 1003);

    let again = import(&app, &admin, "", good.clone()).await.json();
    assert_eq!(
        (
            again["created"].as_i64(),
            again["updated"].as_i64(),
            again["unchanged"].as_i64()
        ),
        (Some(0), Some(0), Some(1000))
    );

    let changed = good.replace("First7,Last7,", "First7,Changed,");
    let update = import(&app, &admin, "", changed).await.json();
    assert_eq!(
        (update["updated"].as_i64(), update["unchanged"].as_i64()),
        (Some(1), Some(999))
    );
    let found = app
        .get_as("/api/v1/members?q=first7+changed", &admin)
        .await
        .json();
    assert_eq!(found["total"], 1);
}

#[actix_rt::test]
async fn quotes_commas_bom_crlf_blank_lines_and_column_order_are_handled() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let csv = "\u{feff}Branch_Code,FTE,Employer,Job_Role,Last_Name,First_Name,Membership_Number\r\n\
               WGN,1,Wigan Council,Social worker,\"O'Brien, Jr\",\"Mary \"\"Mae\"\"\",Q1\r\n\
               \r\n\
               WGN,0.6,wigan council,\"Senior, social worker\",Ng,Li,Q2\r\n";
    let response = import(&app, &admin, "", csv).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["created"], 2);
    let member = app.get_as("/api/v1/members?q=q1", &admin).await.json();
    assert_eq!(member["items"][0]["last_name"], "O'Brien, Jr");
    assert_eq!(member["items"][0]["first_name"], "Mary \"Mae\"");
}

#[actix_rt::test]
async fn every_problem_is_reported_with_line_and_column() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let csv = format!(
        "{HEADER}\n\
         D1,Ann,Lee,,,Wigan Council,Social worker,,1,2020-02-30,WGN\n\
         D1,Bob,Lee,,,Wigan Council,Social worker,,1,,WGN\n\
         D3,Cat,Lee,,,Wigan Council,Social worker,,99,,WGN\n\
         D4,Dan,Lee,,,Nowhere Council,Social worker,,1,,WGN\n\
         D5,Eve,Lee,,,Wigan Council,Social worker,,one,,XYZ\n\
         D6,,Lee,bad-email,,Wigan Council,Social worker,,1,,WGN\n\
         D7,Fay,Lee,,,Wigan Council,Social worker,,1,,WGN,extra\n"
    );
    let response = import(&app, &admin, "", csv).await;
    assert_eq!(response.status, 422);
    let found = errors(&response);
    for expected in [
        (2, "start_date"),
        (3, "membership_number"),
        (4, "fte"),
        (5, "employer"),
        (6, "fte"),
        (6, "branch_code"),
        (7, "first_name"),
        (7, "email"),
        (8, ""),
    ] {
        assert!(
            found.contains(&(expected.0, expected.1.to_owned())),
            "{expected:?} in {found:?}"
        );
    }
    assert_eq!(member_count(&app, &admin).await, 3);
}

#[actix_rt::test]
async fn unknown_employers_are_created_only_when_asked() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let csv = format!("{HEADER}\nE1,Ann,Lee,,,Bolton Council,Social worker,,1,,WGN\n");
    assert_eq!(import(&app, &admin, "", csv.clone()).await.status, 422);
    let response = import(&app, &admin, "?create_employers=true", csv).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["employers_created"], 1);
    let employers = app.get_as("/api/v1/employers", &admin).await.json();
    assert!(
        employers["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "Bolton Council")
    );
}

#[actix_rt::test]
async fn an_officer_imports_only_into_their_own_branch() {
    let app = TestApp::new().await;
    World::build(&app);
    let officer = app.token("wgn.officer").await;
    let csv = format!("{HEADER}\nO1,Ann,Lee,,,Wigan Council,Social worker,,1,,LDS\n");
    let refused = import(&app, &officer, "", csv).await;
    assert_eq!(refused.status, 422);
    assert_eq!(errors(&refused), vec![(2, "branch_code".to_owned())]);
    // A member of another branch cannot be overwritten through the import either, and the
    // answer does not say the number is held there: a dry run answers as for a new number,
    // the real import refuses the whole file naming no line.
    let csv = format!("{HEADER}\nL001,Ann,Lee,,,Wigan Council,Social worker,,1,,WGN\n");
    let dry = import(&app, &officer, "?dry_run=true", csv.clone()).await;
    assert_eq!(dry.status, 200, "{}", dry.text());
    assert_eq!(dry.json()["created"], 1);
    let unknown = format!("{HEADER}\nZZ99,Ann,Lee,,,Wigan Council,Social worker,,1,,WGN\n");
    let unknown = import(&app, &officer, "?dry_run=true", unknown).await;
    assert_eq!(
        dry.json(),
        unknown.json(),
        "held elsewhere reads as not held"
    );
    let refused = import(&app, &officer, "", csv).await;
    assert_eq!(refused.status, 409, "{}", refused.text());
    assert!(!refused.text().contains("line"));
    // The refusal is audited although nothing was written.
    assert!(
        app.audit_entries().iter().any(|e| e.action == "import"
            && e.detail.as_deref() == Some("refused=conflict membership_number")),
        "the refused import is in the audit trail"
    );
    let admin = app.token("admin").await;
    let leeds = app.get_as("/api/v1/members?q=L001", &admin).await.json();
    assert_eq!(
        leeds["items"][0]["first_name"], "Cara",
        "nothing was written"
    );
    // Without a branch column, rows go to the officer's branch.
    let csv = "membership_number,first_name,last_name,employer,job_role,fte\nO2,Ann,Lee,Wigan Council,Social worker,1\n";
    let done = import(&app, &officer, "", csv).await;
    assert_eq!(done.status, 200, "{}", done.text());
    let organiser = app.token("nw.organiser").await;
    assert_eq!(import(&app, &organiser, "", csv).await.status, 403);
}

#[actix_rt::test]
async fn ten_thousand_rows_import_in_one_go() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let response = import(&app, &admin, "", rows(10_000, "WGN")).await;
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json()["created"], 10_000);
    assert_eq!(member_count(&app, &admin).await, 10_003);
}

#[actix_rt::test]
async fn workload_imports_create_update_and_never_double() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let send = |csv: String| {
        let app = &app;
        let officer = officer.clone();
        async move {
            app.call(
                TestRequest::post()
                    .uri("/api/v1/workload/import")
                    .insert_header(("authorization", format!("Bearer {officer}")))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload(csv),
            )
            .await
        }
    };
    let csv = "membership_number,recorded_on,open_cases,hours_worked,contracted_hours,source\n\
               W001,2026-03-02,17,45,37,member_report\nW001,2026-04-06,19,46,37,member_report\n";
    let first = send(csv.to_owned()).await;
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.json()["created"], 2);
    let again = send(csv.to_owned()).await.json();
    assert_eq!(again["unchanged"], 2);
    let changed = send(csv.replace(",19,", ",21,")).await.json();
    assert_eq!(
        (changed["updated"].as_i64(), changed["unchanged"].as_i64()),
        (Some(1), Some(1))
    );
    let history = app
        .get_as(
            &format!("/api/v1/members/{}/workload", world.wigan_member),
            &officer,
        )
        .await
        .json();
    assert_eq!(history["total"], 2);
    assert_eq!(history["items"][1]["open_cases"], 21);

    let bad = send("membership_number,recorded_on,open_cases,source\nL001,2026-03-02,5,supervision\nW001,2026-13-01,x,rumour\n".into()).await;
    assert_eq!(bad.status, 422);
    let found: Vec<(u64, String)> = errors(&bad);
    for expected in [
        (2, "membership_number"),
        (3, "recorded_on"),
        (3, "open_cases"),
        (3, "source"),
    ] {
        assert!(
            found.contains(&(expected.0, expected.1.to_owned())),
            "{expected:?} in {found:?}"
        );
    }
    let value: Value = bad.json();
    assert!(
        value["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nothing was written")
    );
}

/// A file that leaves a column out, or a cell blank, changes nothing of that field for a
/// member or a workload record held; only `(clear)` clears one. A row whose fields no longer
/// agree once applied to what is held is refused, naming the field, and nothing is written.
#[actix_rt::test]
async fn imports_never_erase_what_a_file_leaves_out() {
    let app = TestApp::new().await;
    World::build(&app);
    let officer = app.token("wgn.officer").await;
    let full = "membership_number,first_name,last_name,email,phone,employer,job_role,team,fte,start_date,left_on\n\
                K001,Kay,Held,kay@example.org,07700 900001,Wigan Council,Social worker,Duty,1,2019-05-01,\n";
    let created = import(&app, &officer, "", full).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let member = || async {
        let list = app.get_as("/api/v1/members?q=K001", &officer).await.json();
        list["items"][0].clone()
    };
    let id = member().await["id"].as_i64().unwrap();
    // Fewer columns, and a blank cell: only the name changes.
    let fewer = "membership_number,first_name,last_name,employer,job_role,fte,phone\n\
                 K001,Kay,Heldon,Wigan Council,Social worker,1,\n";
    let dry = import(&app, &officer, "?dry_run=true", fewer).await;
    assert_eq!(dry.json()["updated"], 1, "{}", dry.text());
    let applied = import(&app, &officer, "", fewer).await;
    assert_eq!(applied.status, 200, "{}", applied.text());
    let now = member().await;
    assert_eq!(now["last_name"], "Heldon");
    for (field, kept) in [
        ("email", "kay@example.org"),
        ("phone", "07700 900001"),
        ("team", "Duty"),
        ("start_date", "2019-05-01"),
    ] {
        assert_eq!(now[field], kept, "{field} kept: {now}");
    }
    // The same file again changes nothing.
    let again = import(&app, &officer, "", fewer).await.json();
    assert_eq!(again["unchanged"], 1, "{again}");
    // `(clear)` clears.
    let clear = "membership_number,first_name,last_name,employer,job_role,fte,team\n\
                 K001,Kay,Heldon,Wigan Council,Social worker,1,(clear)\n";
    assert_eq!(import(&app, &officer, "", clear).await.status, 200);
    assert!(member().await["team"].is_null());
    // A leaving date before the start date the file leaves out: refused, naming the field.
    let early = "membership_number,first_name,last_name,employer,job_role,fte,left_on\n\
                 K001,Kay,Heldon,Wigan Council,Social worker,1,2018-01-01\n";
    let refused = import(&app, &officer, "", early).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        errors(&refused)
            .iter()
            .any(|(line, column)| *line == 2 && column == "left_on"),
        "{}",
        refused.text()
    );
    assert!(member().await["left_on"].is_null(), "nothing was written");

    // Workload: a record held keeps its hours and note when a file leaves them out.
    let send = |csv: &'static str| {
        let app = &app;
        let officer = officer.clone();
        async move {
            app.call(
                TestRequest::post()
                    .uri("/api/v1/workload/import")
                    .insert_header(("authorization", format!("Bearer {officer}")))
                    .insert_header(("content-type", "text/csv"))
                    .set_payload(csv),
            )
            .await
        }
    };
    let first = send(
        "membership_number,recorded_on,open_cases,hours_worked,contracted_hours,source,note\n\
         K001,2026-03-02,17,45,37,member_report,Cover for a vacancy\n",
    )
    .await;
    assert_eq!(first.status, 200, "{}", first.text());
    let fewer = send(
        "membership_number,recorded_on,open_cases,source,note\n\
         K001,2026-03-02,19,member_report,\n",
    )
    .await;
    assert_eq!(fewer.json()["updated"], 1, "{}", fewer.text());
    let record = app
        .get_as(&format!("/api/v1/members/{id}/workload"), &officer)
        .await
        .json()["items"][0]
        .clone();
    assert_eq!(record["open_cases"], 19);
    assert_eq!(record["hours_worked"], 45.0, "{record}");
    assert_eq!(record["contracted_hours"], 37.0, "{record}");
    assert_eq!(record["note"], "Cover for a vacancy", "{record}");
    let cleared = send(
        "membership_number,recorded_on,open_cases,source,hours_worked\n\
         K001,2026-03-02,19,member_report,(CLEAR)\n",
    )
    .await;
    assert_eq!(cleared.json()["updated"], 1, "{}", cleared.text());
    let record = app
        .get_as(&format!("/api/v1/members/{id}/workload"), &officer)
        .await
        .json()["items"][0]
        .clone();
    assert!(record["hours_worked"].is_null(), "{record}");
    assert_eq!(record["note"], "Cover for a vacancy");
}

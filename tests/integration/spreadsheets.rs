//! CSV files as spreadsheets read and write them: Excel on Windows (a byte-order mark, CRLF),
//! pandas and Python's csv module (plain RFC 4180), and a round trip through a spreadsheet and
//! back in that neither runs a formula nor corrupts a value that only looks like one.

use actix_web::test::TestRequest;

use crate::common::{TestApp, TestResponse};
use crate::fixtures::World;

const BOM: &str = "\u{feff}";

async fn upload(app: &TestApp, token: &str, route: &str, body: &str) -> TestResponse {
    app.call(
        TestRequest::post()
            .uri(route)
            .insert_header(("authorization", format!("Bearer {token}")))
            .insert_header(("content-type", "text/csv"))
            .set_payload(body.to_owned()),
    )
    .await
}

/// What a spreadsheet does to a file it opens and saves again: reads the cells as text (a
/// leading `'` stays a character of a CSV cell) and writes them back, without the mark, with
/// LF line ends and its own quoting.
fn through_a_spreadsheet(csv: &str) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.strip_prefix(BOM).unwrap_or(csv).as_bytes());
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    for record in reader.records() {
        writer.write_record(&record.unwrap()).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

/// Every CSV download, from the pages and the API, has the mark and CRLF line ends, and reads
/// back as a rectangle of cells.
#[actix_rt::test]
async fn every_csv_download_opens_in_excel_and_reads_back() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let session = crate::common::browser_sign_in(&app, "admin").await;
    let mut answers = Vec::new();
    for route in [
        "/api/v1/members/export",
        "/api/v1/workload/export",
        "/api/v1/cases/export",
    ] {
        answers.push((route, app.get_as(route, &admin).await));
    }
    for route in ["/members.csv", "/members/workload.csv", "/cases/export.csv"] {
        answers.push((route, crate::common::page(&app, route, &session).await));
    }
    for (route, answer) in answers {
        assert_eq!(answer.status, 200, "{route}");
        assert!(
            answer
                .header("content-type")
                .unwrap()
                .starts_with("text/csv"),
            "{route}"
        );
        let text = answer.text();
        assert!(text.starts_with(BOM), "{route} has no byte-order mark");
        let body = &text[BOM.len()..];
        assert!(body.ends_with("\r\n"), "{route}");
        assert_eq!(
            body.matches('\n').count(),
            body.matches("\r\n").count(),
            "{route}: a line ends without CR"
        );
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let width = reader.headers().unwrap().len();
        assert!(
            !reader
                .headers()
                .unwrap()
                .iter()
                .any(|h| h.starts_with('\u{feff}'))
        );
        for record in reader.records() {
            assert_eq!(record.unwrap().len(), width, "{route}");
        }
    }
}

/// Values that a spreadsheet would take for a formula are marked with `'` on the way out and
/// unmarked on the way in; nothing else is touched, and a value that itself starts with `'`
/// comes back exactly.
#[actix_rt::test]
async fn values_that_look_like_formulas_survive_a_round_trip() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let tricky = [
        ("first_name", "'t Hart"),
        ("last_name", "-Silva"),
        ("phone", "+44 161 496 0000"),
        ("team", "'=not a formula"),
        ("job_role", "@Home team"),
    ];
    let mut changes = serde_json::Map::new();
    for (field, value) in tricky {
        changes.insert(field.into(), value.into());
    }
    let path = format!("/api/v1/members/{}", world.wigan_member);
    let changed = app
        .send_json(
            actix_web::http::Method::PATCH,
            &path,
            Some(&officer),
            &changes.into(),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text());

    let exported = app.get_as("/api/v1/members/export", &officer).await.text();
    assert!(exported.contains(",'-Silva,"), "{exported}");
    assert!(exported.contains(",'+44 161 496 0000,"), "{exported}");
    assert!(exported.contains(",'t Hart,"), "{exported}");
    assert!(exported.contains(",''=not a formula,"), "{exported}");
    // No cell starts with a character a spreadsheet would run.
    let mut reader = csv::Reader::from_reader(exported.trim_start_matches(BOM).as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']) || cell.parse::<f64>().is_ok(),
                "{cell}"
            );
        }
    }

    // Saved again by a spreadsheet and imported back: nothing changes.
    for file in [exported.clone(), through_a_spreadsheet(&exported)] {
        let report = upload(&app, &officer, "/api/v1/members/import", &file).await;
        assert_eq!(report.status, 200, "{}", report.text());
        let report = report.json();
        assert_eq!(report["updated"], 0, "{report}");
        assert_eq!(report["created"], 0, "{report}");
    }
    let member = app.get_as(&path, &officer).await.json();
    for (field, value) in tricky {
        assert_eq!(member[field], value, "{field}");
    }
}

/// The workload export goes back in as it is: its name and per-FTE columns are taken and
/// ignored, and every record is found unchanged.
#[actix_rt::test]
async fn the_workload_export_reimports_unchanged() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    for (day, cases) in [("2026-03-02", 17), ("2026-04-06", 19)] {
        let added = app
            .send_json(
                actix_web::http::Method::POST,
                &format!("/api/v1/members/{}/workload", world.wigan_member),
                Some(&officer),
                &serde_json::json!({"recorded_on": day, "open_cases": cases, "source": "member_report", "note": "-2 since May"}),
            )
            .await;
        assert_eq!(added.status, 201, "{}", added.text());
    }
    let exported = app.get_as("/api/v1/workload/export", &officer).await.text();
    assert!(exported.contains("open_cases_per_fte"), "{exported}");
    for file in [exported.clone(), through_a_spreadsheet(&exported)] {
        let report = upload(&app, &officer, "/api/v1/workload/import", &file).await;
        assert_eq!(report.status, 200, "{}", report.text());
        let report = report.json();
        assert_eq!(
            (
                report["unchanged"].as_i64(),
                report["updated"].as_i64(),
                report["created"].as_i64()
            ),
            (Some(2), Some(0), Some(0)),
            "{report}"
        );
    }
}

/// One rule for enumerations: every export writes codes as the API spells them, and every
/// import reads a code or the label the pages show.
#[actix_rt::test]
async fn exports_write_codes_and_imports_read_codes_or_labels() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let cases = app.get_as("/api/v1/cases/export", &officer).await.text();
    let mut reader = csv::Reader::from_reader(cases.trim_start_matches(BOM).as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| row[headers.iter().position(|h| h == name).unwrap()].to_owned();
    assert_eq!(cell("type"), "disciplinary");
    assert_eq!(cell("status"), "open");
    assert!(["true", "false"].contains(&cell("workload_factor").as_str()));
    for source in ["member_report", "Member report"] {
        let csv = format!(
            "membership_number,recorded_on,open_cases,source\r\nW001,2026-05-0{},12,{source}\r\n",
            source.len() % 9
        );
        let report = upload(&app, &officer, "/api/v1/workload/import", &csv).await;
        assert_eq!(report.status, 200, "{source}: {}", report.text());
    }
    let history = app
        .get_as(
            &format!("/api/v1/members/{}/workload", world.wigan_member),
            &officer,
        )
        .await
        .json();
    assert!(
        history["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["source"] == "member_report")
    );
}

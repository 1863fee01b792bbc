//! Case papers: each type taken comes back byte for byte and is stored encrypted; other types
//! and oversized files are refused; only those who work the case reach them; a tampered file or
//! a missing key fails cleanly; a change of key re-encrypts everything and can be interrupted;
//! the subject access export carries the files and erasure removes them.

use std::io::{Cursor, Write};

use actix_web::http::Method;
use base64::Engine as _;
use caseload::casework::{documents, protection};
use caseload::db::schema::{document_contents, documents as documents_table};
use caseload::models::{CaseId, Setting};
use caseload::vault::Keyring;
use diesel::prelude::*;
use serde_json::json;

use crate::common::{TEST_DOCUMENTS_KEY, TestApp, test_vault};
use crate::fixtures::World;

const MARKER: &str = "Okafor disciplinary hearing notes";
const OTHER_KEY: &str = "1f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

fn zipped(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in entries {
        writer.start_file(*name, stored).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A Word 97–2003 file: a compound file whose root is Word's class, with its text stream.
fn word_97() -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.set_storage_clsid(
        "/",
        uuid::Uuid::parse_str("00020906-0000-0000-c000-000000000046").unwrap(),
    )
    .unwrap();
    file.create_stream("/WordDocument")
        .unwrap()
        .write_all(MARKER.as_bytes())
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// One file of each type taken, each holding the marker text in the clear.
fn samples() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let png = {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
        bytes.extend_from_slice(MARKER.as_bytes());
        bytes
    };
    let jpeg = {
        let mut bytes = b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0".to_vec();
        bytes.extend_from_slice(MARKER.as_bytes());
        bytes.extend_from_slice(b"\xff\xd9");
        bytes
    };
    vec![
        (
            "invitation.pdf",
            format!("%PDF-1.4\n1 0 obj << /Title ({MARKER}) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
                .into_bytes(),
            "application/pdf",
        ),
        (
            "statement.docx",
            zipped(&[
                ("word/document.xml", MARKER),
                ("[Content_Types].xml", "<Types/>"),
            ]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("old-letter.doc", word_97(), "application/msword"),
        (
            "submission.odt",
            zipped(&[
                ("mimetype", "application/vnd.oasis.opendocument.text"),
                ("content.xml", MARKER),
            ]),
            "application/vnd.oasis.opendocument.text",
        ),
        ("scan.png", png, "image/png"),
        ("photo.jpg", jpeg, "image/jpeg"),
        ("notes.txt", format!("{MARKER}\nSeen on Monday.\n").into_bytes(), "text/plain"),
        (
            "from-hr.eml",
            format!("From: hr@council.example.org\r\nSubject: Hearing\r\n\r\n{MARKER}\r\n").into_bytes(),
            "message/rfc822",
        ),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A generated client checks the answer's type against the contract: the download documents
/// exactly the types a paper can have.
#[actix_rt::test]
async fn the_download_documents_every_type_a_paper_can_have() {
    let app = TestApp::new().await;
    let document = app.get("/api/openapi.json").await.json();
    let content = &document["paths"]["/api/v1/cases/{id}/documents/{document}"]["get"]["responses"]
        ["200"]["content"];
    let mut documented: Vec<&str> = content
        .as_object()
        .expect("the download documents its content")
        .keys()
        .map(String::as_str)
        .collect();
    let mut taken: Vec<&str> = documents::ALLOWED.iter().map(|(mime, _)| *mime).collect();
    documented.sort_unstable();
    taken.sort_unstable();
    assert_eq!(documented, taken);
}

#[actix_rt::test]
async fn each_type_taken_comes_back_byte_for_byte_and_is_stored_encrypted() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    for (name, bytes, expected) in samples() {
        let added = app
            .upload(&officer, case, &[("kind", "evidence")], &[(name, &bytes)])
            .await;
        assert_eq!(added.status, 201, "{name}: {}", added.text());
        let document = &added.json()["items"][0];
        assert_eq!(document["content_type"], expected, "{name}");
        assert_eq!(
            document["title"], name,
            "the title defaults to the file's name"
        );
        assert_eq!(document["size_bytes"], bytes.len());
        let id = document["id"].as_i64().unwrap();
        let download = app
            .get_as(&format!("/api/v1/cases/{case}/documents/{id}"), &officer)
            .await;
        assert_eq!(download.status, 200);
        assert_eq!(
            download.body.as_ref(),
            bytes.as_slice(),
            "{name} comes back byte for byte"
        );
        assert_eq!(download.header("content-type"), Some(expected));
        assert!(
            download
                .header("content-disposition")
                .unwrap()
                .starts_with("attachment;")
        );
        assert_eq!(download.header("cache-control"), Some("no-store"));
        assert_eq!(download.header("x-content-type-options"), Some("nosniff"));
    }
    let listed = app
        .get_as(&format!("/api/v1/cases/{case}/documents"), &officer)
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), samples().len());

    // What is stored is not the file and holds none of its text.
    let mut conn = app.state.db.get().unwrap();
    let stored: Vec<Vec<u8>> = document_contents::table
        .select(document_contents::ciphertext)
        .load(&mut conn)
        .unwrap();
    assert_eq!(stored.len(), samples().len());
    for (ciphertext, (name, bytes, _)) in stored.iter().zip(samples()) {
        assert_ne!(ciphertext, &bytes, "{name}");
        assert!(
            !contains(ciphertext, MARKER.as_bytes()),
            "{name}'s text is stored in the clear"
        );
    }
    drop(conn);
    if app.backend() == caseload::db::Backend::Sqlite {
        app.state.db.get().unwrap();
        for suffix in ["", "-wal"] {
            let path = format!("{}{suffix}", app.database.url);
            if let Ok(file) = std::fs::read(&path) {
                assert!(
                    !contains(&file, MARKER.as_bytes()),
                    "{path} holds a document's text"
                );
            }
        }
    }
}

#[actix_rt::test]
async fn other_types_are_415_and_oversized_files_413_naming_the_limit() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    for (name, bytes) in [
        (
            "payslip.pdf",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec(),
        ),
        ("run.sh", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec()),
        (
            "letter.html",
            b"<html><script>alert(1)</script></html>".to_vec(),
        ),
        ("archive.zip", zipped(&[("a.txt", "hello")])),
    ] {
        let refused = app
            .upload(&officer, case, &[("kind", "letter")], &[(name, &bytes)])
            .await;
        assert_eq!(refused.status, 415, "{name}: {}", refused.text());
        let why = refused.json()["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(why.contains("not taken"), "{name}: {why}");
    }
    {
        let mut conn = app.state.db.get().unwrap();
        Setting::set(&mut conn, "document_max_mb", "1").unwrap();
    }
    let big = vec![b'a'; 1024 * 1024 + 1];
    let refused = app
        .upload(&officer, case, &[("kind", "letter")], &[("big.txt", &big)])
        .await;
    assert_eq!(refused.status, 413, "{}", refused.text());
    assert!(
        refused.json()["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .contains("limit of 1 MB")
    );
    let no_kind = app
        .upload(&officer, case, &[], &[("a.txt", b"hello")])
        .await;
    assert_eq!(no_kind.status, 422);
    assert!(no_kind.json()["error"]["fields"]["kind"].is_string());
    let mut conn = app.state.db.get().unwrap();
    let kept: i64 = documents_table::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(kept, 0, "nothing refused is kept");
}

#[actix_rt::test]
async fn only_those_who_work_the_case_reach_its_papers() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let added = app
        .upload(
            &officer,
            case,
            &[("kind", "medical"), ("title", "Fit note")],
            &[("fit.txt", b"Unfit for work")],
        )
        .await
        .json();
    let id = added["items"][0]["id"].as_i64().unwrap();
    let file = format!("/api/v1/cases/{case}/documents/{id}");
    for (who, status) in [
        ("delegate", 403),
        ("lds.officer", 404),
        ("nw.organiser", 403),
    ] {
        let token = app.token(who).await;
        assert_eq!(app.get_as(&file, &token).await.status, status, "{who}");
    }
    // A document id reached through another case is no document.
    let other = format!("/api/v1/cases/{}/documents/{id}", world.leeds_case.0);
    assert_eq!(
        app.get_as(&other, &app.token("admin").await).await.status,
        404
    );
    // Once referred, the region's organiser works the case and reads its papers, but does not
    // remove them: that is the branch's.
    let referred = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/cases/{case}"),
            Some(&officer),
            &json!({"referred_to_region": true, "referral_reason": "Needs the region"}),
        )
        .await;
    assert_eq!(referred.status, 200);
    let organiser = app.token("nw.organiser").await;
    assert_eq!(
        app.get_as(&file, &organiser).await.body.as_ref(),
        b"Unfit for work"
    );
    let removing = app
        .send_json(Method::DELETE, &file, Some(&organiser), &json!(null))
        .await;
    assert_eq!(removing.status, 403);
}

#[actix_rt::test]
async fn an_officer_removes_a_paper_and_the_timeline_and_the_audit_say_so() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let added = app
        .upload(
            &officer,
            case,
            &[("kind", "letter"), ("title", "Outcome letter")],
            &[("o.txt", b"Dismissed")],
        )
        .await
        .json();
    let id = added["items"][0]["id"].as_i64().unwrap();
    let file = format!("/api/v1/cases/{case}/documents/{id}");
    assert_eq!(app.get_as(&file, &officer).await.status, 200);
    let removed = app
        .send_json(Method::DELETE, &file, Some(&officer), &json!(null))
        .await;
    assert_eq!(removed.status, 204);
    assert_eq!(app.get_as(&file, &officer).await.status, 404);
    let timeline = app
        .get_as(&format!("/api/v1/cases/{case}/events"), &officer)
        .await
        .text();
    assert!(
        timeline.contains("Document added: Outcome letter (Letter)"),
        "{timeline}"
    );
    assert!(
        timeline.contains("Document removed: Outcome letter"),
        "{timeline}"
    );
    let entries = app.audit_entries();
    for action in ["create", "read", "delete"] {
        assert!(
            entries
                .iter()
                .any(|e| e.entity == "document" && e.action == action && e.entity_id == Some(id)),
            "{action} of document {id} is audited"
        );
    }
}

#[actix_rt::test]
async fn a_tampered_file_or_a_missing_key_fails_cleanly() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let added = app
        .upload(
            &officer,
            case,
            &[("kind", "letter")],
            &[("a.txt", b"Private")],
        )
        .await
        .json();
    let id = added["items"][0]["id"].as_i64().unwrap();
    let mut conn = app.state.db.get().unwrap();
    // Started with another key, the server refuses, naming the key the documents need.
    let other = Keyring::from_hex(OTHER_KEY).unwrap();
    let refusal = documents::check_keys(&mut conn, &other).unwrap_err();
    assert!(refusal.contains(test_vault().current()), "{refusal}");
    assert!(documents::check_keys(&mut conn, &test_vault()).is_ok());
    // A file changed in the database does not open: a 500 with nothing of the cause shown.
    let mut stored: Vec<u8> = document_contents::table
        .find(id)
        .select(document_contents::ciphertext)
        .first(&mut conn)
        .unwrap();
    stored[0] ^= 1;
    diesel::update(document_contents::table.find(id))
        .set(document_contents::ciphertext.eq(stored))
        .execute(&mut conn)
        .unwrap();
    let broken = app
        .get_as(&format!("/api/v1/cases/{case}/documents/{id}"), &officer)
        .await;
    assert_eq!(broken.status, 500);
    assert!(!broken.text().contains("key"), "{}", broken.text());
}

#[actix_rt::test]
async fn a_change_of_key_re_encrypts_every_paper_and_survives_an_interruption() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let files: Vec<(String, Vec<u8>)> = (0..3)
        .map(|n| {
            (
                format!("paper{n}.txt"),
                format!("Paper number {n}").into_bytes(),
            )
        })
        .collect();
    for (name, bytes) in &files {
        let added = app
            .upload(&officer, case, &[("kind", "report")], &[(name, bytes)])
            .await;
        assert_eq!(added.status, 201);
    }
    let new_only = Keyring::from_hex(OTHER_KEY).unwrap();
    let changing = Keyring::from_hex(OTHER_KEY)
        .unwrap()
        .with_previous(TEST_DOCUMENTS_KEY)
        .unwrap();
    // One batch, then the run is "interrupted": the rest are still under the old key, and
    // the new key alone is refused until they are moved.
    assert_eq!(
        documents::rekey_batch(&app.state.db, &changing, 1).unwrap(),
        1
    );
    let mut conn = app.state.db.get().unwrap();
    assert!(documents::check_keys(&mut conn, &new_only).is_err());
    // Run again: it goes on from where it stopped.
    assert_eq!(
        documents::rekey_batch(&app.state.db, &changing, 10).unwrap(),
        2
    );
    assert_eq!(
        documents::rekey_batch(&app.state.db, &changing, 10).unwrap(),
        0
    );
    assert!(documents::check_keys(&mut conn, &new_only).is_ok());
    // Every file opens under the new key alone, as it was.
    let export =
        protection::export_member(&mut conn, world.wigan_member, None, Some(&new_only)).unwrap();
    let mut exported: Vec<(String, Vec<u8>)> = export["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file_name"].as_str().unwrap().to_owned(),
                base64::engine::general_purpose::STANDARD
                    .decode(d["content_base64"].as_str().unwrap())
                    .unwrap(),
            )
        })
        .collect();
    exported.sort();
    assert_eq!(exported, files);
}

#[actix_rt::test]
async fn the_subject_access_export_carries_the_papers_and_erasure_removes_them() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let pdf = format!("%PDF-1.4\n({MARKER})\n%%EOF\n").into_bytes();
    app.upload(
        &officer,
        case,
        &[("kind", "report"), ("title", "Investigation report")],
        &[("report.pdf", &pdf)],
    )
    .await;
    // Another member's paper stays out of this member's export and erasure.
    app.upload(
        &app.token("lds.officer").await,
        world.leeds_case.0,
        &[("kind", "letter")],
        &[("l.txt", b"Leeds")],
    )
    .await;
    let mut conn = app.state.db.get().unwrap();
    let export =
        protection::export_member(&mut conn, world.wigan_member, None, Some(&test_vault()))
            .unwrap();
    let papers = export["documents"].as_array().unwrap();
    assert_eq!(papers.len(), 1);
    assert_eq!(papers[0]["title"], "Investigation report");
    assert_eq!(papers[0]["case_id"], case);
    let content = base64::engine::general_purpose::STANDARD
        .decode(papers[0]["content_base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(content, pdf);
    // The command an operator runs, with the key from the environment, carries it too; with
    // another key it stops, naming the key problem, and writes nothing.
    let dir = tempfile::tempdir().unwrap();
    let export_with = |key: &str, file: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
            .args([
                "export",
                "member",
                &world.wigan_member.0.to_string(),
                "--output",
                file,
            ])
            .env("DATABASE_URL", &app.database.url)
            .env("CASELOAD_DOCUMENTS_KEY", key)
            .env("RUST_LOG", "error")
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let output = dir.path().join("export.json");
    let ran = export_with(TEST_DOCUMENTS_KEY, output.to_str().unwrap());
    assert!(
        ran.status.success(),
        "{}",
        String::from_utf8_lossy(&ran.stderr)
    );
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
    assert_eq!(
        written["documents"][0]["content_base64"],
        papers[0]["content_base64"]
    );
    let wrong = dir.path().join("wrong.json");
    let refused = export_with(OTHER_KEY, wrong.to_str().unwrap());
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not loaded"));
    assert!(!wrong.exists());

    protection::erase_member(&mut conn, world.wigan_member, None).unwrap();
    let left: Vec<CaseId> = documents_table::table
        .select(documents_table::case_id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        left,
        [world.leeds_case],
        "the member's papers are gone, others' stay"
    );
    let files: i64 = document_contents::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(files, 1);
}

/// On the case page: several papers added at once with a plain form, listed, downloaded and
/// removed; a refused file comes back on the page naming the field.
#[actix_rt::test]
async fn the_case_page_adds_lists_downloads_and_removes_papers() {
    use crate::common::{browser_sign_in, csrf_of, multipart, page, post_form};
    let app = TestApp::new().await;
    let world = World::build(&app);
    let case = world.wigan_case.0;
    let session = browser_sign_in(&app, "wgn.officer").await;
    let shown = page(&app, &format!("/cases/{case}"), &session).await.text();
    assert!(
        shown.contains("enctype=\"multipart/form-data\"") && shown.contains("multiple"),
        "{shown}"
    );
    let csrf = csrf_of(&shown);
    let send = |fields: Vec<(&'static str, String)>, files: Vec<(&'static str, Vec<u8>)>| {
        let (app, session) = (&app, &session);
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let files: Vec<(&str, &[u8])> = files.iter().map(|(k, v)| (*k, v.as_slice())).collect();
            let (content_type, body) = multipart(&fields, &files);
            app.call(
                actix_web::test::TestRequest::post()
                    .uri(&format!("/cases/{case}/documents"))
                    .cookie(actix_web::cookie::Cookie::new(
                        "caseload_session",
                        session.clone(),
                    ))
                    .insert_header(("content-type", content_type))
                    .set_payload(body),
            )
            .await
        }
    };
    let added = send(
        vec![("csrf_token", csrf.clone()), ("kind", "letter".into())],
        vec![
            ("invitation.txt", b"You are invited".to_vec()),
            ("outcome.pdf", b"%PDF-1.4\n(outcome)\n%%EOF".to_vec()),
        ],
    )
    .await;
    assert_eq!(added.status, 303, "{}", added.text());
    let shown = page(&app, &format!("/cases/{case}"), &session).await.text();
    assert!(
        shown.contains("invitation.txt") && shown.contains("outcome.pdf"),
        "{shown}"
    );
    let refused = send(
        vec![("csrf_token", csrf.clone()), ("kind", "letter".into())],
        vec![(
            "tool.exe",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec(),
        )],
    )
    .await;
    assert_eq!(refused.status, 415);
    assert!(
        refused.text().contains("file-error"),
        "the page names the field"
    );
    let forged = send(
        vec![("csrf_token", "forged".into()), ("kind", "letter".into())],
        vec![("a.txt", b"hello".to_vec())],
    )
    .await;
    assert_eq!(forged.status, 403, "a form without its token is refused");

    let mut conn = app.state.db.get().unwrap();
    let ids: Vec<i64> = documents_table::table
        .order(documents_table::id)
        .select(documents_table::id)
        .load::<caseload::models::DocumentId>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|d| d.0)
        .collect();
    drop(conn);
    assert_eq!(ids.len(), 2);
    let download = page(
        &app,
        &format!("/cases/{case}/documents/{}", ids[0]),
        &session,
    )
    .await;
    assert_eq!(download.body.as_ref(), b"You are invited");
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .contains("invitation.txt")
    );
    let removed = post_form(
        &app,
        &format!("/cases/{case}/documents/{}/remove", ids[0]),
        &session,
        None,
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(removed.status, 303);
    let shown = page(&app, &format!("/cases/{case}"), &session).await.text();
    assert!(
        !shown.contains(&format!("/documents/{}\"", ids[0])),
        "the paper is no longer listed"
    );
    assert!(shown.contains(&format!("/documents/{}\"", ids[1])));
    assert!(shown.contains("Document removed: invitation.txt"));
}

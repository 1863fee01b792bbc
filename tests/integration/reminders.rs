//! Reminders by email, against a real SMTP conversation (`smtp_receiver`): the morning digest
//! holds the right deadlines and nothing that names a member; it goes once, however many times
//! or by however many processes it is asked for; a refused message is tried again; referral
//! notices reach the region's organisers and, when taken, the branch's officers.

use std::sync::{Arc, Barrier};

use actix_web::http::Method;
use caseload::casework::dates::{appeal_deadline, tribunal_limitation};
use caseload::config::DigestAt;
use caseload::db::Database;
use caseload::db::schema::{deadlines, outbox, users};
use caseload::mail::{delivery, digest};
use caseload::models::*;
use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use diesel::prelude::*;
use serde_json::json;

use crate::common::{TestApp, browser_sign_in, csrf_of, page, post_form};
use crate::fixtures::{World, user};
use crate::smtp_receiver::Receiver;

const PUBLIC: &str = "https://caseload.example.org";

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Gives a user an address and, if `digest`, the morning digest.
fn address(app: &TestApp, username: &str, email: &str, digest: bool) {
    let mut conn = app.state.db.get().unwrap();
    diesel::update(users::table.filter(users::username.eq(username)))
        .set((users::email.eq(email), users::email_digest.eq(digest)))
        .execute(&mut conn)
        .unwrap();
}

fn deadline(case: CaseId, kind: DeadlineKind, due_on: NaiveDate) -> NewDeadline {
    NewDeadline::by_hand(case, kind, due_on)
}

fn add(app: &TestApp, new: NewDeadline) {
    let mut conn = app.state.db.get().unwrap();
    diesel::insert_into(deadlines::table)
        .values(&new)
        .execute(&mut conn)
        .unwrap();
}

/// Opens a case as the Wigan officer (who becomes its rep), with a summary.
async fn my_case(app: &TestApp, world: &World, summary: &str) -> (CaseId, String) {
    let officer = app.token("wgn.officer").await;
    let response = app
        .send_json(
            Method::POST,
            "/api/v1/cases",
            Some(&officer),
            &json!({"member_id": world.wigan_member.0, "type": "ill_health",
                    "opened_on": "2026-01-05", "summary": summary}),
        )
        .await;
    assert_eq!(response.status, 201, "{}", response.text());
    let case = response.json();
    (
        CaseId(case["id"].as_i64().unwrap()),
        case["reference"].as_str().unwrap().to_owned(),
    )
}

fn outbox_rows(app: &TestApp) -> Vec<(String, String, String)> {
    let mut conn = app.state.db.get().unwrap();
    outbox::table
        .order(outbox::id)
        .select((outbox::kind, outbox::status, outbox::payload))
        .load(&mut conn)
        .unwrap()
}

#[actix_rt::test]
async fn the_digest_holds_what_falls_due_once_and_never_a_name_a_place_or_case_text() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    address(&app, "wgn.officer", "rep@wigan.example.org", true);
    address(&app, "nw.organiser", "organiser@nw.example.org", false);
    address(&app, "lds.officer", "rep@leeds.example.org", true);
    let day = Utc::now().date_naive();
    let (mine, reference) = my_case(&app, &world, "Disclosed a diagnosis of depression").await;
    let mut hearing = deadline(mine, DeadlineKind::Hearing, day + Duration::days(3));
    hearing.starts_at = Some("10:00".into());
    hearing.place = Some("12 Acacia Avenue (member's home, signed off sick)".into());
    add(&app, hearing);
    add(
        &app,
        deadline(mine, DeadlineKind::Appeal, day + Duration::days(7)),
    );
    // Ten days away: on no notice day, so not in today's digest.
    add(
        &app,
        deadline(mine, DeadlineKind::Tribunal, day + Duration::days(10)),
    );
    let mut overdue = deadline(mine, DeadlineKind::Other, day - Duration::days(2));
    overdue.note = Some("Ring Ada Okafor's GP about the fit note".into());
    add(&app, overdue);
    // The branch's case with no rep: in the officer's digest on its notice day only.
    add(
        &app,
        deadline(
            world.wigan_case,
            DeadlineKind::Appeal,
            day + Duration::days(14),
        ),
    );
    add(
        &app,
        deadline(
            world.wigan_case,
            DeadlineKind::Other,
            day + Duration::days(5),
        ),
    );

    let receiver = Receiver::start();
    let mailer = receiver.mailer(Some(PUBLIC));
    let now = Utc::now().naive_utc();
    let queued = delivery::queue_digests(&app.state.db, day, now, false).unwrap();
    assert_eq!(
        queued, 1,
        "one digest: the organiser did not choose it, Leeds has nothing due"
    );
    let done = delivery::deliver(&app.state.db, &mailer, now).unwrap();
    assert_eq!((done.sent, done.retrying, done.given_up), (1, 0, 0));

    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let message = &received[0];
    assert_eq!(message.to, ["rep@wigan.example.org"]);
    assert!(
        message
            .subject
            .contains("4 hearings and deadlines (1 overdue)"),
        "{}",
        message.subject
    );
    for wanted in [
        reference.as_str(),
        "WGN-2026-0001",
        "Hearing",
        "at 10:00",
        "in 3 days",
        "in 7 days",
        "in 14 days",
        "2 days overdue",
        "no rep yet",
        &format!("{PUBLIC}/cases/{}", mine.0),
    ] {
        assert!(
            message.text.contains(wanted),
            "text lacks {wanted}:\n{}",
            message.text
        );
        assert!(
            message.html.contains(wanted),
            "HTML lacks {wanted}:\n{}",
            message.html
        );
    }
    assert!(
        !message.text.contains("Tribunal"),
        "the 10-day deadline is not due today"
    );
    assert!(
        !message.text.contains("in 5 days"),
        "a deadline 5 days off is not due today"
    );
    let everything = message.everything();
    for secret in [
        "Ada",
        "Okafor",
        "Acacia",
        "home",
        "sick",
        "depression",
        "GP",
        "fit note",
    ] {
        assert!(
            !everything.contains(secret),
            "{secret} reached the email:\n{everything}"
        );
    }

    // Asked again, by the schedule or by hand: nothing more is sent.
    assert_eq!(
        delivery::queue_digests(&app.state.db, day, now, false).unwrap(),
        0
    );
    assert_eq!(
        delivery::queue_digests(&app.state.db, day, now, true).unwrap(),
        0
    );
    let again = delivery::deliver(&app.state.db, &mailer, now + Duration::minutes(5)).unwrap();
    assert_eq!(again, delivery::Delivered::default());
    assert_eq!(receiver.received().len(), 1);

    // What was sent is not kept; that it was sent is audited, without content.
    assert_eq!(
        outbox_rows(&app),
        [("digest".to_owned(), "sent".to_owned(), String::new())]
    );
    let sent: Vec<_> = app
        .audit_entries()
        .into_iter()
        .filter(|e| e.action == "send" && e.entity == "email")
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].principal, "system:reminders");
    assert_eq!(sent[0].detail.as_deref(), Some("kind=digest items=4"));
}

#[actix_rt::test]
async fn two_servers_started_together_send_each_digest_once() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let receiver = Receiver::start();
    let mut config = receiver.config();
    config.digest_at = DigestAt::At(NaiveTime::MIN);
    let now = Utc::now();
    let day = delivery::digest_day(&config, now).unwrap();
    let mut addresses = Vec::new();
    {
        let mut conn = app.state.db.get().unwrap();
        for n in 0..6 {
            user(
                &mut conn,
                &format!("wgn.rep{n}"),
                Role::Officer,
                Some(world.wigan),
                None,
            );
        }
    }
    for n in 0..6 {
        let email = format!("rep{n}@wigan.example.org");
        address(&app, &format!("wgn.rep{n}"), &email, true);
        addresses.push(email);
    }
    // Every Wigan officer sees the branch's unassigned case: each has one item today.
    add(
        &app,
        deadline(
            world.wigan_case,
            DeadlineKind::Hearing,
            day + Duration::days(1),
        ),
    );

    let second = Database::connect(
        caseload::db::DatabaseUrl::parse(&app.database.url).unwrap(),
        4,
        std::time::Duration::from_secs(30),
    )
    .unwrap();
    let start = Arc::new(Barrier::new(2));
    let servers: Vec<_> = [app.state.db.clone(), second]
        .into_iter()
        .map(|db| {
            let start = Arc::clone(&start);
            let mailer = receiver.mailer(Some(PUBLIC));
            let config = config.clone();
            std::thread::spawn(move || {
                start.wait();
                delivery::run(&db, &mailer, &config, now).unwrap()
            })
        })
        .collect();
    let sent: usize = servers.into_iter().map(|s| s.join().unwrap().sent).sum();
    assert_eq!(sent, 6, "between them the two servers sent six messages");
    for email in &addresses {
        assert_eq!(receiver.to(email).len(), 1, "{email} got one digest");
    }
    assert_eq!(receiver.received().len(), 6);
}

#[actix_rt::test]
async fn a_refused_message_is_tried_again_after_a_wait_and_then_sent() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    address(&app, "wgn.officer", "rep@wigan.example.org", true);
    let day = Utc::now().date_naive();
    add(&app, deadline(world.wigan_case, DeadlineKind::Appeal, day));
    let receiver = Receiver::start();
    receiver.refuse_next(2);
    let mailer = receiver.mailer(None);
    let now = Utc::now().naive_utc();
    delivery::queue_digests(&app.state.db, day, now, false).unwrap();

    let first = delivery::deliver(&app.state.db, &mailer, now).unwrap();
    assert_eq!((first.sent, first.retrying), (0, 1));
    // Not before its back-off (a minute after the first refusal).
    let early = delivery::deliver(&app.state.db, &mailer, now + Duration::seconds(30)).unwrap();
    assert_eq!(early, delivery::Delivered::default());
    let second = delivery::deliver(&app.state.db, &mailer, now + Duration::minutes(1)).unwrap();
    assert_eq!((second.sent, second.retrying), (0, 1));
    // Two minutes after the second refusal.
    let third = delivery::deliver(&app.state.db, &mailer, now + Duration::minutes(3)).unwrap();
    assert_eq!((third.sent, third.retrying), (1, 0));
    assert_eq!(receiver.refused(), 2);
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    assert!(
        received[0].text.contains("Open caseload to see the cases"),
        "no public URL: no links"
    );
    assert!(received[0].message_id.starts_with("caseload."));
}

#[actix_rt::test]
async fn a_send_cut_off_midway_is_not_repeated_and_an_old_message_is_given_up() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    address(&app, "wgn.officer", "rep@wigan.example.org", true);
    address(&app, "lds.officer", "rep@leeds.example.org", true);
    let day = Utc::now().date_naive();
    add(&app, deadline(world.wigan_case, DeadlineKind::Appeal, day));
    add(&app, deadline(world.leeds_case, DeadlineKind::Appeal, day));
    let now = Utc::now().naive_utc();
    delivery::queue_digests(&app.state.db, day, now, false).unwrap();
    // A sender claims one and stops before it can say whether the server took it.
    {
        let mut conn = app.state.db.get().unwrap();
        let first: i64 = outbox::table
            .select(outbox::id)
            .order(outbox::id)
            .first(&mut conn)
            .unwrap();
        diesel::update(outbox::table.find(first))
            .set((
                outbox::status.eq("sending"),
                outbox::claimed_until.eq(now + Duration::minutes(10)),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let receiver = Receiver::start();
    receiver.refuse_next(100);
    let mailer = receiver.mailer(None);
    // While its claim lasts it is left alone; the other is refused and waits.
    let during = delivery::deliver(&app.state.db, &mailer, now).unwrap();
    assert_eq!((during.sent, during.retrying, during.given_up), (0, 1, 0));
    // Once its claim has lapsed it is not sent again, and a message refused for a day is
    // given up: both are audited.
    let later = delivery::deliver(&app.state.db, &mailer, now + Duration::days(1)).unwrap();
    assert_eq!(later.sent, 0);
    assert_eq!(later.given_up, 2);
    let statuses: Vec<String> = outbox_rows(&app).into_iter().map(|(_, s, _)| s).collect();
    assert_eq!(statuses, ["interrupted", "failed"]);
    assert!(
        outbox_rows(&app)
            .iter()
            .all(|(_, _, payload)| payload.is_empty())
    );
    let failed = app
        .audit_entries()
        .into_iter()
        .filter(|e| e.action == "send_failed")
        .count();
    assert_eq!(failed, 2);
}

#[actix_rt::test]
async fn digest_days_follow_the_deadline_rules_across_bank_holidays_and_month_ends() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    address(&app, "wgn.officer", "rep@wigan.example.org", true);
    // Dismissed on Friday 18 December 2026: five working days skip Christmas and the Boxing
    // Day substitute, to Tuesday 29 December.
    let appeal = appeal_deadline(d("2026-12-18"), 5).unwrap();
    assert_eq!(appeal, d("2026-12-29"));
    // An act on 29 November 2026: three months less a day is 28 February 2027.
    let tribunal = tribunal_limitation(d("2026-11-29")).unwrap();
    assert_eq!(tribunal, d("2027-02-28"));
    add(
        &app,
        deadline(world.wigan_case, DeadlineKind::Appeal, appeal),
    );
    add(
        &app,
        deadline(world.wigan_case, DeadlineKind::Tribunal, tribunal),
    );
    let mut conn = app.state.db.get().unwrap();
    let officer = users::table
        .filter(users::username.eq("wgn.officer"))
        .select(User::as_select())
        .first(&mut conn)
        .unwrap();
    let mut due_on = |day: &str| -> Vec<NaiveDate> {
        digest::items_for(&mut conn, &officer, d(day))
            .unwrap()
            .into_iter()
            .map(|item| item.due_on)
            .collect()
    };
    // The appeal window: 28, 14 and 7 days before, the day before (a bank holiday Monday:
    // mail still goes) and the day; then every day overdue.
    for day in [
        "2026-12-01",
        "2026-12-15",
        "2026-12-22",
        "2026-12-28",
        "2026-12-29",
        "2026-12-30",
    ] {
        assert!(
            due_on(day).contains(&appeal),
            "the appeal window is in the digest of {day}"
        );
    }
    for day in ["2026-12-02", "2026-12-23", "2026-12-27"] {
        assert!(
            !due_on(day).contains(&appeal),
            "the appeal window is not in the digest of {day}"
        );
    }
    // The tribunal date, 28 days before across the end of January, and the week before.
    for day in [
        "2027-01-31",
        "2027-02-14",
        "2027-02-21",
        "2027-02-27",
        "2027-02-28",
    ] {
        assert!(
            due_on(day).contains(&tribunal),
            "the tribunal date is in the digest of {day}"
        );
    }
    for day in ["2027-01-30", "2027-02-01", "2027-02-20"] {
        assert!(
            !due_on(day).contains(&tribunal),
            "the tribunal date is not in the digest of {day}"
        );
    }
}

#[actix_rt::test]
async fn a_referral_is_told_to_the_regions_organisers_and_its_taking_to_the_branchs_officers() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    address(&app, "nw.organiser", "organiser@nw.example.org", false);
    address(&app, "yk.organiser", "organiser@yk.example.org", false);
    address(&app, "wgn.officer", "rep@wigan.example.org", false);
    address(&app, "lds.officer", "rep@leeds.example.org", false);
    let officer = app.token("wgn.officer").await;
    let case = world.wigan_case.0;
    let reason = "Ada Okafor expects dismissal and wants to claim";
    let referred = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/cases/{case}"),
            Some(&officer),
            &json!({"referred_to_region": true, "referral_reason": reason}),
        )
        .await;
    assert_eq!(referred.status, 200, "{}", referred.text());
    let receiver = Receiver::start();
    let mailer = receiver.mailer(Some(PUBLIC));
    delivery::deliver(&app.state.db, &mailer, Utc::now().naive_utc()).unwrap();
    let received = receiver.received();
    assert_eq!(received.len(), 1, "only the North West organiser is told");
    assert_eq!(received[0].to, ["organiser@nw.example.org"]);
    assert!(
        received[0]
            .subject
            .contains("WGN-2026-0001 referred to your region")
    );
    assert!(received[0].text.contains(&format!("{PUBLIC}/cases/{case}")));
    for secret in ["Ada", "Okafor", "dismissal", "claim", "Confidential"] {
        assert!(
            !received[0].everything().contains(secret),
            "{secret} reached the notice"
        );
    }

    let session = browser_sign_in(&app, "nw.organiser").await;
    let shown = page(&app, &format!("/cases/{case}"), &session).await.text();
    let taken = post_form(
        &app,
        &format!("/cases/{case}/take"),
        &session,
        None,
        &[("csrf_token", &csrf_of(&shown))],
    )
    .await;
    assert_eq!(taken.status, 303, "{}", taken.text());
    delivery::deliver(&app.state.db, &mailer, Utc::now().naive_utc()).unwrap();
    let told = receiver.to("rep@wigan.example.org");
    assert_eq!(
        told.len(),
        1,
        "the Wigan officer is told the region took it"
    );
    assert!(
        told[0]
            .subject
            .contains("WGN-2026-0001 taken by the region")
    );
    assert!(receiver.to("rep@leeds.example.org").is_empty());
    assert_eq!(receiver.received().len(), 2);
}

#[actix_rt::test]
async fn addresses_are_checked_and_the_digest_needs_one() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let bad = app
        .send_json(
            Method::POST,
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "new.rep", "password": "a long enough password", "role": "delegate",
                    "email": "not an address"}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert!(bad.json()["error"]["fields"]["email"].is_string());
    let officer = app.token("wgn.officer").await;
    let refused = app
        .send_json(
            Method::PATCH,
            "/api/v1/me",
            Some(&officer),
            &json!({"email_digest": true}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(refused.json()["error"]["fields"]["email_digest"].is_string());

    let me = app.get_as("/api/v1/me", &officer).await.json();
    let id = me["id"].as_i64().unwrap();
    let set = app
        .send_json(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"email": "rep@wigan.example.org"}),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text());
    let chose = app
        .send_json(
            Method::PATCH,
            "/api/v1/me",
            Some(&officer),
            &json!({"email_digest": true}),
        )
        .await;
    assert_eq!(chose.status, 200, "{}", chose.text());
    assert_eq!(chose.json()["email_digest"], true);
    assert_eq!(chose.json()["email"], "rep@wigan.example.org");
}

/// `caseload reminders` as an operator runs it from cron, on a demo database: one digest for
/// each user who chose it, with no member's name; a second run sends nothing more.
#[cfg(unix)]
#[actix_rt::test]
async fn the_command_sends_the_demo_digests_once_and_checks_the_settings() {
    use caseload::db::schema::members;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db");
    let names: Vec<(String, String)> = {
        let db = Database::connect(
            caseload::db::DatabaseUrl::parse(file.to_str().unwrap()).unwrap(),
            2,
            std::time::Duration::from_secs(10),
        )
        .unwrap();
        db.migrate().unwrap();
        let mut conn = db.get().unwrap();
        caseload::demo::load(&mut conn)
            .unwrap()
            .expect("demo data loads");
        members::table
            .select((members::first_name, members::last_name))
            .load(&mut conn)
            .unwrap()
    };
    let receiver = Receiver::start();
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
            .arg("reminders")
            .args(args)
            .env("DATABASE_URL", &file)
            .env("CASELOAD_SMTP_HOST", "127.0.0.1")
            .env("CASELOAD_SMTP_PORT", receiver.port.to_string())
            .env("CASELOAD_SMTP_TLS", "none")
            .env("CASELOAD_MAIL_FROM", "caseload@branch.example.org")
            .env("CASELOAD_PUBLIC_URL", PUBLIC)
            .env("RUST_LOG", "warn")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        said
    };
    let planned = run(&["send", "--dry-run"]);
    assert!(planned.contains("officer: "), "{planned}");
    assert!(receiver.received().is_empty(), "a dry run sends nothing");

    let said = run(&["send"]);
    assert!(said.contains("emails sent"), "{said}");
    let received = receiver.received();
    assert!(!received.is_empty(), "{said}");
    let officer = receiver.to("officer@branch.example.org");
    assert_eq!(
        officer.len(),
        1,
        "the demo officer chose the digest and has hearings due"
    );
    assert!(receiver.to("delegate@branch.example.org").is_empty());
    assert!(receiver.to("admin@branch.example.org").is_empty());
    for message in &received {
        for (first, last) in &names {
            let seen = message.everything();
            assert!(
                !seen.contains(&format!("{first} {last}")) && !seen.contains(last.as_str()),
                "{first} {last} is named in a digest"
            );
        }
    }
    let again = run(&["send"]);
    assert!(again.contains("0 queued; emails sent 0"), "{again}");
    assert_eq!(
        receiver.received().len(),
        received.len(),
        "nothing is sent twice"
    );

    run(&["test", "--to", "operator@branch.example.org"]);
    let test = receiver.to("operator@branch.example.org");
    assert_eq!(test.len(), 1);
    assert_eq!(test[0].subject, "caseload: test message");
}

/// On the pages: an administrator gives an officer an address; the officer's account page says
/// what the email holds and turns it on and off.
#[actix_rt::test]
async fn the_address_is_set_on_the_users_page_and_the_digest_chosen_on_the_account_page() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = browser_sign_in(&app, "admin").await;
    let edit = format!("/admin/users/{}", world.wigan_officer.0);
    let form = page(&app, &edit, &admin).await.text();
    let branch = world.wigan.0.to_string();
    let fields = |email: &'static str| {
        vec![
            ("csrf_token", csrf_of(&form)),
            ("display_name", "wgn.officer display".to_owned()),
            ("role", "officer".to_owned()),
            ("branch_id", branch.clone()),
            ("region_id", String::new()),
            ("active", "on".to_owned()),
            ("email", email.to_owned()),
        ]
    };
    let as_pairs =
        |fields: &[(&'static str, String)]| -> Vec<(&'static str, String)> { fields.to_vec() };
    let bad = as_pairs(&fields("rep at wigan"));
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = post_form(&app, &edit, &admin, None, &bad).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("is not an email address"));
    let good = fields("rep@wigan.example.org");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = post_form(&app, &edit, &admin, None, &good).await;
    assert_eq!(saved.status, 303, "{}", saved.text());

    let officer = browser_sign_in(&app, "wgn.officer").await;
    let account = page(&app, "/account", &officer).await.text();
    assert!(account.contains("rep@wigan.example.org"));
    assert!(account.contains("never a member's name"));
    assert!(
        account.contains("no rep yet"),
        "an officer is told of the branch's unassigned cases"
    );
    let on = post_form(
        &app,
        "/account/digest",
        &officer,
        None,
        &[("csrf_token", &csrf_of(&account)), ("action", "digest")],
    )
    .await;
    assert_eq!(on.status, 303);
    let account = page(&app, "/account", &officer).await.text();
    assert!(account.contains("Stop the morning email"));
    let mut conn = app.state.db.get().unwrap();
    let chosen: bool = users::table
        .find(world.wigan_officer)
        .select(users::email_digest)
        .first(&mut conn)
        .unwrap();
    assert!(chosen);
}

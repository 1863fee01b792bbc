//! `caseload reminders`: send the morning digests and whatever else the outbox holds (for
//! operators who run it from cron rather than leaving it to the server), and check the SMTP
//! settings with a test message.

use anyhow::{Context as _, bail};
use chrono::{NaiveDate, Utc};
use clap::Subcommand;

use caseload::audit::{self, Action, Entity, Event, Job, Principal};
use caseload::config::MailConfig;
use caseload::db::Database;
use caseload::mail::{Mailer, delivery, digest, render};

use crate::cli_error;

#[derive(clap::Args)]
pub struct RemindersArgs {
    #[command(subcommand)]
    action: RemindersCommand,
    #[command(flatten)]
    mail: MailConfig,
    /// The address users reach the app at, for the links in messages.
    #[arg(long, env = "CASELOAD_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Subcommand)]
enum RemindersCommand {
    /// Queue the digests of a day (once: a digest queued before is not queued again) and send
    /// everything due.
    Send {
        /// The day (YYYY-MM-DD); today in CASELOAD_TIME_ZONE when not given.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Say who would get a digest and how many items, sending and queuing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Send one test message to ADDRESS, to check the SMTP settings.
    Test {
        #[arg(long)]
        to: String,
    },
}

pub fn run(db: &Database, args: RemindersArgs) -> anyhow::Result<()> {
    let mailer =
        Mailer::from_config(&args.mail, args.public_url.clone()).map_err(|e| anyhow::anyhow!(e))?;
    match args.action {
        RemindersCommand::Send { date, dry_run } => {
            let day =
                date.unwrap_or_else(|| Utc::now().with_timezone(&args.mail.time_zone).date_naive());
            if dry_run {
                return dry_run_for(db, day);
            }
            let Some(mailer) = mailer else {
                bail!("reminders are off: set CASELOAD_SMTP_HOST (docs/CONFIGURATION.md, Email)");
            };
            let now = Utc::now().naive_utc();
            let queued = delivery::queue_digests(db, day, now, true).map_err(cli_error)?;
            let done = delivery::deliver(db, &mailer, now).map_err(cli_error)?;
            println!(
                "digests of {day}: {queued} queued; emails sent {}, to try again {}, given up {}",
                done.sent, done.retrying, done.given_up
            );
            if done.retrying > 0 {
                println!("(the server, or the next run, tries the others again)");
            }
            Ok(())
        }
        RemindersCommand::Test { to } => {
            let Some(mailer) = mailer else {
                bail!("reminders are off: set CASELOAD_SMTP_HOST (docs/CONFIGURATION.md, Email)");
            };
            let message = render::Rendered {
                subject: "caseload: test message".into(),
                text: "This is a test message from caseload: its email settings work.\n".into(),
                html: "<p>This is a test message from caseload: its email settings work.</p>"
                    .into(),
            };
            let id = format!("caseload.test.{}", Utc::now().timestamp_micros());
            mailer
                .send(&to, &message, &id)
                .map_err(|failure| anyhow::anyhow!("not sent: {failure}"))
                .with_context(|| "sending the test message".to_owned())?;
            let mut conn = db.get().map_err(cli_error)?;
            audit::record(
                &mut conn,
                Event::new(
                    Principal::System(Job::Reminders),
                    Action::Send,
                    Entity::Email,
                )
                .detail("kind=test items=0"),
            )
            .map_err(cli_error)?;
            println!("test message accepted by the SMTP server");
            Ok(())
        }
    }
}

/// Who would get a digest of `day`, with counts only (the content is not printed: it is for
/// its recipient).
fn dry_run_for(db: &Database, day: NaiveDate) -> anyhow::Result<()> {
    let mut conn = db.get().map_err(cli_error)?;
    let digests = digest::for_day(&mut conn, day).map_err(cli_error)?;
    if digests.is_empty() {
        println!("no digest for {day}: nothing falls due for anyone who chose it");
    }
    for (user, items) in &digests {
        let overdue = items.iter().filter(|i| i.due_on < day).count();
        let queued =
            digest::already_queued(&mut conn, user.id, day).context("reading the outbox")?;
        println!(
            "{}: {} items ({overdue} overdue){}",
            user.username,
            items.len(),
            if queued { ", queued already" } else { "" }
        );
    }
    Ok(())
}

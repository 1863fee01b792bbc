//! `caseload surveys send ID`: emails a survey's links to the members in its scope who have
//! none yet (the SMTP settings of reminders), and writes the links of those who could not be
//! emailed as a CSV for a mail merge.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Subcommand;

use caseload::config::MailConfig;
use caseload::db::Database;
use caseload::mail::Mailer;
use caseload::models::SurveyId;

use crate::cli_error;

#[derive(clap::Args)]
pub struct SurveysArgs {
    #[command(subcommand)]
    action: SurveysCommand,
    #[command(flatten)]
    mail: MailConfig,
    /// The address members reach the app at: the links start with it.
    #[arg(long, env = "CASELOAD_PUBLIC_URL")]
    public_url: Option<String>,
}

#[derive(Subcommand)]
enum SurveysCommand {
    /// Email each member in the survey's scope who has no link yet their link.
    Send {
        /// The survey's id.
        id: i64,
        /// Where to write the links of members who could not be emailed (CSV, readable by the
        /// owner only); standard output when not given.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

pub fn run(db: &Database, args: SurveysArgs) -> anyhow::Result<()> {
    let SurveysCommand::Send { id, output } = args.action;
    let Some(base) = args.public_url.clone() else {
        bail!("set CASELOAD_PUBLIC_URL: the links start with the address members reach the app at");
    };
    let Some(mailer) =
        Mailer::from_config(&args.mail, args.public_url.clone()).map_err(|e| anyhow::anyhow!(e))?
    else {
        bail!(
            "email is off: set CASELOAD_SMTP_HOST (docs/CONFIGURATION.md, Email), or send the links from the survey's page as a CSV"
        );
    };
    let today = chrono::Utc::now().date_naive();
    let done = caseload::surveys::email::send(db, &mailer, SurveyId(id), &base, today)
        .map_err(cli_error)?;
    match output {
        Some(path) => {
            use std::io::Write;
            caseload::private_file::create_new(&path)
                .and_then(|mut file| file.write_all(&done.csv))
                .with_context(|| format!("writing {}", path.display()))?
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&done.csv)?;
        }
    }
    eprintln!(
        "{} links made: {} emailed, {} to send by mail merge",
        done.links,
        done.emailed,
        done.links - done.emailed
    );
    Ok(())
}

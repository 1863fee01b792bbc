//! `caseload evidence`: prints an evidence summary (Markdown, CSV or JSON) for a scope.

use std::io::Write;

use caseload::api::reports::Format;
use caseload::db::Database;
use caseload::reports::scope::ReportScope;
use caseload::reports::{evidence, render};
use chrono::{Months, NaiveDate, Utc};

use crate::cli_error;

#[derive(clap::Args)]
pub struct EvidenceArgs {
    /// national, region:ID or branch:ID
    #[arg(long, default_value = "national")]
    scope: ReportScope,
    /// First day of the period (default: a year before --to).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Last day of the period (default: today).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// md, csv or json
    #[arg(long, default_value = "md")]
    format: Format,
}

pub fn run(db: &Database, args: EvidenceArgs) -> anyhow::Result<()> {
    let to = args.to.unwrap_or_else(|| Utc::now().date_naive());
    let from = args.from.unwrap_or_else(|| {
        to.checked_sub_months(Months::new(12))
            .and_then(|d| d.succ_opt())
            .unwrap_or(to)
    });
    if from > to {
        anyhow::bail!("--from must not be after --to");
    }
    let mut conn = db.get().map_err(cli_error)?;
    let summary = evidence::build(&mut conn, db.try_get().as_deref_mut(), args.scope, from, to)
        .map_err(cli_error)?;
    caseload::audit::record(
        &mut conn,
        caseload::audit::Event::new(None, "read", "evidence").detail(format!(
            "scope={} from={from} to={to} (command line)",
            args.scope
        )),
    )
    .map_err(cli_error)?;
    let bytes = match args.format {
        Format::Markdown => render::markdown(&summary).into_bytes(),
        Format::Csv => render::csv(&summary),
        Format::Json => serde_json::to_vec_pretty(&summary)?,
    };
    std::io::stdout().write_all(&bytes)?;
    Ok(())
}

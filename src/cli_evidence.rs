//! `caseload evidence`: prints an evidence summary (Markdown, CSV or JSON) for a scope.

use std::io::Write;

use caseload::access::ReportScope;
use caseload::db::Database;
use caseload::reports::period::MonthPeriod;
use caseload::reports::render::Format;
use caseload::reports::{evidence, render};
use chrono::Utc;

use crate::cli_error;

#[derive(clap::Args)]
pub struct EvidenceArgs {
    /// national, region:ID or branch:ID
    #[arg(long, default_value = "national")]
    scope: ReportScope,
    /// First month of the period, YYYY-MM (default: eleven months before --to).
    #[arg(long)]
    from: Option<String>,
    /// Last month of the period, YYYY-MM, included (default: last month).
    #[arg(long)]
    to: Option<String>,
    /// md, csv or json
    #[arg(long, default_value = "md")]
    format: Format,
}

pub fn run(db: &Database, args: EvidenceArgs) -> anyhow::Result<()> {
    let period = MonthPeriod::parse(
        args.from.as_deref(),
        args.to.as_deref(),
        true,
        Utc::now().date_naive(),
    )
    .map_err(cli_error)?;
    let mut conn = db.get().map_err(cli_error)?;
    let settings = evidence::admit(&mut conn, args.scope, period).map_err(cli_error)?;
    let summary = evidence::build(
        &mut conn,
        db.try_get().as_deref_mut(),
        args.scope,
        period,
        &settings,
    )
    .map_err(cli_error)?;
    caseload::audit::record(
        &mut conn,
        caseload::audit::Event::new(None, "read", "evidence").detail(format!(
            "scope={} from={} to={} format={} (command line)",
            args.scope,
            period.from,
            period.to,
            args.format.name()
        )),
    )
    .map_err(cli_error)?;
    let bytes = match args.format {
        Format::Markdown => render::markdown(&summary).into_bytes(),
        Format::Csv => render::csv(&summary).map_err(cli_error)?,
        Format::Json => serde_json::to_vec_pretty(&summary)?,
    };
    std::io::stdout().write_all(&bytes)?;
    Ok(())
}

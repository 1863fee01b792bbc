//! `caseload evidence`: prints an evidence release (Markdown, CSV or JSON) for a scope and a
//! period of the menu, publishing it first if no request has yet.

use std::io::Write;

use caseload::access::ReportScope;
use caseload::db::Database;
use caseload::models::Settings;
use caseload::reports::releases::ReleasePeriod;
use caseload::reports::releases::publish;
use caseload::reports::render::{self, Format};
use chrono::Utc;

use crate::cli_error;

#[derive(clap::Args)]
pub struct EvidenceArgs {
    /// national, region:ID or branch:ID
    #[arg(long, default_value = "national")]
    scope: ReportScope,
    /// A period of the menu: 2026-Q1, 2026 or 2025-26 (default: the latest year-long one
    /// published).
    #[arg(long)]
    period: Option<ReleasePeriod>,
    /// md, csv or json
    #[arg(long, default_value = "md")]
    format: Format,
}

pub fn run(db: &Database, args: EvidenceArgs) -> anyhow::Result<()> {
    let today = Utc::now().date_naive();
    let mut conn = db.get().map_err(cli_error)?;
    let period = match args.period {
        Some(period) => period,
        None => ReleasePeriod::latest_year(
            today,
            Settings::load(&mut conn)
                .map_err(cli_error)?
                .evidence_settling_days,
        ),
    };
    let publication = publish::Publication {
        scope: args.scope,
        today,
        actor: None,
    };
    let stored = publication
        .obtain(&mut conn, db.second().as_deref_mut(), period)
        .map_err(cli_error)?;
    caseload::audit::record(
        &mut conn,
        caseload::audit::Event::new(
            caseload::audit::Principal::System(caseload::audit::Job::CommandLine),
            caseload::audit::Action::Read,
            caseload::audit::Entity::Evidence,
        )
        .detail(format!(
            "scope={} period={period} format={} (command line)",
            args.scope,
            args.format.name()
        )),
    )
    .map_err(cli_error)?;
    if let Some(withdrawn) = &stored.withdrawn {
        anyhow::bail!(
            "this release was withdrawn on {}: {}",
            withdrawn.at.date(),
            withdrawn.reason
        );
    }
    let bytes = match args.format {
        Format::Markdown => {
            render::markdown(&publish::read(&stored).map_err(cli_error)?).into_bytes()
        }
        Format::Csv => {
            render::csv(&publish::read(&stored).map_err(cli_error)?).map_err(cli_error)?
        }
        Format::Json => stored.body.into_bytes(),
    };
    std::io::stdout().write_all(&bytes)?;
    Ok(())
}

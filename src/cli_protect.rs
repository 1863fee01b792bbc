//! Data-protection commands: `retention`, `export member`, `erase member`, `backup`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use caseload::casework::protection;
use caseload::db::{Database, write_transaction};
use caseload::models::MemberId;
use chrono::Utc;

use crate::cli_error;

#[derive(clap::Subcommand)]
pub enum ExportCommand {
    /// Everything held about a member, as JSON (a subject access request).
    Member {
        id: i64,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(clap::Subcommand)]
pub enum EraseCommand {
    /// Remove a member's identity and the free text about them; anonymous counts stay.
    Member {
        id: i64,
        /// Confirm: erasure cannot be undone.
        #[arg(long)]
        yes: bool,
    },
}

pub fn retention(db: &Database, apply: bool) -> anyhow::Result<()> {
    let mut conn = db.get().map_err(cli_error)?;
    let today = Utc::now().date_naive();
    let cutoff = protection::retention_cutoff(&mut conn, today).map_err(cli_error)?;
    let count = write_transaction(&mut conn, |conn| protection::retention(conn, today, apply))
        .map_err(cli_error)?;
    if apply {
        println!("anonymised {count} case(s) closed before {cutoff}");
    } else {
        println!(
            "{count} case(s) closed before {cutoff} would be anonymised; run with --apply to do it"
        );
    }
    Ok(())
}

pub fn export(
    db: &Database,
    vault: &caseload::vault::Keyring,
    command: ExportCommand,
) -> anyhow::Result<()> {
    let ExportCommand::Member { id, output } = command;
    let mut conn = db.get().map_err(cli_error)?;
    let json = write_transaction(&mut conn, |conn| {
        protection::export_member(conn, MemberId(id), None, Some(vault))
    })
    .map_err(cli_error)?;
    let text = serde_json::to_string_pretty(&json)?;
    match output {
        Some(path) => {
            // A subject access export is the member's whole record: a new private file.
            let mut file = caseload::private_file::create_new(&path).with_context(|| {
                format!(
                    "creating {} (it must not exist yet; the export is written to a new file \
                     readable only by you)",
                    path.display()
                )
            })?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("writing {}", path.display()))?
        }
        None => writeln!(std::io::stdout(), "{text}")?,
    }
    Ok(())
}

pub fn erase(db: &Database, command: EraseCommand) -> anyhow::Result<()> {
    let EraseCommand::Member { id, yes } = command;
    if !yes {
        anyhow::bail!("erasure cannot be undone: run again with --yes to erase member {id}");
    }
    let mut conn = db.get().map_err(cli_error)?;
    write_transaction(&mut conn, |conn| {
        protection::erase_member(conn, MemberId(id), None)
    })
    .map_err(cli_error)?;
    println!("member {id} erased: identity and free text removed, anonymous counts kept");
    Ok(())
}

pub fn backup(db: &Database, path: PathBuf) -> anyhow::Result<()> {
    let mut conn = db.get().map_err(cli_error)?;
    protection::backup(&mut conn, &path.to_string_lossy()).map_err(cli_error)?;
    println!("backed up to {}", path.display());
    Ok(())
}

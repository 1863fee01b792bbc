//! `caseload import members|workload|supervision FILE.csv`, with a progress bar.

use std::path::PathBuf;

use anyhow::Context as _;
use caseload::access::RecordScope;
use caseload::casework::import::{self, ImportOptions, ImportReport, Progress};
use caseload::db::{Database, write_transaction};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli_error;

#[derive(clap::Subcommand)]
pub enum ImportCommand {
    /// Members: creates new ones and updates existing ones by membership number.
    Members {
        file: PathBuf,
        /// Check the file and report, without writing.
        #[arg(long)]
        dry_run: bool,
        /// Create employers named in the file that do not exist yet.
        #[arg(long)]
        create_employers: bool,
    },
    /// Workload records (membership_number, recorded_on, open_cases, …).
    Workload {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Supervision records (membership_number, held_on, kind, minutes, status, …).
    Supervision {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
}

/// Which import a command runs.
#[derive(Clone, Copy)]
enum Kind {
    Members,
    Workload,
    Supervision,
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, stage: &str, total: u64) {
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.set_message(stage.to_owned());
    }
    fn advance(&self, n: u64) {
        self.0.inc(n);
    }
}

pub fn run(db: &Database, command: ImportCommand) -> anyhow::Result<()> {
    let records = |dry_run| ImportOptions {
        dry_run,
        create_employers: false,
    };
    let (file, options, kind) = match command {
        ImportCommand::Members {
            file,
            dry_run,
            create_employers,
        } => (
            file,
            ImportOptions {
                dry_run,
                create_employers,
            },
            Kind::Members,
        ),
        ImportCommand::Workload { file, dry_run } => (file, records(dry_run), Kind::Workload),
        ImportCommand::Supervision { file, dry_run } => (file, records(dry_run), Kind::Supervision),
    };
    let bytes = read_bounded(&file)?;
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len} rows ({eta})")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let progress = Bar(bar);
    let mut conn = db.get().map_err(cli_error)?;
    // The command line acts as an administrator: every branch, no user id in the audit log.
    let report = write_transaction(&mut conn, |conn| {
        let import = match kind {
            Kind::Members => import::import_members,
            Kind::Workload => import::import_workload,
            Kind::Supervision => import::import_supervision,
        };
        import(conn, None, RecordScope::All, &bytes, options, &progress)
    })
    .map_err(cli_error)?;
    progress.0.finish_and_clear();
    print_report(&report);
    if report.is_refused() {
        anyhow::bail!(
            "{} problem(s) in {}; nothing was written",
            report.errors.len(),
            printable(&file.to_string_lossy())
        );
    }
    Ok(())
}

/// The file, read up to the import limit: a larger file (or a device that never ends, such as
/// `/dev/zero`) is refused without reading it all into memory.
fn read_bounded(file: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Read as _;
    let limit = import::IMPORT_LIMIT_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes))
        .with_context(|| format!("reading {}", printable(&file.to_string_lossy())))?;
    if bytes.len() > limit {
        anyhow::bail!(
            "{} is larger than the import limit of {} MB; split it into smaller files",
            printable(&file.to_string_lossy()),
            limit / (1024 * 1024)
        );
    }
    Ok(bytes)
}

/// Text from the file as it may be printed to a terminal: a control character (an escape
/// sequence could recolour or rewrite the screen), a direction override or a zero-width
/// character is shown as its code (`\u{1b}`), never sent as it is.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if caseload::validate::is_hidden(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn print_report(report: &ImportReport) {
    for error in &report.errors {
        let column = if error.column.is_empty() {
            String::new()
        } else {
            format!(", {}", printable(&error.column))
        };
        eprintln!("line {}{column}: {}", error.line, printable(&error.message));
    }
    let verb = if report.dry_run { "would be" } else { "were" };
    println!(
        "{} rows: {} {verb} created, {} {verb} updated, {} unchanged{}",
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
        if report.employers_created > 0 {
            format!("; {} new employer(s)", report.employers_created)
        } else {
            String::new()
        }
    );
}

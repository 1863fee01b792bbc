//! The `caseload` command line: serve the app, migrate the database, and the admin tasks.

mod cli_evidence;
mod cli_import;
mod cli_protect;
mod cli_reminders;
mod cli_surveys;
mod cli_user;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use caseload::auth::{secret, token::TokenKeys};
use caseload::config::{AuthConfig, DatabaseConfig, DocumentsConfig, MailConfig, ServerConfig};
use caseload::db::Database;
use caseload::error::AppError;
use caseload::{AppState, build_app, telemetry};

#[derive(Parser)]
#[command(
    name = "caseload",
    version,
    about = "Casework and workload tracker for trade-union branches"
)]
struct Cli {
    #[command(flatten)]
    database: DatabaseConfig,

    #[command(flatten)]
    documents: DocumentsConfig,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web application (migrating the database first).
    Serve {
        /// Load realistic demo data (on an empty database only).
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        server: ServerConfig,
        #[command(flatten)]
        auth: AuthConfig,
        #[command(flatten)]
        mail: MailConfig,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the API's OpenAPI document (as `/api/openapi.json` serves it), e.g. to refresh
    /// `docs/openapi.json`.
    Openapi,
    /// Import a CSV file (all rows or none).
    Import {
        #[command(subcommand)]
        what: cli_import::ImportCommand,
    },
    /// Print an evidence release (perturbed counts; a quarter, calendar year or financial
    /// year), publishing it first if nobody has asked for it yet.
    Evidence(cli_evidence::EvidenceArgs),
    /// Anonymise cases closed more than the retention period ago (dry run without --apply).
    Retention {
        #[arg(long)]
        apply: bool,
    },
    /// Export what is held about someone.
    Export {
        #[command(subcommand)]
        what: cli_protect::ExportCommand,
    },
    /// Erase someone's identity.
    Erase {
        #[command(subcommand)]
        what: cli_protect::EraseCommand,
    },
    /// Copy the SQLite database consistently while it serves (PostgreSQL: use pg_dump).
    Backup { path: std::path::PathBuf },
    /// Fill an empty database with deterministic synthetic data, for benchmarks.
    Seed {
        #[arg(long, value_enum, default_value = "branch")]
        scale: caseload::seed::Scale,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// One password for the seeded users admin, organiser, officer, delegate (random if unset).
        #[arg(long, env = "CASELOAD_SEED_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Send the morning digests and referral notices now, or a test message.
    Reminders(cli_reminders::RemindersArgs),
    /// Member surveys: email a survey's links.
    Surveys(cli_surveys::SurveysArgs),
    /// Case papers: move every document to the current key.
    Documents {
        #[command(subcommand)]
        action: DocumentsCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        action: cli_user::UserCommand,
    },
}

#[derive(Subcommand)]
enum DocumentsCommand {
    /// Re-encrypt every document sealed under the previous key
    /// (CASELOAD_DOCUMENTS_PREVIOUS_KEY_FILE) under the current one, in batches. Safe to stop
    /// and run again: it goes on from where it stopped.
    Rekey {
        /// Documents per batch.
        #[arg(long, default_value_t = 50)]
        batch: i64,
    },
}

fn main() -> anyhow::Result<()> {
    // A missing .env is normal; a malformed one is worth saying.
    if let Err(error) = dotenvy::dotenv()
        && !error.not_found()
    {
        eprintln!("warning: .env not read: {error}");
    }
    telemetry::init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            demo,
            server,
            auth,
            mail,
        } => serve(cli.database, cli.documents, server, auth, mail, demo),
        Command::Migrate => open_database(&cli.database).map(|_| ()),
        Command::Openapi => {
            print!("{}", caseload::api::doc::document_json());
            Ok(())
        }
        Command::Import { what } => cli_import::run(&open_database(&cli.database)?, what),
        Command::Evidence(args) => cli_evidence::run(&open_database(&cli.database)?, args),
        Command::Retention { apply } => {
            cli_protect::retention(&open_database(&cli.database)?, apply)
        }
        Command::Export { what } => {
            let vault = load_vault(&cli.documents)?;
            let db = open_database(&cli.database)?;
            let mut conn = db.get().map_err(cli_error)?;
            caseload::casework::documents::check_keys(&mut conn, &vault)
                .map_err(|e| anyhow::anyhow!(e))?;
            drop(conn);
            cli_protect::export(&db, &vault, what)
        }
        Command::Documents {
            action: DocumentsCommand::Rekey { batch },
        } => rekey(&open_database(&cli.database)?, &cli.documents, batch),
        Command::Erase { what } => cli_protect::erase(&open_database(&cli.database)?, what),
        Command::Backup { path } => cli_protect::backup(&open_database(&cli.database)?, path),
        Command::Seed {
            scale,
            seed,
            password,
        } => {
            let db = open_database(&cli.database)?;
            let mut conn = db.get().map_err(cli_error)?;
            let today = chrono::Utc::now().date_naive();
            let seeded =
                caseload::seed::seed(&mut conn, scale, seed, today, password).map_err(cli_error)?;
            println!(
                "seeded {} rows in {:.1} s; users admin, organiser, officer, delegate with password {}",
                seeded.rows, seeded.seconds, seeded.password
            );
            Ok(())
        }
        Command::Reminders(args) => cli_reminders::run(&open_database(&cli.database)?, args),
        Command::Surveys(args) => cli_surveys::run(&open_database(&cli.database)?, args),
        Command::User { action } => cli_user::run(&open_database(&cli.database)?, action),
    }
}

/// Turns an application error into a CLI error, keeping the logged cause.
pub fn cli_error(error: AppError) -> anyhow::Error {
    match error {
        AppError::Internal(cause) | AppError::Unavailable(cause) => anyhow::anyhow!(cause),
        AppError::Unprocessable { message, .. } | AppError::BadRequest { message, .. } => {
            anyhow::anyhow!(message)
        }
        other => anyhow::anyhow!(other.to_string()),
    }
}

/// Connects and brings the schema up to date.
fn open_database(config: &DatabaseConfig) -> anyhow::Result<Database> {
    let url = config.url()?;
    let shown = caseload::db::url::redacted(&config.database_url);
    let db = Database::connect(url, config.db_pool_size, config.timeout())
        .with_context(|| format!("opening the database at {shown}"))?;
    let applied = db.migrate().map_err(cli_error)?;
    if applied.is_empty() {
        tracing::info!("database schema is up to date");
    } else {
        tracing::info!(migrations = ?applied, "applied migrations");
    }
    let mut conn = db.get().map_err(cli_error)?;
    caseload::reports::summaries::resume_if_paused(&mut conn).map_err(cli_error)?;
    drop(conn);
    Ok(db)
}

/// The documents keys, or an error naming the setting at fault.
fn load_vault(config: &DocumentsConfig) -> anyhow::Result<caseload::vault::Keyring> {
    caseload::vault::Keyring::load(config).map_err(|e| anyhow::anyhow!("documents key: {e}"))
}

/// `caseload documents rekey`: every document to the current key, batch by batch.
fn rekey(db: &Database, config: &DocumentsConfig, batch: i64) -> anyhow::Result<()> {
    let vault = load_vault(config)?;
    let mut conn = db.get().map_err(cli_error)?;
    caseload::casework::documents::check_keys(&mut conn, &vault).map_err(|e| anyhow::anyhow!(e))?;
    let mut total = 0;
    loop {
        let done = caseload::casework::documents::rekey_batch(db, &vault, batch.max(1))
            .map_err(cli_error)?;
        if done == 0 {
            break;
        }
        total += done;
        println!("{total} documents re-encrypted so far");
    }
    caseload::audit::record(
        &mut conn,
        caseload::audit::Event::new(
            caseload::audit::Principal::System(caseload::audit::Job::CommandLine),
            caseload::audit::Action::Update,
            caseload::audit::Entity::Document,
        )
        .detail(format!("rekey documents={total} key={}", vault.current())),
    )
    .map_err(cli_error)?;
    println!(
        "every document is under key {}; the previous key file can be retired",
        vault.current()
    );
    Ok(())
}

/// Secrets given as command-line arguments are visible to every user of the machine (`ps`,
/// `/proc/*/cmdline`): they work, with a warning naming the safer way.
fn warn_of_secrets_in_arguments() {
    for (flag, variable) in [
        ("--jwt-secret", "CASELOAD_JWT_SECRET or --jwt-secret-file"),
        ("--admin-password", "CASELOAD_ADMIN_PASSWORD"),
        ("--metrics-token", "CASELOAD_METRICS_TOKEN"),
        ("--smtp-password", "CASELOAD_SMTP_PASSWORD"),
        (
            "--documents-key",
            "CASELOAD_DOCUMENTS_KEY or --documents-key-file",
        ),
    ] {
        let given = std::env::args().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
        if given {
            eprintln!(
                "warning: {flag} on the command line is visible to every user of this machine; \
                 set {variable} in the environment (or .env, readable only by the service) instead"
            );
        }
    }
}

fn serve(
    database: DatabaseConfig,
    documents: DocumentsConfig,
    server: ServerConfig,
    auth: AuthConfig,
    mail: MailConfig,
    demo: bool,
) -> anyhow::Result<()> {
    caseload::templates::check().map_err(|e| anyhow::anyhow!("templates: {e}"))?;
    warn_of_secrets_in_arguments();
    let given_admin_password = auth.admin_password.is_some();
    let secret = secret::load(&auth).map_err(|e| anyhow::anyhow!(e))?;
    let keys = TokenKeys::new(&secret, auth.token_hours).map_err(|e| anyhow::anyhow!(e))?;
    let vault = load_vault(&documents)?;
    let db = open_database(&database)?;
    tracing::info!(database = %db.backend(), "database ready");
    {
        let mut conn = db.get().map_err(cli_error)?;
        caseload::casework::documents::check_keys(&mut conn, &vault)
            .map_err(|e| anyhow::anyhow!(e))?;
    }
    if server.public_url.is_none() {
        tracing::warn!(
            "CASELOAD_PUBLIC_URL is not set: calendar addresses are built from the address each \
             request came to (its Host, or a trusted proxy's forwarded host), and cookies are \
             not marked Secure; set it to the address users reach"
        );
    }

    let (demo_logins, first_admin) = {
        let mut conn = db.get().map_err(cli_error)?;
        let demo_logins = if demo {
            let logins = caseload::demo::load(&mut conn).map_err(cli_error)?;
            if logins.is_none() {
                println!("The database already holds data: demo data not loaded.");
            }
            logins
        } else {
            None
        };
        let admin = caseload::accounts::bootstrap_admin(&mut conn, auth.admin_password.as_deref())
            .map_err(cli_error)?;
        (demo_logins, admin)
    };

    let mailer = caseload::mail::Mailer::from_config(&mail, server.public_url.clone())
        .map_err(|e| anyhow::anyhow!(e))?;
    let reminders = match mailer {
        Some(mailer) => {
            match mail.digest_at {
                caseload::config::DigestAt::At(at) => tracing::info!(
                    digest_at = %at.format("%H:%M"),
                    time_zone = %mail.time_zone,
                    "reminders on: the morning digest and referral notices are emailed"
                ),
                caseload::config::DigestAt::Off => tracing::info!(
                    "reminders on for referral notices; the morning digest is left to \
                     `caseload reminders send` (CASELOAD_DIGEST_AT=off)"
                ),
            }
            Some(caseload::mail::Reminders::start(db.clone(), mailer, mail))
        }
        None => {
            tracing::info!("reminders are off: no email is sent (set CASELOAD_SMTP_HOST)");
            None
        }
    };

    let bind = server.bind.clone();
    let workers = server.workers;
    // Database work runs on blocking threads, each needing a pooled connection: more threads
    // than connections only wait, and every extra thread can hold its own malloc arena.
    let blocking_threads = database.db_pool_size.max(1) as usize;
    let state = actix_web::web::Data::new(AppState::new(db, server, keys, vault));
    let app_state = state.clone();
    actix_web::rt::System::new().block_on(async move {
        let mut http = actix_web::HttpServer::new(move || build_app(app_state.clone()))
            .shutdown_timeout(10)
            .worker_max_blocking_threads(blocking_threads);
        if let Some(workers) = workers {
            http = http.workers(workers.max(1));
        }
        let http = http
            .bind(&bind)
            .with_context(|| format!("listening on {bind}"))?;
        println!("caseload is running at http://{bind}/ (Ctrl-C to stop)");
        if let Some(logins) = &demo_logins {
            println!("Demo data loaded. Sign in at http://{bind}/login as (passwords shown once):");
            for login in logins {
                println!(
                    "  {:<10} {:<9} {}",
                    login.username,
                    login.role.as_str(),
                    login.password
                );
            }
        }
        match (first_admin, given_admin_password) {
            // A password the operator chose is theirs already: never echoed to the log.
            (Some(_), true) => println!(
                "Created the first administrator: sign in as user `admin` with the password \
                 from CASELOAD_ADMIN_PASSWORD"
            ),
            (Some(password), false) => {
                println!("Sign in as user `admin` with password: {password}");
                println!("(shown once; change it under Account after signing in)");
            }
            (None, _) => {}
        }
        // actix-web stops gracefully on SIGINT and SIGTERM, finishing requests in flight.
        http.run().await.context("serving")
    })?;
    if let Some(reminders) = reminders {
        reminders.stop();
    }
    state.audit.shutdown();
    tracing::info!("stopped");
    Ok(())
}

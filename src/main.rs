//! The `caseload` command line: serve the app, migrate the database, and the admin tasks.

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use caseload::config::{DatabaseConfig, ServerConfig};
use caseload::db::Database;
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

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web application (migrating the database first).
    Serve {
        #[command(flatten)]
        server: ServerConfig,
    },
    /// Apply pending database migrations and exit.
    Migrate,
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
        Command::Serve { server } => serve(cli.database, server),
        Command::Migrate => {
            let db = open_database(&cli.database)?;
            report_migrations(&db)
        }
    }
}

fn open_database(config: &DatabaseConfig) -> anyhow::Result<Database> {
    let url = config.url()?;
    let shown = caseload::db::url::redacted(&config.database_url);
    Database::connect(url, config.db_pool_size, config.timeout())
        .with_context(|| format!("opening the database at {shown}"))
}

fn report_migrations(db: &Database) -> anyhow::Result<()> {
    let applied = db.migrate().map_err(|e| match e {
        caseload::error::AppError::Internal(cause) => anyhow::anyhow!(cause),
        other => anyhow::anyhow!(other.to_string()),
    })?;
    if applied.is_empty() {
        tracing::info!("database schema is up to date");
    } else {
        tracing::info!(migrations = ?applied, "applied migrations");
    }
    Ok(())
}

fn serve(database: DatabaseConfig, server: ServerConfig) -> anyhow::Result<()> {
    caseload::web::templates::check().map_err(|e| anyhow::anyhow!("templates: {e}"))?;
    let db = open_database(&database)?;
    report_migrations(&db)?;
    tracing::info!(database = %db.backend(), "database ready");

    let bind = server.bind.clone();
    let workers = server.workers;
    let state = actix_web::web::Data::new(AppState::new(db, server));
    actix_web::rt::System::new().block_on(async move {
        let mut http =
            actix_web::HttpServer::new(move || build_app(state.clone())).shutdown_timeout(10);
        if let Some(workers) = workers {
            http = http.workers(workers.max(1));
        }
        let http = http
            .bind(&bind)
            .with_context(|| format!("listening on {bind}"))?;
        println!("caseload is running at http://{bind}/ (Ctrl-C to stop)");
        // actix-web stops gracefully on SIGINT and SIGTERM, finishing requests in flight.
        http.run().await.context("serving")?;
        tracing::info!("stopped");
        Ok(())
    })
}

//! `caseload user add`.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context as _, bail};
use caseload::accounts::users::{self as accounts, UserInput};
use caseload::db::{Database, write_transaction};
use caseload::error::AppError;
use caseload::models::{Branch, Region, Role};

use crate::cli_error;

#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Create a user. Officers need --branch, organisers --region; delegates may have a region.
    Add {
        #[arg(long)]
        username: String,
        /// admin, organiser, officer or delegate.
        #[arg(long)]
        role: Role,
        /// The officer's branch, by code (e.g. LDS).
        #[arg(long, conflicts_with = "region")]
        branch: Option<String>,
        /// The organiser's or delegate's region, by name.
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
        /// Where reminders go (the morning digest, once they choose it, and referral notices).
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

pub fn run(db: &Database, command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add {
        username,
        role,
        branch,
        region,
        display_name,
        email,
        password_stdin,
    } = command;
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        prompt_password()?
    };
    let mut conn = db.get().map_err(cli_error)?;
    let user = write_transaction(&mut conn, |conn| {
        let branch_id = match &branch {
            Some(code) => Some(
                Branch::find_by_code(conn, code)?
                    .ok_or_else(|| {
                        AppError::invalid("branch", format!("no branch with code {code}"))
                    })?
                    .id,
            ),
            None => None,
        };
        let region_id = match &region {
            Some(name) => Some(
                Region::find_by_name(conn, name)?
                    .ok_or_else(|| AppError::invalid("region", format!("no region named {name}")))?
                    .id,
            ),
            None => None,
        };
        accounts::create_user(
            conn,
            None,
            UserInput {
                username: username.clone(),
                password: password.clone(),
                display_name: display_name.clone(),
                role,
                branch_id,
                region_id,
                active: true,
                email: email.clone(),
            },
        )
    })
    .map_err(cli_error)?;
    println!(
        "created {} user {} (id {})",
        user.role, user.username, user.id
    );
    Ok(())
}

fn prompt_password() -> anyhow::Result<String> {
    if !std::io::stdin().is_terminal() {
        bail!("no terminal to prompt on: pass --password-stdin and pipe the password in");
    }
    let first = rpassword::prompt_password("Password (12 characters or more): ")
        .context("reading the password")?;
    let second = rpassword::prompt_password("Again: ").context("reading the password")?;
    if first != second {
        bail!("the two passwords differ");
    }
    Ok(first)
}

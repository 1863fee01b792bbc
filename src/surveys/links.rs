//! One-time links: one per member in a survey's scope, unguessable (256 random bits), stored as
//! a hash, handed out once as a CSV for a mail merge. Asking again adds links only for members
//! who have none (a new member in scope); a link already made cannot be shown again.

use diesel::prelude::*;
use rand::RngCore;
use sha2::Digest;

use crate::access::Actor;
use crate::audit::{self, Action, Entity, Event};
use crate::csv_writer::CsvWriter;
use crate::db::schema::survey_links;
use crate::error::AppError;
use crate::models::SurveyId;
use crate::state::AppState;

/// The stored form of a link's secret.
pub(crate) fn hash(token: &str) -> String {
    crate::text::hex(&sha2::Sha256::digest(token.as_bytes()))
}

pub(crate) fn fresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    crate::text::hex(&bytes)
}

#[derive(Insertable)]
#[diesel(table_name = survey_links)]
struct NewLink {
    survey_id: SurveyId,
    member_id: crate::models::MemberId,
    token_hash: String,
}

/// Makes a link for each member in scope who has none and gives them as CSV
/// (`membership_number,first_name,last_name,email,link`); audited as an export of those
/// members. `base` is the site's address, which the links start with.
pub(crate) async fn issue(
    state: &AppState,
    actor: Actor,
    id: SurveyId,
    base: String,
) -> Result<Vec<u8>, AppError> {
    let today = state.clock.today();
    state
        .db
        .write(move |conn| {
            let survey = super::owned(conn, actor, id)?;
            if today > survey.closes_on {
                return Err(AppError::Conflict(
                    "the survey has closed: no more links can be sent".into(),
                ));
            }
            let scope = super::scope_of(&survey)?;
            let held: Vec<crate::models::MemberId> = survey_links::table
                .filter(survey_links::survey_id.eq(id))
                .select(survey_links::member_id)
                .load(conn)?;
            let members = super::build::members_in(
                conn,
                scope,
                survey.employer_id,
                survey.job_role.as_deref(),
                today,
            )?;
            let mut csv = CsvWriter::new();
            csv.row([
                "membership_number",
                "first_name",
                "last_name",
                "email",
                "link",
            ])?;
            let mut sent = Vec::new();
            for member in members.iter().filter(|m| !held.contains(&m.id)) {
                let token = fresh_token();
                diesel::insert_into(survey_links::table)
                    .values(NewLink {
                        survey_id: id,
                        member_id: member.id,
                        token_hash: hash(&token),
                    })
                    .execute(conn)?;
                csv.row([
                    member.membership_number.as_str(),
                    member.first_name.as_str(),
                    member.last_name.as_str(),
                    member.email.as_deref().unwrap_or(""),
                    &format!("{}/s/{token}", base.trim_end_matches('/')),
                ])?;
                sent.push(member.id.0);
            }
            audit::record(
                conn,
                Event::new(actor.id, Action::Export, Entity::Survey)
                    .id(id.0)
                    .detail(format!("links={}", sent.len())),
            )?;
            audit::record_ids(
                conn,
                actor.id.into(),
                Action::Export,
                Entity::Member,
                "members sent a survey link",
                &sent,
            )?;
            csv.finish()
        })
        .await
}

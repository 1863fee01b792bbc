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

/// Makes a link for each member in the survey's scope who has none yet, returning each with
/// its token (which is stored only as a hash). Refused once the survey has closed.
pub(crate) fn create(
    conn: &mut crate::db::DbConn,
    survey: &crate::models::Survey,
    today: chrono::NaiveDate,
) -> Result<Vec<(crate::models::Member, String)>, AppError> {
    if today > survey.closes_on {
        return Err(AppError::Conflict(
            "the survey has closed: no more links can be sent".into(),
        ));
    }
    let scope = super::scope_of(survey)?;
    let held: Vec<crate::models::MemberId> = survey_links::table
        .filter(survey_links::survey_id.eq(survey.id))
        .select(survey_links::member_id)
        .load(conn)?;
    let members = super::build::members_in(
        conn,
        scope,
        survey.employer_id,
        survey.job_role.as_deref(),
        today,
    )?;
    let mut made = Vec::new();
    for member in members.into_iter().filter(|m| !held.contains(&m.id)) {
        let token = fresh_token();
        diesel::insert_into(survey_links::table)
            .values(NewLink {
                survey_id: survey.id,
                member_id: member.id,
                token_hash: hash(&token),
            })
            .execute(conn)?;
        made.push((member, token));
    }
    Ok(made)
}

/// A link as its member follows it.
pub(crate) fn address(base: &str, token: &str) -> String {
    format!("{}/s/{token}", base.trim_end_matches('/'))
}

/// The mail-merge CSV of links (`link` is `(emailed)` for those sent by email).
pub(crate) fn csv_of<'a>(
    rows: impl IntoIterator<Item = (&'a crate::models::Member, String)>,
) -> Result<Vec<u8>, AppError> {
    let mut csv = CsvWriter::new();
    csv.row([
        "membership_number",
        "first_name",
        "last_name",
        "email",
        "link",
    ])?;
    for (member, link) in rows {
        csv.row([
            member.membership_number.as_str(),
            member.first_name.as_str(),
            member.last_name.as_str(),
            member.email.as_deref().unwrap_or(""),
            link.as_str(),
        ])?;
    }
    csv.finish()
}

/// Records that links were made for these members, by `principal`.
pub(crate) fn audit_sent(
    conn: &mut crate::db::DbConn,
    principal: crate::audit::Principal,
    id: SurveyId,
    members: &[i64],
) -> Result<(), AppError> {
    audit::record(
        conn,
        Event::new(principal, Action::Export, Entity::Survey)
            .id(id.0)
            .detail(format!("links={}", members.len())),
    )?;
    audit::record_ids(
        conn,
        principal,
        Action::Export,
        Entity::Member,
        "members sent a survey link",
        members,
    )
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
            let made = create(conn, &survey, today)?;
            let sent: Vec<i64> = made.iter().map(|(m, _)| m.id.0).collect();
            audit_sent(conn, actor.id.into(), id, &sent)?;
            csv_of(made.iter().map(|(m, token)| (m, address(&base, token))))
        })
        .await
}

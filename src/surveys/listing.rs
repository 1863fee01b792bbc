//! Which surveys a user sees: administrators every one, builders their own, delegates those
//! that have closed (for their results); and the free-text answers, to the survey's owner only.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use crate::access::Actor;
use crate::audit::{Action, Entity, Event};
use crate::db::schema::{survey_answers, survey_questions, surveys};
use crate::error::AppError;
use crate::models::{Role, Survey, SurveyId};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveySummary {
    pub id: SurveyId,
    pub title: String,
    pub scope: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// `upcoming`, `open` or `closed`.
    pub status: String,
    /// Whether the caller built it (and so sees its progress and free-text answers).
    pub owner: bool,
}

/// The surveys the actor sees (`only`: that one), the latest to close first.
fn visible(
    conn: &mut crate::db::DbConn,
    actor: Actor,
    today: NaiveDate,
    only: Option<SurveyId>,
) -> QueryResult<Vec<SurveySummary>> {
    let mut query = surveys::table.into_boxed();
    match actor.role {
        Role::Admin => {}
        Role::Delegate => query = query.filter(surveys::closes_on.lt(today)),
        _ => query = query.filter(surveys::created_by.eq(actor.id)),
    }
    if let Some(id) = only {
        query = query.filter(surveys::id.eq(id));
    }
    let found: Vec<Survey> = query
        .order((surveys::closes_on.desc(), surveys::id.desc()))
        .select(Survey::as_select())
        .load(conn)?;
    Ok(found
        .into_iter()
        .map(|s| SurveySummary {
            status: if today < s.opens_on {
                "upcoming"
            } else if today <= s.closes_on {
                "open"
            } else {
                "closed"
            }
            .into(),
            owner: s.created_by == actor.id,
            id: s.id,
            title: s.title,
            scope: s.scope,
            opens_on: s.opens_on,
            closes_on: s.closes_on,
        })
        .collect())
}

/// The surveys the actor sees, the latest to close first.
pub(crate) async fn list(state: &AppState, actor: Actor) -> Result<Vec<SurveySummary>, AppError> {
    let today = state.clock.today();
    state
        .db
        .run(move |conn| Ok(visible(conn, actor, today, None)?))
        .await
}

/// One survey the actor sees (404 for any other).
pub(crate) async fn summary(
    state: &AppState,
    actor: Actor,
    id: SurveyId,
) -> Result<SurveySummary, AppError> {
    let today = state.clock.today();
    state
        .db
        .run(move |conn| {
            visible(conn, actor, today, Some(id))?
                .pop()
                .ok_or(AppError::NotFound)
        })
        .await
}

/// A free-text question's answers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Comments {
    pub position: i32,
    pub question: String,
    /// In no particular order (that of the responses' random ids).
    pub answers: Vec<String>,
}

/// The free-text answers of a closed survey, for the one who built it and no one else;
/// audited.
pub(crate) async fn comments(
    state: &AppState,
    actor: Actor,
    id: SurveyId,
) -> Result<Vec<Comments>, AppError> {
    let today = state.clock.today();
    state
        .db
        .write(move |conn| {
            let survey = Survey::find(conn, id)?.ok_or(AppError::NotFound)?;
            if survey.created_by != actor.id {
                return Err(AppError::NotFound);
            }
            if today <= survey.closes_on {
                return Err(AppError::Conflict(format!(
                    "free-text answers are shown once the survey has closed ({})",
                    survey.closes_on
                )));
            }
            let rows: Vec<(i32, String, Option<String>)> = survey_answers::table
                .inner_join(survey_questions::table)
                .filter(survey_questions::survey_id.eq(id))
                .filter(survey_answers::text.is_not_null())
                .order((survey_questions::position, survey_answers::response_id))
                .select((
                    survey_questions::position,
                    survey_questions::text,
                    survey_answers::text,
                ))
                .load(conn)?;
            let mut out: Vec<Comments> = Vec::new();
            for (position, question, text) in rows {
                let Some(text) = text else { continue };
                match out.last_mut() {
                    Some(last) if last.position == position => last.answers.push(text),
                    _ => out.push(Comments {
                        position,
                        question,
                        answers: vec![text],
                    }),
                }
            }
            crate::audit::record(
                conn,
                Event::new(actor.id, Action::Read, Entity::Survey)
                    .id(id.0)
                    .detail("free text"),
            )?;
            Ok(out)
        })
        .await
}

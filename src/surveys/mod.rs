//! Member surveys: built by an officer (their branch), an organiser (their region or a branch in
//! it) or an administrator (any scope); sent by one-time links; answered with no account; the
//! results worked out once when the survey closes, through the evidence's perturbation and
//! disclosure rules. No answer can be traced to a member: docs/SECURITY.md, "Member surveys".

pub mod answer;
pub mod build;
pub mod email;
pub mod links;
pub mod listing;
pub mod results;

use crate::access::{Actor, ReportScope};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Role, Survey, SurveyId};

/// A survey the actor built (administrators: any survey); 404 for one that does not exist or
/// that someone else built.
pub(crate) fn owned(conn: &mut DbConn, actor: Actor, id: SurveyId) -> Result<Survey, AppError> {
    let survey = Survey::find(conn, id)?.ok_or(AppError::NotFound)?;
    if survey.created_by == actor.id || actor.role == Role::Admin {
        Ok(survey)
    } else {
        Err(AppError::NotFound)
    }
}

/// The scope a survey was stored with.
pub(crate) fn scope_of(survey: &Survey) -> Result<ReportScope, AppError> {
    survey
        .scope
        .parse()
        .map_err(|_| AppError::Internal(format!("survey {} has no valid scope", survey.id)))
}

/// A survey the actor built (administrators: any), its questions and its progress so far.
pub(crate) async fn view(
    state: &crate::state::AppState,
    actor: Actor,
    id: SurveyId,
) -> Result<(Survey, Vec<crate::models::Question>, results::Progress), AppError> {
    state
        .db
        .run(move |conn| {
            let survey = owned(conn, actor, id)?;
            let questions = survey.questions(conn)?;
            let progress = results::progress(conn, id)?;
            Ok((survey, questions, progress))
        })
        .await
}

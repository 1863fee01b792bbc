//! Answering by link, with no account. The link is marked used and the answers are stored with
//! a random response id, the survey and the date only, in one transaction: a link answers once,
//! and concurrent answers on one link give one response (the conditional update decides). The
//! audit trail says that the survey was answered, not by whom.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use rand::{Rng, RngCore};

use super::links::hash;
use crate::audit::{self, Action, Entity, Event, Principal};
use crate::db::DbConn;
use crate::db::schema::{survey_answers, survey_links, survey_responses};
use crate::error::{AppError, FieldErrors};
use crate::models::{Question, QuestionKind, Survey, SurveyId};
use crate::state::AppState;

pub const TEXT_MAX: usize = 2000;

/// A survey as its link shows it.
pub struct Open {
    pub survey: Survey,
    pub questions: Vec<Question>,
}

/// The survey behind a link that may still answer: 404 for no such link, 410 once it has
/// answered or the survey has closed, 409 before it opens.
fn open_survey(conn: &mut DbConn, token: &str, today: NaiveDate) -> Result<(i64, Open), AppError> {
    let (link, survey_id, used): (i64, SurveyId, bool) = survey_links::table
        .filter(survey_links::token_hash.eq(hash(token)))
        .select((
            survey_links::id,
            survey_links::survey_id,
            survey_links::used,
        ))
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if used {
        return Err(AppError::Gone(
            "this link has already been used to answer the survey: each link answers once".into(),
        ));
    }
    let survey = Survey::find(conn, survey_id)?.ok_or(AppError::NotFound)?;
    if today > survey.closes_on {
        return Err(AppError::Gone(format!(
            "the survey closed on {}: thank you, but it takes no more answers",
            survey.closes_on
        )));
    }
    if today < survey.opens_on {
        return Err(AppError::Conflict(format!(
            "the survey opens on {}: come back then",
            survey.opens_on
        )));
    }
    let questions = survey.questions(conn)?;
    Ok((link, Open { survey, questions }))
}

/// The survey to show at a link.
pub(crate) async fn show(state: &AppState, token: String) -> Result<Open, AppError> {
    let today = state.clock.today();
    state
        .db
        .run(move |conn| open_survey(conn, &token, today).map(|(_, open)| open))
        .await
}

/// One answer as stored.
#[derive(Insertable)]
#[diesel(table_name = survey_answers)]
struct NewAnswer {
    response_id: String,
    question_id: crate::models::QuestionId,
    chosen: Option<i64>,
    number: Option<f64>,
    text: Option<String>,
}

impl NewAnswer {
    /// An answer to `q`, its response id given when it is stored.
    fn of(q: &Question, chosen: Option<i64>, number: Option<f64>, text: Option<String>) -> Self {
        Self {
            response_id: String::new(),
            question_id: q.id,
            chosen,
            number,
            text,
        }
    }
}

/// The answers a form gives, checked against the questions: `q{id}` per question (several
/// values for a several-choice one). Every question may be left out, but not all of them.
fn answers(
    questions: &[Question],
    form: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<NewAnswer>, AppError> {
    let mut errors = FieldErrors::new();
    let mut out = Vec::new();
    for q in questions {
        let field = format!("q{}", q.id);
        let given: Vec<&str> = form
            .get(&field)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if given.is_empty() {
            continue;
        }
        let options = q.options().len() as i64;
        match q.kind {
            QuestionKind::Single | QuestionKind::Scale | QuestionKind::Several => {
                let picked: Option<Vec<i64>> = given
                    .iter()
                    .map(|g| g.parse::<i64>().ok().filter(|i| (0..options).contains(i)))
                    .collect();
                match picked {
                    Some(p) if q.kind == QuestionKind::Several || p.len() == 1 => {
                        let bits = p.iter().fold(0i64, |bits, i| bits | (1 << i));
                        out.push(NewAnswer::of(q, Some(bits), None, None));
                    }
                    _ => {
                        errors.insert(field, "choose one of the answers offered".into());
                    }
                }
            }
            QuestionKind::Number => {
                let (min, max) = (
                    q.min_value.unwrap_or(f64::MIN),
                    q.max_value.unwrap_or(f64::MAX),
                );
                match given[0].parse::<f64>() {
                    Ok(n) if n.is_finite() && n >= min && n <= max && given.len() == 1 => {
                        out.push(NewAnswer::of(q, None, Some(n), None));
                    }
                    _ => {
                        errors.insert(field, format!("give a number from {min} to {max}"));
                    }
                }
            }
            QuestionKind::Text => {
                let text = given.join("\n");
                match crate::validate::paragraph_problem(&text, TEXT_MAX) {
                    None => out.push(NewAnswer::of(q, None, None, Some(text))),
                    Some(why) => {
                        errors.insert(field, why);
                    }
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::unprocessable(errors));
    }
    if out.is_empty() {
        return Err(AppError::invalid("form", "answer at least one question"));
    }
    Ok(out)
}

/// The employer and job role of a link's member, each only when at least the minimum group
/// (`evidence_min_group`) of the survey's recipients share it: a response is never the only
/// one, or one of a few, that a group could be.
fn groups(
    conn: &mut DbConn,
    link: i64,
    survey: SurveyId,
) -> Result<(Option<crate::models::EmployerId>, Option<String>), AppError> {
    use crate::db::schema::members;
    let (employer, job_role): (crate::models::EmployerId, String) = survey_links::table
        .inner_join(members::table)
        .filter(survey_links::id.eq(link))
        .select((members::employer_id, members::job_role))
        .first(conn)?;
    let minimum = crate::models::Settings::load(conn)?.evidence_min_group;
    let recipients = || {
        survey_links::table
            .inner_join(members::table)
            .filter(survey_links::survey_id.eq(survey))
            .into_boxed()
    };
    let with_employer: i64 = recipients()
        .filter(members::employer_id.eq(employer))
        .count()
        .get_result(conn)?;
    let with_role: i64 = recipients()
        .filter(members::job_role.eq(job_role.clone()))
        .count()
        .get_result(conn)?;
    Ok((
        (with_employer >= minimum).then_some(employer),
        (with_role >= minimum).then_some(job_role),
    ))
}

/// A random id a response is stored under (nothing orders it by time or by member).
pub(crate) fn response_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    crate::text::hex(&bytes)
}

/// Stores the answers given at a link and marks it used, or answers 410 if it was used first.
pub(crate) async fn submit(
    state: &AppState,
    token: String,
    form: BTreeMap<String, Vec<String>>,
) -> Result<SurveyId, AppError> {
    let today = state.clock.today();
    state
        .db
        .write(move |conn| {
            let (link, open) = open_survey(conn, &token, today)?;
            let answers = answers(&open.questions, &form)?;
            let claimed = diesel::update(
                survey_links::table
                    .filter(survey_links::id.eq(link))
                    .filter(survey_links::used.eq(false)),
            )
            .set(survey_links::used.eq(true))
            .execute(conn)?;
            if claimed != 1 {
                return Err(AppError::Gone(
                    "this link has already been used to answer the survey: each link answers once"
                        .into(),
                ));
            }
            let (employer, job_role) = groups(conn, link, open.survey.id)?;
            let id = response_id();
            diesel::insert_into(survey_responses::table)
                .values((
                    survey_responses::id.eq(&id),
                    survey_responses::survey_id.eq(open.survey.id),
                    survey_responses::answered_on.eq(today),
                    survey_responses::record_key.eq(rand::rng().random_range(0..4096)),
                    survey_responses::employer_id.eq(employer),
                    survey_responses::job_role.eq(job_role),
                ))
                .execute(conn)?;
            for answer in answers {
                diesel::insert_into(survey_answers::table)
                    .values(NewAnswer {
                        response_id: id.clone(),
                        ..answer
                    })
                    .execute(conn)?;
            }
            audit::record(
                conn,
                Event::new(Principal::Anonymous, Action::Create, Entity::Survey)
                    .id(open.survey.id.0)
                    .detail("answered"),
            )?;
            Ok(open.survey.id)
        })
        .await
}

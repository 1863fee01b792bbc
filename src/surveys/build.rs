//! Building a survey: its fields and questions checked together, every problem named; its scope
//! the caller's to survey and large enough that its results can be published.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::access::{Actor, ReportScope};
use crate::audit::{self, Action, Entity, Event};
use crate::db::DbConn;
use crate::db::schema::survey_questions;
use crate::error::{AppError, FieldErrors};
use crate::models::{
    Employer, EmployerId, NewQuestion, NewSurvey, Question, QuestionKind, Settings, Survey,
};
use crate::state::AppState;
use crate::validate::{line_problem, optional_text, paragraph_problem};

pub const TITLE_MAX: usize = 200;
pub const INTRODUCTION_MAX: usize = 4000;
pub const QUESTION_MAX: usize = 500;
pub const CHOICE_MAX: usize = 200;
pub const QUESTIONS_MAX: usize = 50;
pub const CHOICES_MAX: usize = 20;
/// The longest a survey may stay open.
pub const OPEN_DAYS_MAX: i64 = 180;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyInput {
    #[schema(max_length = 200, example = "Caseloads and supervision, spring 2027")]
    pub title: String,
    #[schema(max_length = 4000)]
    pub introduction: Option<String>,
    /// `national`, `region:ID` or `branch:ID`: the caller's own area when left out.
    #[schema(example = "branch:4")]
    pub scope: Option<String>,
    /// Only the members of this employer.
    pub employer_id: Option<EmployerId>,
    /// Only the members with this job role (as the member records spell it).
    #[schema(max_length = 100)]
    pub job_role: Option<String>,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub questions: Vec<QuestionInput>,
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    pub kind: QuestionKind,
    #[schema(
        max_length = 500,
        example = "The scheme will result in more pressure on social workers"
    )]
    pub text: String,
    /// The choices of a `single` or `several` question (2 to 20).
    #[serde(default)]
    pub choices: Option<Vec<String>>,
    /// The range of a `number` question.
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

/// A question's fields checked (its survey and position given when it is stored), or its
/// problems under `questions[i].field`.
fn question(errors: &mut FieldErrors, i: usize, q: QuestionInput) -> Option<NewQuestion> {
    let field = |name: &str| format!("questions[{i}].{name}");
    let before = errors.len();
    let text = q.text.trim().to_owned();
    if let Some(why) = line_problem(&text, QUESTION_MAX) {
        errors.insert(field("text"), why);
    }
    let choices = match (q.kind, q.choices) {
        (QuestionKind::Single | QuestionKind::Several, Some(choices)) => {
            let choices: Vec<String> = choices.iter().map(|c| c.trim().to_owned()).collect();
            let mut distinct = choices.clone();
            distinct.sort();
            distinct.dedup();
            if !(2..=CHOICES_MAX).contains(&choices.len()) {
                errors.insert(
                    field("choices"),
                    format!("give from 2 to {CHOICES_MAX} choices"),
                );
            } else if let Some(why) = choices.iter().find_map(|c| line_problem(c, CHOICE_MAX)) {
                errors.insert(field("choices"), format!("each choice {why}"));
            } else if distinct.len() != choices.len() {
                errors.insert(field("choices"), "each choice must be different".into());
            }
            Some(choices.join("\n"))
        }
        (QuestionKind::Single | QuestionKind::Several, None) => {
            errors.insert(
                field("choices"),
                format!("give from 2 to {CHOICES_MAX} choices"),
            );
            None
        }
        (_, Some(_)) => {
            errors.insert(
                field("choices"),
                "only a one-choice or several-choice question has choices".into(),
            );
            None
        }
        (_, None) => None,
    };
    let (min, max) = match (q.kind, q.min, q.max) {
        (QuestionKind::Number, Some(min), Some(max))
            if min.is_finite() && max.is_finite() && min < max && min >= -1e9 && max <= 1e9 =>
        {
            (Some(min), Some(max))
        }
        (QuestionKind::Number, _, _) => {
            errors.insert(
                field("max"),
                "a number question needs a range: min below max (such as 0 to 100)".into(),
            );
            (None, None)
        }
        (_, None, None) => (None, None),
        _ => {
            errors.insert(field("min"), "only a number question has a range".into());
            (None, None)
        }
    };
    (errors.len() == before).then_some(NewQuestion {
        survey_id: crate::models::SurveyId(0),
        position: i as i32 + 1,
        kind: q.kind,
        text,
        choices,
        min_value: min,
        max_value: max,
    })
}

/// Members in a survey's scope now, narrowed as it says: those its links go to.
pub(crate) fn members_in(
    conn: &mut DbConn,
    scope: ReportScope,
    employer: Option<EmployerId>,
    job_role: Option<&str>,
    today: NaiveDate,
) -> QueryResult<Vec<crate::models::Member>> {
    use crate::db::schema::members;
    let mut query = crate::access::RecordScope::of_report(scope)
        .members()
        .filter(
            members::start_date
                .is_null()
                .or(members::start_date.le(today)),
        )
        .filter(members::left_on.is_null().or(members::left_on.ge(today)));
    if let Some(employer) = employer {
        query = query.filter(members::employer_id.eq(employer));
    }
    if let Some(role) = job_role {
        query = query.filter(members::job_role.eq(role.to_owned()));
    }
    let found: Vec<crate::models::Member> = query
        .order(members::id)
        .select(crate::models::Member::as_select())
        .load(conn)?;
    Ok(found
        .into_iter()
        .filter(|m| !crate::casework::protection::is_erased(m))
        .collect())
}

/// Creates a survey the actor may build, with its questions; audited.
pub(crate) async fn create(
    state: &AppState,
    actor: Actor,
    input: SurveyInput,
) -> Result<(Survey, Vec<Question>), AppError> {
    actor.records()?;
    let today = state.clock.today();
    state
        .db
        .write(move |conn| {
            let scope = match input.scope.as_deref() {
                None => ReportScope::default_for(actor.scope),
                Some(text) => text
                    .parse::<ReportScope>()
                    .map_err(|why| AppError::invalid("scope", why))?,
            };
            scope.check_allowed(conn, actor.scope)?;
            let mut errors = FieldErrors::new();
            let title = optional_text(&mut errors, "title", Some(input.title), line_problem, TITLE_MAX);
            if title.is_none() && !errors.contains_key("title") {
                errors.insert("title".into(), "is required".into());
            }
            let introduction = optional_text(
                &mut errors,
                "introduction",
                input.introduction,
                paragraph_problem,
                INTRODUCTION_MAX,
            );
            let job_role = optional_text(&mut errors, "job_role", input.job_role, line_problem, 100);
            if let Some(employer) = input.employer_id
                && Employer::find(conn, employer).optional()?.is_none()
            {
                errors.insert("employer_id".into(), "no such employer".into());
            }
            if input.closes_on < today {
                errors.insert("closes_on".into(), "must not be in the past".into());
            } else if input.closes_on < input.opens_on {
                errors.insert("closes_on".into(), "must be on or after opens_on".into());
            } else if (input.closes_on - input.opens_on).num_days() > OPEN_DAYS_MAX {
                errors.insert(
                    "closes_on".into(),
                    format!("a survey may stay open at most {OPEN_DAYS_MAX} days"),
                );
            }
            if input.questions.is_empty() || input.questions.len() > QUESTIONS_MAX {
                errors.insert(
                    "questions".into(),
                    format!("give from 1 to {QUESTIONS_MAX} questions"),
                );
            }
            let questions: Vec<_> = input
                .questions
                .into_iter()
                .enumerate()
                .map(|(i, q)| question(&mut errors, i, q))
                .collect();
            if !errors.is_empty() {
                return Err(AppError::unprocessable(errors));
            }
            let minimum = Settings::load(conn)?.evidence_min_scope_members;
            let reached = members_in(conn, scope, input.employer_id, job_role.as_deref(), today)?;
            if (reached.len() as i64) < minimum {
                return Err(AppError::invalid(
                    "scope",
                    format!(
                        "the survey would reach {} members, fewer than the {minimum} its results need to be published safely (the same minimum as an evidence scope)",
                        reached.len()
                    ),
                ));
            }
            let survey = Survey::create(
                conn,
                &NewSurvey {
                    title: title.unwrap_or_default(),
                    introduction,
                    scope: scope.to_string(),
                    employer_id: input.employer_id,
                    job_role,
                    opens_on: input.opens_on,
                    closes_on: input.closes_on,
                    created_by: actor.id,
                    created_at: Utc::now().naive_utc(),
                },
            )?;
            let rows: Vec<NewQuestion> = questions
                .into_iter()
                .flatten()
                .map(|q| NewQuestion {
                    survey_id: survey.id,
                    ..q
                })
                .collect();
            for row in &rows {
                diesel::insert_into(survey_questions::table)
                    .values(row)
                    .execute(conn)?;
            }
            audit::record(
                conn,
                Event::new(actor.id, Action::Create, Entity::Survey)
                    .id(survey.id.0)
                    .detail(format!("scope={} questions={}", survey.scope, rows.len())),
            )?;
            let questions = survey.questions(conn)?;
            Ok((survey, questions))
        })
        .await
}

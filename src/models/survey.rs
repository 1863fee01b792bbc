use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::QuestionKind;
use super::ids::{EmployerId, QuestionId, SurveyId, UserId};
use crate::db::schema::{survey_questions, surveys};
use crate::db::{DbConn, Sql};

/// The five points of an agree–disagree question, in order.
pub const SCALE: [&str; 5] = [
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
];

/// A survey of the members of a scope.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = surveys)]
pub struct Survey {
    pub id: SurveyId,
    pub title: String,
    pub introduction: Option<String>,
    /// `national`, `region:ID` or `branch:ID`.
    pub scope: String,
    pub employer_id: Option<EmployerId>,
    pub job_role: Option<String>,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub created_by: UserId,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// The frozen results (JSON), once worked out.
    #[serde(skip)]
    pub results: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = surveys)]
pub struct NewSurvey {
    pub title: String,
    pub introduction: Option<String>,
    pub scope: String,
    pub employer_id: Option<EmployerId>,
    pub job_role: Option<String>,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
}

/// One question of a survey.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = survey_questions)]
pub struct Question {
    pub id: QuestionId,
    #[serde(skip)]
    pub survey_id: SurveyId,
    pub position: i32,
    pub kind: QuestionKind,
    pub text: String,
    /// One per line.
    #[serde(skip)]
    pub choices: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = survey_questions)]
pub struct NewQuestion {
    pub survey_id: SurveyId,
    pub position: i32,
    pub kind: QuestionKind,
    pub text: String,
    pub choices: Option<String>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
}

impl Question {
    /// The labels a respondent chooses from: the question's own, or the scale's.
    pub fn options(&self) -> Vec<String> {
        match self.kind {
            QuestionKind::Scale => SCALE.iter().map(|s| (*s).to_owned()).collect(),
            _ => self
                .choices
                .as_deref()
                .map(|c| c.lines().map(str::to_owned).collect())
                .unwrap_or_default(),
        }
    }
}

impl Survey {
    pub(crate) fn create(conn: &mut DbConn, new: &NewSurvey) -> QueryResult<Survey> {
        diesel::insert_into(surveys::table)
            .values(new)
            .returning(<Survey as Selectable<Sql>>::construct_selection())
            .get_result(conn)
    }

    pub(crate) fn find(conn: &mut DbConn, id: SurveyId) -> QueryResult<Option<Survey>> {
        surveys::table
            .find(id)
            .select(Survey::as_select())
            .first(conn)
            .optional()
    }

    pub(crate) fn questions(&self, conn: &mut DbConn) -> QueryResult<Vec<Question>> {
        survey_questions::table
            .filter(survey_questions::survey_id.eq(self.id))
            .order(survey_questions::position)
            .select(Question::as_select())
            .load(conn)
    }

    /// Whether it takes answers on `today`.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.opens_on <= today && today <= self.closes_on
    }
}

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::DeadlineKind;
use super::ids::{CaseId, DeadlineId};
use crate::db::schema::deadlines;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = deadlines)]
pub struct Deadline {
    pub id: DeadlineId,
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub done: bool,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = deadlines)]
pub struct NewDeadline {
    pub case_id: CaseId,
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = deadlines)]
pub struct UpdateDeadline {
    pub due_on: Option<NaiveDate>,
    pub done: Option<bool>,
    pub note: Option<Option<String>>,
}

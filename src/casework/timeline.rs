//! A case's timeline: entries added by hand, and corrections by their author that keep what was
//! first written.

use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use crate::access::Actor;
use crate::audit::{self, Event};
use crate::db::DbConn;
use crate::error::{AppError, FieldErrors};
use crate::models::*;

pub const EVENT_MAX: usize = 10_000;

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub occurred_on: NaiveDate,
    pub kind: EventKind,
    /// What happened (confidential), at most 10,000 characters.
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
}

/// A correction of an entry: a new date, new text, or both.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventCorrection {
    pub occurred_on: Option<NaiveDate>,
    #[schema(min_length = 1, max_length = 10000)]
    pub text: Option<String>,
}

/// Every problem with an entry's date and text, at once; the text trimmed. A hearing or a
/// meeting may be planned up to a year ahead; anything else is recorded once it has happened.
fn checked(kind: EventKind, occurred_on: NaiveDate, text: &str) -> Result<String, AppError> {
    let mut errors = FieldErrors::new();
    let today = Utc::now().date_naive();
    let planned = matches!(kind, EventKind::Hearing | EventKind::Meeting);
    if occurred_on > today + chrono::Days::new(366) || occurred_on.year() < 1990 {
        errors.insert(
            "occurred_on".into(),
            "must be within a year from today and in 1990 or later".into(),
        );
    } else if occurred_on > today && !planned {
        errors.insert(
            "occurred_on".into(),
            "must not be in the future: only a hearing or a meeting is planned ahead".into(),
        );
    }
    let text = text.trim().to_owned();
    if text.is_empty() {
        errors.insert("text".into(), "is required".into());
    } else if let Some(why) = crate::validate::paragraph_problem(&text, EVENT_MAX) {
        errors.insert("text".into(), why);
    }
    if errors.is_empty() {
        Ok(text)
    } else {
        Err(AppError::unprocessable(errors))
    }
}

/// An entry caseload writes for a change to the case (a stage, an outcome, a referral, a rep
/// taking it, a hearing moved), dated `on`: a system entry, which cannot be corrected.
pub(crate) fn system_entry(
    conn: &mut DbConn,
    case: CaseId,
    actor: UserId,
    kind: EventKind,
    text: String,
    on: NaiveDate,
) -> Result<(), AppError> {
    CaseEvent::create(
        conn,
        &NewCaseEvent {
            case_id: case,
            occurred_on: on,
            kind,
            text,
            author_id: Some(actor),
            system: true,
        },
    )?;
    Ok(())
}

pub(crate) fn add_event(
    conn: &mut DbConn,
    actor: Actor,
    id: CaseId,
    input: EventInput,
) -> Result<CaseEvent, AppError> {
    actor.writable_case(conn, id)?;
    if input.kind.written_by_the_workflow() {
        return Err(AppError::invalid(
            "kind",
            "stage changes and outcomes are recorded by changing the case",
        ));
    }
    let text = checked(input.kind, input.occurred_on, &input.text)?;
    let event = CaseEvent::create(
        conn,
        &NewCaseEvent {
            case_id: id,
            occurred_on: input.occurred_on,
            kind: input.kind,
            text,
            author_id: Some(actor.id),
            system: false,
        },
    )?;
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Create,
            crate::audit::Entity::CaseEvent,
        )
        .id(event.id.0)
        .detail(format!("case={id}")),
    )?;
    Ok(event)
}

/// Corrects an entry of case `id`. Only its author may, and only entries written by hand (a
/// stage change or outcome is mended by changing the case); the earlier version is kept.
pub(crate) fn correct_event(
    conn: &mut DbConn,
    actor: Actor,
    id: CaseId,
    event: CaseEventId,
    correction: EventCorrection,
) -> Result<CaseEvent, AppError> {
    let case = actor.writable_case(conn, id)?;
    let found = case.event(conn, event)?;
    actor.correction(&case, &found)?;
    let occurred_on = correction.occurred_on.unwrap_or(found.occurred_on);
    let text = checked(
        found.kind,
        occurred_on,
        correction.text.as_deref().unwrap_or(&found.text),
    )?;
    if occurred_on == found.occurred_on && text == found.text {
        return Ok(found);
    }
    let corrected = CaseEvent::correct(conn, &found, occurred_on, &text, actor.id)?;
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Update,
            crate::audit::Entity::CaseEvent,
        )
        .id(event.0)
        .detail(format!("case={id} corrected")),
    )?;
    Ok(corrected)
}

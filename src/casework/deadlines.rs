//! A case's hearings and deadlines: added by hand or computed by the rules, changed, marked
//! done and undone; each keeps who added it and who last changed it.

use chrono::{Datelike, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;

use super::dates;
use crate::access::Actor;
use crate::audit::{self, Event};
use crate::db::DbConn;
use crate::error::{AppError, FieldErrors};
use crate::models::*;
use crate::validate::{double_option, line_problem, optional_text, paragraph_problem};

pub const NOTE_MAX: usize = 500;
pub const PLACE_MAX: usize = 200;

/// A deadline by hand (`due_on`), or computed by the rules from a date (`from`): the
/// tribunal limitation date, or the end of the appeal window. A hearing may have a start time
/// (`HH:MM`) and a place.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineInput {
    pub kind: DeadlineKind,
    pub due_on: Option<NaiveDate>,
    pub from: Option<NaiveDate>,
    /// A tribunal deadline under ACAS early conciliation: the day ACAS was contacted (Day A)
    /// and the day its certificate came (Day B), both or neither; the limit is extended as
    /// the Employment Rights Act 1996 s.207B says.
    #[serde(default)]
    pub acas_day_a: Option<NaiveDate>,
    #[serde(default)]
    pub acas_day_b: Option<NaiveDate>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9])?$", example = "14:30")]
    pub starts_at: Option<String>,
    #[schema(max_length = 200, example = "Town Hall, committee room B")]
    pub place: Option<String>,
}

/// A change to a deadline: any of its fields, `null` clearing the optional ones.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeadlineChanges {
    pub kind: Option<DeadlineKind>,
    pub due_on: Option<NaiveDate>,
    /// ACAS early conciliation of a tribunal deadline, Day A and Day B together: the due date
    /// becomes the limit it had without conciliation, extended by s.207B.
    pub acas_day_a: Option<NaiveDate>,
    pub acas_day_b: Option<NaiveDate>,
    pub done: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 500)]
    pub note: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "^(([01][0-9]|2[0-3]):[0-5][0-9])?$", example = "14:30")]
    pub starts_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 200, example = "Town Hall, committee room B")]
    pub place: Option<Option<String>>,
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A start time as `HH:MM`, 24-hour.
fn time(errors: &mut FieldErrors, value: Option<String>) -> Option<String> {
    let value = value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())?;
    match NaiveTime::parse_from_str(&value, "%H:%M") {
        Ok(at) => Some(at.format("%H:%M").to_string()),
        Err(_) => {
            errors.insert(
                "starts_at".into(),
                format!("{value} is not a time of day (HH:MM, 24-hour)"),
            );
            None
        }
    }
}

fn check_due(errors: &mut FieldErrors, due_on: NaiveDate) {
    if due_on.year() < 1990 || due_on > today() + chrono::Days::new(3 * 366) {
        errors.insert(
            "due_on".into(),
            "must be within three years from today and in 1990 or later".into(),
        );
    }
}

/// The appeal window and tribunal limitation date an outcome given on `on` starts.
pub(crate) fn after_outcome(
    conn: &mut DbConn,
    on: NaiveDate,
) -> Result<Vec<(DeadlineKind, NaiveDate)>, AppError> {
    [DeadlineKind::Appeal, DeadlineKind::Tribunal]
        .into_iter()
        .map(|kind| Ok((kind, due_date(conn, kind, None, Some(on))?)))
        .collect()
}

/// A due date once ACAS early conciliation is allowed for, and the limit without it.
struct Extended {
    due_on: NaiveDate,
    unextended_on: Option<NaiveDate>,
}

/// `limit` extended by ACAS early conciliation from Day A to Day B, when both are given (a
/// tribunal deadline only). Conciliation begun after the limit extends nothing: the dates
/// are kept, the limit stands, and the deadline says so.
fn conciliation(
    kind: DeadlineKind,
    limit: NaiveDate,
    day_a: Option<NaiveDate>,
    day_b: Option<NaiveDate>,
) -> Result<Extended, AppError> {
    let (day_a, day_b) = match (day_a, day_b) {
        (None, None) => {
            return Ok(Extended {
                due_on: limit,
                unextended_on: None,
            });
        }
        (Some(a), Some(b)) => (a, b),
        (Some(_), None) => return Err(AppError::invalid("acas_day_b", "give Day B with Day A")),
        (None, Some(_)) => return Err(AppError::invalid("acas_day_a", "give Day A with Day B")),
    };
    if kind != DeadlineKind::Tribunal {
        return Err(AppError::invalid(
            "acas_day_a",
            "early conciliation extends a tribunal limitation date only",
        ));
    }
    let due_on = match dates::with_conciliation(limit, day_a, day_b) {
        None => {
            return Err(AppError::invalid(
                "acas_day_b",
                format!("must not be before Day A ({day_a})"),
            ));
        }
        Some(dates::Conciliation::TooLate) => limit,
        Some(dates::Conciliation::Limit(extended)) => extended,
    };
    Ok(Extended {
        due_on,
        unextended_on: Some(limit),
    })
}

/// The due date given, or computed by the rules from `from`.
fn due_date(
    conn: &mut DbConn,
    kind: DeadlineKind,
    due_on: Option<NaiveDate>,
    from: Option<NaiveDate>,
) -> Result<NaiveDate, AppError> {
    match (due_on, from, kind) {
        (Some(_), Some(_), _) => Err(AppError::invalid(
            "from",
            "give either the date or the date it runs from, not both",
        )),
        (Some(due), None, _) => Ok(due),
        (None, Some(from), DeadlineKind::Tribunal) => dates::tribunal_limitation(from)
            .ok_or_else(|| AppError::invalid("from", "is out of range")),
        (None, Some(from), DeadlineKind::Appeal) => {
            let days = Settings::load(conn)?.appeal_working_days;
            let (first, last) = dates::bank_holiday_years();
            if from.year() < first {
                return Err(AppError::invalid(
                    "from",
                    format!("bank holidays are known from {first}"),
                ));
            }
            dates::appeal_deadline(from, days as u32).ok_or_else(|| {
                AppError::invalid("from", format!("bank holidays are known up to {last}"))
            })
        }
        (None, Some(_), _) => Err(AppError::invalid(
            "from",
            "only tribunal and appeal deadlines are computed; give the date",
        )),
        (None, None, _) => Err(AppError::invalid("due_on", "is required")),
    }
}

pub(crate) fn add_deadline(
    conn: &mut DbConn,
    actor: Actor,
    id: CaseId,
    input: DeadlineInput,
) -> Result<Deadline, AppError> {
    actor.writable_case(conn, id)?;
    let limit = due_date(conn, input.kind, input.due_on, input.from)?;
    let extended = conciliation(input.kind, limit, input.acas_day_a, input.acas_day_b)?;
    let mut errors = FieldErrors::new();
    check_due(&mut errors, extended.due_on);
    let new = NewDeadline {
        note: optional_text(&mut errors, "note", input.note, paragraph_problem, NOTE_MAX),
        starts_at: time(&mut errors, input.starts_at),
        place: optional_text(&mut errors, "place", input.place, line_problem, PLACE_MAX),
        created_by: Some(actor.id),
        counted_from: input.from,
        acas_day_a: input.acas_day_a,
        acas_day_b: input.acas_day_b,
        unextended_on: extended.unextended_on,
        ..NewDeadline::by_hand(id, input.kind, extended.due_on)
    };
    if !errors.is_empty() {
        return Err(AppError::unprocessable(errors));
    }
    let deadline = Deadline::create(conn, &new)?;
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Create,
            crate::audit::Entity::Deadline,
        )
        .id(deadline.id.0)
        .detail(format!("case={id}")),
    )?;
    Ok(deadline)
}

/// Changes a deadline; `case`, when given, must be the deadline's case (the page's address
/// names both).
/// The timeline's line for a deadline moved (its date, or a hearing's time or place), saying
/// where it was and where it is now; none when it stays where it was.
fn moved(before: &Deadline, after: &Deadline) -> Option<String> {
    let when = |d: &Deadline| {
        let mut out = crate::text::day_with_weekday(d.due_on);
        if let Some(at) = &d.starts_at {
            out.push_str(&format!(" {at}"));
        }
        if let Some(place) = &d.place {
            out.push_str(&format!(", {place}"));
        }
        out
    };
    let (was, now) = (when(before), when(after));
    (was != now).then(|| format!("{} moved: {was} → {now}", after.kind.label()))
}

/// The timeline kind of a deadline's entries: a hearing's are hearings, the others notes.
fn kind_of(deadline: &Deadline) -> EventKind {
    if deadline.kind == DeadlineKind::Hearing {
        EventKind::Hearing
    } else {
        EventKind::Note
    }
}

pub(crate) fn change_deadline(
    conn: &mut DbConn,
    actor: Actor,
    case: Option<CaseId>,
    id: DeadlineId,
    changes: DeadlineChanges,
) -> Result<Deadline, AppError> {
    let deadline = Deadline::find(conn, id)?
        .filter(|d| case.is_none_or(|case| case == d.case_id))
        .ok_or(AppError::NotFound)?;
    actor.writable_case(conn, deadline.case_id)?;
    let mut errors = FieldErrors::new();
    let mut update = UpdateDeadline::by(actor.id);
    let mut changed = Vec::new();
    if let Some(kind) = changes.kind {
        update.kind = Some(kind);
        changed.push("kind");
    }
    if let Some(due_on) = changes.due_on {
        check_due(&mut errors, due_on);
        update.due_on = Some(due_on);
        changed.push("due_on");
    }
    if changes.acas_day_a.is_some() || changes.acas_day_b.is_some() {
        // Counted again from the limit without conciliation (or the date given now).
        let limit = changes
            .due_on
            .or(deadline.unextended_on)
            .unwrap_or(deadline.due_on);
        let kind = changes.kind.unwrap_or(deadline.kind);
        let extended = conciliation(kind, limit, changes.acas_day_a, changes.acas_day_b)?;
        update.due_on = Some(extended.due_on);
        update.acas_day_a = Some(changes.acas_day_a);
        update.acas_day_b = Some(changes.acas_day_b);
        update.unextended_on = Some(extended.unextended_on);
        changed.push("acas");
    }
    if let Some(done) = changes.done {
        update.done = Some(done);
        // Marked by hand: no longer the case's closing's to undo.
        update.closed_with_case = Some(false);
        changed.push(if done { "done" } else { "not done" });
    }
    if let Some(note) = changes.note {
        update.note = Some(optional_text(
            &mut errors,
            "note",
            note,
            paragraph_problem,
            NOTE_MAX,
        ));
        changed.push("note");
    }
    if let Some(starts_at) = changes.starts_at {
        update.starts_at = Some(time(&mut errors, starts_at));
        changed.push("starts_at");
    }
    if let Some(place) = changes.place {
        update.place = Some(optional_text(
            &mut errors,
            "place",
            place,
            line_problem,
            PLACE_MAX,
        ));
        changed.push("place");
    }
    if !errors.is_empty() {
        return Err(AppError::unprocessable(errors));
    }
    if changed.is_empty() {
        return Ok(deadline);
    }
    let before = deadline;
    let deadline = Deadline::update(conn, id, &update)?;
    if let Some(line) = moved(&before, &deadline) {
        let today = chrono::Utc::now().date_naive();
        super::timeline::system_entry(
            conn,
            deadline.case_id,
            actor.id,
            kind_of(&deadline),
            line,
            today,
        )?;
    }
    audit::record(
        conn,
        Event::new(
            actor.id,
            crate::audit::Action::Update,
            crate::audit::Entity::Deadline,
        )
        .id(id.0)
        .detail(format!("case={} {}", deadline.case_id, changed.join(","))),
    )?;
    Ok(deadline)
}

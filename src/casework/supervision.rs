//! Supervision records: the sessions a member had, or that were cancelled or postponed and by
//! whom, entered on the member page, through the API and by CSV import. Scoped and audited as
//! workload records are; a record's note stays on the member's page (the API says only whether
//! there is one).

use chrono::{Datelike, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::workload::MemberFacts;
use crate::access::{Actor, Seen};
use crate::audit::{self, Action, Entity, Event};
use crate::db::DbConn;
use crate::error::{AppError, FieldErrors};
use crate::models::{
    CalledOffBy, Employer, Member, MemberId, NewSupervisionRecord, Settings, SupervisionKind,
    SupervisionRecord, SupervisionRecordId, SupervisionSource, SupervisionStatus, UserId,
};
use crate::reports::supervision_standing::{self, Facts, Standing};
use crate::state::AppState;
use crate::validate::{optional_text, paragraph_problem};

/// The longest session recorded: a typo (900 for 90) is refused by name.
pub const MINUTES_MAX: i64 = 600;
pub const NOTE_MAX: usize = 2000;

/// A supervision session, held or called off.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisionInput {
    /// The day it took place, or was due.
    pub held_on: NaiveDate,
    pub kind: SupervisionKind,
    /// Its length; only for a session that took place.
    #[schema(minimum = 1, maximum = 600, example = 60)]
    pub minutes: Option<i64>,
    /// `held` when not given.
    #[serde(default)]
    pub status: Option<SupervisionStatus>,
    /// Who cancelled or postponed it: required unless it was held.
    #[serde(default)]
    pub called_off_by: Option<CalledOffBy>,
    pub source: SupervisionSource,
    /// Free text that stays on the member's page: the API never returns it.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

impl SupervisionInput {
    /// Checks every field, collecting all problems; shared with the CSV import.
    pub(crate) fn checked(
        self,
        member: &MemberFacts,
        author: Option<UserId>,
    ) -> Result<NewSupervisionRecord, FieldErrors> {
        let mut errors = FieldErrors::new();
        let today = Utc::now().date_naive();
        if self.held_on > today.succ_opt().unwrap_or(today) {
            errors.insert(
                "held_on".into(),
                "must not be in the future: record a session once it has taken place or been called off".into(),
            );
        } else if self.held_on.year() < 1990 {
            errors.insert("held_on".into(), "must be in 1990 or later".into());
        } else if let Some(why) = member.outside_membership(self.held_on) {
            errors.insert("held_on".into(), why);
        }
        let status = self.status.unwrap_or(SupervisionStatus::Held);
        let held = status == SupervisionStatus::Held;
        match (held, self.called_off_by) {
            (true, Some(_)) => {
                errors.insert(
                    "called_off_by".into(),
                    "is only for a session that was cancelled or postponed".into(),
                );
            }
            (false, None) => {
                errors.insert(
                    "called_off_by".into(),
                    format!(
                        "say who {} it: employer or member",
                        status.label().to_lowercase()
                    ),
                );
            }
            _ => {}
        }
        match self.minutes {
            Some(_) if !held => {
                errors.insert(
                    "minutes".into(),
                    "a session that did not take place has no length: leave it out".into(),
                );
            }
            Some(m) if !(1..=MINUTES_MAX).contains(&m) => {
                errors.insert(
                    "minutes".into(),
                    format!("must be a whole number of minutes from 1 to {MINUTES_MAX}"),
                );
            }
            _ => {}
        }
        let note = optional_text(&mut errors, "note", self.note, paragraph_problem, NOTE_MAX);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewSupervisionRecord {
            member_id: member.id,
            held_on: self.held_on,
            kind: self.kind,
            minutes: self.minutes.map(|m| m as i32),
            status,
            called_off_by: self.called_off_by,
            source: self.source,
            employer_id: member.employer_id,
            note,
            created_by: author,
            created_at: Utc::now().naive_utc(),
        })
    }
}

/// A member's supervision: the records, oldest first, and where they stand today.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisionHistory {
    pub regular_days: i64,
    pub standing: Standing,
    /// Their latest reflective supervision that took place.
    pub last_reflective: Option<NaiveDate>,
    pub records: Vec<SupervisionRecord>,
}

fn history(
    conn: &mut DbConn,
    member: &Seen<Member>,
    on: NaiveDate,
) -> Result<SupervisionHistory, AppError> {
    // The employer's own gap, or the setting.
    let settings = Settings::load(conn)?;
    let regular_days = Employer::find(conn, member.employer_id)?
        .supervision_regular_days_override
        .map_or(settings.supervision_regular_days, i64::from);
    let lookback = settings.evidence_lookback_days;
    let records = SupervisionRecord::of_members(conn, &[member.id])?;
    let window_from = on
        .checked_sub_days(Days::new(lookback as u64))
        .unwrap_or(on);
    let last_reflective = records
        .iter()
        .filter(|r| r.reflective_held() && r.held_on <= on)
        .map(|r| r.held_on)
        .max();
    let standing = supervision_standing::standing(
        on,
        Facts {
            regular_days,
            joined: member.start_date,
            last_reflective,
            recorded: records
                .iter()
                .any(|r| r.held_on <= on && r.held_on >= window_from),
        },
    );
    Ok(SupervisionHistory {
        regular_days,
        standing,
        last_reflective,
        records,
    })
}

/// A member's supervision records and standing today, audited as a read of the member that
/// showed the records.
pub(crate) async fn list(
    state: &AppState,
    actor: Actor,
    id: MemberId,
) -> Result<SupervisionHistory, AppError> {
    let records = actor.records()?;
    state
        .read_audited(move |conn, audit| {
            let member = records.member(conn, id)?;
            let history = history(conn, &member, Utc::now().date_naive())?;
            audit.read(
                Event::new(actor.id, Action::Read, Entity::Member)
                    .id(id.0)
                    .detail("supervision")
                    .shows(
                        Entity::SupervisionRecord,
                        history.records.iter().map(|r| r.id.0),
                    ),
            );
            Ok(history)
        })
        .await
}

/// Adds a record for a member the actor may write.
pub(crate) fn add(
    conn: &mut DbConn,
    actor: Actor,
    member: MemberId,
    input: SupervisionInput,
) -> Result<SupervisionRecord, AppError> {
    let found = actor.member_writer()?.member(conn, member)?;
    super::protection::refuse_if_erased(&found)?;
    let new = input
        .checked(&MemberFacts::from(&*found), Some(actor.id))
        .map_err(AppError::unprocessable)?;
    let record = SupervisionRecord::create(conn, &new)?;
    audit::record(
        conn,
        Event::new(actor.id, Action::Create, Entity::SupervisionRecord)
            .id(record.id.0)
            .detail(format!("member={member}")),
    )?;
    Ok(record)
}

/// Deletes a record made in error (404 when it is not the member's); audited with its id.
pub(crate) async fn remove(
    state: &AppState,
    actor: Actor,
    member: MemberId,
    id: SupervisionRecordId,
) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| {
            let found = actor.member_writer()?.member(conn, member)?;
            super::protection::refuse_if_erased(&found)?;
            SupervisionRecord::of_member(conn, member, id)?.ok_or(AppError::NotFound)?;
            SupervisionRecord::delete(conn, id)?;
            audit::record(
                conn,
                Event::new(actor.id, Action::Delete, Entity::SupervisionRecord)
                    .id(id.0)
                    .detail(format!("member={member}")),
            )?;
            Ok(())
        })
        .await
}

/// [`add`] in a write transaction.
pub(crate) async fn add_for(
    state: &AppState,
    actor: Actor,
    member: MemberId,
    input: SupervisionInput,
) -> Result<SupervisionRecord, AppError> {
    state
        .db
        .write(move |conn| add(conn, actor, member, input))
        .await
}

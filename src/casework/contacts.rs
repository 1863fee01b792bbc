//! The people around a case: the investigating officer, the hearing manager, an HR adviser,
//! the line manager, a companion, occupational health. Those who work the case add, list and
//! remove them; one already on another case of the same employer can be picked again. Each is a
//! third party's details, so every list and change is audited with the contacts' ids.

use chrono::Utc;
use serde::Deserialize;

use crate::access::Actor;
use crate::audit::{self, Action, Entity, Event};
use crate::error::{AppError, FieldErrors};
use crate::models::{CaseId, Contact, ContactId, ContactRole, NewContact};
use crate::state::AppState;
use crate::validate::{line_problem, optional_text, paragraph_problem};

pub const NAME_MAX: usize = 200;
pub const ORGANISATION_MAX: usize = 200;
pub const PHONE_MAX: usize = 40;
pub const NOTE_MAX: usize = 500;
/// How many contacts from other cases are offered to pick again.
pub const KNOWN_MAX: i64 = 100;

/// A contact to add. With `copy_of` (one of the case's known contacts), its role, name,
/// organisation, email and phone are taken from that contact; a field given here wins.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Required unless `copy_of` is given.
    pub role: Option<ContactRole>,
    /// Required unless `copy_of` is given.
    #[schema(max_length = 200, example = "Dana Whitfield")]
    pub name: Option<String>,
    #[schema(max_length = 200, example = "Wigan Council HR")]
    pub organisation: Option<String>,
    #[schema(max_length = 254, example = "d.whitfield@council.example")]
    pub email: Option<String>,
    /// Digits, spaces and `+ ( ) -` only.
    #[schema(max_length = 40, example = "+44 161 496 0000")]
    pub phone: Option<String>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
    /// A contact on another case of the same employer, from `GET …/contacts/known`.
    pub copy_of: Option<ContactId>,
}

fn phone(errors: &mut FieldErrors, value: Option<String>) -> Option<String> {
    let value = optional_text(errors, "phone", value, line_problem, PHONE_MAX)?;
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-'));
    if !allowed || digits < 3 {
        errors.insert(
            "phone".into(),
            "must be a telephone number: digits, spaces and + ( ) - only".into(),
        );
    }
    Some(value)
}

/// The contact a valid input describes, `copied` filling what it leaves out.
fn checked(input: ContactInput, copied: Option<&Contact>) -> Result<Checked, AppError> {
    let mut errors = FieldErrors::new();
    let role = input.role.or(copied.map(|c| c.role));
    if role.is_none() {
        errors.insert("role".into(), "choose the person's role in the case".into());
    }
    let name = optional_text(&mut errors, "name", input.name, line_problem, NAME_MAX)
        .or(copied.map(|c| c.name.clone()));
    if name.is_none() && !errors.contains_key("name") {
        errors.insert("name".into(), "is required".into());
    }
    let organisation = optional_text(
        &mut errors,
        "organisation",
        input.organisation,
        line_problem,
        ORGANISATION_MAX,
    )
    .or(copied.and_then(|c| c.organisation.clone()));
    let email = match crate::validate::email("email", input.email.as_deref().unwrap_or("")) {
        Ok(email) => email.or(copied.and_then(|c| c.email.clone())),
        Err(error) => {
            if let Some(fields) = error.fields() {
                errors.extend(fields.clone());
            }
            None
        }
    };
    let phone = phone(&mut errors, input.phone).or(copied.and_then(|c| c.phone.clone()));
    let note = optional_text(&mut errors, "note", input.note, paragraph_problem, NOTE_MAX);
    match (role, name) {
        (Some(role), Some(name)) if errors.is_empty() => Ok(Checked {
            role,
            name,
            organisation,
            email,
            phone,
            note,
        }),
        _ => Err(AppError::unprocessable(errors)),
    }
}

struct Checked {
    role: ContactRole,
    name: String,
    organisation: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    note: Option<String>,
}

/// The case's contacts, by role, audited as a list.
pub(crate) async fn list(
    state: &AppState,
    actor: Actor,
    case: CaseId,
) -> Result<Vec<Contact>, AppError> {
    state
        .read_audited(move |conn, audit| {
            let case = actor.writable_case(conn, case)?;
            let contacts = Contact::of_cases(conn, &[case.id])?;
            if let Some(event) =
                audit::listed(actor.id, Entity::Contact, contacts.iter().map(|c| c.id.0))
            {
                audit.read(event.shows(Entity::Case, [case.id.0]));
            }
            Ok(contacts)
        })
        .await
}

/// The contacts of the other cases of the case's employer that the actor works, newest first
/// and each person once: those that can be picked again. Audited as a list.
pub(crate) async fn known(
    state: &AppState,
    actor: Actor,
    case: CaseId,
) -> Result<Vec<Contact>, AppError> {
    state
        .read_audited(move |conn, audit| {
            let case = actor.writable_case(conn, case)?;
            let known = known_to(conn, actor, &case)?;
            if let Some(event) = audit::listed_as(
                actor.id,
                Entity::Contact,
                "known",
                known.iter().map(|c| c.id.0),
            ) {
                audit.read(event);
            }
            Ok(known)
        })
        .await
}

fn known_to(
    conn: &mut crate::db::DbConn,
    actor: Actor,
    case: &crate::models::Case,
) -> Result<Vec<Contact>, AppError> {
    use crate::db::schema::cases;
    use diesel::prelude::*;
    let Some(employer) = case.employer_id else {
        return Ok(Vec::new());
    };
    let among = actor
        .workable_cases()?
        .filter(cases::employer_id.eq(employer))
        .filter(cases::id.ne(case.id));
    let mut seen = std::collections::BTreeSet::new();
    Ok(Contact::among(conn, among, KNOWN_MAX)?
        .into_iter()
        .filter(|c| {
            seen.insert((
                c.role.as_str(),
                c.name.to_lowercase(),
                c.organisation.clone(),
                c.email.clone(),
                c.phone.clone(),
            ))
        })
        .collect())
}

/// Adds a contact to the case.
pub(crate) async fn add(
    state: &AppState,
    actor: Actor,
    case: CaseId,
    input: ContactInput,
) -> Result<Contact, AppError> {
    state
        .db
        .write(move |conn| {
            let case = actor.writable_case(conn, case)?;
            let copied = match input.copy_of {
                None => None,
                Some(id) => Some(
                    known_to(conn, actor, &case)?
                        .into_iter()
                        .find(|c| c.id == id)
                        .ok_or_else(|| {
                            AppError::invalid(
                                "copy_of",
                                "is not a contact on another case of this employer that you work",
                            )
                        })?,
                ),
            };
            let c = checked(input, copied.as_ref())?;
            let contact = Contact::create(
                conn,
                &NewContact {
                    case_id: case.id,
                    role: c.role,
                    name: c.name,
                    organisation: c.organisation,
                    email: c.email,
                    phone: c.phone,
                    note: c.note,
                    added_by: Some(actor.id),
                    added_at: Utc::now().naive_utc(),
                },
            )?;
            let mut event = Event::new(actor.id, Action::Create, Entity::Contact)
                .id(contact.id.0)
                .shows(Entity::Case, [case.id.0])
                .detail(format!("role={}", contact.role));
            if let Some(copied) = copied {
                event = event.shows(Entity::Contact, [copied.id.0]);
            }
            audit::record(conn, event)?;
            Ok(contact)
        })
        .await
}

/// Removes a contact from the case (anyone who works it).
pub(crate) async fn remove(
    state: &AppState,
    actor: Actor,
    case: CaseId,
    id: ContactId,
) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| {
            let case = actor.writable_case(conn, case)?;
            let contact = Contact::of_case(conn, case.id, id)?.ok_or(AppError::NotFound)?;
            Contact::delete(conn, &[contact.id])?;
            audit::record(
                conn,
                Event::new(actor.id, Action::Delete, Entity::Contact)
                    .id(contact.id.0)
                    .shows(Entity::Case, [case.id.0]),
            )
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> ContactInput {
        ContactInput {
            role: Some(ContactRole::HrAdviser),
            name: Some(name.into()),
            ..ContactInput::default()
        }
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let error = checked(
            ContactInput {
                role: None,
                name: Some("  ".into()),
                email: Some("not an address".into()),
                phone: Some("call reception".into()),
                ..ContactInput::default()
            },
            None,
        )
        .err()
        .unwrap();
        let fields = error.fields().unwrap();
        for field in ["role", "name", "email", "phone"] {
            assert!(fields.contains_key(field), "{field} named: {fields:?}");
        }
    }

    #[test]
    fn a_copied_contact_fills_what_is_left_out_and_what_is_given_wins() {
        let copied = Contact {
            id: ContactId(7),
            case_id: CaseId(1),
            role: ContactRole::InvestigatingOfficer,
            name: "Dana Whitfield".into(),
            organisation: Some("Wigan Council".into()),
            email: Some("d.whitfield@council.example".into()),
            phone: Some("+44 161 496 0000".into()),
            note: Some("prefers email".into()),
            added_by: None,
            added_at: Utc::now().naive_utc(),
        };
        let c = checked(
            ContactInput {
                role: Some(ContactRole::HearingManager),
                ..ContactInput::default()
            },
            Some(&copied),
        )
        .ok()
        .unwrap();
        assert_eq!(c.role, ContactRole::HearingManager);
        assert_eq!(c.name, "Dana Whitfield");
        assert_eq!(c.phone.as_deref(), Some("+44 161 496 0000"));
        assert_eq!(c.note, None, "a note belongs to the case it was written on");
        assert!(checked(input("Dana\u{202e}Whitfield"), None).is_err());
        assert!(checked(input("Dana Whitfield"), None).is_ok());
    }
}

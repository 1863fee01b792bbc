//! The case page's people: adding someone (typed, or picked again from another case of the
//! employer) and removing them. What is allowed and audited is `casework::contacts`'s. The
//! form's fields are named `contact_…` on the page, so that its problems are shown beside its
//! own fields and not beside the deadline form's note.

use actix_web::{HttpResponse, post, web};

use super::cases::change;
use super::page::PageError;
use crate::casework::contacts::{self, ContactInput};
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::models::{CaseId, Contact, ContactId, ContactRole};
use crate::state::AppState;

const PREFIX: &str = "contact_";

/// A contact as the case page lists it, with its role's label and who added it.
#[derive(serde::Serialize)]
pub(super) struct ContactRow {
    #[serde(flatten)]
    contact: Contact,
    role_label: &'static str,
    /// "Dana Whitfield, HR adviser, Wigan Council": how a known contact is offered.
    offer: String,
    /// The phone number for a `tel:` link: its digits and a leading `+`.
    tel: Option<String>,
}

impl From<Contact> for ContactRow {
    fn from(contact: Contact) -> Self {
        let role_label = contact.role.label();
        let mut offer = format!("{}, {role_label}", contact.name);
        if let Some(organisation) = &contact.organisation {
            offer.push_str(&format!(", {organisation}"));
        }
        let tel = contact.phone.as_ref().map(|phone| {
            phone
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect()
        });
        Self {
            contact,
            role_label,
            offer,
            tel,
        }
    }
}

/// The service's field names as the page's.
fn on_the_page(error: AppError) -> AppError {
    super::page::prefixed(error, PREFIX)
}

#[post("/cases/{id}/contacts")]
pub(crate) async fn add(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, form) = (CaseId(id.into_inner()), super::cases::form(form));
    let text = |field: &str| form.get(&format!("{PREFIX}{field}")).map(str::to_owned);
    let work = async {
        let role = match text("role").filter(|r| !r.is_empty()) {
            None => None,
            Some(role) => Some(role.parse::<ContactRole>().map_err(|_| {
                AppError::invalid("contact_role", "choose the person's role in the case")
            })?),
        };
        let copy_of = match text("copy_of").filter(|c| !c.is_empty()) {
            None => None,
            Some(id) => Some(ContactId(id.parse().map_err(|_| {
                AppError::invalid("contact_copy_of", "choose someone from the list")
            })?)),
        };
        let input = ContactInput {
            role,
            name: text("name"),
            organisation: text("organisation"),
            email: text("email"),
            phone: text("phone"),
            note: text("note"),
            copy_of,
        };
        contacts::add(&state, user.actor, id, input)
            .await
            .map_err(on_the_page)
    };
    change(&state, &user, id, &form, work, "people").await
}

#[post("/cases/{id}/contacts/{contact}/remove")]
pub(crate) async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, contact) = path.into_inner();
    let (id, form) = (CaseId(id), super::cases::form(form));
    let work = contacts::remove(&state, user.actor, id, ContactId(contact));
    change(&state, &user, id, &form, work, "people").await
}

//! The member page's supervision: the sessions recorded, whether reflective supervision is
//! regular today, and the form to record one. What is allowed and audited is
//! `casework::supervision`'s. The form's fields are named `supervision_…` on the page, so that
//! its problems show beside its own fields and not beside the workload form's.

use actix_web::{HttpResponse, post, web};
use tera::Context;

use super::page::{Choice, PageError, Submitted, prefixed, render_status, see_other, submit};
use crate::casework::supervision::{self, SupervisionInput};
use crate::http::CurrentUser;
use crate::http::form::FormData;
use crate::models::{
    CalledOffBy, MemberId, SupervisionKind, SupervisionRecordId, SupervisionSource,
    SupervisionStatus,
};
use crate::state::AppState;

const PREFIX: &str = "supervision_";

fn choices<T: Copy>(
    all: &[T],
    value: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|t| Choice::new(value(*t), label(*t)))
        .collect()
}

/// What the member page shows of the member's supervision (a read audited with the records'
/// ids) and the form's choices.
pub(super) async fn into_context(
    state: &AppState,
    user: &CurrentUser,
    id: MemberId,
    context: &mut Context,
) -> Result<(), PageError> {
    let history = supervision::list(state, user.actor, id).await?;
    context.insert("supervision_standing", history.standing.label());
    context.insert("supervision", &history);
    context.insert(
        "supervision_kinds",
        &choices(
            SupervisionKind::ALL,
            SupervisionKind::as_str,
            SupervisionKind::label,
        ),
    );
    context.insert(
        "supervision_statuses",
        &choices(
            SupervisionStatus::ALL,
            SupervisionStatus::as_str,
            SupervisionStatus::label,
        ),
    );
    context.insert(
        "called_off_by",
        &choices(CalledOffBy::ALL, CalledOffBy::as_str, CalledOffBy::label),
    );
    context.insert(
        "supervision_sources",
        &choices(
            SupervisionSource::ALL,
            SupervisionSource::as_str,
            SupervisionSource::label,
        ),
    );
    Ok(())
}

#[post("/members/{id}/supervision")]
pub(crate) async fn add(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let form = FormData::new(form.into_inner());
    let id = MemberId(id.into_inner());
    let work = async {
        let own = FormData::new(
            form.values()
                .into_iter()
                .filter_map(|(name, value)| {
                    name.strip_prefix(PREFIX)
                        .map(|name| (name.to_owned(), value))
                })
                .collect(),
        );
        let input: SupervisionInput = own
            .parse_only(&[
                "held_on",
                "kind",
                "minutes",
                "status",
                "called_off_by",
                "source",
                "note",
            ])
            .map_err(|e| prefixed(e, PREFIX))?;
        supervision::add_for(&state, user.actor, id, input)
            .await
            .map_err(|e| prefixed(e, PREFIX))
    };
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(_) => Ok(see_other(&format!("/members/{id}?saved=1#supervision"))),
        Submitted::Refused(problem) => {
            let mut context = super::members::page_context(&state, &user, id).await?;
            problem.show(&mut context, &form.values());
            render_status("members/show.html", &context, problem.status)
        }
    }
}

/// Deletes a session recorded in error, then back to the member's supervision.
#[post("/members/{id}/supervision/{record}/delete")]
pub(crate) async fn delete(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(i64, i64)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    user.member_writer()?;
    let (id, record) = path.into_inner();
    let (id, form) = (MemberId(id), FormData::new(form.into_inner()));
    let work = supervision::remove(&state, user.actor, id, SupervisionRecordId(record));
    match submit(&state, &user, &form, work).await? {
        Submitted::Done(()) => Ok(see_other(&format!("/members/{id}?saved=1#supervision"))),
        Submitted::Refused(problem) => {
            let mut context = super::members::page_context(&state, &user, id).await?;
            problem.show(&mut context, &form.values());
            render_status("members/show.html", &context, problem.status)
        }
    }
}

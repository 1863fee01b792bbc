//! The start page: the landing page when signed out; when signed in, a rep's own open cases,
//! the hearings and deadlines of the next fortnight, and anything overdue.

use actix_web::{HttpResponse, get, web};
use chrono::{Days, Utc};
use tera::Context;

use super::layout;
use super::page::{DeadlineRow, PageError, render};
use crate::access::Scope;
use crate::casework::case_service;
use crate::casework::case_service::QueueItem;
use crate::error::AppError;
use crate::http::CurrentUser;
use crate::state::AppState;

/// How far ahead the home page looks.
const FORTNIGHT: u64 = 14;

#[get("/")]
pub(crate) async fn index(
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, PageError> {
    let Some(user) = user else {
        return render("index.html", &Context::new());
    };
    // A session ended elsewhere (signed out, revoked) sees the public page, as one with no
    // session does.
    let mut context = match layout::context(&state, &user, "/").await {
        Err(AppError::Unauthorized) => return render("index.html", &Context::new()),
        context => context?,
    };
    context.insert("scope", &user.actor.scope);
    if user.records().is_ok() {
        let until = Utc::now().date_naive() + Days::new(FORTNIGHT);
        let queue = case_service::my_work(&state, user.actor, until).await?;
        let deadlines: Vec<_> = queue.deadlines.into_iter().map(queue_row).collect();
        let (unassigned, mine): (Vec<_>, Vec<_>) = queue
            .cases
            .into_iter()
            .partition(|c| c.case.assigned_to.is_none());
        context.insert("my_cases", &mine);
        context.insert("unassigned", &unassigned);
        context.insert("with_unassigned", &queue.with_unassigned);
        context.insert("deadlines", &deadlines);
        if matches!(user.actor.scope, Scope::Region { .. }) {
            let queue = case_service::referred_queue(&state, user.actor).await?;
            context.insert("referred", &queue);
        }
    }
    render("home.html", &context)
}

/// A line of the queue as the page shows it: the deadline's row with its member and rep.
#[derive(serde::Serialize)]
struct QueueRow {
    #[serde(flatten)]
    row: DeadlineRow,
    member_name: Option<String>,
    rep: Option<String>,
}

fn queue_row(item: QueueItem) -> QueueRow {
    QueueRow {
        row: DeadlineRow::from(item.view),
        member_name: item.member_name,
        rep: item.rep,
    }
}

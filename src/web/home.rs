//! The start page: the landing page when signed out; when signed in, a rep's own open cases,
//! the hearings and deadlines of the next fortnight, and anything overdue.

use actix_web::{HttpResponse, get, web};
use chrono::{Days, Utc};
use serde_json::json;
use tera::Context;

use super::layout;
use super::page::{PageError, render};
use crate::api::query::Paging;
use crate::audit;
use crate::auth::CurrentUser;
use crate::casework::dates;
use crate::models::{Case, CaseFilter, CaseStatus, Deadline};
use crate::state::{AppState, read_audited};

/// How far ahead the home page looks.
const FORTNIGHT: u64 = 14;

#[get("/")]
pub async fn index(
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, PageError> {
    let Some(user) = user else {
        return render("index.html", &Context::new());
    };
    let mut context = layout::context(&state, &user, "/");
    context.insert("scope", &user.scope);
    if let Ok(casework) = user.casework() {
        let me = user.id();
        let today = Utc::now().date_naive();
        let (cases, deadlines) = read_audited(&state, move |conn, audit| {
            let filter = CaseFilter {
                assigned_to: Some(me),
                status: Some(CaseStatus::Open),
                ..Default::default()
            };
            let (cases, _) = Case::list_in(
                conn,
                casework,
                &filter,
                Paging {
                    page: 1,
                    per_page: 100,
                },
            )?;
            let deadlines =
                Deadline::upcoming(conn, casework, today + Days::new(FORTNIGHT), Some(me))?;
            let shown = cases
                .iter()
                .map(|c| c.id.0)
                .chain(deadlines.iter().map(|(d, _)| d.case_id.0));
            if let Some(event) = audit::listed(me, "case", shown) {
                audit.read(event);
            }
            Ok((cases, deadlines))
        })
        .await?;
        let deadlines: Vec<_> = deadlines
            .into_iter()
            .map(|(d, reference)| {
                let urgency = dates::urgency(d.due_on, today);
                json!({"deadline": d, "kind": d.kind.label(), "reference": reference, "urgency": urgency, "days": (d.due_on - today).num_days()})
            })
            .collect();
        context.insert("my_cases", &cases);
        context.insert("deadlines", &deadlines);
    }
    render("home.html", &context)
}

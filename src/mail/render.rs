//! A queued message as the recipient reads it: subject, plain text and HTML, from its payload
//! (case references, deadline kinds, dates and times) and the app's public address for links.

use chrono::NaiveDate;
use serde::Serialize;
use tera::Context;

use super::digest::Item;
use super::outbox::{Claimed, Kind};
use crate::error::AppError;

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// A digest line as the templates show it.
#[derive(Serialize)]
struct Line {
    reference: String,
    what: &'static str,
    date: String,
    time: Option<String>,
    when: String,
    link: Option<String>,
    unassigned: bool,
}

/// "today", "tomorrow", "in 7 days", "3 days overdue".
fn when(due_on: NaiveDate, day: NaiveDate) -> String {
    match (due_on - day).num_days() {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "1 day overdue".into(),
        n if n < 0 => format!("{} days overdue", -n),
        n => format!("in {n} days"),
    }
}

fn case_link(base: Option<&str>, case: i64) -> Option<String> {
    base.map(|base| format!("{}/cases/{case}", base.trim_end_matches('/')))
}

fn render_pair(name: &str, context: &Context) -> Result<(String, String), AppError> {
    Ok((
        crate::templates::render(&format!("email/{name}.txt"), context)?,
        crate::templates::render(&format!("email/{name}.html"), context)?,
    ))
}

/// Renders a claimed message. `base` is the public address links start with; without one the
/// message says to open caseload.
pub fn message(claimed: &Claimed, base: Option<&str>) -> Result<Rendered, AppError> {
    let mut context = Context::new();
    context.insert(
        "home",
        &base.map(|b| format!("{}/", b.trim_end_matches('/'))),
    );
    match claimed.kind {
        Kind::Digest => {
            let day: NaiveDate = serde_json::from_value(claimed.payload["day"].clone())
                .map_err(|e| AppError::Internal(format!("digest day: {e}")))?;
            let items: Vec<Item> = serde_json::from_value(claimed.payload["items"].clone())
                .map_err(|e| AppError::Internal(format!("digest items: {e}")))?;
            let lines: Vec<Line> = items
                .iter()
                .map(|item| Line {
                    reference: item.reference.clone(),
                    what: item.kind.label(),
                    date: item.due_on.format("%a %-d %b %Y").to_string(),
                    time: item.starts_at.clone(),
                    when: when(item.due_on, day),
                    link: case_link(base, item.case_id.0),
                    unassigned: item.unassigned,
                })
                .collect();
            let overdue = items.iter().filter(|i| i.due_on < day).count();
            let (mine, unassigned): (Vec<Line>, Vec<Line>) =
                lines.into_iter().partition(|l| !l.unassigned);
            context.insert("day", &day.format("%A %-d %B %Y").to_string());
            context.insert("mine", &mine);
            context.insert("unassigned", &unassigned);
            let count = items.len();
            let subject = format!(
                "caseload: {count} {}{}, {}",
                if count == 1 {
                    "hearing or deadline"
                } else {
                    "hearings and deadlines"
                },
                if overdue > 0 {
                    format!(" ({overdue} overdue)")
                } else {
                    String::new()
                },
                day.format("%a %-d %b")
            );
            let (text, html) = render_pair("digest", &context)?;
            Ok(Rendered {
                subject,
                text,
                html,
            })
        }
        Kind::Referred | Kind::Taken => {
            let reference = claimed.payload["reference"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let case = claimed.payload["case_id"].as_i64().unwrap_or_default();
            let (subject, news) = if claimed.kind == Kind::Referred {
                (
                    format!("caseload: case {reference} referred to your region"),
                    " has been referred to your region. It is in your queue on the home page.",
                )
            } else {
                (
                    format!("caseload: case {reference} taken by the region"),
                    ", which your branch referred to the region, has been taken by an organiser.",
                )
            };
            context.insert("reference", &reference);
            context.insert("news", news);
            context.insert("link", &case_link(base, case));
            let (text, html) = render_pair("notice", &context)?;
            Ok(Rendered {
                subject,
                text,
                html,
            })
        }
    }
}

//! Survey links by email, when email is configured (`caseload surveys send`): a link is made
//! for each member in scope who has none, sent to the member's address, and left out of the
//! mail-merge CSV that comes back, which holds only the members who could not be emailed (no
//! address, or the mail system refused). A link is never stored but as its hash, so one the
//! mail system refused is in that CSV or nowhere.

use chrono::NaiveDate;
use tera::Context;

use super::links;
use crate::audit::{self, Action, Entity, Event, Job, Principal};
use crate::db::{Database, write_transaction};
use crate::error::AppError;
use crate::mail::Mailer;
use crate::mail::render::Rendered;
use crate::models::{Survey, SurveyId};

/// What a sending did.
#[derive(Debug)]
pub struct Emailed {
    /// Links made (members in scope who had none).
    pub links: usize,
    /// Of those, sent by email.
    pub emailed: usize,
    /// The rest, for a mail merge (`link` is `(emailed)` for those emailed).
    pub csv: Vec<u8>,
}

/// A survey's invitation to one member.
fn message(survey: &Survey, link: &str) -> Result<Rendered, AppError> {
    let mut context = Context::new();
    context.insert("survey", survey);
    context.insert("link", link);
    Ok(Rendered {
        subject: format!("A survey from your union: {}", survey.title),
        text: crate::templates::render("email/survey.txt", &context)?,
        html: crate::templates::render("email/survey.html", &context)?,
    })
}

/// Makes the links of members in scope who have none and emails each to its member; the
/// command line acts as an administrator, and the audit trail names the members sent one.
pub fn send(
    db: &Database,
    mailer: &Mailer,
    id: SurveyId,
    base: &str,
    today: NaiveDate,
) -> Result<Emailed, AppError> {
    let principal = Principal::System(Job::CommandLine);
    let mut conn = db.get()?;
    let (survey, made) = write_transaction(&mut conn, |conn| {
        let survey = Survey::find(conn, id)?.ok_or(AppError::NotFound)?;
        let made = links::create(conn, &survey, today)?;
        let members: Vec<i64> = made.iter().map(|(m, _)| m.id.0).collect();
        links::audit_sent(conn, principal, id, &members)?;
        Ok::<_, AppError>((survey, made))
    })?;
    let mut rows = Vec::with_capacity(made.len());
    let mut emailed = 0;
    for (member, token) in &made {
        let link = links::address(base, token);
        let sent = match member.email.as_deref() {
            Some(to) => {
                let reference = format!("survey-{id}-{}", &links::fresh_token()[..16]);
                mailer
                    .send(to, &message(&survey, &link)?, &reference)
                    .is_ok()
            }
            None => false,
        };
        if sent {
            emailed += 1;
            rows.push((member, "(emailed)".to_owned()));
        } else {
            rows.push((member, link));
        }
    }
    audit::record(
        &mut conn,
        Event::new(principal, Action::Export, Entity::Survey)
            .id(id.0)
            .detail(format!("emailed={emailed} of links={}", made.len())),
    )?;
    Ok(Emailed {
        links: made.len(),
        emailed,
        csv: links::csv_of(rows)?,
    })
}

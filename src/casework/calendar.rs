//! An iCalendar (RFC 5545) feed of a user's hearings and deadlines, for subscribing from a
//! calendar program. It carries case references and deadline kinds only: no names, no case
//! text, because calendars are synced to phones and shared more loosely than this app.

use chrono::{Days, NaiveDate, NaiveDateTime, Utc};

use crate::access::Scope;
use crate::audit::{Action, Entity, Event, Link, Principal};
use crate::error::AppError;
use crate::models::{Assignee, Deadline, DeadlineKind, Upcoming, User};
use crate::state::AppState;

/// How far ahead the feed reaches.
const AHEAD_DAYS: u64 = 400;

/// The feed behind a secret calendar address: the open deadlines of the cases assigned to its
/// user, audited as the user's read. An unknown or revoked address, or a user who is no longer
/// active or sees no casework, is absent (404).
pub(crate) async fn feed_for_token(
    state: &AppState,
    token: String,
    host: String,
) -> Result<String, AppError> {
    state
        .read_audited(move |conn, audit| {
            let hash = crate::accounts::sessions::calendar_hash(&token);
            let user = User::find_by_calendar_hash(conn, &hash)?
                .filter(|user| user.active)
                .ok_or(AppError::NotFound)?;
            let Ok(records) = Scope::of(&user)?.records() else {
                return Err(AppError::NotFound);
            };
            let until = Utc::now().date_naive() + Days::new(AHEAD_DAYS);
            let mine = Some(Assignee::User(user.id));
            let rows = Deadline::upcoming(conn, records.deadlines(), until, mine)?;
            // Read through the owner's link: the entry names the cases the feed showed.
            let cases = rows.iter().map(|row| row.deadline.case_id.0);
            audit.read(
                Event::new(
                    Principal::Link(Link::Calendar, user.id),
                    Action::Read,
                    Entity::Calendar,
                )
                .detail(format!("deadlines={}", rows.len()))
                .shows(Entity::Case, cases),
            );
            Ok(feed(&rows, Utc::now().naive_utc(), &host))
        })
        .await
}

/// One line of the feed, folded at 75 octets as RFC 5545 §3.1 requires.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let size = c.len_utf8();
        if width + size > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += size;
    }
    out.push_str("\r\n");
}

/// TEXT values escape backslash, semicolon, comma and newline (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The feed for these deadlines (each with its case reference). `host` names the UIDs' domain.
pub(crate) fn feed(deadlines: &[Upcoming], now: NaiveDateTime, host: &str) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//caseload//casework deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:caseload deadlines",
    ] {
        push_line(&mut out, line);
    }
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for Upcoming {
        deadline,
        reference,
        ..
    } in deadlines
    {
        let what = match deadline.kind {
            DeadlineKind::Hearing => "Hearing",
            DeadlineKind::Appeal => "Appeal window closes",
            DeadlineKind::Tribunal => "Tribunal claim deadline",
            DeadlineKind::Other => "Deadline",
        };
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(
            &mut out,
            &format!("UID:deadline-{}@{}", deadline.id, text(host)),
        );
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        let starts = deadline
            .starts_at
            .as_deref()
            .and_then(|at| chrono::NaiveTime::parse_from_str(at, "%H:%M").ok())
            .map(|at| deadline.due_on.and_time(at));
        match starts {
            // A hearing at a time: an hour in the calendar, in local (floating) time.
            Some(start) => {
                let end = start + chrono::Duration::hours(1);
                push_line(
                    &mut out,
                    &format!("DTSTART:{}", start.format("%Y%m%dT%H%M%S")),
                );
                push_line(&mut out, &format!("DTEND:{}", end.format("%Y%m%dT%H%M%S")));
            }
            None => {
                push_line(
                    &mut out,
                    &format!("DTSTART;VALUE=DATE:{}", date(deadline.due_on)),
                );
                if let Some(next) = deadline.due_on.succ_opt() {
                    push_line(&mut out, &format!("DTEND;VALUE=DATE:{}", date(next)));
                }
            }
        }
        if let Some(place) = &deadline.place {
            push_line(&mut out, &format!("LOCATION:{}", text(place)));
        }
        push_line(
            &mut out,
            &format!("SUMMARY:{}", text(&format!("{what}: {reference}"))),
        );
        push_line(&mut out, "TRANSP:TRANSPARENT");
        if deadline.kind != DeadlineKind::Hearing {
            // Reminders a week and a day before.
            for trigger in ["-P7D", "-P1D"] {
                push_line(&mut out, "BEGIN:VALARM");
                push_line(&mut out, "ACTION:DISPLAY");
                push_line(
                    &mut out,
                    &format!("DESCRIPTION:{}", text(&format!("{what}: {reference}"))),
                );
                push_line(&mut out, &format!("TRIGGER:{trigger}"));
                push_line(&mut out, "END:VALARM");
            }
        }
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

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
            Ok(feed(
                &rows,
                Utc::now().naive_utc(),
                &host,
                user.calendar_places,
            ))
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

/// TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11), and no
/// other control character reaches the feed: a bare CR would end the line and let the rest be
/// read as properties of their own.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The time zone of timed events: hearings are set in UK local time. Its definition goes in
/// the feed (RFC 5545 §3.6.5), with the rules since 1996: the last Sunday of March at 01:00 UTC
/// to the last Sunday of October at 01:00 UTC is BST.
const TIME_ZONE: &str = "Europe/London";
const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/London",
    "X-LIC-LOCATION:Europe/London",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19700329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19701025T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// The feed for these deadlines (each with its case reference). `host` names the UIDs' domain;
/// a hearing's place is in it only when its owner chose `places`.
pub(crate) fn feed(deadlines: &[Upcoming], now: NaiveDateTime, host: &str, places: bool) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//caseload//casework deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:caseload deadlines",
        "X-WR-TIMEZONE:Europe/London",
    ]
    .iter()
    .chain(VTIMEZONE)
    {
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
            // A hearing at a time: an hour in the calendar, in UK local time, zoned so that
            // every calendar program (Outlook included) places it right.
            Some(start) => {
                let end = start + chrono::Duration::hours(1);
                for (name, at) in [("DTSTART", start), ("DTEND", end)] {
                    push_line(
                        &mut out,
                        &format!("{name};TZID={TIME_ZONE}:{}", at.format("%Y%m%dT%H%M%S")),
                    );
                }
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
        // A hearing's place can say where a member lives or why they are at home: it stays in
        // caseload, out of calendars synced to phones and shared more loosely, unless the
        // feed's owner chose to have it.
        if let (true, Some(place)) = (places, &deadline.place) {
            push_line(&mut out, &format!("LOCATION:{}", text(place)));
        }
        push_line(
            &mut out,
            &format!("SUMMARY:{}", text(&format!("{what}: {reference}"))),
        );
        // A hearing takes the rep's time; a deadline is a date to meet, not an appointment.
        let busy = if deadline.kind == DeadlineKind::Hearing {
            "TRANSP:OPAQUE"
        } else {
            "TRANSP:TRANSPARENT"
        };
        push_line(&mut out, busy);
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

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn no_control_character_reaches_a_property() {
        assert_eq!(text("a;b,c\\d"), "a\\;b\\,c\\\\d");
        assert_eq!(text("one\r\ntwo\nthree\rfour"), "one\\ntwo\\nthree\\nfour");
        // A bare CR would start a property of its own ("\rLOCATION:…").
        let injected = text("Room 1\rATTENDEE:mailto:x@example.org");
        assert!(
            !injected.contains('\r') && !injected.contains('\n'),
            "{injected}"
        );
        assert_eq!(text("bell\u{7}tab\tend"), "bell tab end");
    }
}

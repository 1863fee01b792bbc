//! The dashboard's supervision: per branch and employer, members with reflective supervision
//! within the regular gap at the end of the period, the median gap between reflective sessions
//! in it, and sessions cancelled or postponed in it by who called them off; and the share
//! supervised at each month's end. Worked out from each member's sessions with the arithmetic
//! of [`super::supervision_standing`], so the member page, the dashboard and the evidence agree.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, Months, NaiveDate};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Nullable, Text};
use serde::Serialize;

use super::sql::{Area, Arg, Sql};
use super::supervision_standing::{self, Facts, Standing};
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Employer, Settings};

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct SupervisionRow {
    pub id: i64,
    pub name: String,
    /// Members in membership at the end of the period with supervision recorded (regular or
    /// not); those who joined within the gap and those with nothing recorded are not counted.
    pub members_counted: i64,
    /// Of those, members with a reflective supervision within the regular gap.
    pub regular: i64,
    /// `regular` as a percentage of `members_counted`, to one place.
    pub regular_share: Option<f64>,
    /// The median gap in days between consecutive reflective supervisions, the later one in
    /// the period.
    pub median_gap_days: Option<f64>,
    /// Sessions in the period cancelled or postponed by the employer.
    pub called_off_by_employer: i64,
    /// Sessions in the period cancelled or postponed by the member.
    pub called_off_by_member: i64,
    #[serde(skip)]
    gaps: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupervisionMonth {
    pub month: String,
    /// The day the month is measured on: its last, or the period's end.
    pub on: NaiveDate,
    pub members_counted: i64,
    pub regular: i64,
    pub regular_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SupervisionBoard {
    /// The longest gap in days that counts as regular (employers may set their own).
    pub regular_days: i64,
    pub total: SupervisionRow,
    pub branches: Vec<SupervisionRow>,
    pub employers: Vec<SupervisionRow>,
    pub months: Vec<SupervisionMonth>,
}

#[derive(QueryableByName)]
struct MemberRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    branch: i64,
    #[diesel(sql_type = BigInt)]
    employer: i64,
    #[diesel(sql_type = Nullable<Date>)]
    start_date: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    left_on: Option<NaiveDate>,
}

#[derive(QueryableByName)]
struct SessionRow {
    #[diesel(sql_type = BigInt)]
    member: i64,
    #[diesel(sql_type = Date)]
    held_on: NaiveDate,
    #[diesel(sql_type = BigInt)]
    reflective_held: i64,
    #[diesel(sql_type = Nullable<Text>)]
    called_off_by: Option<String>,
}

/// A member and their sessions, oldest first.
struct Supervisee {
    branch: i64,
    employer: i64,
    start_date: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
    sessions: Vec<SessionRow>,
}

impl Supervisee {
    fn in_membership(&self, on: NaiveDate) -> bool {
        self.start_date.is_none_or(|s| s <= on) && self.left_on.is_none_or(|l| l >= on)
    }

    fn standing(&self, on: NaiveDate, regular_days: i64, lookback: i64) -> Standing {
        let window_from = on
            .checked_sub_days(Days::new(lookback as u64))
            .unwrap_or(on);
        supervision_standing::standing(
            on,
            Facts {
                regular_days,
                joined: self.start_date,
                last_reflective: self
                    .sessions
                    .iter()
                    .filter(|s| s.reflective_held != 0 && s.held_on <= on)
                    .map(|s| s.held_on)
                    .max(),
                recorded: self
                    .sessions
                    .iter()
                    .any(|s| s.held_on <= on && s.held_on >= window_from),
            },
        )
    }
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 10.0)
}

/// The dashboard's supervision for an area and period.
pub(crate) fn build(
    conn: &mut DbConn,
    area: &Area,
    from: NaiveDate,
    to: NaiveDate,
    names: (&HashMap<i64, String>, &HashMap<i64, String>),
) -> Result<SupervisionBoard, AppError> {
    let settings = Settings::load(conn)?;
    let overrides: HashMap<i64, i64> = Employer::list(conn)?
        .into_iter()
        .filter_map(|e| {
            e.supervision_regular_days_override
                .map(|d| (e.id.0, i64::from(d)))
        })
        .collect();
    let regular_of = |employer: i64| {
        overrides
            .get(&employer)
            .copied()
            .unwrap_or(settings.supervision_regular_days)
    };
    let lookback = settings.evidence_lookback_days;
    let longest = overrides
        .values()
        .copied()
        .fold(settings.supervision_regular_days, i64::max)
        .max(lookback);
    // Every session a standing in the period can depend on, and the one before the period's
    // first gap.
    let earliest = from
        .checked_sub_months(Months::new(12))
        .and_then(|d| d.checked_sub_days(Days::new(longest as u64)))
        .unwrap_or(from);
    let mut people: BTreeMap<i64, Supervisee> = Sql::build(
        "SELECT m.id AS id, m.branch_id AS branch, m.employer_id AS employer, \
                m.start_date AS start_date, m.left_on AS left_on \
         FROM members m WHERE {}",
        &[Arg::Sql(&area.on("m"))],
    )
    .load::<MemberRow>(conn)?
    .into_iter()
    .map(|m| {
        (
            m.id,
            Supervisee {
                branch: m.branch,
                employer: m.employer,
                start_date: m.start_date,
                left_on: m.left_on,
                sessions: Vec::new(),
            },
        )
    })
    .collect();
    let sessions: Vec<SessionRow> = Sql::build(
        "SELECT s.member_id AS member, s.held_on AS held_on, \
                CAST(CASE WHEN s.status = 'held' AND s.kind <> 'case_management' \
                     THEN 1 ELSE 0 END AS BIGINT) AS reflective_held, \
                s.called_off_by AS called_off_by \
         FROM supervision_records s JOIN members m ON m.id = s.member_id \
         WHERE {} AND s.held_on >= {} AND s.held_on <= {} \
         ORDER BY s.member_id, s.held_on, s.id",
        &[Arg::Sql(&area.on("m")), Arg::Day(earliest), Arg::Day(to)],
    )
    .load(conn)?;
    for session in sessions {
        if let Some(person) = people.get_mut(&session.member) {
            person.sessions.push(session);
        }
    }

    let mut branches: BTreeMap<i64, SupervisionRow> = BTreeMap::new();
    let mut employers: BTreeMap<i64, SupervisionRow> = BTreeMap::new();
    let mut total = SupervisionRow::default();
    for person in people.values() {
        let add = |row: &mut SupervisionRow| {
            if person.in_membership(to) {
                let standing = person.standing(to, regular_of(person.employer), lookback);
                row.members_counted += i64::from(standing.counted());
                row.regular += i64::from(standing == Standing::Regular);
            }
            let reflective: Vec<NaiveDate> = person
                .sessions
                .iter()
                .filter(|s| s.reflective_held != 0)
                .map(|s| s.held_on)
                .collect();
            row.gaps.extend(
                supervision_standing::gaps(&reflective)
                    .into_iter()
                    .filter(|(later, _)| *later >= from)
                    .map(|(_, days)| days),
            );
            for s in person.sessions.iter().filter(|s| s.held_on >= from) {
                match s.called_off_by.as_deref() {
                    Some("employer") => row.called_off_by_employer += 1,
                    Some("member") => row.called_off_by_member += 1,
                    _ => {}
                }
            }
        };
        add(branches.entry(person.branch).or_default());
        add(employers.entry(person.employer).or_default());
        add(&mut total);
    }
    let finish = |mut row: SupervisionRow| {
        row.regular_share = share(row.regular, row.members_counted);
        row.median_gap_days = supervision_standing::median_days(&row.gaps);
        row
    };
    let named = |rows: BTreeMap<i64, SupervisionRow>, names: &HashMap<i64, String>| {
        let mut rows: Vec<SupervisionRow> = rows
            .into_iter()
            .map(|(id, row)| SupervisionRow {
                id,
                name: names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
                ..finish(row)
            })
            .collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        rows
    };
    let mut total = finish(total);
    total.name = "All".into();
    Ok(SupervisionBoard {
        regular_days: settings.supervision_regular_days,
        total,
        branches: named(branches, names.0),
        employers: named(employers, names.1),
        months: month_ends(from, to)
            .into_iter()
            .map(|(month, on)| {
                let (mut counted, mut regular) = (0, 0);
                for person in people.values().filter(|p| p.in_membership(on)) {
                    let standing = person.standing(on, regular_of(person.employer), lookback);
                    counted += i64::from(standing.counted());
                    regular += i64::from(standing == Standing::Regular);
                }
                SupervisionMonth {
                    month,
                    on,
                    members_counted: counted,
                    regular,
                    regular_share: share(regular, counted),
                }
            })
            .collect(),
    })
}

/// Each month of the period with the day it is measured on: its last, or the period's end.
fn month_ends(from: NaiveDate, to: NaiveDate) -> Vec<(String, NaiveDate)> {
    let mut out = Vec::new();
    let mut first = NaiveDate::from_ymd_opt(from.year(), from.month(), 1);
    while let Some(month) = first.filter(|m| *m <= to) {
        let next = month.checked_add_months(Months::new(1));
        let last = next.and_then(|n| n.pred_opt()).unwrap_or(month).min(to);
        out.push((month.format("%Y-%m").to_string(), last));
        first = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_month_is_measured_on_its_last_day_and_the_last_on_the_period_end() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            month_ends(d(2028, 1, 15), d(2028, 3, 10)),
            vec![
                ("2028-01".to_string(), d(2028, 1, 31)),
                ("2028-02".to_string(), d(2028, 2, 29)),
                ("2028-03".to_string(), d(2028, 3, 10)),
            ]
        );
    }
}

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::schema::settings;
use crate::error::AppError;

/// A named value an administrator can change (thresholds, windows, retention), so that no
/// rule carries a literal in code. Defaults are inserted by the first migration.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = settings)]
pub struct Setting {
    pub key: String,
    pub value: String,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub updated_at: NaiveDateTime,
}

/// The settings, typed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Settings {
    /// Open cases per FTE above which a member is above the safe caseload.
    pub safe_caseload: f64,
    /// k of statistical disclosure control.
    pub disclosure_threshold: i64,
    /// Length of an appeal window in working days.
    pub appeal_working_days: i64,
    /// Years after closing before a case is anonymised.
    pub retention_years: i64,
    /// D: the largest noise added to a published evidence count.
    pub evidence_max_noise: i64,
    /// The fewest members a branch or region (or the whole union) needs to be an evidence scope.
    pub evidence_min_scope_members: i64,
    /// Days after a period ends before its evidence release is published (for late entries).
    pub evidence_settling_days: i64,
    /// The fewest members a row of an equality table, or a line of members beside a risk,
    /// needs to be shown on its own.
    pub evidence_min_group: i64,
    /// Days before a period's start within which a workload record gives a member's exposure.
    pub evidence_lookback_days: i64,
    /// The largest case paper taken, in megabytes.
    pub document_max_mb: i64,
    /// The longest gap in days between reflective supervisions that counts as regular.
    pub supervision_regular_days: i64,
}

/// Each setting's key, label and the range an administrator may choose from.
pub const SETTINGS: &[(&str, &str, f64, f64)] = &[
    (
        "safe_caseload",
        "Safe caseload (open cases per FTE)",
        1.0,
        100.0,
    ),
    (
        "disclosure_threshold",
        "Smallest count shown in evidence (k)",
        2.0,
        50.0,
    ),
    (
        "appeal_working_days",
        "Appeal window (working days)",
        1.0,
        60.0,
    ),
    (
        "retention_years",
        "Years to keep closed cases before anonymising",
        1.0,
        100.0,
    ),
    (
        "evidence_max_noise",
        "Largest noise added to an evidence count (D)",
        1.0,
        5.0,
    ),
    (
        "evidence_min_scope_members",
        "Fewest members a branch or region needs for its own evidence",
        20.0,
        100000.0,
    ),
    (
        "evidence_settling_days",
        "Days after a period ends before its evidence is published",
        0.0,
        365.0,
    ),
    (
        "evidence_min_group",
        "Fewest members in a row of an equality table or a line beside a risk",
        2.0,
        1000.0,
    ),
    (
        "evidence_lookback_days",
        "Days before a period within which a workload record gives a member's exposure",
        7.0,
        730.0,
    ),
    (
        "document_max_mb",
        "Largest case paper taken (megabytes)",
        1.0,
        100.0,
    ),
    (
        "supervision_regular_days",
        "Longest gap between reflective supervisions that counts as regular (days)",
        7.0,
        365.0,
    ),
];

impl Setting {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Setting>> {
        settings::table
            .order(settings::key)
            .select(Setting::as_select())
            .load(conn)
    }

    /// Checks the value against the setting's range, then stores it.
    pub fn set(conn: &mut DbConn, key: &str, value: &str) -> Result<(), AppError> {
        let (_, _, low, high) = SETTINGS
            .iter()
            .find(|(k, ..)| *k == key)
            .ok_or_else(|| AppError::invalid(key, "no such setting"))?;
        let number: f64 = value
            .trim()
            .parse()
            .map_err(|_| AppError::invalid(key, "must be a number"))?;
        let whole = key != "safe_caseload";
        if !(number >= *low && number <= *high) || (whole && number.fract() != 0.0) {
            let kind = if whole { "a whole number" } else { "a number" };
            return Err(AppError::invalid(
                key,
                format!("must be {kind} from {low} to {high}"),
            ));
        }
        diesel::update(settings::table.find(key))
            .set((
                settings::value.eq(number.to_string()),
                settings::updated_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(conn)?;
        Ok(())
    }
}

impl Settings {
    pub fn load(conn: &mut DbConn) -> Result<Settings, AppError> {
        let rows = Setting::all(conn)?;
        let number = |key: &str| -> Result<f64, AppError> {
            rows.iter()
                .find(|s| s.key == key)
                .and_then(|s| s.value.parse().ok())
                .ok_or_else(|| {
                    AppError::Internal(format!("setting {key} is missing or not a number"))
                })
        };
        Ok(Settings {
            safe_caseload: number("safe_caseload")?,
            disclosure_threshold: number("disclosure_threshold")? as i64,
            appeal_working_days: number("appeal_working_days")? as i64,
            retention_years: number("retention_years")? as i64,
            evidence_max_noise: number("evidence_max_noise")? as i64,
            evidence_min_scope_members: number("evidence_min_scope_members")? as i64,
            evidence_settling_days: number("evidence_settling_days")? as i64,
            evidence_min_group: number("evidence_min_group")? as i64,
            evidence_lookback_days: number("evidence_lookback_days")? as i64,
            document_max_mb: number("document_max_mb")? as i64,
            supervision_regular_days: number("supervision_regular_days")? as i64,
        })
    }
}

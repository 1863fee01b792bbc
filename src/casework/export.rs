//! CSV exports of the members, cases and workload records in a scope. The members and workload
//! exports are in their import's own columns, so that a file can be exported, corrected and
//! imported again. One rule for every enumeration in every export: its code as the API spells
//! it (`ill_health`, `member_report`, `true`), which is what a spreadsheet filter or a script
//! can rely on; the imports read a code or the label the pages show.

use std::collections::HashMap;

use crate::access::RecordScope;
use crate::csv_writer::CsvWriter;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{
    Branch, Case, CaseFilter, CaseListItem, Employer, Member, MemberFilter, WorkloadRecord,
};
use crate::paging::Paging;

use super::import::MEMBER_COLUMNS;

/// Members exported per query.
const PAGE: i64 = 1000;

/// The CSV text and the ids of the members it holds.
pub(crate) fn members_csv(
    conn: &mut DbConn,
    scope: RecordScope,
    filter: &MemberFilter,
) -> Result<(Vec<u8>, Vec<i64>), AppError> {
    let branch_code: HashMap<_, _> = Branch::list(conn)?
        .into_iter()
        .map(|b| (b.id, b.code))
        .collect();
    let employer_name: HashMap<_, _> = Employer::list(conn)?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let mut writer = CsvWriter::new();
    writer.row(MEMBER_COLUMNS)?;
    let mut ids = Vec::new();
    for page in 1.. {
        let paging = Paging {
            page,
            per_page: PAGE,
        };
        let (members, _) = Member::list(conn, || scope.members(), filter, paging)?;
        for m in &members {
            writer.row([
                m.membership_number.as_str(),
                &m.first_name,
                &m.last_name,
                m.email.as_deref().unwrap_or_default(),
                m.phone.as_deref().unwrap_or_default(),
                employer_name.get(&m.employer_id).map_or("", String::as_str),
                &m.job_role,
                m.team.as_deref().unwrap_or_default(),
                &m.fte.to_string(),
                &m.start_date.map(|d| d.to_string()).unwrap_or_default(),
                &m.left_on.map(|d| d.to_string()).unwrap_or_default(),
                branch_code.get(&m.branch_id).map_or("", String::as_str),
            ])?;
        }
        ids.extend(members.iter().map(|m| m.id.0));
        if (members.len() as i64) < PAGE {
            break;
        }
    }
    Ok((writer.finish()?, ids))
}

/// Rows per query of the list exports, and the most rows one export holds.
const EXPORT_MAX: i64 = 100_000;

/// Every page of a filtered list, up to [`EXPORT_MAX`] rows.
fn all_pages<T>(
    mut load: impl FnMut(Paging) -> Result<Vec<T>, AppError>,
) -> Result<Vec<T>, AppError> {
    let mut rows = Vec::new();
    for page in 1.. {
        let paging = Paging {
            page,
            per_page: PAGE,
        };
        let got = load(paging)?;
        let last = (got.len() as i64) < PAGE;
        rows.extend(got);
        if last || rows.len() as i64 >= EXPORT_MAX {
            break;
        }
    }
    Ok(rows)
}

/// The filtered case list as CSV (what the list shows, every page), and the case ids in it.
pub(crate) fn cases_csv(
    conn: &mut DbConn,
    scope: RecordScope,
    filter: &CaseFilter,
) -> Result<(Vec<u8>, Vec<i64>), AppError> {
    let cases = all_pages(|paging| Ok(Case::list(conn, || scope.cases(), filter, paging)?.0))?;
    let ids: Vec<i64> = cases.iter().map(|c| c.id.0).collect();
    let branch_name: HashMap<_, _> = Branch::list(conn)?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let mut writer = CsvWriter::new();
    writer.row([
        "reference",
        "member",
        "branch",
        "type",
        "stage",
        "rep",
        "status",
        "opened_on",
        "closed_on",
        "outcome",
        "next_deadline",
        "workload_factor",
        "referred_to_region",
    ])?;
    for chunk in cases.chunks(PAGE as usize) {
        for item in CaseListItem::of(conn, chunk.to_vec())? {
            let c = &item.case;
            writer.row([
                c.reference.as_str(),
                item.member_name.as_deref().unwrap_or("anonymised"),
                branch_name.get(&c.branch_id).map_or("", String::as_str),
                c.case_type.as_str(),
                c.stage.as_str(),
                item.rep_name.as_deref().unwrap_or(""),
                c.status.as_str(),
                &c.opened_on.to_string(),
                &c.closed_on.map(|d| d.to_string()).unwrap_or_default(),
                c.outcome.map(|o| o.as_str()).unwrap_or_default(),
                &item
                    .next_deadline
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                if c.workload_factor { "true" } else { "false" },
                if c.referred_to_region {
                    "true"
                } else {
                    "false"
                },
            ])?;
        }
    }
    Ok((writer.finish()?, ids))
}

/// The workload records of the filtered members as CSV, oldest first per member, and the ids
/// of the members in it.
pub(crate) fn workload_csv(
    conn: &mut DbConn,
    scope: RecordScope,
    filter: &MemberFilter,
) -> Result<(Vec<u8>, Vec<i64>), AppError> {
    let members =
        all_pages(|paging| Ok(Member::list(conn, || scope.members(), filter, paging)?.0))?;
    let mut writer = CsvWriter::new();
    writer.row([
        "membership_number",
        "first_name",
        "last_name",
        "recorded_on",
        "open_cases",
        "fte",
        "open_cases_per_fte",
        "hours_worked",
        "contracted_hours",
        "source",
        "note",
    ])?;
    for chunk in members.chunks(500) {
        let ids: Vec<_> = chunk.iter().map(|m| m.id).collect();
        let records = WorkloadRecord::for_members(conn, &ids)?;
        for m in chunk {
            for r in records.iter().filter(|r| r.member_id == m.id) {
                let fte = r.fte.unwrap_or(m.fte);
                writer.row([
                    m.membership_number.as_str(),
                    &m.first_name,
                    &m.last_name,
                    &r.recorded_on.to_string(),
                    &r.open_cases.to_string(),
                    &fte.to_string(),
                    &format!("{:.2}", r.caseload_per_fte(fte)),
                    &r.hours_worked.map(|h| h.to_string()).unwrap_or_default(),
                    &r.contracted_hours
                        .map(|h| h.to_string())
                        .unwrap_or_default(),
                    r.source.as_str(),
                    r.note.as_deref().unwrap_or_default(),
                ])?;
            }
        }
    }
    Ok((writer.finish()?, members.iter().map(|m| m.id.0).collect()))
}

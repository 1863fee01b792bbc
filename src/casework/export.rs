//! CSV export of the members in a scope, in the import's own columns so that a file can be
//! exported, corrected and imported again.

use std::collections::HashMap;

use crate::access::RecordScope;
use crate::csv_writer::CsvWriter;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Branch, Employer, Member, MemberFilter};
use crate::paging::Paging;

use super::import::MEMBER_COLUMNS;

/// Members exported per query.
const PAGE: i64 = 1000;

/// The CSV text and the ids of the members it holds.
pub(crate) fn members_csv(
    conn: &mut DbConn,
    scope: RecordScope,
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
        let (members, _) =
            Member::list(conn, || scope.members(), &MemberFilter::default(), paging)?;
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

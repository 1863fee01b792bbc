//! What a report covers (`national`, `region:{id}`, `branch:{id}`) as people read and write it,
//! and a dashboard's narrowing; who may see which is `access::areas`, the SQL `reports::sql`.

use std::fmt;
use std::str::FromStr;

use crate::access::ReportScope;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Branch, BranchId, EmployerId, Region, RegionId};

impl FromStr for ReportScope {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let id = |text: &str| {
            text.parse::<i64>()
                .map_err(|_| format!("{text:?} is not an id"))
        };
        match s.split_once(':') {
            None if s == "national" => Ok(Self::National),
            Some(("region", rest)) => Ok(Self::Region(RegionId(id(rest)?))),
            Some(("branch", rest)) => Ok(Self::Branch(BranchId(id(rest)?))),
            _ => Err("expected national, region:ID or branch:ID".into()),
        }
    }
}

impl fmt::Display for ReportScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::National => f.write_str("national"),
            Self::Region(id) => write!(f, "region:{id}"),
            Self::Branch(id) => write!(f, "branch:{id}"),
        }
    }
}

impl ReportScope {
    /// A name for people: "National", "North West", "Leeds branch".
    pub fn name(self, conn: &mut DbConn) -> Result<String, AppError> {
        Ok(match self {
            ReportScope::National => "National".into(),
            ReportScope::Region(r) => Region::find(conn, r)?.name,
            ReportScope::Branch(b) => format!("{} branch", Branch::find(conn, b)?.name),
        })
    }

    /// How a sentence says where: "across all branches", "in the North West region".
    pub(crate) fn phrase(self, conn: &mut DbConn) -> Result<String, AppError> {
        Ok(match self {
            ReportScope::National => "across all branches".into(),
            ReportScope::Region(r) => format!("in the {} region", Region::find(conn, r)?.name),
            ReportScope::Branch(b) => format!("in the {} branch", Branch::find(conn, b)?.name),
        })
    }
}

/// An optional narrowing of a dashboard to one branch or employer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub branch: Option<BranchId>,
    pub employer: Option<EmployerId>,
}

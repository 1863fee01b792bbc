//! What a report covers (`national`, `region:{id}`, `branch:{id}`), who may ask for it, and the
//! SQL conditions that restrict queries to it.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::auth::Scope;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Branch, BranchId, EmployerId, Region, RegionId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ReportScope {
    National,
    Region(RegionId),
    Branch(BranchId),
}

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
    /// The widest scope a caller sees by default.
    pub fn default_for(scope: Scope) -> ReportScope {
        match scope {
            Scope::All | Scope::Evidence { region_id: None } => ReportScope::National,
            Scope::Region { region_id }
            | Scope::Evidence {
                region_id: Some(region_id),
            } => ReportScope::Region(region_id),
            Scope::Branch { branch_id } => ReportScope::Branch(branch_id),
        }
    }

    /// Whether a caller may see this scope's figures; a region's branches are within the region.
    pub fn check_allowed(self, conn: &mut DbConn, caller: Scope) -> Result<(), AppError> {
        let region_of = |conn: &mut DbConn, b: BranchId| Branch::find(conn, b).map(|b| b.region_id);
        let allowed = match (caller, self) {
            (Scope::All, _) | (Scope::Evidence { region_id: None }, _) => true,
            (
                Scope::Region { region_id }
                | Scope::Evidence {
                    region_id: Some(region_id),
                },
                ReportScope::Region(r),
            ) => r == region_id,
            (
                Scope::Region { region_id }
                | Scope::Evidence {
                    region_id: Some(region_id),
                },
                ReportScope::Branch(b),
            ) => region_of(conn, b)? == region_id,
            (Scope::Branch { branch_id }, ReportScope::Branch(b)) => b == branch_id,
            _ => false,
        };
        // The scope must exist (404), and be the caller's to see (403).
        match self {
            ReportScope::Region(r) => {
                Region::find(conn, r)?;
            }
            ReportScope::Branch(b) => {
                Branch::find(conn, b)?;
            }
            ReportScope::National => {}
        }
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// A name for people: "National", "North West", "Leeds branch".
    pub fn name(self, conn: &mut DbConn) -> Result<String, AppError> {
        Ok(match self {
            ReportScope::National => "National".into(),
            ReportScope::Region(r) => Region::find(conn, r)?.name,
            ReportScope::Branch(b) => format!("{} branch", Branch::find(conn, b)?.name),
        })
    }

    /// How a sentence says where: "across all branches", "in the North West region".
    pub fn phrase(self, conn: &mut DbConn) -> Result<String, AppError> {
        Ok(match self {
            ReportScope::National => "across all branches".into(),
            ReportScope::Region(r) => format!("in the {} region", Region::find(conn, r)?.name),
            ReportScope::Branch(b) => format!("in the {} branch", Branch::find(conn, b)?.name),
        })
    }

    /// The SQL condition on the `branch_id` column of the table aliased `alias` (values are
    /// typed ids, never user text).
    pub fn condition(self, alias: &str) -> String {
        match self {
            ReportScope::National => "1 = 1".into(),
            ReportScope::Region(r) => {
                format!("{alias}.branch_id IN (SELECT id FROM branches WHERE region_id = {r})")
            }
            ReportScope::Branch(b) => format!("{alias}.branch_id = {b}"),
        }
    }
}

/// An optional narrowing of a dashboard to one branch or employer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub branch: Option<BranchId>,
    pub employer: Option<EmployerId>,
}

impl Narrowing {
    /// Extra SQL conditions on the `branch_id` and `employer_id` columns of the table aliased
    /// `alias`.
    pub fn condition(self, alias: &str) -> String {
        let mut parts = Vec::new();
        if let Some(b) = self.branch {
            parts.push(format!("{alias}.branch_id = {b}"));
        }
        if let Some(e) = self.employer {
            parts.push(format!("{alias}.employer_id = {e}"));
        }
        if parts.is_empty() {
            "1 = 1".into()
        } else {
            parts.join(" AND ")
        }
    }
}

//! The areas a report covers (`national`, `region:{id}`, `branch:{id}`) and who may see which.

use diesel::OptionalExtension;
use serde::Serialize;

use super::Scope;
use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Branch, BranchId, Region, RegionId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ReportScope {
    National,
    Region(RegionId),
    Branch(BranchId),
}

impl ReportScope {
    /// The widest scope a caller sees by default.
    pub(crate) fn default_for(scope: Scope) -> ReportScope {
        match scope {
            Scope::All | Scope::Evidence { region_id: None } => ReportScope::National,
            Scope::Region { region_id }
            | Scope::Evidence {
                region_id: Some(region_id),
            } => ReportScope::Region(region_id),
            Scope::Branch { branch_id } => ReportScope::Branch(branch_id),
        }
    }

    /// Whether a caller may see this area's figures (`region_of_branch`: the region of the
    /// branch, when the area is a branch); a region's branches are within the region.
    pub(crate) fn open_to(self, caller: Scope, region_of_branch: Option<RegionId>) -> bool {
        match (caller, self) {
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
                ReportScope::Branch(_),
            ) => region_of_branch == Some(region_id),
            (Scope::Branch { branch_id }, ReportScope::Branch(b)) => b == branch_id,
            _ => false,
        }
    }

    /// Whether a caller may see this scope's figures; a region's branches are within the region.
    pub(crate) fn check_allowed(self, conn: &mut DbConn, caller: Scope) -> Result<(), AppError> {
        // The area must exist (404), and be the caller's to see (403).
        let region_of_branch = match self {
            ReportScope::Region(r) => {
                Region::find(conn, r)
                    .optional()?
                    .ok_or(AppError::NotFound)?;
                None
            }
            ReportScope::Branch(b) => {
                let branch = Branch::find(conn, b)
                    .optional()?
                    .ok_or(AppError::NotFound)?;
                Some(branch.region_id)
            }
            ReportScope::National => None,
        };
        let allowed = self.open_to(caller, region_of_branch);
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

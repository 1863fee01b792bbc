//! What a caller's role lets them see: `Scope` for everything, `RecordScope` for casework
//! records (members, workload, cases and their timelines and deadlines).

use serde::Serialize;

use crate::error::AppError;
use crate::models::{BranchId, RegionId, Role, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// An administrator: everything.
    All,
    /// A regional organiser: reads the region's branches, works cases referred to the region.
    Region { region_id: RegionId },
    /// A branch officer: sees and edits their branch only.
    Branch { branch_id: BranchId },
    /// A conference delegate: evidence summaries only, national or for one region.
    Evidence { region_id: Option<RegionId> },
}

impl Scope {
    /// The scope a user's role and scope columns give (the database checks they agree).
    pub(crate) fn of(user: &User) -> Result<Self, AppError> {
        Self::from_parts(user.role, user.branch_id, user.region_id).ok_or_else(|| {
            AppError::Internal(format!("user {} has no scope for its role", user.id))
        })
    }

    /// The scope of a role with its branch and region; `None` when the role needs one it lacks.
    pub(crate) fn from_parts(
        role: Role,
        branch_id: Option<BranchId>,
        region_id: Option<RegionId>,
    ) -> Option<Self> {
        Some(match role {
            Role::Admin => Scope::All,
            Role::Organiser => Scope::Region {
                region_id: region_id?,
            },
            Role::Officer => Scope::Branch {
                branch_id: branch_id?,
            },
            Role::Delegate => Scope::Evidence { region_id },
        })
    }

    /// The casework records this scope may read; delegates have none (403).
    pub(crate) fn records(self) -> Result<RecordScope, AppError> {
        match self {
            Scope::All => Ok(RecordScope::All),
            Scope::Region { region_id } => Ok(RecordScope::Region(region_id)),
            Scope::Branch { branch_id } => Ok(RecordScope::Branch(branch_id)),
            Scope::Evidence { .. } => Err(AppError::Forbidden),
        }
    }
}

/// The casework records a caller may read: every query over members, cases and their records
/// is restricted by one (see `rows.rs`); a record outside it answers 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordScope {
    All,
    Region(RegionId),
    Branch(BranchId),
}

impl RecordScope {
    /// The records of a report's area (a survey's members).
    pub(crate) fn of_report(area: super::ReportScope) -> Self {
        match area {
            super::ReportScope::National => RecordScope::All,
            super::ReportScope::Region(r) => RecordScope::Region(r),
            super::ReportScope::Branch(b) => RecordScope::Branch(b),
        }
    }

    /// Whether a record of `branch` (in `region`) is within this scope, for rows already in
    /// memory (a CSV import matching its rows against existing members).
    pub(crate) fn covers(self, branch: BranchId, region: RegionId) -> bool {
        match self {
            RecordScope::All => true,
            RecordScope::Branch(own) => branch == own,
            RecordScope::Region(own) => region == own,
        }
    }
}

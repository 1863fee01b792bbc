//! What a caller may see. Every query over members, cases and their records takes a `Scope`,
//! so a row outside it cannot be read or written; such a row answers 404.

use serde::Serialize;

use crate::error::AppError;
use crate::models::{BranchId, RegionId, Role, User};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    pub fn of(user: &User) -> Result<Self, AppError> {
        let broken = || AppError::Internal(format!("user {} has no scope for its role", user.id));
        Ok(match user.role {
            Role::Admin => Scope::All,
            Role::Organiser => Scope::Region {
                region_id: user.region_id.ok_or_else(broken)?,
            },
            Role::Officer => Scope::Branch {
                branch_id: user.branch_id.ok_or_else(broken)?,
            },
            Role::Delegate => Scope::Evidence {
                region_id: user.region_id,
            },
        })
    }

    /// The scope for casework (members, workload, cases); delegates have none.
    pub fn casework(self) -> Result<Casework, AppError> {
        match self {
            Scope::All => Ok(Casework::All),
            Scope::Region { region_id } => Ok(Casework::Region(region_id)),
            Scope::Branch { branch_id } => Ok(Casework::Branch(branch_id)),
            Scope::Evidence { .. } => Err(AppError::Forbidden),
        }
    }
}

/// A scope that can see casework. Queries filter by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casework {
    All,
    Region(RegionId),
    Branch(BranchId),
}

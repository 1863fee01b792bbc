//! Who may see and change what, in one place. A caller is an [`Actor`]; it hands out a
//! [`RecordScope`] for reading casework and refuses (403) writes its role does not allow. Every
//! query over members, cases and their records starts from the rows a `RecordScope` gives
//! (`rows.rs`), so an out-of-scope record cannot be read: it answers 404 like one that does not
//! exist. Report areas are checked here too (`areas.rs`).

pub mod areas;
pub mod rows;
pub mod scope;

pub use areas::ReportScope;
pub use rows::Seen;
pub use scope::{RecordScope, Scope};

use crate::db::DbConn;
use crate::error::AppError;
use crate::models::{Branch, Case, CaseEvent, CaseId, CaseStatus, Role, User, UserId};

/// Who is acting, and where.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub id: UserId,
    pub role: Role,
    pub scope: Scope,
}

impl Actor {
    /// The casework records the actor may read; 403 for delegates.
    pub(crate) fn records(&self) -> Result<RecordScope, AppError> {
        self.scope.records()
    }

    /// 403 unless the actor is an administrator (users, reference data, settings).
    pub(crate) fn require_admin(&self) -> Result<(), AppError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Where the actor may create and edit members and workload records and open cases:
    /// administrators anywhere, officers in their branch. Organisers read and work referred
    /// cases; delegates see evidence only.
    pub(crate) fn member_writer(&self) -> Result<RecordScope, AppError> {
        match self.scope {
            Scope::All => Ok(RecordScope::All),
            Scope::Branch { branch_id } => Ok(RecordScope::Branch(branch_id)),
            Scope::Region { .. } | Scope::Evidence { .. } => Err(AppError::Forbidden),
        }
    }

    /// Whether the actor may work a case already read in scope: administrators and officers
    /// any, organisers those referred to their region.
    pub(crate) fn may_work(&self, case: &Case) -> bool {
        match self.scope {
            Scope::All | Scope::Branch { .. } => true,
            Scope::Region { .. } => case.referred_to_region,
            Scope::Evidence { .. } => false,
        }
    }

    /// The cases the actor may work, as a query of their ids: those in scope, and for an
    /// organiser only those referred (as [`Actor::may_work`] says of one case).
    pub(crate) fn workable_cases(
        &self,
    ) -> Result<
        crate::db::schema::cases::BoxedQuery<'static, crate::db::Sql, diesel::sql_types::BigInt>,
        AppError,
    > {
        use crate::db::schema::cases;
        use diesel::prelude::*;
        let rows = self.records()?.cases();
        let rows = match self.scope {
            Scope::Region { .. } => rows.filter(cases::referred_to_region.eq(true)),
            _ => rows,
        };
        Ok(rows.select(cases::id))
    }

    /// The case if the actor may change it. Out of sight is 404; in sight but not theirs to
    /// work is 403.
    pub(crate) fn writable_case(
        &self,
        conn: &mut DbConn,
        id: CaseId,
    ) -> Result<Seen<Case>, AppError> {
        let case = self.records()?.case(conn, id)?;
        if self.may_work(&case) {
            Ok(case)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether the actor may refer a case to the region or withdraw it (those who open cases;
    /// an organiser works a referred case but cannot send it back).
    pub(crate) fn may_refer(&self, case: &Case) -> bool {
        self.may_work(case) && self.member_writer().is_ok()
    }

    /// Whether the actor may take a case, becoming the rep working it: an open case they work
    /// and are not yet the rep of.
    pub(crate) fn may_take(&self, case: &Case) -> bool {
        self.may_work(case) && case.status == CaseStatus::Open && case.assigned_to != Some(self.id)
    }

    /// Whether the actor may correct an entry of a case's timeline: only its author, only an
    /// entry written by hand (an entry caseload wrote for a change to the case is the record of
    /// that change), and only on a case they work.
    pub(crate) fn correction(&self, case: &Case, entry: &CaseEvent) -> Result<(), AppError> {
        if !self.may_work(case) || entry.author_id != Some(self.id) {
            return Err(AppError::Forbidden);
        }
        if entry.system || entry.kind.written_by_the_workflow() {
            return Err(AppError::invalid(
                "kind",
                "an entry caseload wrote for a change to the case (a stage, an outcome, a \
                 referral, a rep taking it, a hearing moved) is its record of that change: it \
                 cannot be corrected; add a note instead",
            ));
        }
        Ok(())
    }
}

/// Whether `user`'s scope covers the records of `branch` (who a case may be assigned to).
pub(crate) fn sees_branch(user: &User, branch: &Branch) -> Result<bool, AppError> {
    Ok(Scope::of(user)?
        .records()
        .is_ok_and(|records| records.covers(branch.id, branch.region_id)))
}

//! Regions, branches and employers share one shape: reference data any signed-in user may read
//! and only administrators write. One trait lets the API and the admin pages treat them alike.

use diesel::{OptionalExtension, QueryResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    Branch, Employer, NewBranch, NewEmployer, NewRegion, Region, UpdateBranch, UpdateEmployer,
    UpdateRegion,
};
use crate::db::DbConn;
use crate::error::AppError;

pub trait Reference: Serialize + Sized + Send + 'static {
    type Id: From<i64> + Copy + Send + 'static;
    type New: DeserializeOwned + Send + 'static;
    type Update: DeserializeOwned + Send + 'static;
    /// The entity's name in the audit log.
    const ENTITY: &'static str;

    fn id(&self) -> i64;
    fn list(conn: &mut DbConn) -> QueryResult<Vec<Self>>;
    fn find(conn: &mut DbConn, id: Self::Id) -> QueryResult<Self>;
    /// Validates, then inserts.
    fn create(conn: &mut DbConn, new: Self::New) -> Result<Self, AppError>;
    /// Validates, then updates.
    fn update(conn: &mut DbConn, id: Self::Id, changes: Self::Update) -> Result<Self, AppError>;
}

fn check_region(conn: &mut DbConn, id: Option<super::RegionId>) -> Result<(), AppError> {
    match id {
        Some(id) => match Region::find(conn, id).optional()? {
            Some(_) => Ok(()),
            None => Err(AppError::invalid("region_id", "no such region")),
        },
        None => Ok(()),
    }
}

impl Reference for Region {
    type Id = super::RegionId;
    type New = NewRegion;
    type Update = UpdateRegion;
    const ENTITY: &'static str = "region";

    fn id(&self) -> i64 {
        self.id.0
    }
    fn list(conn: &mut DbConn) -> QueryResult<Vec<Self>> {
        Region::list(conn)
    }
    fn find(conn: &mut DbConn, id: Self::Id) -> QueryResult<Self> {
        Region::find(conn, id)
    }
    fn create(conn: &mut DbConn, new: NewRegion) -> Result<Self, AppError> {
        Ok(Region::create(conn, &new.validated()?)?)
    }
    fn update(conn: &mut DbConn, id: Self::Id, changes: UpdateRegion) -> Result<Self, AppError> {
        Ok(Region::update(conn, id, &changes.validated()?)?)
    }
}

impl Reference for Branch {
    type Id = super::BranchId;
    type New = NewBranch;
    type Update = UpdateBranch;
    const ENTITY: &'static str = "branch";

    fn id(&self) -> i64 {
        self.id.0
    }
    fn list(conn: &mut DbConn) -> QueryResult<Vec<Self>> {
        Branch::list(conn)
    }
    fn find(conn: &mut DbConn, id: Self::Id) -> QueryResult<Self> {
        Branch::find(conn, id)
    }
    fn create(conn: &mut DbConn, new: NewBranch) -> Result<Self, AppError> {
        let new = new.validated()?;
        check_region(conn, Some(new.region_id))?;
        Ok(Branch::create(conn, &new)?)
    }
    fn update(conn: &mut DbConn, id: Self::Id, changes: UpdateBranch) -> Result<Self, AppError> {
        let changes = changes.validated()?;
        check_region(conn, changes.region_id)?;
        Ok(Branch::update(conn, id, &changes)?)
    }
}

impl Reference for Employer {
    type Id = super::EmployerId;
    type New = NewEmployer;
    type Update = UpdateEmployer;
    const ENTITY: &'static str = "employer";

    fn id(&self) -> i64 {
        self.id.0
    }
    fn list(conn: &mut DbConn) -> QueryResult<Vec<Self>> {
        Employer::list(conn)
    }
    fn find(conn: &mut DbConn, id: Self::Id) -> QueryResult<Self> {
        Employer::find(conn, id)
    }
    fn create(conn: &mut DbConn, new: NewEmployer) -> Result<Self, AppError> {
        Ok(Employer::create(conn, &new.validated()?)?)
    }
    fn update(conn: &mut DbConn, id: Self::Id, changes: UpdateEmployer) -> Result<Self, AppError> {
        Ok(Employer::update(conn, id, &changes.validated()?)?)
    }
}

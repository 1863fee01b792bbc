//! Short notices of a referral: when a case is referred to a region its organisers get one;
//! when the region takes it, the branch's officers do. Queued in the transaction of the change
//! itself, so a notice exists exactly when the change does. Reference and link only.

use chrono::Utc;
use diesel::prelude::*;
use serde_json::json;

use super::outbox::{self, Kind};
use crate::db::DbConn;
use crate::db::schema::{branches, users};
use crate::models::{Case, Role, UserId};

/// Active users with an email address, of a role, in a branch or a region.
fn addressed(
    conn: &mut DbConn,
    role: Role,
    case: &Case,
    except: UserId,
) -> QueryResult<Vec<UserId>> {
    let mut query = users::table
        .filter(users::active.eq(true))
        .filter(users::email.is_not_null())
        .filter(users::role.eq(role.as_str()))
        .filter(users::id.ne(except))
        .select(users::id)
        .into_boxed();
    query = if role == Role::Organiser {
        let region = branches::table
            .find(case.branch_id)
            .select(branches::region_id)
            .first::<crate::models::RegionId>(conn)?;
        query.filter(users::region_id.eq(region))
    } else {
        query.filter(users::branch_id.eq(case.branch_id))
    };
    query.order(users::id).load(conn)
}

fn queue_for(
    conn: &mut DbConn,
    kind: Kind,
    recipients: Vec<UserId>,
    case: &Case,
) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    // One notice per change: the key names the moment, so a later referral notifies again.
    let moment = now.and_utc().timestamp_micros();
    let payload = json!({ "case_id": case.id, "reference": case.reference });
    for user in recipients {
        let key = format!("{}:{}:{moment}:{user}", kind.as_str(), case.id);
        outbox::queue(conn, &key, user, kind, 1, &payload, now)?;
    }
    Ok(())
}

/// The case was referred to its region (by `actor`): its organisers are told.
pub(crate) fn referred(conn: &mut DbConn, case: &Case, actor: UserId) -> QueryResult<()> {
    let organisers = addressed(conn, Role::Organiser, case, actor)?;
    queue_for(conn, Kind::Referred, organisers, case)
}

/// The region took the referred case (`actor` became its rep): the branch's officers are told.
pub(crate) fn taken(conn: &mut DbConn, case: &Case, actor: UserId) -> QueryResult<()> {
    let officers = addressed(conn, Role::Officer, case, actor)?;
    queue_for(conn, Kind::Taken, officers, case)
}

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::enums::ContactRole;
use super::ids::{CaseId, ContactId, UserId};
use crate::db::schema::case_contacts;
use crate::db::{DbConn, Sql};

/// Someone around a case: the investigating officer, the hearing manager, a companion.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = case_contacts)]
pub struct Contact {
    pub id: ContactId,
    pub case_id: CaseId,
    pub role: ContactRole,
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
    pub added_by: Option<UserId>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub added_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_contacts)]
pub struct NewContact {
    pub case_id: CaseId,
    pub role: ContactRole,
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub note: Option<String>,
    pub added_by: Option<UserId>,
    pub added_at: NaiveDateTime,
}

impl Contact {
    pub(crate) fn create(conn: &mut DbConn, new: &NewContact) -> QueryResult<Contact> {
        diesel::insert_into(case_contacts::table)
            .values(new)
            .returning(case_contacts::all_columns)
            .get_result(conn)
    }

    /// The contacts of these cases, by case, then role, then name.
    pub(crate) fn of_cases(conn: &mut DbConn, cases: &[CaseId]) -> QueryResult<Vec<Contact>> {
        case_contacts::table
            .filter(case_contacts::case_id.eq_any(cases))
            .order((
                case_contacts::case_id,
                case_contacts::role,
                case_contacts::name,
                case_contacts::id,
            ))
            .select(Contact::as_select())
            .load(conn)
    }

    /// The contact `id` if it belongs to `case`.
    pub(crate) fn of_case(
        conn: &mut DbConn,
        case: CaseId,
        id: ContactId,
    ) -> QueryResult<Option<Contact>> {
        case_contacts::table
            .find(id)
            .filter(case_contacts::case_id.eq(case))
            .select(Contact::as_select())
            .first(conn)
            .optional()
    }

    /// The contacts of the cases `among` selects (a scoped query), newest first: those a
    /// rep may pick again.
    pub(crate) fn among(
        conn: &mut DbConn,
        among: crate::db::schema::cases::BoxedQuery<'static, Sql, diesel::sql_types::BigInt>,
        limit: i64,
    ) -> QueryResult<Vec<Contact>> {
        let cases: Vec<CaseId> = among.load(conn)?;
        case_contacts::table
            .filter(case_contacts::case_id.eq_any(cases))
            .order((case_contacts::added_at.desc(), case_contacts::id.desc()))
            .limit(limit)
            .select(Contact::as_select())
            .load(conn)
    }

    pub(crate) fn delete(conn: &mut DbConn, ids: &[ContactId]) -> QueryResult<usize> {
        diesel::delete(case_contacts::table.filter(case_contacts::id.eq_any(ids))).execute(conn)
    }

    /// Deletes the contacts of these cases.
    pub(crate) fn delete_of_cases(conn: &mut DbConn, cases: &[CaseId]) -> QueryResult<usize> {
        diesel::delete(case_contacts::table.filter(case_contacts::case_id.eq_any(cases)))
            .execute(conn)
    }
}

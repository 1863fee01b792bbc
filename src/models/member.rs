use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::enums::{AgeBand, EthnicGroup};
use super::ids::{BranchId, EmployerId, MemberId};
use crate::db::schema::members;
use crate::db::{DbConn, Sql};
use crate::paging::Paging;
use crate::validate::double_option;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = members)]
pub struct Member {
    pub id: MemberId,
    pub branch_id: BranchId,
    pub employer_id: EmployerId,
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_role: String,
    pub team: Option<String>,
    pub fte: f64,
    pub start_date: Option<NaiveDate>,
    /// When they left the union or the employer, if they have.
    pub left_on: Option<NaiveDate>,
    /// Equality data is held only when the member consented to it being recorded.
    pub equality_consent: bool,
    pub age_band: Option<AgeBand>,
    pub ethnic_group: Option<EthnicGroup>,
    #[serde(skip)]
    pub search_text: String,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = members)]
pub struct NewMember {
    pub branch_id: BranchId,
    pub employer_id: EmployerId,
    pub membership_number: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_role: String,
    pub team: Option<String>,
    pub fte: f64,
    pub start_date: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    pub equality_consent: bool,
    pub age_band: Option<AgeBand>,
    pub ethnic_group: Option<EthnicGroup>,
    pub search_text: String,
    pub record_key: super::RecordKey,
}

/// A change to a member, and the API's PATCH body: a field left out is kept, `null` clears an
/// optional one. The search text and the time of the change are set by the application.
#[derive(Debug, Clone, Default, AsChangeset, Deserialize, utoipa::ToSchema)]
#[diesel(table_name = members)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    pub branch_id: Option<BranchId>,
    pub employer_id: Option<EmployerId>,
    #[schema(min_length = 1, max_length = 100, example = "Ada")]
    pub first_name: Option<String>,
    #[schema(min_length = 1, max_length = 100, example = "Okafor")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 254)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(pattern = "^([0-9 +()-]{6,30})?$")]
    pub phone: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 100, example = "Social worker")]
    pub job_role: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 100)]
    pub team: Option<Option<String>>,
    #[schema(minimum = 0.01, maximum = 1.0, example = 1.0)]
    pub fte: Option<f64>,
    #[serde(default, deserialize_with = "double_option")]
    pub start_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    pub left_on: Option<Option<NaiveDate>>,
    pub equality_consent: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    pub age_band: Option<Option<AgeBand>>,
    #[serde(default, deserialize_with = "double_option")]
    pub ethnic_group: Option<Option<EthnicGroup>>,
    #[serde(skip)]
    pub search_text: Option<String>,
    #[serde(skip)]
    pub updated_at: Option<NaiveDateTime>,
}

/// The lower-case text that name and number searches match against, the same on both
/// backends (LIKE is case-insensitive on SQLite and case-sensitive on PostgreSQL).
pub fn search_text(first_name: &str, last_name: &str, membership_number: &str) -> String {
    format!("{first_name} {last_name} {membership_number}").to_lowercase()
}

/// Filters of the member list.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Part of a name or membership number, any case.
    pub q: Option<String>,
    pub branch_id: Option<BranchId>,
    pub employer_id: Option<EmployerId>,
    pub team: Option<String>,
    pub job_role: Option<String>,
    /// Changed at or after this moment (UTC), for incremental sync.
    pub updated_since: Option<chrono::NaiveDateTime>,
}

impl Member {
    /// A page of the members in `visible` (the caller's, from `access`) that pass `filter`,
    /// and how many pass it in all.
    pub(crate) fn list(
        conn: &mut DbConn,
        visible: impl Fn() -> members::BoxedQuery<'static, Sql>,
        filter: &MemberFilter,
        paging: Paging,
    ) -> QueryResult<(Vec<Member>, i64)> {
        let filtered = || {
            let mut query = visible();
            if let Some(q) = &filter.q {
                query = query.filter(
                    members::search_text
                        .like(like_pattern(q))
                        .escape(LIKE_ESCAPE),
                );
            }
            if let Some(branch) = filter.branch_id {
                query = query.filter(members::branch_id.eq(branch));
            }
            if let Some(employer) = filter.employer_id {
                query = query.filter(members::employer_id.eq(employer));
            }
            if let Some(team) = &filter.team {
                query = query.filter(members::team.eq(team.clone()));
            }
            if let Some(role) = &filter.job_role {
                query = query.filter(members::job_role.eq(role.clone()));
            }
            if let Some(since) = filter.updated_since {
                query = query.filter(members::updated_at.ge(since));
            }
            query
        };
        let total = filtered().count().get_result(conn)?;
        let items = filtered()
            .order((members::last_name, members::first_name, members::id))
            .limit(paging.per_page)
            .offset(paging.offset())
            .select(Member::as_select())
            .load(conn)?;
        Ok((items, total))
    }
}

/// The escape character of every LIKE pattern built by [`like_pattern`].
pub(crate) const LIKE_ESCAPE: char = '\\';

/// `%text%` for a case-insensitive contains-match against lower-cased `search_text`: LIKE's
/// own wildcards in the text are escaped, so `50%` or `O_Neil` find themselves, not anything.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | LIKE_ESCAPE) {
            pattern.push(LIKE_ESCAPE);
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

impl Member {
    /// Members' names ("first last") by id, for lists that name the member of each row.
    pub(crate) fn names(
        conn: &mut DbConn,
        ids: impl IntoIterator<Item = MemberId>,
    ) -> QueryResult<std::collections::HashMap<MemberId, String>> {
        let mut ids: Vec<MemberId> = ids.into_iter().collect();
        ids.sort_unstable_by_key(|id| id.0);
        ids.dedup();
        if ids.is_empty() {
            return Ok(Default::default());
        }
        Ok(members::table
            .filter(members::id.eq_any(ids))
            .select((members::id, members::first_name, members::last_name))
            .load::<(MemberId, String, String)>(conn)?
            .into_iter()
            .map(|(id, first, last)| (id, format!("{first} {last}")))
            .collect())
    }

    pub(crate) fn find_by_number(conn: &mut DbConn, number: &str) -> QueryResult<Option<Member>> {
        members::table
            .filter(members::membership_number.eq(number.trim()))
            .select(Member::as_select())
            .first(conn)
            .optional()
    }

    pub(crate) fn create(conn: &mut DbConn, new: &NewMember) -> QueryResult<Member> {
        diesel::insert_into(members::table)
            .values(new)
            .returning(<Member as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }

    pub(crate) fn update(
        conn: &mut DbConn,
        id: MemberId,
        mut changes: UpdateMember,
    ) -> QueryResult<Member> {
        changes.updated_at = Some(chrono::Utc::now().naive_utc());
        diesel::update(members::table.find(id))
            .set(changes)
            .returning(<Member as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }
}

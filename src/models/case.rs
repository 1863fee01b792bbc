use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::enums::{CaseStatus, CaseType, Outcome, Stage, WorkloadFactor};
use super::ids::{BranchId, CaseId, EmployerId, MemberId, UserId};
use super::member::Member;
use crate::db::schema::{
    case_events, case_reference_counters, case_workload_factors, cases, deadlines, members,
};
use crate::db::{DbConn, Sql};
use crate::paging::Paging;

/// A representation case. `branch_id` is the member's branch when the case was opened and
/// stays after retention cuts the member link, so scoping and counts keep working.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Serialize)]
#[diesel(table_name = cases)]
pub struct Case {
    pub id: CaseId,
    pub reference: String,
    pub member_id: Option<MemberId>,
    pub branch_id: BranchId,
    #[serde(rename = "type")]
    pub case_type: CaseType,
    pub stage: Stage,
    pub status: CaseStatus,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub workload_factor: bool,
    pub assigned_to: Option<UserId>,
    pub referred_to_region: bool,
    pub summary: Option<String>,
    #[serde(serialize_with = "crate::timestamps::utc_opt")]
    pub anonymised_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub updated_at: NaiveDateTime,
    /// The member's employer when the case was opened.
    pub employer_id: Option<EmployerId>,
    /// The day the outcome was given (recorded with it, while the case is open or on closing).
    pub outcome_on: Option<NaiveDate>,
    /// Why the branch referred the case to its region (confidential, as the summary is).
    pub referral_reason: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cases)]
pub struct NewCase {
    pub reference: String,
    pub member_id: Option<MemberId>,
    pub branch_id: BranchId,
    /// The member's employer when the case is opened: the case counts under it in reports.
    pub employer_id: Option<EmployerId>,
    pub case_type: CaseType,
    pub stage: Stage,
    pub status: CaseStatus,
    pub opened_on: NaiveDate,
    pub workload_factor: bool,
    pub assigned_to: Option<UserId>,
    pub referred_to_region: bool,
    pub referral_reason: Option<String>,
    pub summary: Option<String>,
    pub record_key: super::RecordKey,
}

#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = cases)]
pub struct UpdateCase {
    pub case_type: Option<CaseType>,
    pub stage: Option<Stage>,
    pub status: Option<CaseStatus>,
    pub closed_on: Option<Option<NaiveDate>>,
    pub outcome: Option<Option<Outcome>>,
    pub outcome_on: Option<Option<NaiveDate>>,
    pub workload_factor: Option<bool>,
    pub assigned_to: Option<Option<UserId>>,
    pub referred_to_region: Option<bool>,
    pub referral_reason: Option<Option<String>>,
    pub summary: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// One workload factor named on a case.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_workload_factors)]
pub struct CaseWorkloadFactor {
    pub case_id: CaseId,
    pub factor: WorkloadFactor,
}

/// The last case number used by a branch in a year.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = case_reference_counters)]
pub struct CaseReferenceCounter {
    pub branch_id: BranchId,
    pub year: i32,
    pub last_number: i32,
}

/// Filters of the case list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub case_type: Option<CaseType>,
    pub status: Option<CaseStatus>,
    pub stage: Option<Stage>,
    pub branch_id: Option<BranchId>,
    pub member_id: Option<MemberId>,
    pub assigned_to: Option<Assignee>,
    pub opened_from: Option<NaiveDate>,
    pub opened_to: Option<NaiveDate>,
    pub workload_factor: Option<bool>,
    /// Referred to the region (an organiser's queue) or not.
    pub referred: Option<bool>,
    /// Part of a reference, or of the member's name or number.
    pub q: Option<String>,
    /// Changed at or after this moment (UTC), for incremental sync.
    pub updated_since: Option<chrono::NaiveDateTime>,
    pub sort: CaseSort,
}

/// Whose cases (and their deadlines) a list shows, by the rep working them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignee {
    /// Assigned to this user.
    User(UserId),
    /// The caller's own (`me`), resolved to [`Assignee::User`] by the service.
    Me,
    /// Assigned to no one (`none`).
    Nobody,
    /// The user's own and those assigned to no one: an officer's queue.
    UserOrNobody(UserId),
}

impl Assignee {
    /// `Me` made the actor's own; the others as they are.
    pub fn resolved(self, me: UserId) -> Self {
        match self {
            Self::Me => Self::User(me),
            other => other,
        }
    }
}

impl std::str::FromStr for Assignee {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "me" => Ok(Self::Me),
            "none" => Ok(Self::Nobody),
            id => id
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(|id| Self::User(UserId(id)))
                .ok_or_else(|| "expected a user id, `me` or `none`".into()),
        }
    }
}

/// Restricts a boxed query by the assignee of its cases.
macro_rules! assigned {
    ($query:expr, $who:expr) => {
        match $who {
            Assignee::User(user) => $query.filter(cases::assigned_to.eq(user)),
            Assignee::Nobody => $query.filter(cases::assigned_to.is_null()),
            Assignee::UserOrNobody(user) => {
                $query.filter(cases::assigned_to.eq(user).or(cases::assigned_to.is_null()))
            }
            // Never reaches a query: the service resolves it first. Nothing matches.
            Assignee::Me => $query.filter(cases::id.ne(cases::id)),
        }
    };
}
pub(crate) use assigned;

/// Orders of the case list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaseSort {
    #[default]
    NewestFirst,
    OldestFirst,
    Reference,
    /// The soonest open deadline first; cases with none last.
    NextDeadline,
}

impl std::str::FromStr for CaseSort {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "-opened_on" => Ok(Self::NewestFirst),
            "opened_on" => Ok(Self::OldestFirst),
            "reference" => Ok(Self::Reference),
            "next_deadline" => Ok(Self::NextDeadline),
            _ => Err("expected one of: -opened_on, opened_on, reference, next_deadline".into()),
        }
    }
}

diesel::define_sql_function! {
    /// SQL `lower`, for case-insensitive matching on both backends.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    #[sql_name = "lower"]
    fn lower_nullable(text: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

impl Case {
    /// A page of the cases in `visible` (the caller's, from `access`) that pass `filter`, and
    /// how many pass it in all.
    pub(crate) fn list(
        conn: &mut DbConn,
        visible: impl Fn() -> cases::BoxedQuery<'static, Sql>,
        filter: &CaseFilter,
        paging: Paging,
    ) -> QueryResult<(Vec<Case>, i64)> {
        let filtered = || {
            let mut query = visible();
            if let Some(t) = filter.case_type {
                query = query.filter(cases::case_type.eq(t));
            }
            if let Some(s) = filter.status {
                query = query.filter(cases::status.eq(s));
            }
            if let Some(s) = filter.stage {
                query = query.filter(cases::stage.eq(s));
            }
            if let Some(b) = filter.branch_id {
                query = query.filter(cases::branch_id.eq(b));
            }
            if let Some(m) = filter.member_id {
                query = query.filter(cases::member_id.eq(m));
            }
            if let Some(who) = filter.assigned_to {
                query = assigned!(query, who);
            }
            if let Some(from) = filter.opened_from {
                query = query.filter(cases::opened_on.ge(from));
            }
            if let Some(to) = filter.opened_to {
                query = query.filter(cases::opened_on.le(to));
            }
            if let Some(since) = filter.updated_since {
                query = query.filter(cases::updated_at.ge(since));
            }
            if let Some(w) = filter.workload_factor {
                query = query.filter(cases::workload_factor.eq(w));
            }
            if let Some(r) = filter.referred {
                query = query.filter(cases::referred_to_region.eq(r));
            }
            if let Some(q) = &filter.q {
                use super::member::{LIKE_ESCAPE, like_pattern};
                let pattern = like_pattern(q);
                query = query.filter(
                    cases::reference
                        .like(pattern.to_uppercase())
                        .escape(LIKE_ESCAPE)
                        .or(cases::member_id.eq_any(
                            members::table
                                .filter(
                                    members::search_text
                                        .like(pattern.clone())
                                        .escape(LIKE_ESCAPE),
                                )
                                .select(members::id.nullable()),
                        ))
                        .or(lower_nullable(cases::summary)
                            .like(pattern.clone())
                            .escape(LIKE_ESCAPE))
                        .or(cases::id.eq_any(
                            case_events::table
                                .filter(lower(case_events::body).like(pattern).escape(LIKE_ESCAPE))
                                .select(case_events::case_id),
                        )),
                );
            }
            query
        };
        let total = filtered().count().get_result(conn)?;
        let ordered = match filter.sort {
            CaseSort::NewestFirst => filtered().order((cases::opened_on.desc(), cases::id.desc())),
            CaseSort::OldestFirst => filtered().order((cases::opened_on.asc(), cases::id.asc())),
            CaseSort::Reference => filtered().order(cases::reference.asc()),
            CaseSort::NextDeadline => {
                use diesel::dsl::sql;
                use diesel::sql_types::{Bool, Date, Nullable};
                const NEXT: &str = "(SELECT MIN(d.due_on) FROM deadlines d \
                                    WHERE d.case_id = cases.id AND NOT d.done)";
                filtered().order((
                    sql::<Bool>(&format!("{NEXT} IS NULL")).asc(),
                    sql::<Nullable<Date>>(NEXT).asc(),
                    cases::id.asc(),
                ))
            }
        };
        let items = ordered
            .limit(paging.per_page)
            .offset(paging.offset())
            .select(Case::as_select())
            .load(conn)?;
        Ok((items, total))
    }
}

/// A case as lists show it: with its member's name and its next open deadline.
#[derive(Debug, Clone, Serialize)]
pub struct CaseListItem {
    #[serde(flatten)]
    pub case: Case,
    /// The member's name (absent once the case is anonymised).
    pub member_name: Option<String>,
    /// The soonest deadline or hearing not yet done.
    pub next_deadline: Option<NaiveDate>,
    /// The name of the rep working the case (absent when no one is).
    pub rep_name: Option<String>,
}

impl CaseListItem {
    /// The cases with their members' names and next deadlines, in two queries.
    pub(crate) fn of(conn: &mut DbConn, cases: Vec<Case>) -> QueryResult<Vec<CaseListItem>> {
        use std::collections::HashMap;
        let names = Member::names(conn, cases.iter().filter_map(|c| c.member_id))?;
        let reps = super::User::names(conn, cases.iter().filter_map(|c| c.assigned_to))?;
        let case_ids: Vec<CaseId> = cases.iter().map(|c| c.id).collect();
        // By the case index (a case has a few deadlines); filtering `done` in SQL would lead the
        // planner to the (done, due_on) index and every open deadline in the database.
        let mut next: HashMap<CaseId, NaiveDate> = HashMap::new();
        for (id, due, done) in deadlines::table
            .filter(deadlines::case_id.eq_any(case_ids))
            .select((deadlines::case_id, deadlines::due_on, deadlines::done))
            .load::<(CaseId, NaiveDate, bool)>(conn)?
        {
            if !done {
                next.entry(id)
                    .and_modify(|soonest| *soonest = (*soonest).min(due))
                    .or_insert(due);
            }
        }
        Ok(cases
            .into_iter()
            .map(|case| CaseListItem {
                member_name: case.member_id.and_then(|m| names.get(&m).cloned()),
                next_deadline: next.get(&case.id).copied(),
                rep_name: case.assigned_to.and_then(|u| reps.get(&u.0).cloned()),
                case,
            })
            .collect())
    }
}

impl Case {
    pub(crate) fn create(conn: &mut DbConn, new: &NewCase) -> QueryResult<Case> {
        diesel::insert_into(cases::table)
            .values(new)
            .returning(<Case as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }

    pub(crate) fn update(
        conn: &mut DbConn,
        id: CaseId,
        mut changes: UpdateCase,
    ) -> QueryResult<Case> {
        changes.updated_at = Some(chrono::Utc::now().naive_utc());
        diesel::update(cases::table.find(id))
            .set(changes)
            .returning(<Case as Selectable<crate::db::Sql>>::construct_selection())
            .get_result(conn)
    }

    /// Every case of a member, whatever its branch.
    pub(crate) fn of_member(conn: &mut DbConn, member: MemberId) -> QueryResult<Vec<Case>> {
        cases::table
            .filter(cases::member_id.eq(member))
            .order(cases::id)
            .select(Case::as_select())
            .load(conn)
    }

    /// Moves a case to another branch, taking its rep off it when `release_rep`.
    pub(crate) fn move_to(
        conn: &mut DbConn,
        id: CaseId,
        branch: BranchId,
        release_rep: bool,
    ) -> QueryResult<usize> {
        let now = chrono::Utc::now().naive_utc();
        let moved = diesel::update(cases::table.find(id))
            .set((cases::branch_id.eq(branch), cases::updated_at.eq(now)))
            .execute(conn)?;
        if release_rep {
            diesel::update(cases::table.find(id))
                .set(cases::assigned_to.eq(None::<UserId>))
                .execute(conn)?;
        }
        Ok(moved)
    }

    pub(crate) fn reference_taken(conn: &mut DbConn, reference: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            cases::table.filter(cases::reference.eq(reference)),
        ))
        .get_result(conn)
    }

    pub(crate) fn factors(conn: &mut DbConn, id: CaseId) -> QueryResult<Vec<WorkloadFactor>> {
        case_workload_factors::table
            .filter(case_workload_factors::case_id.eq(id))
            .order(case_workload_factors::factor)
            .select(case_workload_factors::factor)
            .load(conn)
    }

    pub(crate) fn set_factors(
        conn: &mut DbConn,
        id: CaseId,
        factors: &[WorkloadFactor],
    ) -> QueryResult<()> {
        diesel::delete(case_workload_factors::table.filter(case_workload_factors::case_id.eq(id)))
            .execute(conn)?;
        for factor in factors {
            diesel::insert_into(case_workload_factors::table)
                .values(CaseWorkloadFactor {
                    case_id: id,
                    factor: *factor,
                })
                .execute(conn)?;
        }
        Ok(())
    }
}

/// The next number in a branch's sequence for a year. The counter row is upserted inside the
/// caller's write transaction, so concurrent creators queue on it and never share a number.
pub(crate) fn next_case_number(conn: &mut DbConn, branch: BranchId, year: i32) -> QueryResult<i32> {
    use case_reference_counters::dsl as c;
    crate::db_run!(conn, {
        diesel::insert_into(c::case_reference_counters)
            .values(CaseReferenceCounter {
                branch_id: branch,
                year,
                last_number: 1,
            })
            .on_conflict((c::branch_id, c::year))
            .do_update()
            .set(c::last_number.eq(c::last_number + 1))
            .returning(c::last_number)
            .get_result(conn)
    })
}

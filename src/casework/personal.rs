//! The registry of personal record kinds: every table that holds a member's personal data
//! declares here, in one place, how a scope reaches it, the audit subject it is recorded under,
//! and what retention, erasure and the subject access export do with it. `protection.rs` runs
//! retention, erasure and the export by iterating [`REGISTRY`]; a test fails when a table with a
//! personal column (a name, contact details, free text, a member or case id) is neither
//! registered nor listed in [`NOT_MEMBER_RECORDS`] with the reason why.

use chrono::{NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::audit::Entity;
use crate::db::DbConn;
use crate::db::schema::{
    case_event_revisions, case_events, case_workload_factors, cases, deadlines, members,
    record_changes, workload_records,
};
use crate::error::AppError;
use crate::models::*;

/// How a caller's `RecordScope` reaches a kind's rows (`access/rows.rs` builds the queries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scoping {
    /// By the member's branch.
    MemberBranch,
    /// Through the member the row belongs to.
    ThroughMember,
    /// By the case's branch (kept when retention cuts the member link).
    CaseBranch,
    /// Through the case the row belongs to.
    ThroughCase,
}

/// A member's cases, which the case-attached kinds act on.
pub struct Their<'a> {
    pub member: MemberId,
    pub cases: &'a [CaseId],
    /// The documents keys, for the export to include the papers' files; without them the
    /// export lists the papers and says their files need the key.
    pub vault: Option<&'a crate::vault::Keyring>,
}

/// One kind of personal record.
pub trait PersonalKind: Sync {
    /// The table and its columns that hold personal data.
    fn table(&self) -> &'static str;
    fn personal_columns(&self) -> &'static [&'static str];
    /// The audit subject its reads and writes are recorded under.
    fn subject(&self) -> Entity;
    fn scoping(&self) -> Scoping;
    /// What retention does to the rows of cases anonymised (closed longer ago than the
    /// retention period): `cases` are those cases.
    fn retain(&self, conn: &mut DbConn, cases: &[CaseId]) -> QueryResult<()>;
    /// What erasure does to a member's rows (the counts stay; identity and free text go).
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()>;
    /// What the subject access export includes: its key and the rows.
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)>;
}

/// Every kind of personal record, in the order erasure and retention run.
pub static REGISTRY: &[&dyn PersonalKind] = &[
    &Members,
    &WorkloadRecords,
    &SupervisionRecords,
    &RecordChanges,
    &Cases,
    &CaseWorkloadFactors,
    &CaseEvents,
    &CaseEventRevisions,
    &Deadlines,
    &Documents,
    &Contacts,
    &SurveyLinks,
];

/// Tables with a column that looks personal but that are not a member's personal records,
/// and why.
pub static NOT_MEMBER_RECORDS: &[(&str, &str)] = &[
    (
        "users",
        "staff accounts: managed on the users page, deactivated rather than erased",
    ),
    (
        "api_keys",
        "credentials of integration accounts: a name and a hash, revoked rather than erased",
    ),
    (
        "outbox",
        "messages to staff waiting to be sent: case references, deadline kinds and dates, never \
         a member's name or case text; emptied once sent or given up (at most a day), deleted \
         after 30 days; the audit trail names the cases each message named, for the export",
    ),
    ("regions", "organisations, not people"),
    ("branches", "organisations, not people"),
    ("employers", "organisations, not people"),
    (
        "audit_log",
        "the accountability trail: ids, counts and field names only, append-only; the subject \
         access export reads it",
    ),
    (
        "audit_subjects",
        "the ids each audit entry showed; append-only; read by the export",
    ),
    (
        "evidence_releases",
        "published perturbed aggregates: no member or case id (docs/DATA-PROTECTION.md)",
    ),
    (
        "login_failures",
        "throttling of sign-in attempts by username and address, kept minutes",
    ),
    (
        "workload_latest",
        "derived counts kept by triggers from workload_records",
    ),
    (
        "workload_monthly",
        "derived counts by branch, employer and month",
    ),
    (
        "case_monthly",
        "derived counts by branch, employer and month",
    ),
    (
        "survey_questions",
        "the questions of a survey, written by staff, about no one",
    ),
    (
        "survey_answers",
        "anonymous answers: stored under a random response id with no member, link or time \
         (docs/SECURITY.md, Member surveys), so no one's can be found to export or erase; free \
         text is shown only to the survey's owner and never exported",
    ),
];

/// Column names that hold personal data wherever they appear.
const PERSONAL_NAMES: &[&str] = &[
    "first_name",
    "last_name",
    "display_name",
    "username",
    "name",
    "email",
    "phone",
    "note",
    "body",
    "text",
    "summary",
    "referral_reason",
    "place",
    "old_value",
    "new_value",
    "detail",
    "member_id",
    "case_id",
];

/// The tables with a personal column that are neither registered nor explained, with the
/// column found: what a new table of personal data, left out, shows up as.
pub fn unregistered(conn: &mut DbConn) -> Result<Vec<(String, String)>, AppError> {
    let known: Vec<&str> = REGISTRY
        .iter()
        .map(|k| k.table())
        .chain(NOT_MEMBER_RECORDS.iter().map(|(t, _)| *t))
        .collect();
    let mut found = Vec::new();
    for (table, column) in crate::db::dialect::columns(conn)? {
        if PERSONAL_NAMES.contains(&column.as_str())
            && !known.contains(&table.as_str())
            && !found.iter().any(|(t, _): &(String, String)| *t == table)
        {
            found.push((table, column));
        }
    }
    Ok(found)
}

pub struct Members;
impl PersonalKind for Members {
    fn table(&self) -> &'static str {
        "members"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &[
            "membership_number",
            "first_name",
            "last_name",
            "email",
            "phone",
            "team",
            "start_date",
            "age_band",
            "ethnic_group",
            "search_text",
        ]
    }
    fn subject(&self) -> Entity {
        Entity::Member
    }
    fn scoping(&self) -> Scoping {
        Scoping::MemberBranch
    }
    fn retain(&self, _: &mut DbConn, _: &[CaseId]) -> QueryResult<()> {
        Ok(())
    }
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        let number = super::protection::erased_number(their.member);
        diesel::update(members::table.find(their.member))
            .set((
                members::membership_number.eq(&number),
                members::first_name.eq("Erased"),
                members::last_name.eq("member"),
                members::email.eq(None::<String>),
                members::phone.eq(None::<String>),
                members::team.eq(None::<String>),
                members::start_date.eq(None::<NaiveDate>),
                members::equality_consent.eq(false),
                members::age_band.eq(None::<AgeBand>),
                members::ethnic_group.eq(None::<EthnicGroup>),
                members::search_text.eq(number.to_lowercase()),
                members::updated_at.eq(Utc::now().naive_utc()),
            ))
            .execute(conn)
            .map(|_| ())
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let member = members::table
            .find(their.member)
            .select(Member::as_select())
            .first(conn)?;
        Ok(("member", json!(member)))
    }
}

pub struct WorkloadRecords;
impl PersonalKind for WorkloadRecords {
    fn table(&self) -> &'static str {
        "workload_records"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["member_id", "note"]
    }
    fn subject(&self) -> Entity {
        Entity::WorkloadRecord
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughMember
    }
    fn retain(&self, _: &mut DbConn, _: &[CaseId]) -> QueryResult<()> {
        Ok(())
    }
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        diesel::update(workload_records::table.filter(workload_records::member_id.eq(their.member)))
            .set(workload_records::note.eq(None::<String>))
            .execute(conn)
            .map(|_| ())
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let member = crate::access::RecordScope::All
            .member(conn, their.member)
            .map_err(|_| diesel::result::Error::NotFound)?;
        let rows = member.workload(conn)?;
        Ok(("workload_records", json!(rows)))
    }
}

pub struct SupervisionRecords;
impl PersonalKind for SupervisionRecords {
    fn table(&self) -> &'static str {
        "supervision_records"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["member_id", "note"]
    }
    fn subject(&self) -> Entity {
        Entity::SupervisionRecord
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughMember
    }
    /// Kept as workload records are: the member's, not a case's.
    fn retain(&self, _: &mut DbConn, _: &[CaseId]) -> QueryResult<()> {
        Ok(())
    }
    /// The note goes; the dates, kinds and who called a session off stay, for the counts.
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        SupervisionRecord::clear_notes(conn, their.member).map(|_| ())
    }
    /// The member's own records, notes included: the note never leaves the member's page
    /// except to the member themself.
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let rows = SupervisionRecord::of_members(conn, &[their.member])?;
        Ok(("supervision_records", json!(rows)))
    }
}

pub struct RecordChanges;
impl PersonalKind for RecordChanges {
    fn table(&self) -> &'static str {
        "record_changes"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["member_id", "old_value", "new_value"]
    }
    fn subject(&self) -> Entity {
        Entity::Member
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughMember
    }
    fn retain(&self, _: &mut DbConn, _: &[CaseId]) -> QueryResult<()> {
        Ok(())
    }
    /// What earlier changes replaced (old names, emails, notes) goes with what they were.
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        diesel::delete(record_changes::table.filter(record_changes::member_id.eq(their.member)))
            .execute(conn)
            .map(|_| ())
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let rows = super::changes::for_member(conn, their.member)?;
        Ok(("changes_to_these_records", json!(rows)))
    }
}

pub struct Cases;
impl PersonalKind for Cases {
    fn table(&self) -> &'static str {
        "cases"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["member_id", "summary", "referral_reason"]
    }
    fn subject(&self) -> Entity {
        Entity::Case
    }
    fn scoping(&self) -> Scoping {
        Scoping::CaseBranch
    }
    /// The member link and the case's text go; type, stage, outcome, dates, branch and
    /// workload factors stay, so every count is unchanged.
    fn retain(&self, conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<()> {
        diesel::update(cases::table.filter(cases::id.eq_any(ids)))
            .set((
                cases::member_id.eq(None::<MemberId>),
                cases::summary.eq(None::<String>),
                cases::referral_reason.eq(None::<String>),
                cases::anonymised_at.eq(Utc::now().naive_utc()),
            ))
            .execute(conn)
            .map(|_| ())
    }
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        diesel::update(cases::table.filter(cases::id.eq_any(their.cases)))
            .set((
                cases::summary.eq(None::<String>),
                cases::referral_reason.eq(None::<String>),
            ))
            .execute(conn)
            .map(|_| ())
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let rows: Vec<Case> = cases::table
            .filter(cases::id.eq_any(their.cases))
            .order(cases::id)
            .select(Case::as_select())
            .load(conn)?;
        Ok(("cases", json!(rows)))
    }
}

pub struct CaseWorkloadFactors;
impl PersonalKind for CaseWorkloadFactors {
    fn table(&self) -> &'static str {
        "case_workload_factors"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["case_id"]
    }
    fn subject(&self) -> Entity {
        Entity::Case
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughCase
    }
    /// Anonymous once the case is: kept for the counts.
    fn retain(&self, _: &mut DbConn, _: &[CaseId]) -> QueryResult<()> {
        Ok(())
    }
    fn erase(&self, _: &mut DbConn, _: &Their) -> QueryResult<()> {
        Ok(())
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let rows: Vec<(CaseId, WorkloadFactor)> = case_workload_factors::table
            .filter(case_workload_factors::case_id.eq_any(their.cases))
            .order((
                case_workload_factors::case_id,
                case_workload_factors::factor,
            ))
            .select((
                case_workload_factors::case_id,
                case_workload_factors::factor,
            ))
            .load(conn)?;
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|(case_id, factor)| json!({"case_id": case_id, "factor": factor.as_str()}))
            .collect();
        Ok(("case_workload_factors", json!(rows)))
    }
}

pub struct CaseEvents;
impl PersonalKind for CaseEvents {
    fn table(&self) -> &'static str {
        "case_events"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["case_id", "body"]
    }
    fn subject(&self) -> Entity {
        Entity::CaseEvent
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughCase
    }
    /// What was written goes; what happened when stays, for the counts.
    fn retain(&self, conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<()> {
        diesel::update(case_events::table.filter(case_events::case_id.eq_any(ids)))
            .set(case_events::body.eq(""))
            .execute(conn)
            .map(|_| ())
    }
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        self.retain(conn, their.cases)
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let rows: Vec<CaseEvent> = case_events::table
            .filter(case_events::case_id.eq_any(their.cases))
            .order((
                case_events::case_id,
                case_events::occurred_on,
                case_events::id,
            ))
            .select(CaseEvent::as_select())
            .load(conn)?;
        Ok(("timeline", json!(rows)))
    }
}

pub struct CaseEventRevisions;
impl PersonalKind for CaseEventRevisions {
    fn table(&self) -> &'static str {
        "case_event_revisions"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["body"]
    }
    fn subject(&self) -> Entity {
        Entity::CaseEvent
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughCase
    }
    fn retain(&self, conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<()> {
        diesel::delete(
            case_event_revisions::table.filter(
                case_event_revisions::event_id.eq_any(
                    case_events::table
                        .filter(case_events::case_id.eq_any(ids))
                        .select(case_events::id),
                ),
            ),
        )
        .execute(conn)
        .map(|_| ())
    }
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        self.retain(conn, their.cases)
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let mut rows = Vec::new();
        for case in their.cases {
            let case = crate::access::RecordScope::All
                .case(conn, *case)
                .map_err(|_| diesel::result::Error::NotFound)?;
            rows.extend(case.revisions(conn)?);
        }
        Ok(("timeline_earlier_versions", json!(rows)))
    }
}

pub struct Deadlines;
impl PersonalKind for Deadlines {
    fn table(&self) -> &'static str {
        "deadlines"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["case_id", "note", "place"]
    }
    fn subject(&self) -> Entity {
        Entity::Deadline
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughCase
    }
    /// The note and a hearing's place go; the dates stay.
    fn retain(&self, conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<()> {
        diesel::update(deadlines::table.filter(deadlines::case_id.eq_any(ids)))
            .set((
                deadlines::note.eq(None::<String>),
                deadlines::place.eq(None::<String>),
            ))
            .execute(conn)
            .map(|_| ())
    }
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        self.retain(conn, their.cases)
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        let rows: Vec<Deadline> = deadlines::table
            .filter(deadlines::case_id.eq_any(their.cases))
            .order((deadlines::case_id, deadlines::due_on, deadlines::id))
            .select(Deadline::as_select())
            .load(conn)?;
        Ok(("deadlines", json!(rows)))
    }
}

pub struct Documents;
impl PersonalKind for Documents {
    fn table(&self) -> &'static str {
        "documents"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["case_id", "title", "file_name"]
    }
    fn subject(&self) -> Entity {
        Entity::Document
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughCase
    }
    /// A case's papers are the most sensitive record it has: they go with its identity.
    fn retain(&self, conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<()> {
        let doomed: Vec<DocumentId> = Document::of_cases(conn, ids)?
            .into_iter()
            .map(|d| d.id)
            .collect();
        Document::delete(conn, &doomed).map(|_| ())
    }
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        self.retain(conn, their.cases)
    }
    /// An index of the papers, each with its file decrypted (base64) when the key is given.
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        use base64::Engine as _;
        let mut rows = Vec::new();
        for document in Document::of_cases(conn, their.cases)? {
            let mut row = json!(document);
            row["content_base64"] = match their.vault {
                Some(vault) => {
                    let sealed = document.sealed(conn)?;
                    match vault.open(document.id.0, &sealed) {
                        Ok(bytes) => json!(base64::engine::general_purpose::STANDARD.encode(bytes)),
                        Err(e) => {
                            tracing::error!(document = %document.id, error = %e, "documents key problem");
                            return Err(diesel::result::Error::RollbackTransaction);
                        }
                    }
                }
                None => Value::Null,
            };
            rows.push(row);
        }
        Ok(("documents", json!(rows)))
    }
}

pub struct Contacts;
impl PersonalKind for Contacts {
    fn table(&self) -> &'static str {
        "case_contacts"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["case_id", "name", "organisation", "email", "phone", "note"]
    }
    fn subject(&self) -> Entity {
        Entity::Contact
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughCase
    }
    /// The people around a case are named with it: they go with its identity.
    fn retain(&self, conn: &mut DbConn, ids: &[CaseId]) -> QueryResult<()> {
        Contact::delete_of_cases(conn, ids).map(|_| ())
    }
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        self.retain(conn, their.cases)
    }
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        Ok(("contacts", json!(Contact::of_cases(conn, their.cases)?)))
    }
}

pub struct SurveyLinks;
impl PersonalKind for SurveyLinks {
    fn table(&self) -> &'static str {
        "survey_links"
    }
    fn personal_columns(&self) -> &'static [&'static str] {
        &["member_id"]
    }
    fn subject(&self) -> Entity {
        Entity::Survey
    }
    fn scoping(&self) -> Scoping {
        Scoping::ThroughMember
    }
    fn retain(&self, _: &mut DbConn, _: &[CaseId]) -> QueryResult<()> {
        Ok(())
    }
    /// The member's links go: the surveys they were sent (their answers were never theirs to
    /// find).
    fn erase(&self, conn: &mut DbConn, their: &Their) -> QueryResult<()> {
        use crate::db::schema::survey_links;
        diesel::delete(survey_links::table.filter(survey_links::member_id.eq(their.member)))
            .execute(conn)
            .map(|_| ())
    }
    /// The surveys the member was sent, and whether their link was used; never which answers
    /// were theirs, which nothing records.
    fn export(&self, conn: &mut DbConn, their: &Their) -> QueryResult<(&'static str, Value)> {
        use crate::db::schema::{survey_links, surveys};
        let rows: Vec<(SurveyId, String, bool)> = survey_links::table
            .inner_join(surveys::table)
            .filter(survey_links::member_id.eq(their.member))
            .order(surveys::id)
            .select((surveys::id, surveys::title, survey_links::used))
            .load(conn)?;
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|(id, title, used)| json!({"survey_id": id, "title": title, "answered": used}))
            .collect();
        Ok(("surveys_sent", json!(rows)))
    }
}

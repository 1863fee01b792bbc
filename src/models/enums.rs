//! The enumerations of the domain, stored as text (with CHECK constraints in the migrations)
//! and written as snake_case in the API.

use std::fmt;
use std::str::FromStr;

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

/// A text that names no value of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {value:?}; expected one of: {expected}")]
pub struct UnknownValue {
    pub value: String,
    pub expected: String,
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[diesel(sql_type = Text)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and API spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// How a page shows it.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// A value as people write it in a file: its spelling or its label as the pages
            /// show it, in any case (`supervision`, `Supervision`, `Member report`).
            pub fn read(s: &str) -> Result<Self, UnknownValue> {
                let wanted = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| {
                        v.as_str().eq_ignore_ascii_case(wanted)
                            || v.label().eq_ignore_ascii_case(wanted)
                    })
                    .ok_or_else(|| UnknownValue {
                        value: wanted.chars().take(40).collect(),
                        expected: Self::ALL
                            .iter()
                            .map(|v| v.label())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, UnknownValue> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue {
                        value: s.chars().take(40).collect(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .description(Some(concat!($($text, ": ", $label, ". "),+).trim_end()))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl<DB: Backend> ToSql<Text, DB> for $name
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }

        impl<DB: Backend> FromSql<Text, DB> for $name
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                Ok(String::from_sql(bytes)?.parse()?)
            }
        }
    };
}

text_enum!(Role {
    Admin = "admin", "Administrator";
    Organiser = "organiser", "Regional organiser";
    Officer = "officer", "Branch officer";
    Delegate = "delegate", "Conference delegate";
});

text_enum!(CaseType {
    Disciplinary = "disciplinary", "Disciplinary";
    IllHealth = "ill_health", "Ill-health";
    Grievance = "grievance", "Grievance";
    Capability = "capability", "Capability / performance";
    Accreditation = "accreditation", "Accreditation";
    Restructure = "restructure", "Restructure / redundancy";
    Other = "other", "Other";
});

text_enum!(Stage {
    Referral = "referral", "Referral";
    Investigation = "investigation", "Investigation";
    Hearing = "hearing", "Hearing";
    Appeal = "appeal", "Appeal";
    Tribunal = "tribunal", "Tribunal";
    Closed = "closed", "Closed";
});

text_enum!(CaseStatus {
    Open = "open", "Open";
    Closed = "closed", "Closed";
});

text_enum!(Outcome {
    NoCaseToAnswer = "no_case_to_answer", "No case to answer";
    InformalAction = "informal_action", "Informal action";
    WrittenWarning = "written_warning", "Written warning";
    FinalWrittenWarning = "final_written_warning", "Final written warning";
    Dismissal = "dismissal", "Dismissal";
    Resigned = "resigned", "Resigned";
    Redeployment = "redeployment", "Redeployment";
    IllHealthRetirement = "ill_health_retirement", "Ill-health retirement";
    ReasonableAdjustments = "reasonable_adjustments", "Reasonable adjustments";
    PhasedReturn = "phased_return", "Phased return";
    GrievanceUpheld = "grievance_upheld", "Grievance upheld";
    GrievancePartlyUpheld = "grievance_partly_upheld", "Grievance partly upheld";
    GrievanceNotUpheld = "grievance_not_upheld", "Grievance not upheld";
    Settlement = "settlement", "Settlement";
    Withdrawn = "withdrawn", "Withdrawn";
    Other = "other", "Other";
});

text_enum!(WorkloadFactor {
    HighCaseload = "high_caseload", "High caseload";
    Vacancies = "vacancies", "Vacancies and staff shortages";
    UnpaidOvertime = "unpaid_overtime", "Unpaid overtime";
    LackOfSupervision = "lack_of_supervision", "Lack of supervision";
    AdminBurden = "admin_burden", "Admin / IT burden";
    WorkRelatedStress = "work_related_stress", "Work-related stress";
    Other = "other", "Other";
});

text_enum!(WorkloadSource {
    MemberReport = "member_report", "Member report";
    Supervision = "supervision", "Supervision";
    EmployerData = "employer_data", "Employer data";
});

text_enum!(EventKind {
    Note = "note", "Note";
    Meeting = "meeting", "Meeting";
    Hearing = "hearing", "Hearing";
    Letter = "letter", "Letter";
    StageChange = "stage_change", "Stage change";
    Outcome = "outcome", "Outcome";
});

impl EventKind {
    /// Kinds only the workflow writes (by changing the case), never added or corrected by hand.
    pub fn written_by_the_workflow(self) -> bool {
        matches!(self, EventKind::StageChange | EventKind::Outcome)
    }
}

text_enum!(DeadlineKind {
    Hearing = "hearing", "Hearing";
    Appeal = "appeal", "Appeal window";
    Tribunal = "tribunal", "Tribunal limitation";
    Other = "other", "Other";
});

impl DeadlineKind {
    /// What closing a case closes: its hearings and other deadlines. Appeal windows and
    /// tribunal limitation dates run after an outcome, so they stay live until a rep marks them.
    pub const CLOSED_WITH_CASE: &[DeadlineKind] = &[DeadlineKind::Hearing, DeadlineKind::Other];
}

text_enum!(DocumentKind {
    Letter = "letter", "Letter";
    Report = "report", "Report";
    Medical = "medical", "Medical";
    Evidence = "evidence", "Evidence";
    Submission = "submission", "Submission";
    Other = "other", "Other";
});

text_enum!(ContactRole {
    InvestigatingOfficer = "investigating_officer", "Investigating officer";
    HearingManager = "hearing_manager", "Hearing manager";
    HrAdviser = "hr_adviser", "HR adviser";
    LineManager = "line_manager", "Line manager";
    Companion = "companion", "Companion";
    OccupationalHealth = "occupational_health", "Occupational health";
    Other = "other", "Other";
});

text_enum!(SupervisionKind {
    Reflective = "reflective", "Reflective";
    CaseManagement = "case_management", "Case management";
    Both = "both", "Both";
});

text_enum!(SupervisionStatus {
    Held = "held", "Held";
    Cancelled = "cancelled", "Cancelled";
    Postponed = "postponed", "Postponed";
});

text_enum!(CalledOffBy {
    Employer = "employer", "Employer";
    Member = "member", "Member";
});

text_enum!(SupervisionSource {
    MemberReport = "member_report", "Member report";
    SupervisionNotes = "supervision_notes", "Supervision notes";
    EmployerData = "employer_data", "Employer data";
});

text_enum!(QuestionKind {
    Single = "single", "One choice";
    Several = "several", "Several choices";
    Scale = "scale", "Agree–disagree scale";
    Number = "number", "A number";
    Text = "text", "Free text";
});

text_enum!(AgeBand {
    Under25 = "under_25", "Under 25";
    From25To34 = "25_34", "25–34";
    From35To44 = "35_44", "35–44";
    From45To54 = "45_54", "45–54";
    From55To64 = "55_64", "55–64";
    Over65 = "65_plus", "65 and over";
});

text_enum!(EthnicGroup {
    Asian = "asian", "Asian or Asian British";
    Black = "black", "Black, Black British, Caribbean or African";
    Mixed = "mixed", "Mixed or multiple ethnic groups";
    White = "white", "White";
    Other = "other", "Other ethnic group";
    NotStated = "not_stated", "Prefer not to say";
});

/// The label a page shows for a stored value of the enumeration named `of` (its snake_case
/// name: `case_type`, `stage`, `outcome`, …); `None` for an unknown enumeration or value.
pub fn label_of(of: &str, value: &str) -> Option<&'static str> {
    fn find<T: FromStr>(value: &str, label: fn(T) -> &'static str) -> Option<&'static str> {
        value.parse::<T>().ok().map(label)
    }
    match of {
        "role" => find(value, Role::label),
        "case_type" => find(value, CaseType::label),
        "stage" => find(value, Stage::label),
        "case_status" => find(value, CaseStatus::label),
        "outcome" => find(value, Outcome::label),
        "workload_factor" => find(value, WorkloadFactor::label),
        "workload_source" => find(value, WorkloadSource::label),
        "event_kind" => find(value, EventKind::label),
        "deadline_kind" => find(value, DeadlineKind::label),
        "document_kind" => find(value, DocumentKind::label),
        "contact_role" => find(value, ContactRole::label),
        "supervision_kind" => find(value, SupervisionKind::label),
        "supervision_status" => find(value, SupervisionStatus::label),
        "called_off_by" => find(value, CalledOffBy::label),
        "supervision_source" => find(value, SupervisionSource::label),
        "question_kind" => find(value, QuestionKind::label),
        "age_band" => find(value, AgeBand::label),
        "ethnic_group" => find(value, EthnicGroup::label),
        _ => None,
    }
}

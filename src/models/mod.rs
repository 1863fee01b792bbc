//! One file per table: the row struct, its insert (`NewX`) and update (`UpdateX`) forms.

pub mod api_key;
pub mod audit_entry;
pub mod branch;
pub mod case;
pub mod case_event;
pub mod contact;
pub mod deadline;
pub mod document;
pub mod employer;
pub mod enums;
pub mod ids;
pub mod member;
pub mod record_key;
pub mod reference;
pub mod region;
pub mod setting;
pub mod supervision_record;
pub mod survey;
pub mod user;
pub mod workload_record;

pub use api_key::{ApiKey, NewApiKey};
pub use audit_entry::{AuditEntry, AuditFilter, NewAuditEntry};
pub use branch::{Branch, NewBranch, UpdateBranch};
pub use case::{
    Assignee, Case, CaseFilter, CaseListItem, CaseReferenceCounter, CaseSort, CaseWorkloadFactor,
    NewCase, UpdateCase,
};
pub use case_event::{CaseEvent, CaseEventRevision, NewCaseEvent};
pub use contact::{Contact, NewContact};
pub use deadline::{Deadline, NewDeadline, Upcoming, UpdateDeadline};
pub use document::{Document, NewDocument};
pub use employer::{Employer, NewEmployer, UpdateEmployer};
pub use enums::*;
pub use ids::*;
pub use member::{Member, MemberFilter, NewMember, UpdateMember};
pub use record_key::RecordKey;
pub use reference::Reference;
pub use region::{NewRegion, Region, UpdateRegion};
pub use setting::{Setting, Settings};
pub use supervision_record::{NewSupervisionRecord, SupervisionRecord};
pub use survey::{NewQuestion, NewSurvey, Question, Survey};
pub use user::{NewUser, UpdateUser, User};
pub use workload_record::{NewWorkloadRecord, WorkloadRecord};

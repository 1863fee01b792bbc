//! Casework operations shared by the API, the pages and the command line: members, workload
//! records, CSV import and export.

pub mod calendar;
pub mod case_service;
pub mod cases;
pub mod changes;
pub mod contacts;
pub mod csv_table;
pub mod dates;
pub mod deadlines;
pub mod documents;
pub mod export;
pub mod import;
pub mod member_fields;
pub mod member_service;
pub mod members;
pub mod personal;
pub mod protection;
pub mod reference_service;
pub mod supervision;
pub mod timeline;
pub mod workload;

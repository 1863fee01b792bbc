//! Aggregation and presentation: dashboards, evidence summaries, disclosure control, charts.

pub mod chart;
pub mod dashboard;
pub mod disclosure;
pub mod evidence;
pub mod period;
pub mod ptable;
pub mod queries;
pub mod releases;
pub mod render;
pub mod scope;
pub mod service;
pub mod sql;
pub mod stats;
pub mod summaries;
pub mod supervision_board;
pub mod supervision_standing;

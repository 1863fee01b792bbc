//! Aggregation and presentation: charts (and, later, dashboards and evidence).

pub mod chart;

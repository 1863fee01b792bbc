//! The one integration test binary: every suite runs against the real app on a fresh database.

mod attacker;
mod common;
mod crowd;
mod fixtures;

mod access;
mod audit_trail;
mod auth;
mod bad_input;
mod cases;
mod concurrency;
mod corrections;
mod data_protection;
mod database_url;
mod deadline_rules;
mod demo;
mod errors;
mod evidence;
mod evidence_attacks;
mod evidence_method;
mod hardening;
mod hardening_low;
mod health;
mod import;
mod layers;
mod members;
mod migrations;
mod openapi;
mod pages_auth;
mod pages_cases;
mod pages_members;
mod perturbation;
mod release_attacks;
mod report_summaries;
mod schema_rules;
mod statistics;

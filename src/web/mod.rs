//! HTML pages, static files and the health check.

pub mod account;
pub mod admin;
pub mod assets;
pub mod calendar;
pub mod case_contacts;
pub mod case_edits;
pub mod case_outcome;
pub mod case_papers;
pub mod cases;
pub mod health;
pub mod home;
pub mod imports;
pub mod kept_form;
pub mod layout;
pub mod member_supervision;
pub mod members;
pub mod page;
pub mod reports;
pub mod session;
pub mod survey_answer;
pub mod survey_builder;
pub mod surveys;

pub use page::PageError;

use crate::auth::surface::Surface;
use crate::http::origin::check_origin;

/// Largest form body. The longest text a form takes (10,000 characters) is up to 12 bytes a
/// character once UTF-8 (4) and percent-encoded (3 each), so this leaves room for it in any
/// script with the other fields: a text over its own limit reaches the field check and comes
/// back with the form, kept, instead of an error page.
pub const FORM_LIMIT_BYTES: usize = 512 * 1024;

pub(crate) fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    let pages = actix_web::web::scope("")
        .app_data(Surface::Page)
        .app_data(actix_web::web::FormConfig::default().limit(FORM_LIMIT_BYTES))
        .wrap(actix_web::middleware::from_fn(kept_form::keep_typed_form))
        .wrap(actix_web::middleware::from_fn(check_origin))
        .service(health::healthz)
        .service(health::livez)
        .service(health::readyz)
        .service(health::metrics)
        .service(assets::static_file)
        .service(home::index)
        .service(calendar::feed)
        .service(session::login_form)
        .service(session::login)
        .service(session::logout)
        .service(account::show)
        .service(account::change_password)
        .service(account::calendar)
        .service(account::digest)
        .service(members::list)
        .service(members::export_workload)
        .service(members::new)
        .service(members::create)
        .service(members::show)
        .service(members::edit)
        .service(members::update)
        .service(members::add_workload)
        .service(member_supervision::add)
        .service(member_supervision::delete)
        .service(survey_answer::show)
        .service(survey_answer::submit)
        .service(survey_builder::new)
        .service(survey_builder::create)
        .service(surveys::list)
        .service(surveys::show)
        .service(surveys::send_links)
        .service(members::edit_workload)
        .service(members::change_workload)
        .service(members::confirm_delete_workload)
        .service(members::delete_workload)
        .service(members::restore_workload)
        .service(cases::list)
        .service(cases::export)
        .service(cases::new)
        .service(cases::create)
        .service(cases::show)
        .service(cases::workflow)
        .service(cases::take)
        .service(cases::add_event)
        .service(cases::add_deadline)
        .service(case_contacts::add)
        .service(case_contacts::remove)
        .service(case_papers::add)
        .service(case_papers::download)
        .service(case_papers::remove)
        .service(cases::deadline_done)
        .service(case_edits::edit_details)
        .service(case_edits::update_details)
        .service(case_edits::edit_event)
        .service(case_edits::correct_event)
        .service(case_edits::edit_deadline)
        .service(case_edits::change_deadline)
        .service(case_edits::print)
        .service(case_outcome::confirm_outcome)
        .service(case_outcome::record_outcome)
        .service(reports::dashboard_page)
        .service(reports::evidence_page)
        .service(reports::evidence_download)
        .service(imports::form)
        .service(imports::upload_file)
        .service(imports::export)
        .configure(admin::routes);
    cfg.service(pages);
}

//! Administration pages: users, reference data, the audit log. Administrators only.

pub mod api_keys;
pub mod audit;
pub mod protection;
pub mod reference;
pub mod settings;
pub mod users;

pub(crate) fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(users::list)
        .service(users::create)
        .service(users::edit)
        .service(users::update)
        .service(users::stop_calendar)
        .service(api_keys::issue)
        .service(api_keys::revoke)
        .service(audit::search)
        .service(protection::show)
        .service(protection::export)
        .service(protection::erase)
        .service(settings::show)
        .service(settings::save)
        .configure(reference::routes);
}

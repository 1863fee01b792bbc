//! HTML pages, static files and the health check.

pub mod account;
pub mod admin;
pub mod assets;
pub mod form;
pub mod health;
pub mod home;
pub mod layout;
pub mod page;
pub mod session;
pub mod templates;

pub use page::PageError;

pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(assets::static_file)
        .service(home::index)
        .service(session::login_form)
        .service(session::login)
        .service(session::logout)
        .service(account::show)
        .service(account::change_password)
        .configure(admin::routes);
}

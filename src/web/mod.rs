//! HTML pages, static files and the health check.

pub mod account;
pub mod admin;
pub mod assets;
pub mod form;
pub mod health;
pub mod home;
pub mod imports;
pub mod layout;
pub mod members;
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
        .service(members::list)
        .service(members::new)
        .service(members::create)
        .service(members::show)
        .service(members::edit)
        .service(members::update)
        .service(members::add_workload)
        .service(imports::form)
        .service(imports::upload_file)
        .service(imports::export)
        .configure(admin::routes);
}

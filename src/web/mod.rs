//! HTML pages, static files and the health check.

pub mod assets;
pub mod health;
pub mod home;
pub mod page;
pub mod templates;

pub use page::PageError;

pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(assets::static_file)
        .service(home::index);
}

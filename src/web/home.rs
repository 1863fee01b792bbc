//! The landing page.

use actix_web::{HttpResponse, get};
use tera::Context;

use super::page::{PageError, render};

#[get("/")]
pub async fn index() -> Result<HttpResponse, PageError> {
    render("index.html", &Context::new())
}

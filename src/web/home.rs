//! The start page: the landing page when signed out, the person's home when signed in.

use actix_web::{HttpResponse, get, web};
use tera::Context;

use super::layout;
use super::page::{PageError, render};
use crate::auth::CurrentUser;
use crate::state::AppState;

#[get("/")]
pub async fn index(
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, PageError> {
    match user {
        Some(user) => {
            let mut context = layout::context(&state, &user, "/");
            context.insert("scope", &user.scope);
            render("home.html", &context)
        }
        None => render("index.html", &Context::new()),
    }
}

//! The benchmark's ceiling: the least a server on this stack can do for the single audited
//! read — check the same bearer token with the same keys, read the same case row by primary
//! key from the same database through the same pool, answer it as JSON — with no audit, no
//! scope, no rendering. `bench/run.sh` drives it with the same wrk settings just before the
//! real server, and prints the real figure as a share of this one.
//!
//! `cargo run --release --example ceiling -- 127.0.0.1:18990` (with `DATABASE_URL` and
//! `CASELOAD_JWT_SECRET_FILE` as the server has them).

use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use caseload::auth::token::TokenKeys;
use caseload::config::AuthConfig;
use caseload::db::schema::cases;
use caseload::db::{Database, DatabaseUrl};
use caseload::models::{Case, CaseId};
use diesel::prelude::*;

struct Ceiling {
    db: Database,
    keys: TokenKeys,
}

async fn case(state: web::Data<Ceiling>, req: HttpRequest, id: web::Path<i64>) -> HttpResponse {
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if token.is_none_or(|t| state.keys.decode(t).is_err()) {
        return HttpResponse::Unauthorized().finish();
    }
    let id = CaseId(id.into_inner());
    let read = state.clone();
    let row = web::block(move || {
        let mut conn = read.db.get().map_err(|e| e.to_string())?;
        cases::table
            .find(id)
            .select(Case::as_select())
            .first(&mut *conn)
            .optional()
            .map_err(|e| e.to_string())
    })
    .await;
    match row {
        Ok(Ok(Some(case))) => HttpResponse::Ok().json(case),
        Ok(Ok(None)) => HttpResponse::NotFound().finish(),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18990".into());
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "caseload.db".into());
    let auth = AuthConfig {
        jwt_secret_file: std::env::var("CASELOAD_JWT_SECRET_FILE")
            .unwrap_or_else(|_| "caseload.secret".into())
            .into(),
        ..Default::default()
    };
    let secret = caseload::auth::secret::load(&auth).map_err(std::io::Error::other)?;
    let keys = TokenKeys::new(&secret, auth.token_hours).map_err(std::io::Error::other)?;
    let url = DatabaseUrl::parse(&url).map_err(std::io::Error::other)?;
    // The same pool size and wait as `caseload serve` by default.
    let db = Database::connect(url, 8, Duration::from_secs(5)).map_err(std::io::Error::other)?;
    let state = web::Data::new(Ceiling { db, keys });
    HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/api/v1/cases/{id}", web::get().to(case))
    })
    .bind(bind)?
    .run()
    .await
}

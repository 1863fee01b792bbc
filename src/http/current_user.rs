//! `CurrentUser`: the signed-in caller, from a bearer token or an integration's API key (API)
//! or the session cookie (pages), checked against the database on every request so that
//! revocation is immediate.
//! The check runs first on the request's first connection, in the same trip to the blocking
//! pool as the work (`db::first_use`); a request that does no database work has it run before
//! its answer leaves (`http::session_check`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::PageError;
use crate::access::{Actor, RecordScope};
use crate::accounts;
use crate::auth::surface::Surface;
use crate::db::first_use;
use crate::error::AppError;
use crate::models::{Role, User, UserId};
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "caseload_session";

#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// What the caller may see and do; every service call takes it.
    pub actor: Actor,
    /// The caller's own row, once the session check has read it.
    account: Arc<OnceLock<User>>,
    /// The session token when signed in through the browser; its HMAC is the CSRF token.
    session: Option<String>,
}

impl CurrentUser {
    pub(crate) fn id(&self) -> UserId {
        self.actor.id
    }

    pub(crate) fn role(&self) -> Role {
        self.actor.role
    }

    /// The caller's own row as the session check read it (checking now if no database work
    /// has run yet in this request).
    pub(crate) async fn account(&self, state: &AppState) -> Result<&User, AppError> {
        if self.account.get().is_none() {
            state.db.run_pending_check().await?;
        }
        self.account.get().ok_or(AppError::Unauthorized)
    }

    pub(crate) fn require_admin(&self) -> Result<(), AppError> {
        self.actor.require_admin()
    }

    /// The casework records the caller may read; 403 for delegates.
    pub(crate) fn records(&self) -> Result<RecordScope, AppError> {
        self.actor.records()
    }

    /// Where the caller may write members and workload and open cases; 403 for others.
    pub(crate) fn member_writer(&self) -> Result<RecordScope, AppError> {
        self.actor.member_writer()
    }

    pub(crate) fn csrf_token(&self, state: &AppState) -> String {
        self.session
            .as_deref()
            .map(|session| state.keys.csrf_token(session))
            .unwrap_or_default()
    }

    /// 403 unless the form carried this session's CSRF token.
    pub(crate) fn check_csrf(&self, state: &AppState, submitted: &str) -> Result<(), AppError> {
        let expected = self.csrf_token(state);
        if !expected.is_empty() && crate::text::constant_time_eq(&expected, submitted) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let surface = Surface::of(req);
        let api = surface == Some(Surface::Api);
        let token = if surface.is_none() {
            None
        } else if api {
            bearer_token(req)
        } else {
            req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned())
        };
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::Internal("no app state".into()))?;
            let account = Arc::new(OnceLock::new());
            let key = token
                .as_deref()
                .filter(|t| api && accounts::api_keys::is_key(t));
            let checked = if let Some(key) = key {
                // An integration's API key: its user is read now, as the database holds it.
                accounts::api_keys::caller(&state, key.to_owned(), Arc::clone(&account)).await
            } else {
                let result = match surface {
                    Some(surface) => {
                        accounts::claimed(&state, token.clone(), surface, Arc::clone(&account))
                    }
                    None => Err(AppError::Unauthorized),
                };
                match result {
                    Ok((actor, check)) => match first_use::set(check) {
                        Ok(()) => Ok(actor),
                        // Outside a request's scope (never in the app): check at once.
                        Err(check) => state.db.run(check).await.map(|()| actor),
                    },
                    Err(error) => Err(error),
                }
            };
            match checked {
                Ok(actor) => {
                    req.extensions_mut()
                        .insert(super::refusals::Caller(actor.id));
                    Ok(CurrentUser {
                        actor,
                        account,
                        session: if api { None } else { token },
                    })
                }
                Err(error) if api => Err(error.into()),
                Err(error) => Err(PageError(error).into()),
            }
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

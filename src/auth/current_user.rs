//! `CurrentUser`: the signed-in caller, from a bearer token (API) or the session cookie
//! (pages), checked against the database on every request so that revocation is immediate.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::scope::{Casework, Scope};
use super::surface::Surface;
use crate::error::AppError;
use crate::models::{Role, User, UserId};
use crate::state::AppState;
use crate::web::PageError;

pub const SESSION_COOKIE: &str = "caseload_session";

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub scope: Scope,
    /// The session token when signed in through the browser; its HMAC is the CSRF token.
    session: Option<String>,
}

impl CurrentUser {
    pub fn id(&self) -> UserId {
        self.user.id
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The scope for members, workload and cases; 403 for delegates.
    pub fn casework(&self) -> Result<Casework, AppError> {
        self.scope.casework()
    }

    pub fn csrf_token(&self, state: &AppState) -> String {
        self.session
            .as_deref()
            .map(|session| state.keys.csrf_token(session))
            .unwrap_or_default()
    }

    /// 403 unless the form carried this session's CSRF token.
    pub fn check_csrf(&self, state: &AppState, submitted: &str) -> Result<(), AppError> {
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
            let result = match surface {
                Some(surface) => authenticate(&state, token.clone(), surface).await,
                None => Err(AppError::Unauthorized),
            };
            if let Ok((user, _)) = &result {
                req.extensions_mut()
                    .insert(super::refusals::Caller(user.id));
            }
            match result {
                Ok((user, scope)) => Ok(CurrentUser {
                    user,
                    scope,
                    session: if api { None } else { token },
                }),
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

async fn authenticate(
    state: &AppState,
    token: Option<String>,
    surface: Surface,
) -> Result<(User, Scope), AppError> {
    let token = token.ok_or(AppError::Unauthorized)?;
    let claims = state.keys.decode(&token)?;
    // An API token is not a page session, nor the other way round.
    if claims.purpose != Some(surface) {
        return Err(AppError::Unauthorized);
    }
    let id = claims.user_id()?;
    let user = state
        .db
        .run(move |conn| User::find(conn, id).map_err(AppError::from))
        .await
        .map_err(|e| match e {
            AppError::NotFound => AppError::Unauthorized,
            other => other,
        })?;
    if !user.active || user.token_version != claims.ver {
        return Err(AppError::Unauthorized);
    }
    let scope = Scope::of(&user)?;
    Ok((user, scope))
}

impl CurrentUser {
    /// Where the caller may create and edit members and workload records: administrators
    /// anywhere, officers in their branch. Organisers read; delegates see evidence only.
    pub fn member_writer(&self) -> Result<Casework, AppError> {
        match self.scope {
            Scope::All => Ok(Casework::All),
            Scope::Branch { branch_id } => Ok(Casework::Branch(branch_id)),
            Scope::Region { .. } | Scope::Evidence { .. } => Err(AppError::Forbidden),
        }
    }
}

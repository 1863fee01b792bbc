//! Session tokens: HS256 JWTs carrying the user's id, role, scope and token version. The role
//! and scope in a token are what the caller may do until the database says otherwise: every
//! request checks the token version, activity, role and scope against the user's row (the
//! first thing on its first connection), and changing any of them revokes the user's tokens.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::surface::Surface;
use crate::error::AppError;
use crate::models::{Role, User, UserId};

pub const ISSUER: &str = "caseload";
pub const MIN_SECRET_BYTES: usize = 32;
/// Clock difference tolerated between issuing and checking.
const LEEWAY_SECS: u64 = 30;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    pub role: Role,
    /// The officer's branch, the organiser's (or delegate's) region, when issued.
    #[serde(default)]
    pub branch: Option<i64>,
    #[serde(default)]
    pub region: Option<i64>,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// The user's token version when issued; a bump revokes the token.
    pub ver: i32,
    /// What the token is for: a bearer token for the API or a browser's page session, never
    /// both (tokens from before purposes existed have none and are refused everywhere).
    #[serde(default)]
    pub purpose: Option<Surface>,
}

impl Claims {
    pub(crate) fn user_id(&self) -> Result<UserId, AppError> {
        self.sub
            .parse()
            .map(UserId)
            .map_err(|_| AppError::Unauthorized)
    }
}

pub struct TokenKeys {
    secret: Vec<u8>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    lifetime: Duration,
}

impl TokenKeys {
    pub fn new(secret: &[u8], lifetime_hours: i64) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "the token secret must be at least {MIN_SECRET_BYTES} bytes"
            ));
        }
        if !(1..=24 * 30).contains(&lifetime_hours) {
            return Err("the token lifetime must be between 1 hour and 30 days".into());
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = LEEWAY_SECS;
        Ok(Self {
            secret: secret.to_vec(),
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            lifetime: Duration::hours(lifetime_hours),
        })
    }

    pub(crate) fn issue(
        &self,
        user: &User,
        purpose: Surface,
    ) -> Result<(String, DateTime<Utc>), AppError> {
        let now = Utc::now();
        let expires_at = now + self.lifetime;
        let claims = Claims {
            sub: user.id.to_string(),
            role: user.role,
            branch: user.branch_id.map(|b| b.0),
            region: user.region_id.map(|r| r.0),
            iss: ISSUER.into(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            ver: user.token_version,
            purpose: Some(purpose),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| AppError::Internal(format!("signing a token: {e}")))?;
        Ok((token, expires_at))
    }

    /// Checks signature, algorithm, issuer and expiry. Anything wrong is a plain 401.
    pub fn decode(&self, token: &str) -> Result<Claims, AppError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| AppError::Unauthorized)
    }

    /// The CSRF token for a signed-in browser session: an HMAC of its session token, so it
    /// needs no storage and dies with the session.
    pub(crate) fn csrf_token(&self, session_token: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("any key length");
        mac.update(b"csrf\0");
        mac.update(session_token.as_bytes());
        crate::text::hex(&mac.finalize().into_bytes())
    }
}

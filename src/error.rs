//! One error type for the whole application. What a client sees (code, message, fields) is kept
//! apart from the cause, which is logged and never sent.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

/// Field name → why its value was refused.
pub type FieldErrors = BTreeMap<String, String>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    BadRequest {
        message: String,
        fields: FieldErrors,
    },
    #[error("authentication required")]
    Unauthorized,
    #[error("you do not have permission to do that")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// Something that was published and has been withdrawn; the message says why.
    #[error("{0}")]
    Gone(String),
    #[error("request body too large")]
    PayloadTooLarge,
    /// A file over its limit (413), naming the field and the limit.
    #[error("{message}")]
    TooLarge {
        message: String,
        fields: FieldErrors,
    },
    /// A file of a type not taken (415), naming the field and the type found.
    #[error("{message}")]
    UnsupportedType {
        message: String,
        fields: FieldErrors,
    },
    /// The path exists but not with this method; the methods it takes (the `Allow` header).
    #[error("this address takes {0} only")]
    MethodNotAllowed(String),
    #[error("{message}")]
    Unprocessable {
        message: String,
        fields: FieldErrors,
    },
    #[error("{message}")]
    TooManyRequests {
        retry_after_secs: u64,
        message: String,
    },
    /// The database cannot be reached; the cause is logged, not shown.
    #[error("the database is unavailable; try again shortly")]
    Unavailable(String),
    /// A fault of ours; the cause is logged, not shown.
    #[error("something went wrong on our side")]
    Internal(String),
}

impl AppError {
    /// A 422 naming one field.
    pub fn invalid(field: &str, why: impl Into<String>) -> Self {
        let why = why.into();
        Self::Unprocessable {
            message: format!("{field}: {why}"),
            fields: BTreeMap::from([(field.to_owned(), why)]),
        }
    }

    /// A 413 naming the field and its limit.
    pub(crate) fn too_large(field: &str, why: impl Into<String>) -> Self {
        let why = why.into();
        Self::TooLarge {
            message: format!("{field}: {why}"),
            fields: BTreeMap::from([(field.to_owned(), why)]),
        }
    }

    /// A 415 naming the field and what was found.
    pub(crate) fn unsupported(field: &str, why: impl Into<String>) -> Self {
        let why = why.into();
        Self::UnsupportedType {
            message: format!("{field}: {why}"),
            fields: BTreeMap::from([(field.to_owned(), why)]),
        }
    }

    /// A 422 naming every field with a problem.
    pub(crate) fn unprocessable(fields: FieldErrors) -> Self {
        let message = fields
            .iter()
            .map(|(f, w)| format!("{f}: {w}"))
            .collect::<Vec<_>>()
            .join("; ");
        Self::Unprocessable { message, fields }
    }

    /// A 400 naming one field (a value that could not even be read).
    pub(crate) fn bad_field(field: &str, why: impl Into<String>) -> Self {
        let why = why.into();
        Self::BadRequest {
            message: format!("{field}: {why}"),
            fields: BTreeMap::from([(field.to_owned(), why)]),
        }
    }

    pub(crate) fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { .. } => "bad_request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Conflict(_) => "conflict",
            Self::Gone(_) => "withdrawn",
            Self::PayloadTooLarge | Self::TooLarge { .. } => "payload_too_large",
            Self::UnsupportedType { .. } => "unsupported_media_type",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::Unprocessable { .. } => "validation_failed",
            Self::TooManyRequests { .. } => "too_many_requests",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            Self::BadRequest { fields, .. }
            | Self::Unprocessable { fields, .. }
            | Self::TooLarge { fields, .. }
            | Self::UnsupportedType { fields, .. } => Some(fields),
            _ => None,
        }
    }

    pub fn body(&self) -> ErrorBody<'_> {
        ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
                fields: self.fields().filter(|f| !f.is_empty()),
            },
        }
    }

    fn log(&self) {
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
    }
}

/// `{"error": {"code", "message", "fields"}}`, the shape of every API error.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody<'a> {
    pub error: ErrorDetail<'a>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail<'a> {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<&'a FieldErrors>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PayloadTooLarge | Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        let mut response = HttpResponse::build(self.status_code());
        if let Self::TooManyRequests {
            retry_after_secs, ..
        } = self
        {
            response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        if let Self::MethodNotAllowed(allow) = self {
            response.insert_header((header::ALLOW, allow.as_str()));
        }
        if matches!(self, Self::Unavailable(_)) {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static("5")));
        }
        response.json(self.body())
    }
}

impl From<DieselError> for AppError {
    fn from(error: DieselError) -> Self {
        match &error {
            // Expected absence is asked for with `.optional()` and answered as a named 404 where
            // it happens; a row missing anywhere else is an inconsistency of ours, not the
            // client's doing (see docs/ARCHITECTURE.md, "Errors").
            DieselError::NotFound => {
                Self::Internal("a row the request relies on is missing".into())
            }
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::info!(constraint = ?info.constraint_name(), "unique violation");
                Self::Conflict("a record with that value already exists".into())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Self::Unprocessable {
                    message: "a referenced record does not exist or is still in use".into(),
                    fields: FieldErrors::new(),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                tracing::info!(detail = info.message(), "check violation");
                Self::Unprocessable {
                    message: "a value is outside what is allowed".into(),
                    fields: FieldErrors::new(),
                }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | DieselError::BrokenTransactionManager => Self::Unavailable(error.to_string()),
            // An update with no field set (`{}`, or a form whose fields were all blank): the
            // client's doing, so a 422 that says what to send, never a 500.
            DieselError::QueryBuilderError(inner)
                if inner.is::<diesel::result::EmptyChangeset>() =>
            {
                Self::Unprocessable {
                    message: "nothing to change: send at least one field with a value".into(),
                    fields: FieldErrors::new(),
                }
            }
            _ => Self::Internal(error.to_string()),
        }
    }
}

//! `ApiQuery`: an API request's query parameters. A parameter given blank (`?sort=`) or twice
//! (`?page=1&page=2`) is a 400 naming it — the document describes each parameter's values, and blank is none of them (the
//! pages, whose forms send empty fields, read blank as "not given" instead).

use std::collections::HashMap;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::error::AppError;

pub struct ApiQuery(HashMap<String, String>);

impl ApiQuery {
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }

    fn read(query: &str) -> Result<Self, AppError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
            .map_err(|_| AppError::bad_field("query", "the query string could not be read"))?;
        let mut params = HashMap::new();
        for (name, value) in pairs {
            if value.trim().is_empty() {
                return Err(AppError::bad_field(
                    &name,
                    "is blank: give a value or leave the parameter out",
                ));
            }
            // One value per parameter, as for a JSON body's keys: `?page=1&page=2` would
            // otherwise mean whichever a reader took.
            if params.contains_key(&name) {
                return Err(AppError::bad_field(&name, "is given more than once"));
            }
            params.insert(name, value);
        }
        Ok(Self(params))
    }
}

impl FromRequest for ApiQuery {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::read(req.query_string()).map_err(Into::into))
    }
}

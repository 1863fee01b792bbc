//! Query-string parameters, read as text and parsed one by one so that an error names the
//! parameter; and the paging every list shares.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Parses an optional parameter; blank is absent.
pub fn parse<T: FromStr>(field: &str, value: Option<&str>) -> Result<Option<T>, AppError>
where
    T::Err: std::fmt::Display,
{
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|e| AppError::bad_field(field, format!("{e}"))),
    }
}

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn from_query(page: Option<&str>, per_page: Option<&str>) -> Result<Self, AppError> {
        let page = parse::<i64>("page", page)?.unwrap_or(1);
        let per_page = parse::<i64>("per_page", per_page)?.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=1_000_000).contains(&page) {
            return Err(AppError::bad_field("page", "must be between 1 and 1000000"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::bad_field(
                "per_page",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        Ok(Self { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// `{"items": [...], "total": N, "page": P, "per_page": S}`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> ListPage<T> {
    /// A list shown whole, as one page.
    pub fn whole(items: Vec<T>) -> Self {
        let total = items.len() as i64;
        Self {
            items,
            total,
            page: 1,
            per_page: total.max(1),
        }
    }

    pub fn new(items: Vec<T>, total: i64, paging: Paging) -> Self {
        Self {
            items,
            total,
            page: paging.page,
            per_page: paging.per_page,
        }
    }
}

//! The paging every list shares, and the shape of a page of a list.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    /// A page of a list; out of range is a 400 naming the parameter.
    pub fn new(page: i64, per_page: i64) -> Result<Self, AppError> {
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

    pub(crate) fn offset(&self) -> i64 {
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
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> ListPage<T> {
    /// A list shown whole, as one page.
    pub(crate) fn whole(items: Vec<T>) -> Self {
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

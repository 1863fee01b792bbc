//! Work that runs first on the first connection a request takes: the caller's session check
//! (`http::current_user`), so that checking the caller and doing the work share one trip to
//! the blocking pool. A request's handler runs inside [`scope`] (a middleware); the check is
//! [`set`] when the caller is identified and [`take`]n by the first [`super::Database::run`]
//! of that request. A check no database work took is run by the middleware before the answer
//! leaves (`http::session_check`), so no answer skips it.

use std::cell::RefCell;
use std::future::Future;

use super::DbConn;
use crate::error::AppError;

/// What runs first: `Err` ends the request with that error, before the work runs.
pub type Check = Box<dyn FnOnce(&mut DbConn) -> Result<(), AppError> + Send>;

tokio::task_local! {
    static PENDING: RefCell<Option<Check>>;
}

/// Runs `work` (a request) with room for one pending check.
pub async fn scope<F: Future>(work: F) -> F::Output {
    PENDING.scope(RefCell::new(None), work).await
}

/// Leaves `check` for the request's first database work; gives it back outside a [`scope`].
pub fn set(check: Check) -> Result<(), Check> {
    let mut check = Some(check);
    let placed = PENDING.try_with(|pending| *pending.borrow_mut() = check.take());
    match (placed, check) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(check)) => Err(check),
        (Err(_), None) => unreachable!("the check is only taken when it was placed"),
    }
}

/// The pending check, if any (and removes it).
pub fn take() -> Option<Check> {
    PENDING
        .try_with(|pending| pending.borrow_mut().take())
        .ok()
        .flatten()
}

/// Whether a check is still waiting for database work.
pub fn pending() -> bool {
    PENDING
        .try_with(|pending| pending.borrow().is_some())
        .unwrap_or(false)
}

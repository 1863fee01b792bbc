//! Requests by a signed-in user that end in 404 are audited: an out-of-scope record answers
//! 404 exactly like one that does not exist, so probing for other branches' records (ids,
//! membership numbers) leaves a trace. The entry names the route and the numeric ids asked
//! for, never the rest of the path or the query (which can hold a name).

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::web;

use crate::accounts;
use crate::models::UserId;
use crate::state::AppState;

/// Put on the request by `CurrentUser` once the caller is known.
#[derive(Debug, Clone, Copy)]
pub struct Caller(pub UserId);

pub(crate) async fn audit_not_found(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let response = next.call(req).await?;
    if response.status() == StatusCode::NOT_FOUND {
        let request = response.request();
        let caller = request.extensions().get::<Caller>().copied();
        if let (Some(Caller(user)), Some(state)) =
            (caller, request.app_data::<web::Data<AppState>>())
        {
            let route = request
                .match_pattern()
                .unwrap_or_else(|| "(no such route)".into());
            let ids: Vec<String> = request
                .match_info()
                .iter()
                .filter(|(_, v)| v.parse::<i64>().is_ok())
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let detail = format!("{} {route} {}", request.method(), ids.join(" "));
            accounts::audit_not_found(state, user, detail.trim_end().to_owned());
        }
    }
    Ok(response)
}

//! The client address and the public origin of a request, as the configured trusted proxies
//! let them be known (see `crate::proxies`).

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::proxies::TrustedProxies;

/// The client address of a request, as the server's trusted proxies let it be known.
pub(crate) fn address(req: &HttpRequest) -> Option<IpAddr> {
    trusted(req).client(req.peer_addr().map(|a| a.ip()), req.headers())
}

/// `scheme://host` the request was sent to, as the server's trusted proxies let it be known.
pub(crate) fn origin(req: &HttpRequest) -> String {
    let own = req.app_config().host().to_owned();
    let (scheme, host) = trusted(req).origin(req.peer_addr().map(|a| a.ip()), req.headers(), &own);
    format!("{scheme}://{host}")
}

fn trusted(req: &HttpRequest) -> TrustedProxies {
    req.app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|state| state.server.trusted_proxies.clone())
        .unwrap_or_default()
}

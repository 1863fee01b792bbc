//! Whether a request is for the JSON API or for a page, decided once from the route the router
//! matched (each scope carries its `Surface` as app data), never from the raw path: the router
//! matches the percent-decoded path, so `/%61pi/…` is an API route although its raw path does
//! not start with `/api/`. Every check that treats the two differently (which credential is
//! read, whether the Origin is checked, how errors are shown) asks this.

use actix_web::HttpRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Surface {
    /// `/api/…`: bearer tokens only, JSON errors.
    Api,
    /// Everything else: the session cookie, CSRF tokens and the Origin check, HTML errors.
    Page,
}

impl Surface {
    /// The surface of the route `req` matched; `None` before routing or outside both scopes.
    pub(crate) fn of(req: &HttpRequest) -> Option<Surface> {
        req.app_data::<Surface>().copied()
    }
}

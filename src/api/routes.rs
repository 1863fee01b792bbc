//! The API's route table: every route is declared once, here through [`Routes::add`], which
//! both registers it and records its method and path, so the table the tests (and the access
//! matrix) read is the table the server answers.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, Resource, Responder, web};

/// Routes being declared under one scope.
#[derive(Default)]
pub struct Routes {
    resources: Vec<(String, Option<Resource>)>,
    table: Vec<(Method, String)>,
}

impl Routes {
    /// Declares `method path` answered by `handler`.
    pub(crate) fn add<F, Args>(mut self, method: Method, path: &str, handler: F) -> Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.table.push((method.clone(), path.to_owned()));
        let resource = self.resource(path);
        *resource = resource
            .take()
            .map(|r| r.route(web::method(method).to(handler)));
        self
    }

    /// Gives one path's resource extra data (e.g. a larger body limit for CSV imports).
    pub(crate) fn data<U: 'static>(mut self, path: &str, data: U) -> Self {
        let resource = self.resource(path);
        *resource = resource.take().map(|r| r.app_data(data));
        self
    }

    fn resource(&mut self, path: &str) -> &mut Option<Resource> {
        let at = match self.resources.iter().position(|(p, _)| p == path) {
            Some(at) => at,
            None => {
                self.resources
                    .push((path.to_owned(), Some(web::resource(path))));
                self.resources.len() - 1
            }
        };
        &mut self.resources[at].1
    }

    /// Registers every declared route on `scope`.
    pub(crate) fn register(self, mut scope: actix_web::Scope) -> actix_web::Scope {
        for (_, resource) in self.resources {
            if let Some(resource) = resource {
                scope = scope.service(resource);
            }
        }
        scope
    }

    /// Every declared route as (method, path), paths relative to the scope.
    pub(crate) fn table(&self) -> &[(Method, String)] {
        &self.table
    }
}

//! The OpenAPI 3 document of `/api/v1`, generated from the handlers' `#[utoipa::path]`
//! annotations as they are registered (`utoipa_actix_web`), and the answers every route shares:
//! the error body for 400, 401, 413, 500 and 503, bearer authentication.

use std::sync::OnceLock;

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use crate::error::ErrorBody;

/// Routes that need no token.
pub const PUBLIC: &[&str] = &["/api/v1/auth/token"];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "caseload API",
        description = "Casework and workload records of union branches, their dashboards and \
                       anonymised evidence. Every route but `POST /auth/token` needs a bearer \
                       token from that route. Lists answer `{items, total, page, per_page}`; \
                       errors answer `{error: {code, message, fields}}` with `fields` naming \
                       each field at fault. See docs/API.md.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    servers((url = "/", description = "This server: paths are relative to the address it answers on")),
    tags(
        (name = "auth", description = "Tokens and the caller's own account"),
        (name = "members", description = "Members and their workload records"),
        (name = "cases", description = "Representation cases, timelines, deadlines"),
        (name = "documents", description = "A case's papers, encrypted at rest"),
        (name = "contacts", description = "The people around a case"),
        (name = "supervision", description = "Members' supervision records and whether it is regular"),
        (name = "surveys", description = "Member surveys: one-time links, anonymous answers, frozen results"),
        (name = "reports", description = "Dashboards and anonymised evidence"),
        (name = "reference", description = "Regions, branches and employers"),
        (name = "users", description = "User accounts (administrators)"),
    ),
    modifiers(&SharedAnswers),
)]
struct ApiDoc;

/// Bearer authentication, and the answers any route may give.
struct SharedAnswers;

fn error(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            utoipa::openapi::ContentBuilder::new()
                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    ErrorBody::name(),
                ))))
                .build(),
        )
        .into()
}

impl Modify for SharedAnswers {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A token from POST /api/v1/auth/token"))
                    .build(),
            ),
        );
        components
            .schemas
            .insert(ErrorBody::name().into_owned(), ErrorBody::schema());
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = PUBLIC.contains(&path.as_str());
            for (method, operation) in operations_mut(item) {
                let answers = &mut operation.responses.responses;
                let mut add = |status: &str, description: &str| {
                    answers
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description));
                };
                add(
                    "400",
                    "A parameter or body that cannot be read; `fields` names it",
                );
                if operation.request_body.is_some() {
                    add("413", "The body is larger than the route accepts");
                }
                if method == actix_web::http::Method::PATCH {
                    add(
                        "422",
                        "A field is invalid, or the body names no field to change",
                    );
                }
                if public {
                    operation.security = Some(Vec::new());
                } else {
                    add("401", "No token, or one expired or revoked");
                    operation.security =
                        Some(vec![utoipa::openapi::security::SecurityRequirement::new(
                            "bearer",
                            Vec::<String>::new(),
                        )]);
                }
                add("500", "Something failed on our side (the cause is logged)");
                add(
                    "503",
                    "The database is unavailable; retry after `Retry-After` seconds",
                );
            }
        }
    }
}

/// The operations of a path, with their methods.
pub(crate) fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<
    Item = (
        actix_web::http::Method,
        &mut utoipa::openapi::path::Operation,
    ),
> {
    use actix_web::http::Method;
    [
        (Method::GET, &mut item.get),
        (Method::POST, &mut item.post),
        (Method::PUT, &mut item.put),
        (Method::PATCH, &mut item.patch),
        (Method::DELETE, &mut item.delete),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.as_mut().map(|o| (method, o)))
}

/// The document, built once from the registered routes.
pub fn document() -> &'static Document {
    static DOCUMENT: OnceLock<Document> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        use utoipa_actix_web::OpenApiFactory;
        let scope = super::v1();
        let mut document = ApiDoc::openapi();
        document.paths.merge(scope.paths());
        let mut schemas = Vec::new();
        scope.schemas(&mut schemas);
        document
            .components
            .get_or_insert_with(Default::default)
            .schemas
            .extend(schemas);
        SharedAnswers.modify(&mut document);
        drop_unreferenced_schemas(&mut document);
        document
    })
}

/// Removes component schemas nothing refers to: a generic answer (`ListPage<T>`) inlines its
/// item, which would otherwise stay behind as an unused component that linters flag.
fn drop_unreferenced_schemas(document: &mut Document) {
    fn refs(value: &serde_json::Value, found: &mut std::collections::BTreeSet<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match (key.as_str(), value) {
                        ("$ref", serde_json::Value::String(target)) => {
                            if let Some(name) = target.strip_prefix("#/components/schemas/") {
                                found.insert(name.to_owned());
                            }
                        }
                        _ => refs(value, found),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
            _ => {}
        }
    }
    loop {
        let Some(components) = document.components.take() else {
            return;
        };
        let schemas_before = components.schemas.len();
        let mut without_schemas = document.clone();
        let mut rest = components.clone();
        rest.schemas.clear();
        without_schemas.components = Some(rest);
        let mut found = std::collections::BTreeSet::new();
        refs(
            &serde_json::to_value(&without_schemas).unwrap_or_default(),
            &mut found,
        );
        for schema in components.schemas.values() {
            refs(
                &serde_json::to_value(schema).unwrap_or_default(),
                &mut found,
            );
        }
        let mut components = components;
        components.schemas.retain(|name, _| found.contains(name));
        let done = components.schemas.len() == schemas_before;
        document.components = Some(components);
        if done {
            return;
        }
    }
}

/// The document as the server serves it and `docs/openapi.json` holds it.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        let mut text = document().to_pretty_json().unwrap_or_default();
        text.push('\n');
        text
    })
}

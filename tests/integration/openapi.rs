//! The API's contract: the OpenAPI document is served, equals the committed copy, describes
//! every route the server answers (and nothing it does not), and its parameters are the ones
//! the handlers read; the offline explorer is served under its own, still strict, policy.

use actix_web::http::Method;
use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::fixtures::World;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|s| if s.starts_with('{') { "1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[actix_rt::test]
async fn the_served_document_is_openapi_3_and_the_committed_copy() {
    let app = TestApp::new().await;
    let served = app.get("/api/openapi.json").await;
    assert_eq!(served.status, 200, "no sign-in needed");
    let document = served.json();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json"),
    )
    .expect("docs/openapi.json");
    assert!(
        committed == served.text(),
        "docs/openapi.json differs from what the server generates; refresh it with \
         `cargo run -- openapi > docs/openapi.json` and commit it"
    );
}

/// Every operation has an id of its own: a generated client names its methods after them, and
/// two alike would overwrite one another (the employer and branch lists lost to the case list).
#[actix_rt::test]
async fn every_operation_id_is_unique() {
    let app = TestApp::new().await;
    let document = app.get("/api/openapi.json").await.json();
    let mut seen = std::collections::BTreeMap::new();
    let mut repeated = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(id) = operation["operationId"].as_str() else {
                repeated.push(format!("{method} {path} has no operation id"));
                continue;
            };
            if let Some(first) = seen.insert(id.to_owned(), format!("{method} {path}")) {
                repeated.push(format!("{id}: {first} and {method} {path}"));
            }
        }
    }
    assert!(seen.len() > 40, "{} operations", seen.len());
    assert!(repeated.is_empty(), "{repeated:#?}");
}

/// What linters (Redocly's recommended rules) and generators ask of a document beyond validity:
/// a server, a summary on every operation, no component left unused, and no boolean schema
/// for array items (`"items": false` beside `prefixItems`), which openapi-python-client refuses.
#[actix_rt::test]
async fn the_document_is_what_linters_and_generators_accept() {
    let app = TestApp::new().await;
    let document = app.get("/api/openapi.json").await.json();
    assert!(document["servers"][0]["url"].is_string(), "no servers");
    assert!(document["info"]["license"]["identifier"].is_string());
    let text = document.to_string();
    let mut faults = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation["summary"].as_str().is_none_or(str::is_empty) {
                faults.push(format!("{method} {path} has no summary"));
            }
        }
    }
    for name in document["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
    {
        if !text.contains(&format!("\"#/components/schemas/{name}\"")) {
            faults.push(format!("schema {name} is never used"));
        }
    }
    fn booleans(value: &Value, at: &str, faults: &mut Vec<String>) {
        if let Value::Object(map) = value {
            for (key, child) in map {
                let schema_keyword = key == "items";
                if schema_keyword && child.is_boolean() {
                    faults.push(format!("{at}/{key} is a boolean schema"));
                }
                booleans(child, &format!("{at}/{key}"), faults);
            }
        } else if let Value::Array(items) = value {
            for (i, child) in items.iter().enumerate() {
                booleans(child, &format!("{at}/{i}"), faults);
            }
        }
    }
    booleans(&document, "#", &mut faults);
    assert!(faults.is_empty(), "{faults:#?}");
}

#[actix_rt::test]
async fn every_documented_operation_is_answered_and_no_other_method_is() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let table = caseload::api::route_table();
    assert!(table.len() > 40, "{table:?}");
    let public = caseload::api::doc::PUBLIC;
    let mut wrong = Vec::new();
    let mut paths: Vec<&String> = table.iter().map(|(_, p)| p).collect();
    paths.sort();
    paths.dedup();
    for pattern in paths {
        let path = concrete(pattern);
        let documented: Vec<&Method> = table
            .iter()
            .filter(|(_, p)| p == pattern)
            .map(|(m, _)| m)
            .collect();
        for name in METHODS {
            let method = Method::from_bytes(name.as_bytes()).unwrap();
            let bare = TestRequest::default().method(method.clone()).uri(&path);
            let answer = if documented.contains(&&method) {
                app.call(bare).await
            } else {
                let bearer = ("authorization", format!("Bearer {admin}"));
                app.call(bare.insert_header(bearer)).await
            };
            let status = answer.status.as_u16();
            if documented.contains(&&method) {
                // A described route is registered: without a token it asks for one.
                let expected = if public.contains(&pattern.as_str()) {
                    400
                } else {
                    401
                };
                if status != expected {
                    wrong.push(format!("{name} {pattern}: {status}, expected {expected}"));
                }
            } else {
                // Any other method on the path (asked with a token, so that no sign-in check
                // answers first): 405, saying which it takes.
                let allow = answer.header("allow").unwrap_or_default().to_owned();
                let listed = documented.iter().all(|m| allow.contains(m.as_str()));
                if status != 405 || !listed {
                    wrong.push(format!("{name} {pattern}: {status} allow={allow:?}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let unknown = app.get("/api/v1/no-such-thing").await;
    assert_eq!(unknown.status, 404);
}

/// Each typed query parameter the document gives is one the handler reads: a wrong value is a
/// 400 naming it, and so is a blank one.
#[actix_rt::test]
async fn every_documented_query_parameter_is_read_and_checked() {
    let app = TestApp::new().await;
    World::build(&app);
    let admin = app.token("admin").await;
    let document = app.get("/api/openapi.json").await.json();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        let Some(parameters) = item["get"]["parameters"].as_array() else {
            continue;
        };
        for parameter in parameters.iter().filter(|p| p["in"] == "query") {
            let name = parameter["name"].as_str().unwrap();
            let schema = &parameter["schema"];
            let typed = schema["type"] != json!("string")
                && schema["type"] != json!(["string", "null"])
                || schema.get("format").is_some()
                || schema.get("pattern").is_some()
                || schema.get("$ref").is_some()
                || schema.get("oneOf").is_some();
            let mut values = vec![""];
            if typed {
                values.push("not-a-valid-value!");
            }
            for value in values {
                let uri = format!("{}?{name}={value}", concrete(path));
                let answer = app.get_as(&uri, &admin).await;
                checked += 1;
                let named = answer.json()["error"]["fields"][name].is_string();
                if answer.status != 400 || !named {
                    wrong.push(format!("{uri}: {} {}", answer.status, answer.text()));
                }
            }
        }
    }
    assert!(checked > 40, "{checked} parameters checked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[actix_rt::test]
async fn a_whole_number_written_with_a_point_is_a_whole_number() {
    let app = TestApp::new().await;
    let world = World::build(&app);
    let token = app.token("wgn.officer").await;
    let made = app
        .send_json(
            Method::POST,
            &format!("/api/v1/members/{}/workload", world.wigan_member),
            Some(&token),
            &json!({"recorded_on": "2026-06-01", "open_cases": 12.0, "source": "supervision"}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    assert_eq!(made.json()["open_cases"], 12);
    let fraction = app
        .send_json(
            Method::POST,
            &format!("/api/v1/members/{}/workload", world.wigan_member),
            Some(&token),
            &json!({"recorded_on": "2026-06-02", "open_cases": 12.5, "source": "supervision"}),
        )
        .await;
    assert_eq!(fraction.status, 400);
    assert!(fraction.json()["error"]["fields"]["open_cases"].is_string());
}

#[actix_rt::test]
async fn the_explorer_is_served_from_the_binary_under_its_own_strict_policy() {
    let app = TestApp::new().await;
    let moved = app.get("/api/docs").await;
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some("/api/docs/"));
    let page = app.get("/api/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("swagger-ui"), "{}", page.text());
    let policy = page.header("content-security-policy").unwrap().to_owned();
    assert!(policy.contains("script-src 'self';"), "{policy}");
    assert!(
        !policy.contains("http"),
        "nothing from another origin: {policy}"
    );
    let initializer = app.get("/api/docs/swagger-initializer.js").await.text();
    assert!(initializer.contains("/api/openapi.json"), "{initializer}");
    let bundle = app.get("/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status, 200);
    // Every other page keeps the policy with no inline style at all.
    let login = app.get("/login").await;
    let strict = login.header("content-security-policy").unwrap();
    assert!(!strict.contains("unsafe-inline"), "{strict}");
    let _: Value = app.get("/api/openapi.json").await.json();
}

/// The API answers with view types, not database rows: each record's answer holds exactly the
/// fields its schema documents, so a column added to a table does not reach a client unless
/// its view (and so the document) says so.
#[actix_rt::test]
async fn every_record_answer_holds_exactly_its_documented_fields() {
    use std::collections::BTreeSet;
    let app = TestApp::new().await;
    let world = World::build(&app);
    let admin = app.token("admin").await;
    let document = app.get("/api/openapi.json").await.json();
    let schemas = &document["components"]["schemas"];
    let resolve = |schema: &Value| -> Value {
        match schema["$ref"].as_str() {
            Some(r) => schemas[r.rsplit('/').next().unwrap()].clone(),
            None => schema.clone(),
        }
    };
    // The fields a schema documents; a flattened part (`allOf`) adds its own.
    let fields_of = |schema: &Value| -> BTreeSet<String> {
        let schema = resolve(schema);
        let mut fields = BTreeSet::new();
        for part in std::iter::once(&schema).chain(schema["allOf"].as_array().into_iter().flatten())
        {
            if let Some(props) = resolve(part)["properties"].as_object() {
                fields.extend(props.keys().cloned());
            }
        }
        fields
    };
    // What a path's 200 answer documents: the record, or for a list its items.
    let documented = |path: &str, list: bool| -> BTreeSet<String> {
        let template = document["paths"]
            .as_object()
            .unwrap()
            .keys()
            .find(|t| {
                let (t, p): (Vec<&str>, Vec<&str>) =
                    (t.split('/').collect(), path.split('/').collect());
                t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t == p || t.starts_with('{'))
            })
            .unwrap();
        let answer = resolve(
            &document["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"],
        );
        fields_of(if list {
            &answer["properties"]["items"]["items"]
        } else {
            &answer
        })
    };
    let record = app
        .send_json(
            actix_web::http::Method::POST,
            &format!("/api/v1/members/{}/workload", world.wigan_member),
            Some(&admin),
            &serde_json::json!({"recorded_on": "2026-05-01", "open_cases": 9, "source": "supervision"}),
        )
        .await
        .json();
    for (path, list) in [
        (format!("/api/v1/members/{}", world.wigan_member), false),
        (format!("/api/v1/cases/{}", world.wigan_case), false),
        ("/api/v1/cases".to_owned(), true),
        ("/api/v1/members".to_owned(), true),
        (format!("/api/v1/users/{}", world.wigan_officer), false),
        ("/api/v1/regions".to_owned(), true),
        ("/api/v1/branches".to_owned(), true),
        ("/api/v1/employers".to_owned(), true),
    ] {
        let answer = app.get_as(&path, &admin).await.json();
        let item = if list {
            answer["items"][0].clone()
        } else {
            answer
        };
        let sent: BTreeSet<String> = item.as_object().unwrap().keys().cloned().collect();
        let expected = documented(&path, list);
        assert!(!expected.is_empty(), "{path} documents no fields");
        assert_eq!(sent, expected, "{path}");
    }
    let sent: BTreeSet<String> = record.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        sent,
        fields_of(&serde_json::json!({"$ref": "#/components/schemas/WorkloadRecord"}))
    );
}

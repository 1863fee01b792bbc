//! `TestApp`: the real application in-process on a fresh database — a temporary SQLite file,
//! or, when `CASELOAD_TEST_DATABASE_URL` names a PostgreSQL server (and the `postgres` feature
//! is built), a database created for this app and dropped afterwards.

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use actix_web::web::{Bytes, Data};
use caseload::auth::token::TokenKeys;
use caseload::config::{DatabaseConfig, ServerConfig};
use caseload::db::{Backend, Database};
use caseload::{AppState, build_app};

/// The signing secret of every test app (tests forge tokens with it and with others).
pub const TEST_SECRET: &[u8] = b"test-secret-that-is-long-enough-for-hs256-signing";

/// The documents key of every test app.
pub const TEST_DOCUMENTS_KEY: &str =
    "8f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

pub fn test_vault() -> caseload::vault::Keyring {
    caseload::vault::Keyring::from_hex(TEST_DOCUMENTS_KEY).expect("a valid key")
}

pub struct TestApp {
    pub state: Data<AppState>,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub database: TestDatabase,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::build(8, 5, ServerConfig::default()).await
    }

    /// An app whose evidence menu reads `today` as the date (releases of past periods can be
    /// published without waiting for them).
    pub async fn on(today: &str) -> Self {
        let clock = caseload::state::Clock::fixed(today.parse().expect("a date"));
        Self::build_on(8, 5, ServerConfig::default(), clock).await
    }

    /// An app whose pool holds `size` connections and waits `timeout_secs` for one.
    pub async fn with_pool(size: u32, timeout_secs: u64) -> Self {
        Self::build(size, timeout_secs, ServerConfig::default()).await
    }

    /// An app served at `public_url` (e.g. https, for Secure cookies).
    pub async fn with_public_url(public_url: &str) -> Self {
        let server = ServerConfig {
            public_url: Some(public_url.to_owned()),
            ..ServerConfig::default()
        };
        Self::build(8, 5, server).await
    }

    /// An app behind reverse proxies at `proxies` (`CASELOAD_TRUSTED_PROXIES`).
    pub async fn behind(proxies: &str) -> Self {
        Self::with_server(ServerConfig {
            trusted_proxies: proxies.parse().expect("proxy addresses"),
            ..ServerConfig::default()
        })
        .await
    }

    /// An app with these server settings.
    pub async fn with_server(server: ServerConfig) -> Self {
        Self::build(8, 5, server).await
    }

    async fn build(size: u32, timeout_secs: u64, server: ServerConfig) -> Self {
        Self::build_on(size, timeout_secs, server, Default::default()).await
    }

    async fn build_on(
        size: u32,
        timeout_secs: u64,
        server: ServerConfig,
        clock: caseload::state::Clock,
    ) -> Self {
        let database = TestDatabase::create();
        let config = DatabaseConfig {
            database_url: database.url.clone(),
            db_pool_size: size,
            db_timeout_secs: timeout_secs,
        };
        let db = Database::connect(config.url().unwrap(), size, config.timeout())
            .expect("test database opens");
        db.migrate().expect("migrations apply");
        let keys = TokenKeys::new(TEST_SECRET, 8).expect("test secret is long enough");
        let mut state = AppState::new(db, server, keys, test_vault());
        state.clock = clock;
        Self {
            state: Data::new(state),
            database,
        }
    }

    pub fn backend(&self) -> Backend {
        self.state.db.backend()
    }

    pub async fn call(&self, request: TestRequest) -> TestResponse {
        let app = test::init_service(build_app(self.state.clone())).await;
        let response = test::call_service(&app, request.to_request()).await;
        let status = response.status();
        let headers = response.headers().clone();
        let body = test::read_body(response).await;
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.call(TestRequest::get().uri(path)).await
    }
}

/// A database that exists for one test and is removed when dropped.
pub struct TestDatabase {
    pub url: String,
    _sqlite_dir: Option<tempfile::TempDir>,
    #[cfg(feature = "postgres")]
    postgres: Option<PgTestDatabase>,
}

/// The PostgreSQL server to test against, if any.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub fn postgres_server() -> Option<String> {
    let url = std::env::var("CASELOAD_TEST_DATABASE_URL").ok()?;
    (cfg!(feature = "postgres") && url.starts_with("postgres")).then_some(url)
}

impl TestDatabase {
    pub fn create() -> Self {
        #[cfg(feature = "postgres")]
        if let Some(admin_url) = postgres_server() {
            let postgres = PgTestDatabase::create(admin_url);
            return Self {
                url: postgres.url(),
                _sqlite_dir: None,
                postgres: Some(postgres),
            };
        }
        let dir = tempfile::tempdir().expect("temp dir");
        Self {
            url: dir.path().join("caseload.db").display().to_string(),
            _sqlite_dir: Some(dir),
            #[cfg(feature = "postgres")]
            postgres: None,
        }
    }

    #[cfg(feature = "postgres")]
    pub fn postgres(&self) -> Option<&PgTestDatabase> {
        self.postgres.as_ref()
    }
}

#[cfg(feature = "postgres")]
pub use pg::PgTestDatabase;

#[cfg(feature = "postgres")]
mod pg {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use diesel::{Connection, PgConnection, RunQueryDsl};

    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    pub struct PgTestDatabase {
        pub admin_url: String,
        pub name: String,
    }

    impl PgTestDatabase {
        pub fn create(admin_url: String) -> Self {
            let name = format!(
                "caseload_test_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            );
            let db = Self { admin_url, name };
            db.drop_database();
            db.create_database();
            db
        }

        pub fn url(&self) -> String {
            super::with_database_name(&self.admin_url, &self.name)
        }

        fn admin(&self, sql: &str) {
            let mut admin =
                PgConnection::establish(&self.admin_url).expect("test server reachable");
            diesel::sql_query(sql).execute(&mut admin).expect(sql);
        }

        pub fn create_database(&self) {
            self.admin(&format!("CREATE DATABASE {}", self.name));
        }

        /// Drops the database even while the app holds connections to it.
        pub fn drop_database(&self) {
            self.admin(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }

    impl Drop for PgTestDatabase {
        fn drop(&mut self) {
            self.drop_database();
        }
    }
}

/// `postgres://u@h:p/old?opts` with the database name replaced.
#[cfg_attr(not(feature = "postgres"), allow(dead_code))]
pub fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_end..].find('/') {
        Some(slash) => &base[..authority_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

impl TestApp {
    /// Signs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        self.token_with(username, crate::fixtures::PASSWORD).await
    }

    /// A token for a user whose password is not the fixtures' one.
    pub async fn token_with(&self, username: &str, password: &str) -> String {
        let response = self
            .call(
                TestRequest::post()
                    .uri("/api/v1/auth/token")
                    .set_json(serde_json::json!({"username": username, "password": password})),
            )
            .await;
        assert_eq!(
            response.status,
            200,
            "sign-in of {username}: {}",
            response.text()
        );
        response.json()["token"].as_str().unwrap().to_owned()
    }

    pub async fn get_as(&self, path: &str, token: &str) -> TestResponse {
        self.call(
            TestRequest::get()
                .uri(path)
                .insert_header(("authorization", format!("Bearer {token}"))),
        )
        .await
    }

    pub async fn send_json(
        &self,
        method: actix_web::http::Method,
        path: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> TestResponse {
        let mut request = TestRequest::default()
            .method(method)
            .uri(path)
            .set_json(body);
        if let Some(token) = token {
            request = request.insert_header(("authorization", format!("Bearer {token}")));
        }
        self.call(request).await
    }

    /// Waits until queued audit entries are written.
    pub fn flush_audit(&self) {
        self.state.audit.flush();
    }

    /// The newest 200 entries of the audit trail, once every queued one is written.
    pub fn audit_entries(&self) -> Vec<caseload::models::AuditEntry> {
        self.flush_audit();
        let mut conn = self.state.db.get().unwrap();
        let paging = caseload::paging::Paging::new(1, 200).unwrap();
        caseload::models::AuditEntry::search(&mut conn, &Default::default(), paging)
            .unwrap()
            .0
    }

    /// Stops this app's state and starts another on the same database, as a restart would.
    pub async fn restart(&mut self) {
        self.state.audit.shutdown();
        let clock = self.state.clock;
        let db = Database::connect(
            caseload::db::DatabaseUrl::parse(&self.database.url).expect("the test database's url"),
            8,
            std::time::Duration::from_secs(5),
        )
        .expect("the test database opens again");
        db.migrate().expect("migrations apply");
        let keys = TokenKeys::new(TEST_SECRET, 8).expect("test secret is long enough");
        let mut state = AppState::new(db, ServerConfig::default(), keys, test_vault());
        state.clock = clock;
        self.state = Data::new(state);
    }
}

// Pages in the browser: signing in through the form, reading and posting with the session.

/// Signs in through the form; returns the session cookie's value.
pub async fn browser_sign_in(app: &TestApp, username: &str) -> String {
    let response = app
        .call(TestRequest::post().uri("/login").set_form([
            ("username", username),
            ("password", crate::fixtures::PASSWORD),
            ("next", "/"),
        ]))
        .await;
    assert_eq!(response.status, 303, "{}", response.text());
    session_cookie(&response)
        .expect("a session cookie")
        .value()
        .to_owned()
}

pub fn session_cookie(response: &TestResponse) -> Option<actix_web::cookie::Cookie<'static>> {
    response
        .headers
        .get_all("set-cookie")
        .filter_map(|v| actix_web::cookie::Cookie::parse_encoded(v.to_str().ok()?.to_owned()).ok())
        .find(|c| c.name() == "caseload_session")
}

pub async fn page(app: &TestApp, path: &str, session: &str) -> TestResponse {
    app.call(
        TestRequest::get()
            .uri(path)
            .cookie(actix_web::cookie::Cookie::new(
                "caseload_session",
                session.to_owned(),
            )),
    )
    .await
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

pub async fn post_form(
    app: &TestApp,
    path: &str,
    session: &str,
    origin: Option<&str>,
    fields: &[(&str, &str)],
) -> TestResponse {
    let mut request = TestRequest::post()
        .uri(path)
        .cookie(actix_web::cookie::Cookie::new(
            "caseload_session",
            session.to_owned(),
        ))
        .set_form(fields);
    if let Some(origin) = origin {
        request = request.insert_header(("origin", origin));
    }
    app.call(request).await
}

/// The figures of a release worked out from the records as they are now, without storing it
/// (and with no previous release to compare with): what the store would keep if it were
/// published now. For tests of the method, not of publication.
pub fn compute(
    conn: &mut caseload::db::DbConn,
    spare: Option<&mut caseload::db::DbConn>,
    scope: caseload::access::ReportScope,
    period: caseload::reports::releases::ReleasePeriod,
) -> caseload::reports::evidence::Evidence {
    compute_with(conn, spare, scope, period, |_| {})
}

/// As [`compute`], with the settings changed first: the attack tests' control computes a
/// release with no noise (D = 0, which the setting never allows).
pub fn compute_with(
    conn: &mut caseload::db::DbConn,
    spare: Option<&mut caseload::db::DbConn>,
    scope: caseload::access::ReportScope,
    period: caseload::reports::releases::ReleasePeriod,
    change: impl FnOnce(&mut caseload::models::Settings),
) -> caseload::reports::evidence::Evidence {
    use caseload::reports::evidence::{self, Previous, Request};
    let mut settings = caseload::models::Settings::load(conn).unwrap();
    change(&mut settings);
    evidence::build(
        conn,
        spare,
        Request {
            scope,
            period,
            settings: &settings,
            previous: Previous::Empty,
            published_on: period.available_on(0),
        },
    )
    .unwrap()
}

/// A `multipart/form-data` body: the small fields, then each file as a `file` part.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "caseload-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    /// Uploads files to a case through the API.
    pub async fn upload(
        &self,
        token: &str,
        case: i64,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> TestResponse {
        let (content_type, body) = multipart(fields, files);
        self.call(
            TestRequest::post()
                .uri(&format!("/api/v1/cases/{case}/documents"))
                .insert_header(("authorization", format!("Bearer {token}")))
                .insert_header(("content-type", content_type))
                .set_payload(body),
        )
        .await
    }
}

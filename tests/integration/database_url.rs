use caseload::db::url::{UrlError, redacted};
use caseload::db::{Backend, DatabaseUrl};

#[test]
fn a_plain_path_or_sqlite_url_is_an_sqlite_file() {
    assert_eq!(
        DatabaseUrl::parse("caseload.db"),
        Ok(DatabaseUrl::Sqlite("caseload.db".into()))
    );
    assert_eq!(
        DatabaseUrl::parse("sqlite:///var/lib/caseload/data.db"),
        Ok(DatabaseUrl::Sqlite("/var/lib/caseload/data.db".into()))
    );
    assert_eq!(DatabaseUrl::parse("  "), Err(UrlError::Empty));
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_schemes_choose_postgres() {
    for url in ["postgres://u@h/db", "postgresql://u@h/db"] {
        let parsed = DatabaseUrl::parse(url).unwrap();
        assert_eq!(parsed.backend(), Backend::Postgres);
    }
}

#[cfg(not(feature = "postgres"))]
#[test]
fn postgres_without_the_feature_is_refused_with_how_to_build_it() {
    let error = DatabaseUrl::parse("postgres://u@h/db").unwrap_err();
    assert_eq!(error, UrlError::PostgresNotBuilt);
    assert!(error.to_string().contains("--features postgres"));
    assert_eq!(
        DatabaseUrl::parse("x.db").unwrap().backend(),
        Backend::Sqlite
    );
}

#[test]
fn passwords_are_masked_in_urls_shown_to_people() {
    assert_eq!(
        redacted("postgres://app:s3cret@db:5432/caseload"),
        "postgres://app:***@db:5432/caseload"
    );
    assert_eq!(redacted("caseload.db"), "caseload.db");
}

/// A connection failure is reported as itself, at once, not as a pool time-out.
#[cfg(feature = "postgres")]
#[test]
fn a_postgres_connection_failure_is_named_quickly() {
    use std::time::{Duration, Instant};
    let server = crate::common::postgres_server()
        .expect("the postgres feature's tests run against CASELOAD_TEST_DATABASE_URL");
    let url = crate::common::with_database_name(&server, "caseload_no_such_database");
    let started = Instant::now();
    let error = match caseload::db::Database::connect(
        DatabaseUrl::parse(&url).unwrap(),
        2,
        Duration::from_secs(30),
    ) {
        Ok(_) => panic!("connected to a database that does not exist"),
        Err(error) => error.to_string(),
    };
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(error.contains("does not exist"), "{error}");
}

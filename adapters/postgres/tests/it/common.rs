//! The server, a fresh schema per database, the shared scenarios (`customer-care-storage`'s testkit) on it, and
//! the fixtures they share with the tests of this crate alone.

use std::sync::atomic::{AtomicU32, Ordering};

use customer_care_postgres::{Database, RowError, StoreError, postgres};
use customer_care_storage::testkit::Harness;
pub(crate) use customer_care_storage::testkit::{account, bonus, filled, jan, points_store, program};

/// The server's URL, or `None` (with the reason on stderr) when the tests must skip.
///
/// # Panics
///
/// When `CUSTOMER_CARE_PG_REQUIRED` is set and no server is reachable: CI must not pass on skipped tests.
pub(crate) fn server() -> Option<String> {
    let required = std::env::var_os("CUSTOMER_CARE_PG_REQUIRED").is_some();
    let reason = match std::env::var("CUSTOMER_CARE_PG_URL") {
        Ok(url) => match postgres::Client::connect(&url, postgres::NoTls) {
            Ok(_) => return Some(url),
            Err(e) => format!("the server at CUSTOMER_CARE_PG_URL={url} is not reachable: {e}"),
        },
        Err(_) => "CUSTOMER_CARE_PG_URL is not set (adapters/ci.sh starts a server and sets it)".to_owned(),
    };
    assert!(!required, "CUSTOMER_CARE_PG_REQUIRED is set, but {reason}");
    eprintln!("skipped: needs a PostgreSQL server: {reason}");
    None
}

/// A database in a schema of its own (unique per process and call), migrated.
pub(crate) fn fresh(url: &str) -> Database {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let schema = format!("t{}_{n}", std::process::id());
    let db = Database::connect_in_schema(url, &schema).unwrap();
    db.client().unwrap().batch_execute(&format!("SET search_path TO {schema}")).unwrap();
    db
}

/// The same schema, another connection (another writer).
pub(crate) fn reconnect(url: &str, db: &Database) -> Database {
    let schema: String = db.client().unwrap().query_one("SELECT current_schema()", &[]).unwrap().get(0);
    Database::connect_in_schema(url, &schema).unwrap()
}

/// The shared scenarios on the server, each database in a schema of its own.
pub(crate) struct Server(String);

impl Harness for Server {
    type Db = Database;

    fn open(&self) -> Database {
        fresh(&self.0)
    }

    fn reconnect(&self, db: &Database) -> Database {
        reconnect(&self.0, db)
    }

    fn execute(&self, db: &Database, sql: &str) {
        db.client().unwrap().batch_execute(sql).unwrap();
    }

    fn is_constraint(&self, error: &StoreError) -> bool {
        matches!(error, StoreError::Constraint(_))
    }

    fn row_error<'e>(&self, error: &'e StoreError) -> Option<&'e RowError> {
        if let StoreError::Row(row) = error { Some(row) } else { None }
    }
}

customer_care_storage::scenarios!(server().map(Server));

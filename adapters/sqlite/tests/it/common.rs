//! The shared scenarios (`customer-care-storage`'s testkit) on SQLite files, and the fixtures they share with the
//! tests of this crate alone.

use std::cell::Cell;

use customer_care_sqlite::{Database, RowError, StoreError};
use customer_care_storage::testkit::Harness;
pub(crate) use customer_care_storage::testkit::{account, bonus, filled, jan, points_store, program};

/// Fresh database files in a temporary directory.
pub(crate) struct Files {
    dir: tempfile::TempDir,
    next: Cell<u32>,
}

impl Harness for Files {
    type Db = Database;

    fn open(&self) -> Database {
        self.next.set(self.next.get() + 1);
        Database::open(self.dir.path().join(format!("scenario-{}.db", self.next.get()))).unwrap()
    }

    fn reconnect(&self, db: &Database) -> Database {
        Database::open(db.connection().path().unwrap()).unwrap()
    }

    fn execute(&self, db: &Database, sql: &str) {
        db.connection().execute_batch(sql).unwrap();
    }

    fn is_constraint(&self, error: &StoreError) -> bool {
        matches!(error, StoreError::Constraint(_))
    }

    fn row_error<'e>(&self, error: &'e StoreError) -> Option<&'e RowError> {
        if let StoreError::Row(row) = error { Some(row) } else { None }
    }

    fn accounts(&self) -> u64 {
        3_000
    }
}

fn files() -> Option<Files> {
    Some(Files { dir: tempfile::tempdir().unwrap(), next: Cell::new(0) })
}

customer_care_storage::scenarios!(files());

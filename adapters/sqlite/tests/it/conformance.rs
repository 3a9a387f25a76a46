//! The host's conformance kit on a database in memory (on files: the testkit's scenario, see `common`).

use customer_care::Customer;
use customer_care::host::conformance::check_store;
use customer_care_sqlite::Database;

fn codec(c: &Customer) -> Result<Customer, String> {
    serde_json::to_string(c).and_then(|json| serde_json::from_str(&json)).map_err(|e| e.to_string())
}

#[test]
fn an_in_memory_store_passes_the_kit() {
    let passed = check_store(|| Database::in_memory().unwrap().store::<Customer>("customer"), codec).unwrap();
    assert_eq!(passed.len(), 6);
}

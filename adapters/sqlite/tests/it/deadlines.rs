//! The deadline index is an index (the scheduler scenarios are the testkit's, see `common`).

use customer_care_sqlite::Database;

#[test]
fn the_due_query_reads_the_index() {
    let db = Database::in_memory().unwrap();
    let plan: Vec<String> = db
        .connection()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT stream, due_at, version FROM streams
             WHERE kind = 'points' AND due_at IS NOT NULL AND due_at <= 0 ORDER BY due_at, stream LIMIT 10",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(plan.iter().any(|step| step.contains("USING INDEX streams_due")), "{plan:?}");
    assert!(!plan.iter().any(|step| step.starts_with("SCAN streams")), "{plan:?}");
}

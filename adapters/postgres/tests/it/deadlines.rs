//! The deadline index is an index (the scheduler scenarios are the testkit's, see `common`).

use crate::common::{fresh, server};

#[test]
fn the_due_query_reads_the_index() {
    let Some(url) = server() else { return };
    let db = fresh(&url);
    let mut client = db.client().unwrap();
    // Many streams, few due: the planner takes the partial index on (kind, due_at) in every partition.
    client
        .batch_execute(
            "INSERT INTO streams (kind, stream, version, due_at)
             SELECT 'points', gen_random_uuid(), 1, 1000000 + g FROM generate_series(1, 20000) g;
             ANALYZE streams",
        )
        .unwrap();
    let plan: Vec<String> = client
        .query(
            "EXPLAIN SELECT stream, due_at, version FROM streams
             WHERE kind = 'points' AND due_at IS NOT NULL AND due_at <= 1000010 ORDER BY due_at, stream LIMIT 10",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let plan = plan.join("\n");
    assert!(plan.contains("streams_p0_kind_due_at_idx") || plan.contains("Index"), "{plan}");
    assert!(!plan.contains("Seq Scan"), "{plan}");
}

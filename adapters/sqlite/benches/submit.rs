//! Commands per second through `host::Host::submit` into a SQLite file (WAL, `synchronous = NORMAL`): 1,000
//! points accounts, one stream each, deadlines kept; one command per append, and batches of 10 commands appended
//! at once (the testkit's `bench_submit`).

use criterion::{Criterion, criterion_group, criterion_main};
use customer_care_sqlite::Database;
use customer_care_storage::testkit::bench_submit;

fn submit(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path().join("bench.db")).unwrap();
    bench_submit(c, "sqlite", &db);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = submit
}
criterion_main!(benches);
